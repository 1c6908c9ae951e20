// Audit entries of reads and logins, appended in small group commits: a read
// must not pay a durable write of its own (the handbook is read thousands of
// times a second). Entries are flushed every `interval` and at shutdown; a
// crash can lose at most that window of read entries, never a write's entry
// (writes append theirs in their own transaction).
#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "audit/entry.h"
#include "store/store.h"

namespace u5::http {

class AuditSink {
 public:
  explicit AuditSink(store::Store& store, std::chrono::milliseconds interval = std::chrono::milliseconds(100));
  ~AuditSink();
  void Add(audit::Entry e);
  // Writes everything pending now (tests, shutdown, GET /audit), and waits for
  // a flush already under way.
  void Flush();

 private:
  void Run();
  store::Store& store_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::mutex flush_mu_;  // held for a whole flush (after mu_ is released)
  std::condition_variable cv_;
  std::vector<audit::Entry> pending_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace u5::http
