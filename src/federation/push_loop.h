// The province server's own push (`serve --push-to`, docs/federation.md): on
// a thread, every `every` the months from `from` to the last complete month
// are pushed with the server's indicator service; a failed push is retried
// after `retry_first`, doubling up to `retry_max`, until one succeeds. Months
// the national side holds as they are cost a fingerprint each, so pushing the
// whole range every time is cheap and picks up late corrections.
#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "federation/push.h"

namespace u5::federation {

struct LoopOptions {
  PushOptions push;  // from: the first month; to: ignored (the last complete month, in Vietnam's time)
  audit::Entry audit;
  std::chrono::seconds every{86400};
  std::chrono::seconds retry_first{30}, retry_max{3600};
};

class PushLoop {
 public:
  PushLoop(indicator::Service& svc, store::Store& store, LoopOptions o);
  ~PushLoop();  // Stop()
  void Start();
  void Stop();

 private:
  void Run();
  indicator::Service& svc_;
  store::Store& store_;
  LoopOptions o_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// The month before `today`'s, YYYY-MM: the last complete one.
std::string LastCompleteMonth(Date today);

}  // namespace u5::federation
