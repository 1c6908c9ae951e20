// store::Signoffs over SQLite: table report_signoff (migration 11).
#include "core/date.h"
#include "store/signoffs.h"
#include "store/sqlite_host.h"

namespace u5::store {

static Status SqliteSignoffHistory(Db& db, const std::string& orgunit, const std::string& period, std::vector<SignoffRow>* out) {
  out->clear();
  Stmt& s = db.Cached(
      "SELECT seq, orgunit_id, period, action, username, at, on_date, reason, figures FROM report_signoff "
      "WHERE orgunit_id = ?1 AND period = ?2 ORDER BY seq");
  s.Bind(1, orgunit).Bind(2, period);
  Status st;
  while (s.Step(&st))
    out->push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7), s.Text(8)});
  s.Reset();
  return st;
}

namespace {

class SqliteSignoffs final : public Signoffs {
 public:
  explicit SqliteSignoffs(SqliteHost& host) : host_(host) {}

  Status History(const std::string& orgunit, const std::string& period, std::vector<SignoffRow>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    return SqliteSignoffHistory(*db, orgunit, period, out);
  }

  Status Append(SignoffRow* row, int64_t expected_last_seq, const audit::Entry& audit) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    Tx tx(*db);
    U5_RETURN_IF_ERROR(tx.status());
    // Under the write lock: the state the caller judged is still the state.
    Stmt& last = db->Cached("SELECT COALESCE(MAX(seq), 0) FROM report_signoff WHERE orgunit_id = ?1 AND period = ?2");
    last.Bind(1, row->orgunit).Bind(2, row->period);
    Status st;
    const int64_t seq = last.Step(&st) ? last.Int(0) : 0;
    last.Reset();
    U5_RETURN_IF_ERROR(st);
    if (seq != expected_last_seq)
      return Status::Conflict(row->orgunit + " " + row->period + " was signed off or reopened meanwhile; ask again", "period");
    row->at = NowIso();
    Stmt& s = db->Cached(
        "INSERT INTO report_signoff(orgunit_id, period, action, username, at, on_date, reason, figures) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
    s.Bind(1, row->orgunit).Bind(2, row->period).Bind(3, row->action).Bind(4, row->username).Bind(5, row->at);
    s.Bind(6, row->on_date).Bind(7, row->reason).Bind(8, row->figures);
    U5_RETURN_IF_ERROR(s.Run());
    row->seq = sqlite3_last_insert_rowid(db->raw());
    audit::Entry e = audit;
    U5_RETURN_IF_ERROR(host_.AppendAuditIn(*db, e));
    return tx.Commit();
  }

  Status LatestClose(const std::string& orgunit, const std::vector<std::string>& periods, SignoffRow* out,
                     bool* found) override {
    *found = false;
    if (periods.empty()) return Status::Ok();
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    // json_each: any number of period codes with one cached statement.
    std::string list = "[";
    for (size_t i = 0; i < periods.size(); ++i) {
      if (i) list += ',';
      list += '"';
      for (char c : periods[i])
        if (c != '"' && c != '\\') list += c;
      list += '"';
    }
    list += ']';
    Stmt& s = db->Cached(
        "SELECT s.seq, s.orgunit_id, s.period, s.action, s.username, s.at, s.on_date, s.reason, s.figures "
        "FROM report_signoff s "
        "WHERE s.period IN (SELECT value FROM json_each(?2)) "
        "AND s.orgunit_id IN (SELECT ancestor FROM orgunit_closure WHERE descendant = ?1) "
        "AND s.action = 'close' "
        "AND s.seq = (SELECT MAX(t.seq) FROM report_signoff t WHERE t.orgunit_id = s.orgunit_id AND t.period = s.period) "
        "LIMIT 1");
    s.Bind(1, orgunit).Bind(2, list);
    Status st;
    if (s.Step(&st)) {
      *out = {s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7), s.Text(8)};
      *found = true;
    }
    s.Reset();
    return st;
  }

 private:
  SqliteHost& host_;
};

}  // namespace

std::unique_ptr<Signoffs> NewSqliteSignoffs(SqliteHost& host) { return std::make_unique<SqliteSignoffs>(host); }

}  // namespace u5::store
