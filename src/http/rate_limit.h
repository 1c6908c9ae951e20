// Requests per user on the routes that answer many records at once (lists,
// searches, exports): a token bucket per user, so a burst of page loads goes
// through and a script pulling the whole registry is slowed to a steady pace.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace u5::http {

class RateLimit {
 public:
  // `burst` requests at once, then `per_minute` a minute.
  RateLimit(int burst, int per_minute) : burst_(burst), per_minute_(per_minute) {}
  // 0 when `key` may go on now (and a token is taken); else milliseconds until it may.
  int64_t Take(const std::string& key, int64_t now_ms);

 private:
  struct Bucket {
    double tokens;
    int64_t at_ms;
  };
  const int burst_, per_minute_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace u5::http
