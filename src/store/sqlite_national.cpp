// store::National over SQLite: tables national_* (migration 26).
#include <map>

#include "core/date.h"
#include "store/national.h"
#include "store/sqlite_host.h"

namespace u5::store {

namespace {

class SqliteNational final : public National {
 public:
  explicit SqliteNational(SqliteHost& host) : host_(host) {}

  Status MarkNational(const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [](Db& db) -> Status {
      Stmt& any = db.Cached("SELECT EXISTS (SELECT 1 FROM person) OR EXISTS (SELECT 1 FROM event)");
      Status st;
      const bool has = any.Step(&st) && any.Int(0) != 0;
      any.Reset();
      U5_RETURN_IF_ERROR(st);
      if (has)
        return Status::Conflict("this database holds person-level records: a national instance holds aggregates only", "db");
      Stmt& s = db.Cached("INSERT OR IGNORE INTO national_instance(one, since) VALUES (1, ?1)");
      s.Bind(1, NowIso());
      return s.Run();
    });
  }

  Status IsNational(bool* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    Stmt& s = db->Cached("SELECT EXISTS (SELECT 1 FROM national_instance)");
    Status st;
    *out = s.Step(&st) && s.Int(0) != 0;
    s.Reset();
    return st;
  }

  Status Apply(const NationalPart& part, const audit::Entry& audit,
               const std::function<void(const NationalApplied&, audit::Entry*)>& stamp,
               NationalApplied* out) override {
    *out = {};
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    Tx tx(*db);
    U5_RETURN_IF_ERROR(tx.status());
    const std::string now = NowIso();
    Stmt& get = db->Cached(
        "SELECT province, num, den, value, version, pushed_at, pushed_by FROM national_value "
        "WHERE orgunit_id = ?1 AND indicator = ?2 AND period = ?3");
    Stmt& keep = db->Cached(
        "INSERT INTO national_value_history(province, orgunit_id, indicator, period, num, den, value, version, "
        "pushed_at, pushed_by, replaced_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
    Stmt& put = db->Cached(
        "INSERT OR REPLACE INTO national_value(province, orgunit_id, indicator, period, num, den, value, version, "
        "pushed_at, pushed_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    for (const NationalValue& v : part.values) {
      get.Bind(1, v.orgunit).Bind(2, v.indicator).Bind(3, part.period);
      Status st;
      int64_t version = 0;
      if (get.Step(&st)) {
        const bool same = get.Text(0) == part.province && get.Int(1) == v.num && get.Int(2) == v.den && get.Text(3) == v.value;
        if (same) {
          ++out->unchanged;
          get.Reset();
          continue;
        }
        version = get.Int(4);
        keep.Bind(1, get.Text(0)).Bind(2, v.orgunit).Bind(3, v.indicator).Bind(4, part.period).Bind(5, get.Int(1));
        keep.Bind(6, get.Int(2)).Bind(7, get.Text(3)).Bind(8, version).Bind(9, get.Text(5)).Bind(10, get.Text(6));
        keep.Bind(11, now);
        get.Reset();
        U5_RETURN_IF_ERROR(keep.Run());
        ++out->replaced;
      } else {
        get.Reset();
        U5_RETURN_IF_ERROR(st);
        ++out->accepted;
      }
      put.Bind(1, part.province).Bind(2, v.orgunit).Bind(3, v.indicator).Bind(4, part.period).Bind(5, v.num);
      put.Bind(6, v.den).Bind(7, v.value).Bind(8, version + 1).Bind(9, now).Bind(10, audit.username);
      U5_RETURN_IF_ERROR(put.Run());
    }
    audit::Entry e = audit;
    stamp(*out, &e);
    U5_RETURN_IF_ERROR(host_.AppendAuditIn(*db, e));
    return tx.Commit();
  }

  Status Holdings(const std::string& province, const std::string& from, const std::string& to,
                  std::vector<NationalHolding>* out) override {
    out->clear();
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    Stmt& s = db->Cached(
        "SELECT period, orgunit_id, indicator, num, den, value FROM national_value "
        "WHERE province = ?1 AND period BETWEEN ?2 AND ?3 ORDER BY period");
    s.Bind(1, province).Bind(2, from).Bind(3, to);
    std::map<std::string, std::vector<NationalValue>> by_month;
    Status st;
    while (s.Step(&st)) by_month[s.Text(0)].push_back({s.Text(1), s.Text(2), s.Int(3), s.Int(4), s.Text(5)});
    s.Reset();
    U5_RETURN_IF_ERROR(st);
    *out = NationalHoldings(std::move(by_month));
    return Status::Ok();
  }

  Status Sums(const std::string& from, const std::string& to, const std::vector<std::string>& indicators,
              const std::string& province, bool by_commune, std::vector<NationalSum>* out) override {
    out->clear();
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    // One statement for every filter: an empty province or indicator list means all.
    Stmt& s = db->Cached(
        "SELECT province, CASE WHEN ?4 THEN orgunit_id ELSE '' END AS ou, indicator, SUM(num), SUM(den), "
        "COUNT(DISTINCT period) FROM national_value "
        "WHERE period BETWEEN ?1 AND ?2 AND (?3 = '' OR province = ?3) "
        "AND (?5 = '' OR instr(?5, ',' || indicator || ',') > 0) "
        "GROUP BY province, ou, indicator ORDER BY province, ou, indicator");
    std::string ids;
    for (const std::string& i : indicators) ids += "," + i;
    if (!ids.empty()) ids += ",";
    s.Bind(1, from).Bind(2, to).Bind(3, province).Bind(4, by_commune ? 1 : 0).Bind(5, ids);
    Status st;
    while (s.Step(&st)) out->push_back({s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4), s.Int(5)});
    s.Reset();
    return st;
  }

 private:
  SqliteHost& host_;
};

}  // namespace

std::unique_ptr<National> NewSqliteNational(SqliteHost& host) { return std::make_unique<SqliteNational>(host); }

}  // namespace u5::store
