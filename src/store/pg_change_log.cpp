#include "store/pg_change_log.h"

#include <algorithm>
#include <unordered_set>

namespace u5::store {

Status PgLogChangeIn(pg::Conn& conn, const std::string* person_id) {
  if (!conn.in_transaction()) return Status::Internal("the change log is appended inside a write transaction");
  U5_RETURN_IF_ERROR(conn.Run("SELECT pg_advisory_xact_lock($1)", {kChangeLogLock}));
  pg::Result r;
  U5_RETURN_IF_ERROR(conn.Query("INSERT INTO change_log(person_id) VALUES ($1) RETURNING seq",
                                {person_id ? std::optional<std::string>(*person_id) : std::nullopt}, &r));
  // The same position on the person (or as the last marker) is what the sync
  // feed pages by (migration 25, docs/sync.md).
  const int64_t seq = r.Int(0, 0);
  if (person_id) return conn.Run("UPDATE person SET sync_seq = $1 WHERE id = $2", {seq, *person_id});
  return conn.Run("UPDATE change_log_state SET everything_seq = $1 WHERE one = 1", {seq});
}

namespace {
// The head inside an open read: db_id, trimmed_to and the last seq.
Status ReadState(pg::Conn& conn, ChangeLogHead* head, int64_t* trimmed_to) {
  pg::Result r;
  U5_RETURN_IF_ERROR(conn.Query(
      "SELECT db_id, trimmed_to, (SELECT COALESCE(MAX(seq), 0) FROM change_log) FROM change_log_state WHERE one = 1", {},
      &r));
  if (r.rows() == 0) return Status::Internal("change_log_state has no row");
  head->db_id = r.Text(0, 0);
  *trimmed_to = r.Int(0, 1);
  // An emptied log keeps its position: the identity never hands out a seq twice,
  // and trimmed_to remembers where the rows went.
  head->seq = std::max(r.Int(0, 2), *trimmed_to);
  return Status::Ok();
}
}  // namespace

Status PgReadChangeHead(pg::Conn& conn, ChangeLogHead* out) {
  int64_t trimmed_to = 0;
  return ReadState(conn, out, &trimmed_to);
}

Status PgReadChangesAfter(pg::Conn& conn, int64_t seq, ChangesAfter* out) {
  out->persons.clear();
  out->everything = false;
  pg::ReadTx snapshot(conn);
  U5_RETURN_IF_ERROR(snapshot.status());
  ChangeLogHead head;
  int64_t trimmed_to = 0;
  U5_RETURN_IF_ERROR(ReadState(conn, &head, &trimmed_to));
  if (seq < trimmed_to || seq > head.seq) {
    // Rows the caller needs were dropped, or the caller saw a log this one never had (a restored copy).
    out->everything = true;
    return Status::Ok();
  }
  pg::Result r;
  U5_RETURN_IF_ERROR(conn.Query("SELECT person_id FROM change_log WHERE seq > $1 ORDER BY seq", {seq}, &r));
  std::unordered_set<std::string> seen;
  for (int i = 0; i < r.rows(); ++i) {
    if (r.IsNull(i, 0)) {
      out->everything = true;
      out->persons.clear();
      break;
    }
    std::string id = r.Text(i, 0);
    if (seen.insert(id).second) out->persons.push_back(std::move(id));
  }
  return Status::Ok();
}

Status PgTrimChangeLog(pg::Conn& conn, int64_t up_to_seq) {
  pg::Tx tx(conn);
  U5_RETURN_IF_ERROR(tx.status());
  // Under the append lock: never past the last row, and no seq drawn meanwhile below the mark.
  U5_RETURN_IF_ERROR(conn.Run("SELECT pg_advisory_xact_lock($1)", {kChangeLogLock}));
  ChangeLogHead head;
  int64_t trimmed_to = 0;
  U5_RETURN_IF_ERROR(ReadState(conn, &head, &trimmed_to));
  up_to_seq = std::min(up_to_seq, head.seq);
  U5_RETURN_IF_ERROR(conn.Run("DELETE FROM change_log WHERE seq <= $1", {up_to_seq}));
  U5_RETURN_IF_ERROR(conn.Run("UPDATE change_log_state SET trimmed_to = GREATEST(trimmed_to, $1) WHERE one = 1", {up_to_seq}));
  return tx.Commit();
}

}  // namespace u5::store
