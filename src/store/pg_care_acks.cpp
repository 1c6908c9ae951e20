// store::CareAcks over PostgreSQL: tables care_alert_ack and care_person_status.
#include "store/care_acks.h"
#include "store/pg_host.h"
#include "store/pg_topic.h"

namespace u5::store {
namespace {

// Both tables refer to the person: a foreign-key failure means no such person.
Status UnknownPersonIsInvalid(Status st, const std::string& person_id) {
  if (st.code() == Code::conflict && !pg::Retryable(st)) return Status::Invalid("person_id", "unknown person '" + person_id + "'");
  return st;
}

class PgCareAcks final : public CareAcks {
 public:
  explicit PgCareAcks(PgHost& host) : host_(host) {}

  Status Put(const CareAck& a, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](pg::Conn& c) {
      return UnknownPersonIsInvalid(
          c.Run("INSERT INTO care_alert_ack(alert_id, person_id, rule, acked_by, acked_at, note) VALUES ($1,$2,$3,$4,$5,$6) "
                "ON CONFLICT (alert_id) DO UPDATE SET acked_by=EXCLUDED.acked_by, acked_at=EXCLUDED.acked_at, note=EXCLUDED.note",
                {a.alert_id, a.person_id, a.rule, a.by, a.at, a.note}),
          a.person_id);
    });
  }

  Status List(std::vector<CareAck>* out) override {
    return host_.Read([&](pg::Conn& c) {
      out->clear();
      return pg::ForRows(c, "SELECT alert_id, person_id, rule, acked_by, acked_at, COALESCE(note,'') FROM care_alert_ack", {},
                         [&](const pg::Result& r, int i) { out->push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5)}); });
    });
  }

  Status PutStatus(const CarePersonStatus& p, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](pg::Conn& c) {
      return UnknownPersonIsInvalid(
          c.Run("INSERT INTO care_person_status(person_id, status, since, reason, set_by, set_at) VALUES ($1,$2,$3,$4,$5,$6) "
                "ON CONFLICT (person_id) DO UPDATE SET status=EXCLUDED.status, since=EXCLUDED.since, reason=EXCLUDED.reason, "
                "set_by=EXCLUDED.set_by, set_at=EXCLUDED.set_at",
                {p.person_id, p.status, p.date, p.reason, p.by, p.at}),
          p.person_id);
    });
  }

  Status ClearStatus(const std::string& person_id, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](pg::Conn& c) {
      int64_t gone = 0;
      U5_RETURN_IF_ERROR(c.Run("DELETE FROM care_person_status WHERE person_id = $1", {person_id}, &gone));
      if (gone == 0) return Status::NotFound("person " + person_id + " has no follow-up status");
      return Status::Ok();
    });
  }

  Status ListStatuses(std::vector<CarePersonStatus>* out) override {
    return host_.Read([&](pg::Conn& c) {
      out->clear();
      return pg::ForRows(c, "SELECT person_id, status, since, reason, set_by, set_at FROM care_person_status", {},
                         [&](const pg::Result& r, int i) { out->push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5)}); });
    });
  }

 private:
  PgHost& host_;
};

}  // namespace

std::unique_ptr<CareAcks> NewPgCareAcks(PgHost& host) { return std::make_unique<PgCareAcks>(host); }

}  // namespace u5::store
