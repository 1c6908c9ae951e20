// store::Emergencies over SQLite: table emergency (migration 19).
#include "store/emergencies.h"

#include <algorithm>

#include "store/sqlite_host.h"

namespace u5::store {
namespace {

class SqliteEmergencies final : public Emergencies {
 public:
  explicit SqliteEmergencies(SqliteHost& host) : host_(host) {}

  Status Insert(const EmergencyRow& r, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](Db& db) { return InsertOn(db, r); });
  }

  Status InsertMany(const std::vector<EmergencyRow>& rows, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](Db& db) {
      for (const EmergencyRow& r : rows) U5_RETURN_IF_ERROR(InsertOn(db, r));
      return Status::Ok();
    });
  }

  Status Update(EmergencyRow& r, int64_t expected_version, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](Db& db) {
      Stmt& s = db.Cached("UPDATE emergency SET version = version + 1, status = ?3, body = ?4 WHERE id = ?1 AND version = ?2");
      s.Bind(1, r.id).Bind(2, expected_version).Bind(3, r.status).Bind(4, r.body);
      U5_RETURN_IF_ERROR(s.Run());
      if (db.Changes() == 0) {
        EmergencyRow cur;
        if (Status st = GetOn(db, r.id, &cur); !st.ok()) return st;
        return Status::Conflict("version is " + std::to_string(cur.version) + ", not " + std::to_string(expected_version),
                                "version");
      }
      r.version = expected_version + 1;
      return Status::Ok();
    });
  }

  Status Get(const std::string& id, EmergencyRow* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    return GetOn(*db, id, out);
  }

  Status List(bool open_only, const std::string& from, std::vector<EmergencyRow>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    out->clear();
    Stmt& s = db->Cached(
        "SELECT id, version, status, raised_at, from_orgunit, to_orgunit, body FROM emergency "
        "WHERE (?1 = 0 OR status = 'open') AND raised_at >= ?2 ORDER BY raised_at, id");
    s.Bind(1, int64_t{open_only ? 1 : 0}).Bind(2, from);
    Status st;
    while (s.Step(&st)) out->push_back(Row(s));
    s.Reset();
    return st;
  }

 private:
  static Status InsertOn(Db& db, const EmergencyRow& r) {
    Stmt& s = db.Cached(
        "INSERT INTO emergency(id, version, status, raised_at, from_orgunit, to_orgunit, body) VALUES (?1,?2,?3,?4,?5,?6,?7)");
    s.Bind(1, r.id).Bind(2, std::max<int64_t>(r.version, 1)).Bind(3, r.status).Bind(4, r.raised_at);
    s.Bind(5, r.from_orgunit).Bind(6, r.to_orgunit).Bind(7, r.body);
    return s.Run();
  }

  static EmergencyRow Row(Stmt& s) {
    return {s.Text(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6)};
  }

  Status GetOn(Db& db, const std::string& id, EmergencyRow* out) {
    Stmt& s = db.Cached("SELECT id, version, status, raised_at, from_orgunit, to_orgunit, body FROM emergency WHERE id = ?1");
    s.Bind(1, id);
    Status st;
    const bool found = s.Step(&st);
    if (found) *out = Row(s);
    s.Reset();
    if (!st.ok()) return st;
    return found ? Status::Ok() : Status::NotFound("no emergency " + id);
  }

  SqliteHost& host_;
};

}  // namespace

std::unique_ptr<Emergencies> NewSqliteEmergencies(SqliteHost& host) { return std::make_unique<SqliteEmergencies>(host); }

}  // namespace u5::store
