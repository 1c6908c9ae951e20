// store::National over PostgreSQL: tables national_* (PostgreSQL migration 26,
// as SQLite's 26; docs/federation.md).
#include <map>
#include <tuple>

#include "core/date.h"
#include "store/national.h"
#include "store/pg_host.h"
#include "store/pg_topic.h"

namespace u5::store {
namespace {

class PgNational final : public National {
 public:
  explicit PgNational(PgHost& host) : host_(host) {}

  Status MarkNational(const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [](pg::Conn& c) -> Status {
      // The person and event tables' own lock: no record can be written between the check and the mark.
      U5_RETURN_IF_ERROR(c.Exec("LOCK TABLE person, event IN SHARE MODE"));
      pg::Result any;
      U5_RETURN_IF_ERROR(c.Query("SELECT EXISTS (SELECT 1 FROM person) OR EXISTS (SELECT 1 FROM event)", {}, &any));
      if (any.Text(0, 0) == "t")
        return Status::Conflict("this database holds person-level records: a national instance holds aggregates only", "db");
      return c.Run("INSERT INTO national_instance(one, since) VALUES (1, $1) ON CONFLICT (one) DO NOTHING", {NowIso()});
    });
  }

  Status IsNational(bool* out) override {
    return host_.Read([&](pg::Conn& c) {
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query("SELECT EXISTS (SELECT 1 FROM national_instance)", {}, &r));
      *out = r.Text(0, 0) == "t";
      return Status::Ok();
    });
  }

  Status Apply(const NationalPart& part, const audit::Entry& audit,
               const std::function<void(const NationalApplied&, audit::Entry*)>& stamp,
               NationalApplied* out) override {
    // The audit entry tells what the part changed, so it is stamped in the
    // transaction; a run again after a lost connection starts from nothing.
    return host_.WriteTx([&](pg::Conn& c) {
      *out = {};
      U5_RETURN_IF_ERROR(ApplyIn(c, part, audit.username, out));
      audit::Entry e = audit;
      stamp(*out, &e);
      return host_.AppendAuditIn(c, e);
    });
  }

  Status Holdings(const std::string& province, const std::string& from, const std::string& to,
                  std::vector<NationalHolding>* out) override {
    out->clear();
    return host_.Read([&](pg::Conn& c) {
      std::map<std::string, std::vector<NationalValue>> by_month;
      U5_RETURN_IF_ERROR(pg::ForRows(c,
          "SELECT period, orgunit_id, indicator, num, den, value FROM national_value "
          "WHERE province = $1 AND period BETWEEN $2 AND $3 ORDER BY period",
          {province, from, to}, [&](const pg::Result& r, int i) {
            by_month[r.Text(i, 0)].push_back({r.Text(i, 1), r.Text(i, 2), r.Int(i, 3), r.Int(i, 4), r.Text(i, 5)});
          }));
      *out = NationalHoldings(std::move(by_month));
      return Status::Ok();
    });
  }

  Status Sums(const std::string& from, const std::string& to, const std::vector<std::string>& indicators,
              const std::string& province, bool by_commune, std::vector<NationalSum>* out) override {
    out->clear();
    return host_.Read([&](pg::Conn& c) {
      // One statement for every filter: an empty province or indicator list means all.
      return pg::ForRows(c,
          "SELECT province, CASE WHEN $4::boolean THEN orgunit_id ELSE '' END AS ou, indicator, SUM(num)::bigint, "
          "SUM(den)::bigint, COUNT(DISTINCT period) FROM national_value "
          "WHERE period BETWEEN $1 AND $2 AND ($3 = '' OR province = $3) "
          "AND (cardinality($5::text[]) = 0 OR indicator = ANY($5::text[])) "
          "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
          {from, to, province, by_commune, pg::Conn::ArrayLiteral(indicators)}, [&](const pg::Result& r, int i) {
            out->push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Int(i, 3), r.Int(i, 4), r.Int(i, 5)});
          });
    });
  }

  // The part's values against what is held: new ones inserted, changed ones
  // replaced with the old row kept in the history, equal ones left alone.
  Status ApplyIn(pg::Conn& c, const NationalPart& part, const std::string& username, NationalApplied* out) {
    const std::string now = NowIso();
    // Parts of the same province and month wait for each other, as SQLite's
    // single writer makes them: each reads what the previous one wrote.
    U5_RETURN_IF_ERROR(pg::LockKey(c, "national\x1f" + part.province + "\x1f" + part.period));
    std::vector<std::string> communes;
    for (const NationalValue& v : part.values) communes.push_back(v.orgunit);
    struct Held {
      std::string province, value, pushed_at, pushed_by;
      int64_t num = 0, den = 0, version = 0;
    };
    std::map<std::pair<std::string, std::string>, Held> held;
    U5_RETURN_IF_ERROR(pg::ForRows(c,
        "SELECT orgunit_id, indicator, province, num, den, value, version, pushed_at, pushed_by FROM national_value "
        "WHERE period = $1 AND orgunit_id = ANY($2::text[])",
        {part.period, pg::Conn::ArrayLiteral(communes)}, [&](const pg::Result& r, int i) {
          held[{r.Text(i, 0), r.Text(i, 1)}] =
              Held{r.Text(i, 2), r.Text(i, 5), r.Text(i, 7), r.Text(i, 8), r.Int(i, 3), r.Int(i, 4), r.Int(i, 6)};
        }));
    for (const NationalValue& v : part.values) {
      int64_t version = 0;
      if (auto it = held.find({v.orgunit, v.indicator}); it != held.end()) {
        const Held& h = it->second;
        if (h.province == part.province && h.num == v.num && h.den == v.den && h.value == v.value) {
          ++out->unchanged;
          continue;
        }
        version = h.version;
        U5_RETURN_IF_ERROR(c.Run(
            "INSERT INTO national_value_history(province, orgunit_id, indicator, period, num, den, value, version, "
            "pushed_at, pushed_by, replaced_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
            {h.province, v.orgunit, v.indicator, part.period, h.num, h.den, h.value, version, h.pushed_at, h.pushed_by, now}));
        ++out->replaced;
      } else {
        ++out->accepted;
      }
      U5_RETURN_IF_ERROR(c.Run(
          "INSERT INTO national_value(province, orgunit_id, indicator, period, num, den, value, version, pushed_at, "
          "pushed_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (orgunit_id, indicator, period) DO UPDATE SET "
          "province = EXCLUDED.province, num = EXCLUDED.num, den = EXCLUDED.den, value = EXCLUDED.value, "
          "version = EXCLUDED.version, pushed_at = EXCLUDED.pushed_at, pushed_by = EXCLUDED.pushed_by",
          {part.province, v.orgunit, v.indicator, part.period, v.num, v.den, v.value, version + 1, now, username}));
    }
    return Status::Ok();
  }

 private:
  PgHost& host_;
};

}  // namespace

std::unique_ptr<National> NewPgNational(PgHost& host) { return std::make_unique<PgNational>(host); }

}  // namespace u5::store
