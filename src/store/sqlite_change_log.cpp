#include "store/sqlite_change_log.h"

#include <algorithm>
#include <unordered_set>

namespace u5::store {

Status LogChangeIn(Db& db, const std::string* person_id) {
  Stmt& s = db.Cached("INSERT INTO change_log(person_id) VALUES (?1)");
  if (person_id) s.BindStatic(1, *person_id); else s.BindNull(1);
  U5_RETURN_IF_ERROR(s.Run());
  // The same position on the person (or as the last marker) is what the sync
  // feed pages by (migration 25): writers are serialized, so it is commit order.
  const int64_t seq = sqlite3_last_insert_rowid(db.raw());
  Stmt& mark = db.Cached(person_id ? "UPDATE person SET sync_seq = ?1 WHERE id = ?2"
                                   : "UPDATE change_log_state SET everything_seq = ?1 WHERE one = 1");
  mark.Bind(1, seq);
  if (person_id) mark.BindStatic(2, *person_id);
  return mark.Run();
}

namespace {
// The head inside an open read: db_id, trimmed_to and the last seq.
Status ReadState(Db& db, ChangeLogHead* head, int64_t* trimmed_to) {
  Stmt& s = db.Cached(
      "SELECT db_id, trimmed_to, (SELECT COALESCE(MAX(seq), 0) FROM change_log) FROM change_log_state WHERE one = 1");
  Status st;
  if (!s.Step(&st)) {
    s.Reset();
    return st.ok() ? Status::Internal("change_log_state has no row") : st;
  }
  head->db_id = s.Text(0);
  *trimmed_to = s.Int(1);
  // An emptied log keeps its position: AUTOINCREMENT never hands out a seq twice,
  // and trimmed_to remembers where the rows went.
  head->seq = std::max(s.Int(2), *trimmed_to);
  s.Reset();
  return Status::Ok();
}
}  // namespace

Status ReadChangeHead(Db& db, ChangeLogHead* out) {
  int64_t trimmed_to = 0;
  return ReadState(db, out, &trimmed_to);
}

Status ReadChangesAfter(Db& db, int64_t seq, ChangesAfter* out) {
  out->persons.clear();
  out->everything = false;
  ReadTx snapshot(db);
  U5_RETURN_IF_ERROR(snapshot.status());
  ChangeLogHead head;
  int64_t trimmed_to = 0;
  U5_RETURN_IF_ERROR(ReadState(db, &head, &trimmed_to));
  if (seq < trimmed_to || seq > head.seq) {
    // Rows the caller needs were dropped, or the caller saw a log this one never had (a restored copy).
    out->everything = true;
    return Status::Ok();
  }
  Stmt& s = db.Cached("SELECT person_id FROM change_log WHERE seq > ?1 ORDER BY seq");
  s.Bind(1, seq);
  std::unordered_set<std::string> seen;
  Status st;
  while (s.Step(&st)) {
    if (s.IsNull(0)) {
      out->everything = true;
      out->persons.clear();
      break;
    }
    std::string id = s.Text(0);
    if (seen.insert(id).second) out->persons.push_back(std::move(id));
  }
  s.Reset();
  return st;
}

Status TrimChangeLog(Db& db, int64_t up_to_seq) {
  Tx tx(db);
  U5_RETURN_IF_ERROR(tx.status());
  // Never past the last row: trimmed_to must not claim positions not yet handed out.
  ChangeLogHead head;
  int64_t trimmed_to = 0;
  U5_RETURN_IF_ERROR(ReadState(db, &head, &trimmed_to));
  up_to_seq = std::min(up_to_seq, head.seq);
  Stmt& del = db.Cached("DELETE FROM change_log WHERE seq <= ?1");
  del.Bind(1, up_to_seq);
  U5_RETURN_IF_ERROR(del.Run());
  Stmt& mark = db.Cached("UPDATE change_log_state SET trimmed_to = MAX(trimmed_to, ?1) WHERE one = 1");
  mark.Bind(1, up_to_seq);
  U5_RETURN_IF_ERROR(mark.Run());
  return tx.Commit();
}

}  // namespace u5::store
