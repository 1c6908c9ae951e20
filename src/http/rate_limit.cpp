#include "http/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace u5::http {

int64_t RateLimit::Take(const std::string& key, int64_t now_ms) {
  if (per_minute_ <= 0) return 0;
  const double per_ms = per_minute_ / 60000.0;
  std::lock_guard lock(mu_);
  // Full buckets carry no information: forget them when the map grows, so a
  // flood of users cannot grow it without bound.
  if (buckets_.size() > 100000)
    std::erase_if(buckets_, [&](const auto& kv) { return kv.second.tokens + (now_ms - kv.second.at_ms) * per_ms >= burst_; });
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{static_cast<double>(burst_), now_ms});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens = std::min<double>(burst_, b.tokens + std::max<int64_t>(0, now_ms - b.at_ms) * per_ms);
    b.at_ms = std::max(b.at_ms, now_ms);
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return static_cast<int64_t>(std::ceil((1 - b.tokens) / per_ms));
}

}  // namespace u5::http
