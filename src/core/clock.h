// "Now" as a value the caller can replace: deadlines, escalations and overdue
// checks ask a Clock rather than the system, so tests run them on a fake
// clock instead of sleeping.
#pragma once
#include <atomic>
#include <chrono>

namespace u5 {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point Now() const = 0;
  // The process's real clock.
  static const Clock& System();
};

// A clock that stands still until moved; for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(time_point start) : now_(start.time_since_epoch().count()) {}
  time_point Now() const override { return time_point(time_point::duration(now_.load())); }
  void Set(time_point t) { now_.store(t.time_since_epoch().count()); }
  void Advance(std::chrono::system_clock::duration d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<time_point::rep> now_;
};

}  // namespace u5
