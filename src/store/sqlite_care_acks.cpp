// store::CareAcks over SQLite: tables care_alert_ack (migration 12) and
// care_person_status (migration 16).
#include "store/care_acks.h"
#include "store/sqlite_host.h"

namespace u5::store {
namespace {

// Both tables refer to the person: a foreign-key failure means no such person.
Status UnknownPersonIsInvalid(Status st, const std::string& person_id) {
  if (st.code() == Code::conflict) return Status::Invalid("person_id", "unknown person '" + person_id + "'");
  return st;
}

class SqliteCareAcks final : public CareAcks {
 public:
  explicit SqliteCareAcks(SqliteHost& host) : host_(host) {}

  Status Put(const CareAck& a, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](Db& db) {
      Stmt& s = db.Cached(
          "INSERT INTO care_alert_ack(alert_id, person_id, rule, acked_by, acked_at, note) VALUES (?1,?2,?3,?4,?5,?6) "
          "ON CONFLICT(alert_id) DO UPDATE SET acked_by=excluded.acked_by, acked_at=excluded.acked_at, note=excluded.note");
      s.Bind(1, a.alert_id).Bind(2, a.person_id).Bind(3, a.rule).Bind(4, a.by).Bind(5, a.at).Bind(6, a.note);
      return UnknownPersonIsInvalid(s.Run(), a.person_id);
    });
  }

  Status List(std::vector<CareAck>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    out->clear();
    Stmt& s = db->Cached("SELECT alert_id, person_id, rule, acked_by, acked_at, COALESCE(note,'') FROM care_alert_ack");
    Status st;
    while (s.Step(&st)) out->push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)});
    s.Reset();
    return st;
  }

  Status PutStatus(const CarePersonStatus& p, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](Db& db) {
      Stmt& s = db.Cached(
          "INSERT INTO care_person_status(person_id, status, since, reason, set_by, set_at) VALUES (?1,?2,?3,?4,?5,?6) "
          "ON CONFLICT(person_id) DO UPDATE SET status=excluded.status, since=excluded.since, reason=excluded.reason, "
          "set_by=excluded.set_by, set_at=excluded.set_at");
      s.Bind(1, p.person_id).Bind(2, p.status).Bind(3, p.date).Bind(4, p.reason).Bind(5, p.by).Bind(6, p.at);
      return UnknownPersonIsInvalid(s.Run(), p.person_id);
    });
  }

  Status ClearStatus(const std::string& person_id, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](Db& db) {
      Stmt& s = db.Cached("DELETE FROM care_person_status WHERE person_id = ?1");
      s.Bind(1, person_id);
      U5_RETURN_IF_ERROR(s.Run());
      if (db.Changes() == 0) return Status::NotFound("person " + person_id + " has no follow-up status");
      return Status::Ok();
    });
  }

  Status ListStatuses(std::vector<CarePersonStatus>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    out->clear();
    Stmt& s = db->Cached("SELECT person_id, status, since, reason, set_by, set_at FROM care_person_status");
    Status st;
    while (s.Step(&st)) out->push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)});
    s.Reset();
    return st;
  }

 private:
  SqliteHost& host_;
};

}  // namespace

std::unique_ptr<CareAcks> NewSqliteCareAcks(SqliteHost& host) { return std::make_unique<SqliteCareAcks>(host); }

}  // namespace u5::store
