// Login throttling: after `max_failures` failed logins within `window_ms`
// for one user name, or for one client address, further attempts are refused
// (429 with Retry-After) until the oldest of those failures leaves the window.
// Per user stops guessing one password from many addresses; per address stops
// one address trying many users. In memory: a restart forgets (documented).
#pragma once
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace u5::auth {

class LoginThrottle {
 public:
  explicit LoginThrottle(int max_failures = 5, int64_t window_ms = 60000) : max_(max_failures), window_ms_(window_ms) {}
  // 0 when a login may be tried now; else milliseconds to wait.
  int64_t RetryAfterMs(const std::string& username, const std::string& remote, int64_t now_ms);
  void RecordFailure(const std::string& username, const std::string& remote, int64_t now_ms);
  // A good password clears that user's failures (not the address's: one
  // address guessing many users must stay slowed down).
  void RecordSuccess(const std::string& username);

 private:
  int64_t WaitFor(std::deque<int64_t>& q, int64_t now_ms);
  void Prune(int64_t now_ms);
  const int max_;
  const int64_t window_ms_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<int64_t>> by_user_, by_remote_;
};

}  // namespace u5::auth
