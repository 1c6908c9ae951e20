#include "snapshot/checkpointer.h"

#include <algorithm>
#include <limits>

#include "core/log.h"

namespace u5::snapshot {

Checkpointer::Checkpointer(store::Store& store, std::vector<Step> steps, std::chrono::milliseconds interval)
    : store_(store), steps_(std::move(steps)), interval_(interval) {}

Checkpointer::~Checkpointer() { Stop(); }

void Checkpointer::SetFollow(std::vector<Step> steps, std::chrono::milliseconds every) {
  follow_ = std::move(steps);
  follow_every_ = every;
}

void Checkpointer::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stop_) return;
  started_ = true;
  thread_ = std::thread([this] {
    using Clock = std::chrono::steady_clock;
    const bool following = !follow_.empty() && follow_every_.count() > 0;
    auto next_checkpoint = Clock::now() + interval_;
    std::unique_lock lock(mu_);
    while (true) {
      auto wake = next_checkpoint;
      if (following) wake = std::min(wake, Clock::now() + follow_every_);
      if (cv_.wait_until(lock, wake, [this] { return stop_; })) break;
      lock.unlock();
      if (Clock::now() >= next_checkpoint) {
        if (Status st = Round(); !st.ok()) log::Error("checkpoint_failed", {{"error", st.ToString()}});
        next_checkpoint = Clock::now() + interval_;
      } else if (Status st = FollowRound(); !st.ok()) {
        log::Error("follow_failed", {{"error", st.ToString()}});
      }
      lock.lock();
    }
  });
}

Status Checkpointer::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return Status::Ok();
    stopped_ = stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Never started: the engines were not built, and a round would build them now.
  return started_ ? Round() : Status::Ok();
}

Status Checkpointer::FollowRound() {
  std::lock_guard round(round_mu_);
  for (const Step& step : follow_) {
    int64_t seq = 0;
    U5_RETURN_IF_ERROR(step(&seq));
  }
  return Status::Ok();
}

Status Checkpointer::Round() {
  std::lock_guard round(round_mu_);
  int64_t oldest = std::numeric_limits<int64_t>::max();
  for (const Step& step : steps_) {
    int64_t seq = 0;
    U5_RETURN_IF_ERROR(step(&seq));
    oldest = std::min(oldest, seq);
  }
  if (steps_.empty() || oldest <= 0) return Status::Ok();
  return store_.TrimChanges(oldest);
}

}  // namespace u5::snapshot
