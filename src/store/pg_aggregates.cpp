// store::Aggregates over PostgreSQL: tables indicator_value and
// indicator_value_version (baseline schema, pg_migrations.cpp).
#include "core/date.h"
#include "store/aggregates.h"
#include "store/pg_host.h"
#include "store/pg_topic.h"

namespace u5::store {
namespace {

constexpr const char* kValueCols =
    "element, orgunit_id, period, source, value, numerator, denominator, note, entered_by, entered_at, document";

void AddOpt(pg::Params& p, const std::optional<double>& d) { d ? p.Add(*d) : p.AddNull(); }

class PgAggregates final : public Aggregates {
 public:
  explicit PgAggregates(PgHost& host) : host_(host) {}

  Status Put(const AggregateValue& v, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](pg::Conn& c) {
      const std::string at = NowIso();
      pg::Params params{v.element, v.orgunit, v.period, v.source};
      AddOpt(params, v.value);
      AddOpt(params, v.numerator);
      AddOpt(params, v.denominator);
      params.Add(v.note).Add(v.entered_by).Add(at).Add(v.document);
      Status st = c.Run(
          "INSERT INTO indicator_value(element, orgunit_id, period, source, value, numerator, denominator, note, entered_by, "
          "entered_at, document) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (element, orgunit_id, period, source) "
          "DO UPDATE SET value=EXCLUDED.value, numerator=EXCLUDED.numerator, denominator=EXCLUDED.denominator, "
          "note=EXCLUDED.note, entered_by=EXCLUDED.entered_by, entered_at=EXCLUDED.entered_at, document=EXCLUDED.document",
          params);
      // As on SQLite, a constraint failure means no such org unit (a retryable conflict stays one).
      if (st.code() == Code::conflict && !pg::Retryable(st)) return Status::Invalid("orgunit", "unknown org unit '" + v.orgunit + "'");
      U5_RETURN_IF_ERROR(st);
      return c.Run(
          "INSERT INTO indicator_value_version(element, orgunit_id, period, source, value, numerator, denominator, note, "
          "entered_by, entered_at, document) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
          params);
    });
  }

  Status Delete(const AggregateValue& k, const std::string& reason, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](pg::Conn& c) {
      int64_t gone = 0;
      U5_RETURN_IF_ERROR(c.Run("DELETE FROM indicator_value WHERE element=$1 AND orgunit_id=$2 AND period=$3 AND source=$4",
                               {k.element, k.orgunit, k.period, k.source}, &gone));
      if (gone == 0)
        return Status::NotFound("no " + k.source + " value of " + k.element + " for " + k.orgunit + " " + k.period, "element");
      return c.Run(
          "INSERT INTO indicator_value_version(element, orgunit_id, period, source, note, entered_by, entered_at, deleted) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7,1)",
          {k.element, k.orgunit, k.period, k.source, reason, k.entered_by, NowIso()});
    });
  }

  Status List(const std::string& orgunit, const std::string& period, const std::string& element,
              std::vector<AggregateValue>* out) override {
    return Read(std::string("SELECT ") + kValueCols +
                    " FROM indicator_value WHERE orgunit_id=$1 AND period=$2 AND ($3='' OR element=$3) "
                    "ORDER BY element, source",
                {orgunit, period, element}, false, out);
  }

  Status History(const std::string& element, const std::string& orgunit, const std::string& period,
                 std::vector<AggregateValue>* out) override {
    return Read(std::string("SELECT ") + kValueCols +
                    ", deleted FROM indicator_value_version WHERE element=$1 AND orgunit_id=$2 AND period=$3 ORDER BY seq DESC",
                {element, orgunit, period}, true, out);
  }

 private:
  // `versions`: rows of indicator_value_version, with their deleted flag as column 11.
  Status Read(const std::string& sql, const pg::Params& params, bool versions, std::vector<AggregateValue>* out) {
    out->clear();
    return host_.Read([&](pg::Conn& c) {
      return pg::ForRows(c, sql, params, [&](const pg::Result& r, int i) {
        AggregateValue v;
        v.element = r.Text(i, 0);
        v.orgunit = r.Text(i, 1);
        v.period = r.Text(i, 2);
        v.source = r.Text(i, 3);
        if (!r.IsNull(i, 4)) v.value = r.Real(i, 4);
        if (!r.IsNull(i, 5)) v.numerator = r.Real(i, 5);
        if (!r.IsNull(i, 6)) v.denominator = r.Real(i, 6);
        v.note = r.Text(i, 7);  // NULL reads as ""
        v.entered_by = r.Text(i, 8);
        v.entered_at = r.Text(i, 9);
        v.document = r.Text(i, 10);
        if (versions) v.deleted = r.Int(i, 11) != 0;
        out->push_back(std::move(v));
      });
    });
  }

  PgHost& host_;
};

}  // namespace

std::unique_ptr<Aggregates> NewPgAggregates(PgHost& host) { return std::make_unique<PgAggregates>(host); }

}  // namespace u5::store
