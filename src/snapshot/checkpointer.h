// A server's checkpoints: every interval, and once more when it stops, each
// engine brings its snapshot up to the change log's head (Keeper::Checkpoint),
// then the log drops the positions that every snapshot has passed. Between
// them, follow rounds on a short interval replay what the log says changed
// (Keeper::Follow), so a write made by another process or another server on
// the same database reaches this server's engines within that interval. Starts
// only once the engines are built: a checkpoint before would rebuild them.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace u5::snapshot {

class Checkpointer {
 public:
  // Checkpoints one engine; *seq is the position its snapshot now holds.
  using Step = std::function<Status(int64_t* seq)>;
  Checkpointer(store::Store& store, std::vector<Step> steps, std::chrono::milliseconds interval);
  // Follow steps (one an engine) run every `every` between checkpoints; set before Start.
  void SetFollow(std::vector<Step> steps, std::chrono::milliseconds every);
  ~Checkpointer();  // Stop()
  void Start();
  // Ends the thread, then a last round (after the last write: a clean stop
  // leaves snapshots that a start uses without replaying).
  Status Stop();
  // One round now, on the calling thread.
  Status Round();
  // One follow round now, on the calling thread.
  Status FollowRound();

 private:
  store::Store& store_;
  std::vector<Step> steps_, follow_;
  std::chrono::milliseconds interval_, follow_every_{0};
  std::mutex mu_, round_mu_;
  std::condition_variable cv_;
  bool stop_ = false, started_ = false, stopped_ = false;
  std::thread thread_;
};

}  // namespace u5::snapshot
