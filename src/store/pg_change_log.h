// The change log (store.h, ChangeLogHead) on PostgreSQL, shared by PgStore's
// record writes and the org unit load (pg_orgunit_writer.cpp). Internal to src/store.
#pragma once
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "store/change_waiter.h"
#include "store/pg.h"
#include "store/store.h"

namespace u5::store {

// Appends a row inside the caller's write transaction: the person touched, or
// (null) everything. Other servers tail the log by seq, so seqs must become
// visible in order: the append takes a transaction-level advisory lock, held
// until the caller's transaction ends, before it draws its seq. A transaction
// that appends thus commits (or rolls back) before the next can draw a seq, and
// no reader sees seq N + 1 while N may still commit. It also sends a NOTIFY on
// kChangesChannel with the seq as payload, which PostgreSQL delivers to the
// listeners when (and only if) the transaction commits.
Status PgLogChangeIn(pg::Conn& conn, const std::string* person_id);
Status PgReadChangeHead(pg::Conn& conn, ChangeLogHead* out);
Status PgReadChangesAfter(pg::Conn& conn, int64_t seq, ChangesAfter* out);
// Drops the rows up to `up_to_seq`, inside the caller's write transaction (RunWrite).
Status PgTrimChangeLog(pg::Conn& conn, int64_t up_to_seq);

inline constexpr const char* kChangesChannel = "u5_changes";

// A ChangeWaiter on a connection of its own that LISTENs on kChangesChannel.
class PgChangeWaiter final : public ChangeWaiter {
 public:
  explicit PgChangeWaiter(std::string uri) : uri_(std::move(uri)) {}
  Status Wait(int64_t after_seq, std::chrono::milliseconds timeout, bool* woken) override;

 private:
  Status WaitUntil(int64_t after_seq, std::chrono::steady_clock::time_point deadline, bool* woken);
  // Takes every notification libpq has read; true if one is of a seq after `after_seq`.
  bool Drain(int64_t after_seq);
  std::string uri_;
  std::mutex mu_;  // one wait at a time on the connection
  std::unique_ptr<pg::Conn> conn_;
};

// pg_advisory_xact_lock keys: the change log's append, the audit chain's ("u5cl", "u5au").
inline constexpr int64_t kChangeLogLock = 0x7535636c;
inline constexpr int64_t kAuditChainLock = 0x75356175;

}  // namespace u5::store
