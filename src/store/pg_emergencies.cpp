// store::Emergencies over PostgreSQL: table emergency.
#include "store/emergencies.h"

#include <algorithm>

#include "store/pg_host.h"
#include "store/pg_topic.h"

namespace u5::store {
namespace {

constexpr const char* kSelect = "SELECT id, version, status, raised_at, from_orgunit, to_orgunit, body FROM emergency ";

EmergencyRow Row(const pg::Result& r, int i) {
  return {r.Text(i, 0), r.Int(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5), r.Text(i, 6)};
}

class PgEmergencies final : public Emergencies {
 public:
  explicit PgEmergencies(PgHost& host) : host_(host) {}

  Status Insert(const EmergencyRow& r, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](pg::Conn& c) { return InsertOn(c, r); });
  }

  Status InsertMany(const std::vector<EmergencyRow>& rows, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](pg::Conn& c) {
      for (const EmergencyRow& r : rows) U5_RETURN_IF_ERROR(InsertOn(c, r));
      return Status::Ok();
    });
  }

  Status Update(EmergencyRow& r, int64_t expected_version, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](pg::Conn& c) {
      int64_t changed = 0;
      U5_RETURN_IF_ERROR(c.Run("UPDATE emergency SET version = version + 1, status = $3, body = $4 WHERE id = $1 AND version = $2",
                               {r.id, expected_version, r.status, r.body}, &changed));
      if (changed == 0) {
        EmergencyRow cur;
        U5_RETURN_IF_ERROR(GetOn(c, r.id, &cur));
        return Status::Conflict("version is " + std::to_string(cur.version) + ", not " + std::to_string(expected_version),
                                "version");
      }
      r.version = expected_version + 1;
      return Status::Ok();
    });
  }

  Status Get(const std::string& id, EmergencyRow* out) override {
    return host_.Read([&](pg::Conn& c) {
      return GetOn(c, id, out);
    });
  }

  Status List(bool open_only, const std::string& from, std::vector<EmergencyRow>* out) override {
    return host_.Read([&](pg::Conn& c) {
      out->clear();
      return pg::ForRows(c,
                         std::string(kSelect) +
                             "WHERE ($1 = 0 OR status = 'open') AND raised_at >= $2 ORDER BY raised_at, id",
                         {int64_t{open_only ? 1 : 0}, from}, [&](const pg::Result& r, int i) { out->push_back(Row(r, i)); });
    });
  }

 private:
  static Status InsertOn(pg::Conn& c, const EmergencyRow& r) {
    return c.Run(
        "INSERT INTO emergency(id, version, status, raised_at, from_orgunit, to_orgunit, body) VALUES ($1,$2,$3,$4,$5,$6,$7)",
        {r.id, std::max<int64_t>(r.version, 1), r.status, r.raised_at, r.from_orgunit, r.to_orgunit, r.body});
  }

  static Status GetOn(pg::Conn& c, const std::string& id, EmergencyRow* out) {
    pg::Result r;
    U5_RETURN_IF_ERROR(c.Query(std::string(kSelect) + "WHERE id = $1", {id}, &r));
    if (r.rows() == 0) return Status::NotFound("no emergency " + id);
    *out = Row(r, 0);
    return Status::Ok();
  }

  PgHost& host_;
};

}  // namespace

std::unique_ptr<Emergencies> NewPgEmergencies(PgHost& host) { return std::make_unique<PgEmergencies>(host); }

}  // namespace u5::store
