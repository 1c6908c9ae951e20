// Login throttling that slows guessing without locking real users out.
//
// Three counters, each in memory (a restart forgets, documented):
//  - per (user name, address) pair: the first `pair_free` failures cost
//    nothing; each further attempt from that pair waits a delay doubling from
//    `pair_base_delay_ms` up to `pair_max_delay_ms`. A success from the pair
//    clears it. This is what a person mistyping their own password meets.
//  - per address: `address_max` failures within `address_window_ms`, for any
//    user names. High, because a commune health station puts every worker
//    behind one NAT address; it stops one address trying many users.
//  - per user name, across addresses: `user_max` failures within
//    `user_window_ms` slow a guesser spread over many addresses, but only at
//    addresses that have themselves failed a login within `address_window_ms`:
//    a correct password from an address that has not failed is never refused.
//
// Counting is atomic: `Begin` checks the limits and reserves the attempt (as
// if it were going to fail) in one critical section, so twelve simultaneous
// guesses are counted as twelve, not as the handful that finished before the
// others were checked. The reservation is settled by `Attempt::Succeeded`,
// `Failed`, or released unsettled when the Attempt goes away (an error that
// says nothing about the password).
#pragma once
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace u5::auth {

struct ThrottleOptions {
  int pair_free = 3;
  int64_t pair_base_delay_ms = 1000;
  int64_t pair_max_delay_ms = 15LL * 60 * 1000;
  int64_t pair_forget_ms = 60LL * 60 * 1000;  // a pair quiet this long starts afresh
  int address_max = 50;
  int64_t address_window_ms = 15LL * 60 * 1000;
  int user_max = 10;
  int64_t user_window_ms = 15LL * 60 * 1000;

  // No limits at all (the API fuzzer logs in as often as it likes).
  static ThrottleOptions Unlimited() {
    ThrottleOptions o;
    o.pair_free = o.address_max = o.user_max = 1 << 30;
    return o;
  }
};

class LoginThrottle {
 public:
  class Attempt;
  explicit LoginThrottle(ThrottleOptions opts = {}) : opts_(opts) {}

  // 0 when the login may be tried now, with *attempt holding the reservation;
  // else the milliseconds to wait, and nothing is reserved.
  int64_t Begin(const std::string& username, const std::string& remote, int64_t now_ms, Attempt* attempt);

  // A reserved attempt. Move-only; releases the reservation when destroyed unsettled.
  class Attempt {
   public:
    Attempt() = default;
    Attempt(Attempt&& o) noexcept { *this = std::move(o); }
    Attempt& operator=(Attempt&& o) noexcept;
    ~Attempt() { Settle(Outcome::kReleased, 0); }
    void Succeeded(int64_t now_ms) { Settle(Outcome::kSucceeded, now_ms); }
    void Failed(int64_t now_ms) { Settle(Outcome::kFailed, now_ms); }

   private:
    friend class LoginThrottle;
    enum class Outcome { kReleased, kSucceeded, kFailed };
    void Settle(Outcome o, int64_t now_ms);
    LoginThrottle* owner_ = nullptr;
    std::string user_, remote_;
  };

 private:
  struct Pair {
    int failures = 0, inflight = 0;
    int64_t next_ms = 0;  // no attempt from the pair before this
    int64_t last_ms = 0;  // last attempt reserved or failed, for forgetting
  };
  // A failure in a window, with the other half of its pair (the user name in
  // an address's window, the address in a user name's), so that a success
  // can take back the failures of its own pair.
  struct Failure {
    int64_t ms;
    std::string other;
  };
  struct Window {
    std::deque<Failure> failures;  // oldest first
    int inflight = 0;
  };
  static std::string PairKey(const std::string& user, const std::string& remote);
  // The wait after the n-th attempt of a pair before the next.
  int64_t PairDelay(int n) const;
  void Trim(Window& w, int64_t window_ms, int64_t now_ms) const;
  int64_t WindowWait(const Window& w, int max, int64_t window_ms, int64_t now_ms) const;
  void Finish(const std::string& user, const std::string& remote, Attempt::Outcome o, int64_t now_ms);
  void Prune(int64_t now_ms);

  const ThrottleOptions opts_;
  std::mutex mu_;
  std::unordered_map<std::string, Pair> pairs_;
  std::unordered_map<std::string, Window> by_remote_, by_user_;
};

}  // namespace u5::auth
