#include "auth/throttle.h"

#include <algorithm>

namespace u5::auth {
namespace {
// User names are at most 64 bytes; a longer one cannot exist, and its key
// need not keep more.
std::string UserKey(const std::string& u) { return u.substr(0, 128); }
}  // namespace

std::string LoginThrottle::PairKey(const std::string& user, const std::string& remote) {
  std::string k = UserKey(user);
  k.push_back('\0');  // neither part holds a NUL in a key that could collide
  k += remote;
  return k;
}

int64_t LoginThrottle::PairDelay(int n) const {
  if (n < opts_.pair_free) return 0;
  const int doublings = std::min(n - opts_.pair_free, 40);
  return std::min(opts_.pair_base_delay_ms << doublings, opts_.pair_max_delay_ms);
}

void LoginThrottle::Trim(Window& w, int64_t window_ms, int64_t now_ms) const {
  while (!w.failures.empty() && w.failures.front().ms <= now_ms - window_ms) w.failures.pop_front();
}

int64_t LoginThrottle::WindowWait(const Window& w, int max, int64_t window_ms, int64_t now_ms) const {
  const int64_t count = static_cast<int64_t>(w.failures.size()) + w.inflight;
  if (count < max) return 0;
  // Attempts in flight count as failures until they are settled; the wait is
  // until enough recorded failures leave the window to make room for one more.
  const int64_t i = count - max;
  if (i < static_cast<int64_t>(w.failures.size())) return std::max<int64_t>(1, w.failures[i].ms + window_ms - now_ms);
  return 1000;  // only attempts in flight fill the limit: they settle within a password check
}

int64_t LoginThrottle::Begin(const std::string& username, const std::string& remote, int64_t now_ms, Attempt* attempt) {
  std::lock_guard lock(mu_);
  // A flood of made-up user names or addresses must not grow memory without bound.
  if (pairs_.size() + by_user_.size() + by_remote_.size() > 300000) Prune(now_ms);
  const std::string user = UserKey(username);
  Pair& p = pairs_[PairKey(user, remote)];
  if (p.inflight == 0 && now_ms - p.last_ms > opts_.pair_forget_ms) p = Pair{};
  Window& a = by_remote_[remote];
  Trim(a, opts_.address_window_ms, now_ms);
  Window& u = by_user_[user];
  Trim(u, opts_.user_window_ms, now_ms);

  int64_t wait = std::max<int64_t>(0, p.next_ms - now_ms);
  wait = std::max(wait, WindowWait(a, opts_.address_max, opts_.address_window_ms, now_ms));
  // The user name's limit binds only addresses that have failed themselves,
  // so a distributed guesser cannot lock the user out of a clean address.
  if (!a.failures.empty() || p.failures > 0) wait = std::max(wait, WindowWait(u, opts_.user_max, opts_.user_window_ms, now_ms));
  if (wait > 0) return wait;

  ++p.inflight;
  p.next_ms = std::max(p.next_ms, now_ms + PairDelay(p.failures + p.inflight));
  p.last_ms = now_ms;
  ++a.inflight;
  ++u.inflight;
  Attempt fresh;
  fresh.owner_ = this;
  fresh.user_ = user;
  fresh.remote_ = remote;
  *attempt = std::move(fresh);
  return 0;
}

void LoginThrottle::Finish(const std::string& user, const std::string& remote, Attempt::Outcome o, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Pair& p = pairs_[PairKey(user, remote)];
  Window& a = by_remote_[remote];
  Window& u = by_user_[user];
  p.inflight = std::max(0, p.inflight - 1);
  a.inflight = std::max(0, a.inflight - 1);
  u.inflight = std::max(0, u.inflight - 1);
  switch (o) {
    case Attempt::Outcome::kReleased:
      break;
    case Attempt::Outcome::kFailed: {
      ++p.failures;
      p.last_ms = now_ms;
      p.next_ms = std::max(p.next_ms, now_ms + PairDelay(p.failures + p.inflight));
      a.failures.push_back({now_ms, user});
      u.failures.push_back({now_ms, remote});
      // Older failures than twice the limit never decide a wait.
      if (static_cast<int64_t>(a.failures.size()) > 2LL * opts_.address_max) a.failures.pop_front();
      if (static_cast<int64_t>(u.failures.size()) > 2LL * opts_.user_max) u.failures.pop_front();
      break;
    }
    case Attempt::Outcome::kSucceeded: {
      // The right password from this pair: its earlier failures were typing
      // mistakes, not guesses. Other pairs' failures stay.
      p.failures = 0;
      p.next_ms = 0;
      std::erase_if(a.failures, [&](const Failure& f) { return f.other == user; });
      std::erase_if(u.failures, [&](const Failure& f) { return f.other == remote; });
      break;
    }
  }
}

LoginThrottle::Attempt& LoginThrottle::Attempt::operator=(Attempt&& o) noexcept {
  if (this != &o) {
    Settle(Outcome::kReleased, 0);
    owner_ = o.owner_;
    user_ = std::move(o.user_);
    remote_ = std::move(o.remote_);
    o.owner_ = nullptr;
  }
  return *this;
}

void LoginThrottle::Attempt::Settle(Outcome o, int64_t now_ms) {
  if (!owner_) return;
  LoginThrottle* owner = owner_;
  owner_ = nullptr;
  owner->Finish(user_, remote_, o, now_ms);
}

void LoginThrottle::Prune(int64_t now_ms) {
  for (auto it = pairs_.begin(); it != pairs_.end();) {
    if (it->second.inflight == 0 && (it->second.failures == 0 || now_ms - it->second.last_ms > opts_.pair_forget_ms) &&
        it->second.next_ms <= now_ms)
      it = pairs_.erase(it);
    else
      ++it;
  }
  for (auto [m, window] : {std::pair{&by_remote_, opts_.address_window_ms}, std::pair{&by_user_, opts_.user_window_ms}}) {
    for (auto it = m->begin(); it != m->end();) {
      Trim(it->second, window, now_ms);
      if (it->second.failures.empty() && it->second.inflight == 0) it = m->erase(it);
      else ++it;
    }
  }
  // Still too many live keys: forgetting beats running out of memory. Entries
  // with attempts in flight stay, so their reservations settle where they were made.
  if (pairs_.size() + by_user_.size() + by_remote_.size() > 200000) {
    std::erase_if(pairs_, [](const auto& kv) { return kv.second.inflight == 0; });
    std::erase_if(by_user_, [](const auto& kv) { return kv.second.inflight == 0; });
    std::erase_if(by_remote_, [](const auto& kv) { return kv.second.inflight == 0; });
  }
}

}  // namespace u5::auth
