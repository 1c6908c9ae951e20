// store::Aggregates over SQLite: table indicator_value (migration 5), its
// versions in indicator_value_version (migration 21).
#include "core/date.h"
#include "store/aggregates.h"
#include "store/sqlite_host.h"

namespace u5::store {
namespace {

void BindOpt(Stmt& s, int i, const std::optional<double>& d) { d ? s.Bind(i, *d) : s.BindNull(i); }

class SqliteAggregates final : public Aggregates {
 public:
  explicit SqliteAggregates(SqliteHost& host) : host_(host) {}

  Status Put(const AggregateValue& v, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](Db& db) {
      Stmt& s = db.Cached(
          "INSERT INTO indicator_value(element, orgunit_id, period, source, value, numerator, denominator, note, entered_by, "
          "entered_at, document) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) ON CONFLICT(element, orgunit_id, period, source) "
          "DO UPDATE SET value=excluded.value, numerator=excluded.numerator, denominator=excluded.denominator, "
          "note=excluded.note, entered_by=excluded.entered_by, entered_at=excluded.entered_at, document=excluded.document");
      const std::string at = NowIso();
      auto bind = [&](Stmt& q) {
        q.Bind(1, v.element).Bind(2, v.orgunit).Bind(3, v.period).Bind(4, v.source);
        BindOpt(q, 5, v.value);
        BindOpt(q, 6, v.numerator);
        BindOpt(q, 7, v.denominator);
        q.Bind(8, v.note).Bind(9, v.entered_by).Bind(10, at).Bind(11, v.document);
      };
      bind(s);
      Status st = s.Run();
      if (st.code() == Code::conflict) return Status::Invalid("orgunit", "unknown org unit '" + v.orgunit + "'");
      U5_RETURN_IF_ERROR(st);
      Stmt& h = db.Cached(
          "INSERT INTO indicator_value_version(element, orgunit_id, period, source, value, numerator, denominator, note, "
          "entered_by, entered_at, document) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
      bind(h);
      return h.Run();
    });
  }

  Status Delete(const AggregateValue& k, const std::string& reason, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](Db& db) {
      Stmt& s = db.Cached("DELETE FROM indicator_value WHERE element=?1 AND orgunit_id=?2 AND period=?3 AND source=?4");
      s.Bind(1, k.element).Bind(2, k.orgunit).Bind(3, k.period).Bind(4, k.source);
      U5_RETURN_IF_ERROR(s.Run());
      if (db.Changes() == 0)
        return Status::NotFound("no " + k.source + " value of " + k.element + " for " + k.orgunit + " " + k.period, "element");
      Stmt& h = db.Cached(
          "INSERT INTO indicator_value_version(element, orgunit_id, period, source, note, entered_by, entered_at, deleted) "
          "VALUES (?1,?2,?3,?4,?5,?6,?7,1)");
      h.Bind(1, k.element).Bind(2, k.orgunit).Bind(3, k.period).Bind(4, k.source).Bind(5, reason).Bind(6, k.entered_by).Bind(7, NowIso());
      return h.Run();
    });
  }

  Status List(const std::string& orgunit, const std::string& period, const std::string& element,
              std::vector<AggregateValue>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    out->clear();
    Stmt& s = db->Cached(
        "SELECT element, orgunit_id, period, source, value, numerator, denominator, note, entered_by, entered_at, document "
        "FROM indicator_value WHERE orgunit_id=?1 AND period=?2 AND (?3='' OR element=?3) ORDER BY element, source");
    s.Bind(1, orgunit).Bind(2, period).Bind(3, element);
    return Read(s, out);
  }

  Status History(const std::string& element, const std::string& orgunit, const std::string& period,
                 std::vector<AggregateValue>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    out->clear();
    Stmt& s = db->Cached(
        "SELECT element, orgunit_id, period, source, value, numerator, denominator, note, entered_by, entered_at, document, deleted "
        "FROM indicator_value_version WHERE element=?1 AND orgunit_id=?2 AND period=?3 ORDER BY seq DESC");
    s.Bind(1, element).Bind(2, orgunit).Bind(3, period);
    return Read(s, out, true);
  }

 private:
  // `versions`: rows of indicator_value_version, with their deleted flag as column 11.
  static Status Read(Stmt& s, std::vector<AggregateValue>* out, bool versions = false) {
    Status st;
    while (s.Step(&st)) {
      AggregateValue v;
      v.element = s.Text(0);
      v.orgunit = s.Text(1);
      v.period = s.Text(2);
      v.source = s.Text(3);
      if (!s.IsNull(4)) v.value = s.Real(4);
      if (!s.IsNull(5)) v.numerator = s.Real(5);
      if (!s.IsNull(6)) v.denominator = s.Real(6);
      v.note = s.IsNull(7) ? "" : s.Text(7);
      v.entered_by = s.IsNull(8) ? "" : s.Text(8);
      v.entered_at = s.Text(9);
      v.document = s.IsNull(10) ? "" : s.Text(10);
      if (versions) v.deleted = s.Int(11) != 0;
      out->push_back(std::move(v));
    }
    s.Reset();
    return st;
  }

  SqliteHost& host_;
};

}  // namespace

std::unique_ptr<Aggregates> NewSqliteAggregates(SqliteHost& host) { return std::make_unique<SqliteAggregates>(host); }

}  // namespace u5::store
