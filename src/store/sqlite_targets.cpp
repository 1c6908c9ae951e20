// store::Targets over SQLite: table plan_target (migration 14), append-only.
#include "core/date.h"
#include "store/sqlite_host.h"
#include "store/target_rules.h"
#include "store/targets.h"

namespace u5::store {
namespace {

constexpr const char* kCols =
    "plan_id, indicator_id, year, version, op, value, baseline_year, note, origin, by_id, by_name, at, reason";

TargetVersion Read(const Stmt& s) {
  TargetVersion t;
  t.plan = s.Text(0);
  t.indicator = s.Text(1);
  t.year = static_cast<int>(s.Int(2));
  t.version = s.Int(3);
  t.op = s.Text(4);
  t.value = s.Real(5);
  if (!s.IsNull(6)) t.baseline_year = static_cast<int>(s.Int(6));
  t.note = s.Text(7);
  t.origin = s.Text(8);
  t.by_id = s.Text(9);
  t.by = s.Text(10);
  t.at = s.Text(11);
  t.reason = s.Text(12);
  return t;
}

class SqliteTargets final : public Targets {
 public:
  explicit SqliteTargets(SqliteHost& host) : host_(host) {}

  Status Seed(const std::vector<TargetVersion>& from_file) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    // Most opens find every target seeded already: look before taking the write lock.
    bool any = false;
    U5_RETURN_IF_ERROR(Unseeded(*db, from_file, &any));
    if (!any) return Status::Ok();
    Tx tx(*db);
    U5_RETURN_IF_ERROR(tx.status());
    const std::string at = NowIso();
    for (const TargetVersion& f : from_file) {
      int64_t latest = 0;
      std::optional<TargetVersion> data;
      U5_RETURN_IF_ERROR(State(*db, f, &latest, &data));
      if (std::optional<TargetVersion> v = SeedVersion(f, latest, data, at)) U5_RETURN_IF_ERROR(Insert(*db, *v));
    }
    return tx.Commit();
  }

  Status Put(TargetVersion* t, const audit::Entry& audit) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    Tx tx(*db);
    U5_RETURN_IF_ERROR(tx.status());
    int64_t latest = 0;
    std::optional<TargetVersion> data;
    U5_RETURN_IF_ERROR(State(*db, *t, &latest, &data));
    t->version = latest + 1;
    t->at = NowIso();
    U5_RETURN_IF_ERROR(Insert(*db, *t));
    audit::Entry e = audit;
    U5_RETURN_IF_ERROR(host_.AppendAuditIn(*db, e));
    return tx.Commit();
  }

  Status Current(const std::string& plan, std::vector<TargetVersion>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    out->clear();
    Stmt& s = db->Cached(
        "SELECT plan_id, indicator_id, year, version, op, value, baseline_year, note, origin, by_id, by_name, at, reason "
        "FROM plan_target t WHERE plan_id = ?1 AND version = (SELECT MAX(version) FROM plan_target u "
        "WHERE u.plan_id = t.plan_id AND u.indicator_id = t.indicator_id AND u.year = t.year) ORDER BY indicator_id, year");
    s.Bind(1, plan);
    Status st;
    while (s.Step(&st)) out->push_back(Read(s));
    s.Reset();
    return st;
  }

  Status History(const std::string& plan, const std::string& indicator, int year,
                 std::vector<TargetVersion>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    out->clear();
    Stmt& s = db->Cached(
        "SELECT plan_id, indicator_id, year, version, op, value, baseline_year, note, origin, by_id, by_name, at, reason "
        "FROM plan_target WHERE plan_id = ?1 AND indicator_id = ?2 AND year = ?3 ORDER BY version");
    s.Bind(1, plan).Bind(2, indicator).Bind(3, year);
    Status st;
    while (s.Step(&st)) out->push_back(Read(s));
    s.Reset();
    return st;
  }

 private:
  // The latest version number of t's target (0: none) and its latest "data" version.
  static Status State(Db& db, const TargetVersion& t, int64_t* latest, std::optional<TargetVersion>* data) {
    Stmt& s = db.Cached(
        "SELECT plan_id, indicator_id, year, version, op, value, baseline_year, note, origin, by_id, by_name, at, reason "
        "FROM plan_target WHERE plan_id = ?1 AND indicator_id = ?2 AND year = ?3 ORDER BY version");
    s.Bind(1, t.plan).Bind(2, t.indicator).Bind(3, t.year);
    Status st;
    *latest = 0;
    data->reset();
    while (s.Step(&st)) {
      TargetVersion v = Read(s);
      *latest = v.version;
      if (v.origin == "data") *data = std::move(v);
    }
    s.Reset();
    return st;
  }

  static Status Unseeded(Db& db, const std::vector<TargetVersion>& from_file, bool* any) {
    ReadTx snapshot(db);
    U5_RETURN_IF_ERROR(snapshot.status());
    for (const TargetVersion& f : from_file) {
      int64_t latest = 0;
      std::optional<TargetVersion> data;
      U5_RETURN_IF_ERROR(State(db, f, &latest, &data));
      if (SeedVersion(f, latest, data, "")) {
        *any = true;
        return Status::Ok();
      }
    }
    *any = false;
    return Status::Ok();
  }

  static Status Insert(Db& db, const TargetVersion& t) {
    Stmt& s = db.Cached(
        "INSERT INTO plan_target(plan_id, indicator_id, year, version, op, value, baseline_year, note, origin, by_id, "
        "by_name, at, reason) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)");
    s.Bind(1, t.plan).Bind(2, t.indicator).Bind(3, t.year).Bind(4, t.version).Bind(5, t.op).Bind(6, t.value);
    t.baseline_year ? s.Bind(7, *t.baseline_year) : s.BindNull(7);
    s.Bind(8, t.note).Bind(9, t.origin).Bind(10, t.by_id).Bind(11, t.by).Bind(12, t.at).Bind(13, t.reason);
    return s.Run();
  }

  SqliteHost& host_;
};

}  // namespace

std::unique_ptr<Targets> NewSqliteTargets(SqliteHost& host) { return std::make_unique<SqliteTargets>(host); }

}  // namespace u5::store
