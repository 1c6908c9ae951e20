#include "http/audit_sink.h"

#include "core/date.h"
#include "core/log.h"

namespace u5::http {

AuditSink::AuditSink(store::Store& store, std::chrono::milliseconds interval)
    : store_(store), interval_(interval), thread_([this] { Run(); }) {}

AuditSink::~AuditSink() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  Flush();
}

void AuditSink::Add(audit::Entry e) {
  if (e.at.empty()) e.at = NowIso();  // the time of the read, not of the flush
  std::lock_guard lock(mu_);
  pending_.push_back(std::move(e));
}

void AuditSink::Flush() {
  // One flush at a time: a caller that finds nothing pending still waits for a
  // batch another thread took and is writing, so entries added before the call
  // are committed when it returns.
  std::lock_guard flushing(flush_mu_);
  std::vector<audit::Entry> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return;
  const size_t n = batch.size();
  if (Status st = store_.AppendAudit(std::move(batch)); !st.ok())
    log::Error("audit_flush_failed", {{"entries", n}, {"error", st.ToString()}});
}

void AuditSink::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, interval_, [this] { return stop_; });
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace u5::http
