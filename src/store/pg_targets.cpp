// store::Targets over PostgreSQL: table plan_target, append-only.
#include "core/date.h"
#include "store/pg_host.h"
#include "store/pg_topic.h"
#include "store/target_rules.h"
#include "store/targets.h"

namespace u5::store {
namespace {

constexpr const char* kSelect =
    "SELECT plan_id, indicator_id, year, version, op, value, baseline_year, note, origin, by_id, by_name, at, reason "
    "FROM plan_target ";

TargetVersion Read(const pg::Result& r, int i) {
  TargetVersion t;
  t.plan = r.Text(i, 0);
  t.indicator = r.Text(i, 1);
  t.year = static_cast<int>(r.Int(i, 2));
  t.version = r.Int(i, 3);
  t.op = r.Text(i, 4);
  t.value = r.Real(i, 5);
  if (!r.IsNull(i, 6)) t.baseline_year = static_cast<int>(r.Int(i, 6));
  t.note = r.Text(i, 7);
  t.origin = r.Text(i, 8);
  t.by_id = r.Text(i, 9);
  t.by = r.Text(i, 10);
  t.at = r.Text(i, 11);
  t.reason = r.Text(i, 12);
  return t;
}

class PgTargets final : public Targets {
 public:
  explicit PgTargets(PgHost& host) : host_(host) {}

  Status Seed(const std::vector<TargetVersion>& from_file) override {
    // Most opens find every target seeded already: look before taking the lock.
    bool any = false;
    U5_RETURN_IF_ERROR(host_.Read([&](pg::Conn& c) {
      pg::ReadTx snapshot(c);
      U5_RETURN_IF_ERROR(snapshot.status());
      return Unseeded(c, from_file, &any);
    }));
    if (!any) return Status::Ok();
    return host_.WriteTx([&](pg::Conn& c) {
      U5_RETURN_IF_ERROR(Lock(c));
      const std::string at = NowIso();
      for (const TargetVersion& f : from_file) {
        int64_t latest = 0;
        std::optional<TargetVersion> data;
        U5_RETURN_IF_ERROR(State(c, f, &latest, &data));
        if (std::optional<TargetVersion> v = SeedVersion(f, latest, data, at)) U5_RETURN_IF_ERROR(Insert(c, *v));
      }
      return Status::Ok();
    });
  }

  Status Put(TargetVersion* t, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](pg::Conn& c) {
      U5_RETURN_IF_ERROR(Lock(c));
      int64_t latest = 0;
      std::optional<TargetVersion> data;
      U5_RETURN_IF_ERROR(State(c, *t, &latest, &data));
      t->version = latest + 1;
      t->at = NowIso();
      return Insert(c, *t);
    });
  }

  Status Current(const std::string& plan, std::vector<TargetVersion>* out) override {
    return host_.Read([&](pg::Conn& c) {
      out->clear();
      return pg::ForRows(c,
                         std::string(kSelect) +
                             "t WHERE plan_id = $1 AND version = (SELECT MAX(version) FROM plan_target u "
                             "WHERE u.plan_id = t.plan_id AND u.indicator_id = t.indicator_id AND u.year = t.year) "
                             "ORDER BY indicator_id, year",
                         {plan}, [&](const pg::Result& r, int i) { out->push_back(Read(r, i)); });
    });
  }

  Status History(const std::string& plan, const std::string& indicator, int year,
                 std::vector<TargetVersion>* out) override {
    return host_.Read([&](pg::Conn& c) {
      return Versions(c, plan, indicator, year, out);
    });
  }

 private:
  static Status Versions(pg::Conn& c, const std::string& plan, const std::string& indicator, int year,
                         std::vector<TargetVersion>* out) {
    out->clear();
    return pg::ForRows(c, std::string(kSelect) + "WHERE plan_id = $1 AND indicator_id = $2 AND year = $3 ORDER BY version",
                       {plan, indicator, year}, [&](const pg::Result& r, int i) { out->push_back(Read(r, i)); });
  }

  // SQLite's write lock serializes the read of the latest version and the
  // append; here a lock on the table held to the commit does (reads go on).
  static Status Lock(pg::Conn& c) { return c.Exec("LOCK TABLE plan_target IN SHARE ROW EXCLUSIVE MODE"); }

  // The latest version number of t's target (0: none) and its latest "data" version.
  static Status State(pg::Conn& c, const TargetVersion& t, int64_t* latest, std::optional<TargetVersion>* data) {
    std::vector<TargetVersion> all;
    U5_RETURN_IF_ERROR(Versions(c, t.plan, t.indicator, t.year, &all));
    *latest = all.empty() ? 0 : all.back().version;
    data->reset();
    for (TargetVersion& v : all)
      if (v.origin == "data") *data = std::move(v);
    return Status::Ok();
  }

  static Status Unseeded(pg::Conn& c, const std::vector<TargetVersion>& from_file, bool* any) {
    *any = false;
    for (const TargetVersion& f : from_file) {
      int64_t latest = 0;
      std::optional<TargetVersion> data;
      U5_RETURN_IF_ERROR(State(c, f, &latest, &data));
      if (SeedVersion(f, latest, data, "")) {
        *any = true;
        break;
      }
    }
    return Status::Ok();
  }

  static Status Insert(pg::Conn& c, const TargetVersion& t) {
    pg::Params p{t.plan, t.indicator, t.year, t.version, t.op, t.value};
    t.baseline_year ? p.Add(*t.baseline_year) : p.AddNull();
    p.Add(t.note).Add(t.origin).Add(t.by_id).Add(t.by).Add(t.at).Add(t.reason);
    return c.Run(
        "INSERT INTO plan_target(plan_id, indicator_id, year, version, op, value, baseline_year, note, origin, by_id, "
        "by_name, at, reason) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)",
        p);
  }

  PgHost& host_;
};

}  // namespace

std::unique_ptr<Targets> NewPgTargets(PgHost& host) { return std::make_unique<PgTargets>(host); }

}  // namespace u5::store
