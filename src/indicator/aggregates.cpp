#include "indicator/aggregates.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/date.h"
#include "indicator/period.h"

namespace u5::indicator {

bool IsKnownSource(const std::string& s) {
  return s == "routine" || s == "survey" || s == "statistical_yearbook" || s == "estimate";
}

double MaxIndicatorValue(const Indicator& i) {
  // A proportion, rate or ratio cannot exceed its multiplier (every unit counted);
  // counts and changes are bounded like entered counts.
  if (i.kind == "proportion" || i.kind == "rate" || i.kind == "ratio") return i.multiplier;
  return kMaxEnteredCount;
}

Status CheckEnteredNumbers(const Catalogue& cat, const EnteredValue& v) {
  const Indicator* ind = cat.Find(v.element);
  for (auto [name, x] : {std::pair<const char*, const std::optional<double>*>{"value", &v.value}, {"numerator", &v.numerator},
                         {"denominator", &v.denominator}}) {
    if (!*x) continue;
    const double d = **x;
    if (!std::isfinite(d)) return Status::Invalid(name, std::string(name) + " must be a finite number");
    if (d < 0) return Status::Invalid(name, std::string(name) + " must not be negative");
    if (d > kMaxEnteredCount)
      return Status::Invalid(name, std::string(name) + " must be at most " + std::to_string(static_cast<long long>(kMaxEnteredCount)));
  }
  if (v.denominator && *v.denominator <= 0) return Status::Invalid("denominator", "denominator must be positive");
  if (ind && v.value && *v.value > MaxIndicatorValue(*ind))
    return Status::Invalid("value", "value of " + ind->id + " (" + ind->unit + ") must be at most " + nlohmann::json(MaxIndicatorValue(*ind)).dump());
  // A proportion counts units of its denominator, so its numerator cannot be larger.
  if (ind && ind->kind == "proportion" && v.numerator && v.denominator && *v.numerator > *v.denominator)
    return Status::Invalid("numerator", "numerator of a proportion (" + ind->id + ") must not exceed its denominator");
  return Status::Ok();
}

Status PutValue(store::Db& db, const Catalogue& cat, const EnteredValue& v) {
  if (!cat.IsEnterable(v.element)) return Status::Invalid("element", "unknown indicator or data element '" + v.element + "'");
  Period p;
  U5_RETURN_IF_ERROR(ParsePeriod(v.period, &p));
  if (p.kind == PeriodKind::range) return Status::Invalid("period", "entered values need a calendar period, not a range");
  if (!IsKnownSource(v.source)) return Status::Invalid("source", "source must be routine, survey, statistical_yearbook or estimate");
  if (!v.value && !(v.numerator && v.denominator))
    return Status::Invalid("value", "give value, or numerator and denominator");
  U5_RETURN_IF_ERROR(CheckEnteredNumbers(cat, v));
  store::Stmt& s = db.Cached(
      "INSERT INTO indicator_value(element, orgunit_id, period, source, value, numerator, denominator, note, entered_by, "
      "entered_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) ON CONFLICT(element, orgunit_id, period, source) DO UPDATE SET "
      "value=excluded.value, numerator=excluded.numerator, denominator=excluded.denominator, note=excluded.note, "
      "entered_by=excluded.entered_by, entered_at=excluded.entered_at");
  s.Bind(1, v.element).Bind(2, v.orgunit).Bind(3, p.text).Bind(4, v.source);
  auto bind_opt = [&](int i, const std::optional<double>& d) { d ? s.Bind(i, *d) : s.BindNull(i); };
  bind_opt(5, v.value);
  bind_opt(6, v.numerator);
  bind_opt(7, v.denominator);
  s.Bind(8, v.note).Bind(9, v.entered_by).Bind(10, NowIso());
  Status st = s.Run();
  if (st.code() == Code::conflict) return Status::Invalid("orgunit", "unknown org unit '" + v.orgunit + "'");
  return st;
}

Status GetValues(store::Db& db, const std::string& orgunit, const std::string& period, const std::string& element,
                 std::vector<EnteredValue>* out) {
  out->clear();
  store::Stmt& s = db.Cached(
      "SELECT element, orgunit_id, period, source, value, numerator, denominator, note, entered_by, entered_at "
      "FROM indicator_value WHERE orgunit_id=?1 AND period=?2 AND (?3='' OR element=?3) ORDER BY element, source");
  s.Bind(1, orgunit).Bind(2, period).Bind(3, element);
  Status st;
  while (s.Step(&st)) {
    EnteredValue v;
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
    out->push_back(std::move(v));
  }
  s.Reset();
  return st;
}

std::optional<EnteredValue> BestValue(store::Db& db, const std::string& element, const std::string& orgunit,
                                      const std::string& period) {
  std::vector<EnteredValue> vs;
  if (!GetValues(db, orgunit, period, element, &vs).ok() || vs.empty()) return std::nullopt;
  static const char* kOrder[] = {"routine", "survey", "estimate", "statistical_yearbook"};
  for (const char* src : kOrder)
    for (const auto& v : vs)
      if (v.source == src) return v;
  return vs.front();
}

Status PutTargetEdit(store::Db& db, const Target& t, const std::string& user) {
  store::Stmt& s = db.Cached(
      "INSERT INTO plan_target_edit(plan_id, indicator_id, year, op, value, baseline_year, note, edited_by, edited_at) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT(plan_id, indicator_id, year) DO UPDATE SET op=excluded.op, "
      "value=excluded.value, baseline_year=excluded.baseline_year, note=excluded.note, edited_by=excluded.edited_by, "
      "edited_at=excluded.edited_at");
  s.Bind(1, t.plan).Bind(2, t.indicator).Bind(3, t.year).Bind(4, t.op).Bind(5, t.value);
  t.baseline_year ? s.Bind(6, *t.baseline_year) : s.BindNull(6);
  s.Bind(7, t.note).Bind(8, user).Bind(9, NowIso());
  return s.Run();
}

std::vector<Target> EffectiveTargets(store::Db& db, const Plan& plan) {
  std::vector<Target> out = plan.targets;
  store::Stmt& s = db.Cached(
      "SELECT indicator_id, year, op, value, baseline_year, note FROM plan_target_edit WHERE plan_id=?1");
  s.Bind(1, plan.id);
  while (s.Step()) {
    Target e;
    e.plan = plan.id;
    e.indicator = s.Text(0);
    e.year = static_cast<int>(s.Int(1));
    e.op = s.Text(2);
    e.value = s.Real(3);
    if (!s.IsNull(4)) e.baseline_year = static_cast<int>(s.Int(4));
    e.note = s.IsNull(5) ? "" : s.Text(5);
    bool replaced = false;
    for (auto& t : out)
      if (t.indicator == e.indicator && t.year == e.year) {
        e.printed = t.printed + " (edited)";
        e.maintain = t.maintain;
        t = e;
        replaced = true;
      }
    if (!replaced) {
      e.printed = "(added)";
      out.push_back(e);
    }
  }
  s.Reset();
  return out;
}

}  // namespace u5::indicator
