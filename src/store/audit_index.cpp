#include "store/audit_index.h"

#include <algorithm>

#include "core/log.h"

namespace u5::store {
namespace {

// The records an entry of audit_log `l` names in detail.records (an answer that
// listed many records: one entry, record_id empty), as a json_each source; no
// rows for any other entry.
#define U5_RECORDS_OF(l)                                                                              \
  "json_each(CASE WHEN " l ".record_id = '' AND instr(" l ".detail, '\"records\":[') > 0 AND json_valid(" l \
  ".detail) THEN " l ".detail ELSE '{}' END, '$.records')"

// The first column of the first row of `sql` (0 when there is none); ?1 = `arg`.
Status QueryInt(Db& db, const char* sql, int64_t* out, int64_t arg = 0) {
  Stmt& s = db.Cached(sql);
  if (sqlite3_bind_parameter_count(s.raw()) > 0) s.Bind(1, arg);
  Status st;
  *out = s.Step(&st) ? s.Int(0) : 0;
  s.Reset();
  return st;
}

// Entries of the tail (seq in (after, through]) that name a record, sorted, as run `run`.
Status SortTail(Db& db, int64_t run, int64_t after, int64_t through) {
  Stmt& r = db.Cached("INSERT INTO audit_record_run(run, level, first_seq, last_seq) VALUES (?1, 0, ?2, ?3)");
  r.Bind(1, run).Bind(2, after + 1).Bind(3, through);
  U5_RETURN_IF_ERROR(r.Run());
  Stmt& s = db.Cached(
      "INSERT INTO audit_by_record(run, record_id, seq) SELECT ?1, r, seq FROM ("
      " SELECT record_id AS r, seq FROM audit_log WHERE seq > ?2 AND seq <= ?3 AND record_id <> ''"
      " UNION ALL SELECT DISTINCT j.value, l.seq FROM audit_log l, " U5_RECORDS_OF("l") " j"
      " WHERE l.seq > ?2 AND l.seq <= ?3 AND j.type = 'text') ORDER BY r, seq");
  s.Bind(1, run).Bind(2, after).Bind(3, through);
  return s.Run();
}

// The runs of `level` become one run of level + 1 once there are `fanout` of them.
Status MergeLevel(Db& db, int level, int fanout, bool* merged) {
  *merged = false;
  int64_t count = 0, next_run = 0;
  U5_RETURN_IF_ERROR(QueryInt(db, "SELECT count(*) FROM audit_record_run WHERE level = ?1", &count, level));
  if (count < fanout) return Status::Ok();
  U5_RETURN_IF_ERROR(QueryInt(db, "SELECT coalesce(max(run), 0) + 1 FROM audit_record_run", &next_run));
  Stmt& r = db.Cached(
      "INSERT INTO audit_record_run(run, level, first_seq, last_seq) "
      "SELECT ?1, ?2 + 1, min(first_seq), max(last_seq) FROM audit_record_run WHERE level = ?2");
  r.Bind(1, next_run).Bind(2, level);
  U5_RETURN_IF_ERROR(r.Run());
  Stmt& copy = db.Cached(
      "INSERT INTO audit_by_record(run, record_id, seq) SELECT ?1, record_id, seq FROM audit_by_record "
      "WHERE run IN (SELECT run FROM audit_record_run WHERE level = ?2) ORDER BY record_id, seq");
  copy.Bind(1, next_run).Bind(2, level);
  U5_RETURN_IF_ERROR(copy.Run());
  Stmt& drop = db.Cached(
      "DELETE FROM audit_by_record WHERE run IN (SELECT run FROM audit_record_run WHERE level = ?1)");
  drop.Bind(1, level);
  U5_RETURN_IF_ERROR(drop.Run());
  Stmt& runs = db.Cached("DELETE FROM audit_record_run WHERE level = ?1");
  runs.Bind(1, level);
  U5_RETURN_IF_ERROR(runs.Run());
  log::Info("audit_runs_merged", {{"level", level + 1}, {"runs", count}, {"run", next_run}});
  *merged = true;
  return Status::Ok();
}

}  // namespace

Status IndexAuditTail(Db& db, int64_t head_seq, int64_t run_entries, int fanout, int max_level, int64_t* tail_rows) {
  int64_t sorted_through = 0, next_run = 0;
  U5_RETURN_IF_ERROR(QueryInt(db, "SELECT coalesce(max(last_seq), 0) FROM audit_record_run", &sorted_through));
  bool due = head_seq - sorted_through >= run_entries;
  if (!due && tail_rows) {
    if (*tail_rows < 0) {
      int64_t single = 0, listed = 0;
      U5_RETURN_IF_ERROR(QueryInt(db, "SELECT count(*) FROM audit_log WHERE seq > ?1 AND record_id <> ''", &single,
                                  sorted_through));
      U5_RETURN_IF_ERROR(QueryInt(db, "SELECT count(*) FROM audit_log l, " U5_RECORDS_OF("l") " j WHERE l.seq > ?1",
                                  &listed, sorted_through));
      *tail_rows = single + listed;
    }
    due = *tail_rows >= run_entries;
  }
  if (!due) return Status::Ok();
  if (tail_rows) *tail_rows = 0;
  U5_RETURN_IF_ERROR(QueryInt(db, "SELECT coalesce(max(run), 0) + 1 FROM audit_record_run", &next_run));
  U5_RETURN_IF_ERROR(SortTail(db, next_run, sorted_through, head_seq));
  // The run made by migration 13 (level 1000) is above every level merged here.
  for (int level = 0; level < std::min(max_level, 1000); ++level) {
    bool merged = false;
    U5_RETURN_IF_ERROR(MergeLevel(db, level, fanout, &merged));
    if (!merged) break;
  }
  return Status::Ok();
}

std::string AuditSeqsOfRecordSql(const std::string& record, const std::string& after) {
  // The runs: one seek each on (run, record_id). The tail: a scan of the log
  // from the end of the last run, as its entries are indexed by seq only.
  const std::string tail_from = "max(" + after + ", (SELECT coalesce(max(last_seq), 0) FROM audit_record_run))";
  return "SELECT seq FROM audit_by_record WHERE run IN (SELECT run FROM audit_record_run) AND record_id = " + record +
         " AND seq > " + after + " UNION ALL SELECT seq FROM audit_log WHERE seq > " + tail_from +
         " AND record_id = " + record + " UNION ALL SELECT l.seq FROM audit_log l, " U5_RECORDS_OF("l") " j WHERE l.seq > " +
         tail_from + " AND instr(l.detail, " + record + ") > 0 AND j.value = " + record;
}

Status VerifyAuditIndex(Db& db) {
  Stmt s;
  U5_RETURN_IF_ERROR(db.Prepare(
      "SELECT (SELECT count(*) FROM (SELECT record_id, seq FROM audit_log WHERE record_id <> '' AND "
      "        seq <= (SELECT coalesce(max(last_seq), 0) FROM audit_record_run)"
      "        UNION SELECT j.value, l.seq FROM audit_log l, " U5_RECORDS_OF("l") " j WHERE j.type = 'text' AND "
      "        l.seq <= (SELECT coalesce(max(last_seq), 0) FROM audit_record_run))),"
      "       (SELECT count(*) FROM audit_by_record),"
      "       (SELECT count(*) FROM (SELECT DISTINCT seq, record_id FROM audit_by_record)),"
      "       (SELECT count(*) FROM audit_by_record b JOIN audit_log l ON l.seq = b.seq AND (l.record_id = b.record_id"
      "        OR EXISTS (SELECT 1 FROM " U5_RECORDS_OF("l") " j WHERE j.value = b.record_id))"
      "        JOIN audit_record_run r ON r.run = b.run AND b.seq BETWEEN r.first_seq AND r.last_seq)",
      &s));
  Status st;
  if (!s.Step(&st)) return st.ok() ? Status::Internal("audit index check returned no row") : st;
  const int64_t in_log = s.Int(0), in_runs = s.Int(1), distinct = s.Int(2), matching = s.Int(3);
  if (in_log == in_runs && in_runs == distinct && distinct == matching) return Status::Ok();
  return Status::Invalid("audit_by_record",
                         "the audit entries by record are out of step with the log: " + std::to_string(in_log) +
                             " (entry, record) pairs up to the last run, the runs hold " + std::to_string(in_runs) +
                             " (" + std::to_string(distinct) + " distinct, " + std::to_string(matching) +
                             " matching the log)");
}

}  // namespace u5::store
