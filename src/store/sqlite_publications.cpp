// store::Publications over SQLite: table publication (migration 22).
#include "core/date.h"
#include "store/publications.h"
#include "store/sqlite_host.h"

namespace u5::store {

namespace {

class SqlitePublications final : public Publications {
 public:
  explicit SqlitePublications(SqliteHost& host) : host_(host) {}

  Status List(const std::string& orgunit, std::vector<PublicationRow>* out) override {
    out->clear();
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    Stmt& s = db->Cached(
        "SELECT p.orgunit_id, p.period, p.version, p.username, p.at, p.sha256, p.signed_off_at, p.body "
        "FROM publication p WHERE (?1 = '' OR p.orgunit_id = ?1) "
        "AND p.version = (SELECT MAX(q.version) FROM publication q WHERE q.orgunit_id = p.orgunit_id AND q.period = p.period) "
        "ORDER BY p.at DESC, p.period DESC");
    s.Bind(1, orgunit);
    Status st;
    while (s.Step(&st))
      out->push_back({s.Text(0), s.Text(1), s.Int(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7)});
    s.Reset();
    return st;
  }

  Status Append(PublicationRow* row, const audit::Entry& audit,
                const std::function<Status(const PublicationRow&)>& write_files) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    Tx tx(*db);
    U5_RETURN_IF_ERROR(tx.status());
    Stmt& last = db->Cached("SELECT COALESCE(MAX(version), 0) FROM publication WHERE orgunit_id = ?1 AND period = ?2");
    last.Bind(1, row->orgunit).Bind(2, row->period);
    Status st;
    row->version = (last.Step(&st) ? last.Int(0) : 0) + 1;
    last.Reset();
    U5_RETURN_IF_ERROR(st);
    if (row->at.empty()) row->at = NowIso();
    U5_RETURN_IF_ERROR(write_files(*row));
    Stmt& s = db->Cached(
        "INSERT INTO publication(orgunit_id, period, version, username, at, sha256, signed_off_at, body) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
    s.Bind(1, row->orgunit).Bind(2, row->period).Bind(3, row->version).Bind(4, row->username).Bind(5, row->at);
    s.Bind(6, row->sha256).Bind(7, row->signed_off_at).Bind(8, row->body);
    U5_RETURN_IF_ERROR(s.Run());
    audit::Entry e = audit;
    U5_RETURN_IF_ERROR(host_.AppendAuditIn(*db, e));
    return tx.Commit();
  }

 private:
  SqliteHost& host_;
};

}  // namespace

std::unique_ptr<Publications> NewSqlitePublications(SqliteHost& host) { return std::make_unique<SqlitePublications>(host); }

}  // namespace u5::store
