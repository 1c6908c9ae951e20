// Audit entries by record id, kept as sorted runs beside the append-only log
// (a small log-structured merge tree inside SQLite, tables of migration 13).
//
// Why not an index on audit_log(record_id): every read of a person's record is
// audited, and each entry would land on a random page of that index, which at
// a million entries is most of an entry's cost (docs/performance.md).
// Here the newest entries (the tail, after the last run) are found by scanning
// the log by seq; once the tail holds `run_entries` entries it is sorted into a
// run of level 0, and `fanout` runs of one level are merged into one run of the
// next, so a lookup seeks in at most fanout - 1 runs a level. Runs of the top
// level are not merged again: a merge holds the write lock, other writers wait
// at most 10 s, and a merge of runs of 500 k entries stays well within it
// (docs/performance.md, audit entries). Lookups then seek one more run a
// top-level run.
#pragma once
#include <cstdint>
#include <string>

#include "core/status.h"
#include "store/sqlite.h"

namespace u5::store {

// Inside the caller's write transaction, after the log has grown to `head_seq`:
// sorts the tail (one row per entry and record it names) into a run once it holds `run_entries` entries, then merges
// every level below `max_level` that has `fanout` runs into one run of the next.
// An entry that lists many records is as many rows of a run: `tail_rows`, when
// given, is the caller's count of (entry, record) pairs in the tail including
// the entries just appended (-1: unknown, counted here from the log), and the
// tail is also sorted once it reaches `run_entries`, so a sort holds the write
// lock no longer for answers of 1,000 records than for single reads; it is
// set to the count after the call (0 once sorted).
Status IndexAuditTail(Db& db, int64_t head_seq, int64_t run_entries, int fanout, int max_level,
                      int64_t* tail_rows = nullptr);

// SQL for "the seqs of record ?R after seq ?A" (entries under that record id
// and answers that listed it in detail.records), to use as `seq IN (...)`;
// `record` and `after` are the parameter names, e.g. "?2" and "?1".
std::string AuditSeqsOfRecordSql(const std::string& record, const std::string& after);

// Checks the runs against the log: every entry up to the last run's end that
// names records (record_id, or detail.records for an answer that listed many)
// is in exactly one run under each of them, and nothing else is. Invalid (field "audit_by_record") otherwise.
Status VerifyAuditIndex(Db& db);

}  // namespace u5::store
