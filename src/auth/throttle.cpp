#include "auth/throttle.h"

#include <algorithm>

namespace u5::auth {

int64_t LoginThrottle::WaitFor(std::deque<int64_t>& q, int64_t now_ms) {
  while (!q.empty() && q.front() <= now_ms - window_ms_) q.pop_front();
  if (static_cast<int>(q.size()) < max_) return 0;
  // Blocked until enough of the failures have aged out to leave max_-1.
  return q[q.size() - max_] + window_ms_ - now_ms;
}

int64_t LoginThrottle::RetryAfterMs(const std::string& username, const std::string& remote, int64_t now_ms) {
  std::lock_guard lock(mu_);
  int64_t wait = 0;
  if (auto it = by_user_.find(username); it != by_user_.end()) wait = std::max(wait, WaitFor(it->second, now_ms));
  if (auto it = by_remote_.find(remote); it != by_remote_.end()) wait = std::max(wait, WaitFor(it->second, now_ms));
  return wait;
}

void LoginThrottle::RecordFailure(const std::string& username, const std::string& remote, int64_t now_ms) {
  std::lock_guard lock(mu_);
  // A flood of made-up user names must not grow memory without bound.
  if (by_user_.size() + by_remote_.size() > 200000) Prune(now_ms);
  for (auto* m : {&by_user_, &by_remote_}) {
    auto& q = (*m)[m == &by_user_ ? username : remote];
    q.push_back(now_ms);
    if (static_cast<int>(q.size()) > max_ * 2) q.pop_front();
  }
}

void LoginThrottle::RecordSuccess(const std::string& username) {
  std::lock_guard lock(mu_);
  by_user_.erase(username);
}

void LoginThrottle::Prune(int64_t now_ms) {
  for (auto* m : {&by_user_, &by_remote_}) {
    for (auto it = m->begin(); it != m->end();) {
      if (it->second.empty() || it->second.back() <= now_ms - window_ms_) it = m->erase(it);
      else ++it;
    }
    if (m->size() > 100000) m->clear();  // still too many live keys: forgetting beats running out of memory
  }
}

}  // namespace u5::auth
