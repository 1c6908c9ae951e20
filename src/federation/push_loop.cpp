#include "federation/push_loop.h"

#include <cstdio>
#include <sstream>

#include "core/date.h"
#include "core/log.h"

namespace u5::federation {

std::string LastCompleteMonth(Date today) {
  int y;
  unsigned m, d;
  YmdFromDate(today, y, m, d);
  if (--m == 0) m = 12, --y;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u", y, m);
  return buf;
}

PushLoop::PushLoop(indicator::Service& svc, store::Store& store, LoopOptions o)
    : svc_(svc), store_(store), o_(std::move(o)) {}

PushLoop::~PushLoop() { Stop(); }

void PushLoop::Start() { thread_ = std::thread([this] { Run(); }); }

void PushLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PushLoop::Run() {
  std::chrono::seconds retry = o_.retry_first;
  for (;;) {
    PushOptions p = o_.push;
    p.to = LastCompleteMonth(Today());
    std::chrono::seconds wait = o_.every;
    if (p.to >= p.from) {
      std::ostringstream progress;
      PushTotals t;
      const Status st = PushAudited(svc_, store_, p, o_.audit, progress, &t);
      if (st.ok()) {
        log::Info("national_push", {{"to", p.url}, {"from", p.from}, {"to_period", p.to}, {"months_sent", t.months_sent},
                                    {"months_unchanged", t.months_unchanged}, {"accepted", t.accepted},
                                    {"replaced", t.replaced}, {"unchanged", t.unchanged}});
        retry = o_.retry_first;
      } else {
        // The national side down, a network cut: try again sooner, backing off.
        log::Error("national_push_failed", {{"to", p.url}, {"error", st.ToString()}, {"retry_s", retry.count()}});
        wait = retry;
        retry = std::min(retry * 2, o_.retry_max);
      }
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, wait, [this] { return stop_; })) return;
  }
}

}  // namespace u5::federation
