// The change log (store.h, ChangeLogHead) on PostgreSQL, shared by PgStore's
// record writes and the org unit load (pg_orgunit_writer.cpp). Internal to src/store.
#pragma once
#include <string>

#include "core/status.h"
#include "store/pg.h"
#include "store/store.h"

namespace u5::store {

// Appends a row inside the caller's write transaction: the person touched, or
// (null) everything. Other servers tail the log by seq, so seqs must become
// visible in order: the append takes a transaction-level advisory lock, held
// until the caller's transaction ends, before it draws its seq. A transaction
// that appends thus commits (or rolls back) before the next can draw a seq, and
// no reader sees seq N + 1 while N may still commit.
Status PgLogChangeIn(pg::Conn& conn, const std::string* person_id);
Status PgReadChangeHead(pg::Conn& conn, ChangeLogHead* out);
Status PgReadChangesAfter(pg::Conn& conn, int64_t seq, ChangesAfter* out);
Status PgTrimChangeLog(pg::Conn& conn, int64_t up_to_seq);

// pg_advisory_xact_lock keys: the change log's append, the audit chain's ("u5cl", "u5au").
inline constexpr int64_t kChangeLogLock = 0x7535636c;
inline constexpr int64_t kAuditChainLock = 0x75356175;

}  // namespace u5::store
