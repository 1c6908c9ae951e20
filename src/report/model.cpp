#include "report/model.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "report/due.h"
#include "report/signoff.h"
#include "report/statistics_form.h"

namespace u5::report {
namespace {

using indicator::IndicatorValue;
using indicator::PeriodKind;

const char* KindName(PeriodKind k) {
  switch (k) {
    case PeriodKind::month: return "month";
    case PeriodKind::quarter: return "quarter";
    case PeriodKind::half: return "half";
    case PeriodKind::year: return "year";
    default: return "range";
  }
}

// A column titled from the labels table, in both languages (the JSON API gives both).
Column Col(Label k, bool numeric, std::string group_vi = {}, std::string group_en = {}, std::string indicator = {}) {
  return {Tr(Lang::vi, k), Tr(Lang::en, k), std::move(group_vi), numeric, std::move(indicator), std::move(group_en)};
}

// The plan's target as its document prints it (Vietnamese; the catalogue keeps
// it as plain text). English is composed from the operator and the value.
std::string TargetText(Lang l, const indicator::Target& tg, const std::string& unit) {
  if (l == Lang::vi) return tg.printed;
  const double v = tg.value;
  const int decimals = v == std::round(v) ? 0 : v * 10 == std::round(v * 10) ? 1 : 2;
  std::string n = FormatNumber(l, v, decimals);
  if (tg.op == "increase_pct_vs_2020") return Tr(l, Label::target_increase_pct, {n, std::to_string(tg.baseline_year.value_or(2020))});
  if (unit == "%" || unit == "‰" || (unit == "per 100,000" && l == Lang::vi)) n += UnitLabel(l, unit);
  else if (unit != "count") n += " " + UnitLabel(l, unit);
  if (tg.op == "<") return "< " + n;
  if (tg.op == "<=") return "≤ " + n;
  if (tg.op == ">") return "> " + n;
  if (tg.op == ">=") return "≥ " + n;
  return n;
}

// The target the report measures against: the plan's first target year not
// before the period's year, else its last one.
const indicator::Target* TargetFor(const indicator::Plan& plan, const std::string& ind, int year) {
  const indicator::Target* best = nullptr;
  for (const auto& t : plan.targets) {
    if (t.indicator != ind) continue;
    if (!best) { best = &t; continue; }
    const bool t_ok = t.year >= year, b_ok = best->year >= year;
    if ((t_ok && (!b_ok || t.year < best->year)) || (!t_ok && !b_ok && t.year > best->year)) best = &t;
  }
  return best;
}

Cell Num(std::optional<double> v, int decimals) { return Cell{v, {}, decimals}; }
Cell Text(std::string s) { return Cell{std::nullopt, std::move(s), 0}; }

// A value cell with its interval and small-number mark.
Cell Value(const indicator::IndicatorValue& v) {
  Cell c = Num(v.value, 1);
  if (v.value) {
    c.ci_low = v.precision.low;
    c.ci_high = v.precision.high;
    c.small = v.precision.small;
  }
  return c;
}

std::string CiText(Lang l, const std::optional<double>& lo, const std::optional<double>& hi) {
  if (!lo || !hi) return "";
  return FormatNumber(l, *lo, 1) + "–" + FormatNumber(l, *hi, 1);
}

}  // namespace

std::vector<std::string> Footnotes(const Report& r) {
  std::vector<std::string> out;
  if (r.any_small)
    out.push_back(Tr(r.lang, Label::small_note, {std::to_string(r.small_numbers.min_events), std::to_string(r.small_numbers.min_denominator)}));
  if (r.any_uncertain) out.push_back(Tr(r.lang, Label::uncertain_note));
  return out;
}

std::string FiguresJson(indicator::Service& svc, const std::string& orgunit, const indicator::Period& p) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& ind : svc.catalogue().indicators()) {
    if (!ind.computable) continue;
    IndicatorValue v;
    if (!svc.Value(ind.id, orgunit, p, &v).ok() || !v.from_records) continue;
    j[ind.id] = {v.num, v.den};
  }
  return j.dump();
}

Status BuildReport(indicator::Service& svc, store::Store& store, const Template& t, const BuildOptions& o, Report* out) {
  if (t.statistics_form()) return BuildStatisticsForm(svc, store, t, o, out);
  Report r;
  r.tmpl = &t;
  r.orgunit = o.orgunit.empty() ? t.orgunit : o.orgunit;
  U5_RETURN_IF_ERROR(indicator::ParsePeriod(o.period, &r.period));
  if (t.period_kind != KindName(r.period.kind))
    return Status::Invalid("period", "template " + t.id + " reports " + t.period_kind + " periods; '" + o.period + "' is not one");
  r.due_before = Date{DueDate(t, r.period).days + 1};
  r.as_of = o.as_of;
  r.lang = o.lang;
  const Lang L = o.lang;
  store::OrgUnit self;
  U5_RETURN_IF_ERROR(store.orgunits().Get(r.orgunit, &self));
  r.orgunit_name = self.name;
  std::vector<store::OrgUnit> kids, units;
  U5_RETURN_IF_ERROR(store.orgunits().Children(r.orgunit, &kids));
  for (auto& k : kids)
    if (k.scheme != "facility") units.push_back(std::move(k));

  const indicator::Catalogue& cat = svc.catalogue();
  r.small_numbers = cat.small_numbers();
  const indicator::Plan* plan = cat.FindPlan(t.plan);
  if (!plan) return Status::Invalid("plan", "template " + t.id + ": no plan '" + t.plan + "' in the catalogue");

  // Headline indicators against the plan's targets, evaluated once per target year.
  std::map<int, std::vector<indicator::TargetEval>> evals;
  for (const auto& id : t.headline) {
    const indicator::Indicator* ind = cat.Find(id);
    if (!ind) return Status::Invalid("headline", "template " + t.id + ": unknown indicator '" + id + "'");
    HeadlineItem h;
    h.indicator = id;
    h.name_vi = ind->name_vi;
    h.name_en = ind->name_en;
    h.unit = ind->unit;
    h.lower_is_better = ind->lower_is_better();
    IndicatorValue v;
    U5_RETURN_IF_ERROR(svc.Value(id, r.orgunit, r.period, &v));
    h.value = v.value;
    h.num = v.num;
    h.den = v.den;
    h.has_counts = v.from_records || v.den > 0;
    if (v.value) {
      h.ci_low = v.precision.low;
      h.ci_high = v.precision.high;
      h.small = v.precision.small;
    }
    if (const indicator::Target* tg = TargetFor(*plan, id, r.period.year)) {
      h.target_year = tg->year;
      h.target_printed = TargetText(L, *tg, ind->unit);
      h.op = tg->op;
      if (!evals.count(tg->year)) {
        std::vector<indicator::TargetEval> es;
        U5_RETURN_IF_ERROR(svc.Evaluate(plan->id, r.orgunit, tg->year, r.as_of, &es));
        evals[tg->year] = std::move(es);
      }
      for (const auto& e : evals[tg->year])
        if (e.target.indicator == id) {
          h.target = e.threshold;
          h.status = e.status;
          // Greyed only when the verdict is about the value the report prints.
          h.uncertain = e.uncertain && e.value == h.value;
        }
    }
    r.headline.push_back(std::move(h));
  }
  {
    Table tb{"headline", Tr(Lang::vi, Label::headline_title), Tr(Lang::en, Label::headline_title), {}, {}};
    tb.columns = {Col(Label::col_numerator, true), Col(Label::col_denominator, true), Col(Label::col_value, true),
                  Col(Label::col_unit, false), Col(Label::col_target, false), Col(Label::col_target_year, true),
                  Col(Label::col_status, false), Col(Label::col_ci, false)};
    for (const auto& h : r.headline) {
      Row row{h.indicator, Pick(L, h.name_vi, h.name_en), false, {}};
      Cell value = Num(h.value, 1);
      value.ci_low = h.ci_low, value.ci_high = h.ci_high, value.small = h.small;
      Cell status = Text(h.status.empty() ? "" : StatusLabel(L, h.status));
      status.grey = h.uncertain;
      row.cells = {h.has_counts ? Num(double(h.num), 0) : Text(""), h.has_counts ? Num(double(h.den), 0) : Text(""), value, Text(UnitLabel(L, h.unit)), Text(h.target_printed),
                   h.target_year ? Num(double(h.target_year), 0) : Text(""), status, Text(CiText(L, h.ci_low, h.ci_high))};
      r.any_small |= h.small;
      r.any_uncertain |= h.uncertain;
      tb.rows.push_back(std::move(row));
    }
    r.tables.push_back(std::move(tb));
  }

  // One table per section: the units under the report's unit, then the total.
  std::vector<std::pair<std::string, std::string>> row_units;
  for (const auto& u : units) row_units.emplace_back(u.id, u.name);
  row_units.emplace_back(r.orgunit, Tr(L, Label::total_row, {self.name}));
  for (const auto& sec : t.sections) {
    Table tb{sec.id, sec.title_vi, sec.title_en, {}, {}};
    std::vector<const indicator::Indicator*> inds;
    for (const auto& id : sec.indicators) {
      const indicator::Indicator* ind = cat.Find(id);
      if (!ind) return Status::Invalid("sections", "template " + t.id + ": unknown indicator '" + id + "'");
      inds.push_back(ind);
      tb.columns.push_back(Col(Label::col_numerator, true, ind->name_vi, ind->name_en, ind->id));
      tb.columns.push_back(Col(Label::col_denominator, true, ind->name_vi, ind->name_en, ind->id));
      Column value = Col(Label::col_value_unit, true, ind->name_vi, ind->name_en, ind->id);
      value.title_vi = Tr(Lang::vi, Label::col_value_unit, {UnitLabel(Lang::vi, ind->unit)});
      value.title_en = Tr(Lang::en, Label::col_value_unit, {UnitLabel(Lang::en, ind->unit)});
      tb.columns.push_back(std::move(value));
    }
    for (size_t i = 0; i < row_units.size(); ++i) {
      Row row{row_units[i].first, row_units[i].second, i + 1 == row_units.size(), {}};
      for (const auto* ind : inds) {
        IndicatorValue v;
        U5_RETURN_IF_ERROR(svc.Value(ind->id, row.orgunit, r.period, &v));
        // An entered survey percentage has no counts: empty cells, not 0 and 0.
        const bool counts = v.from_records || v.den > 0;
        row.cells.push_back(counts ? Num(double(v.num), 0) : Text(""));
        row.cells.push_back(counts ? Num(double(v.den), 0) : Text(""));
        row.cells.push_back(Value(v));
        r.any_small |= row.cells.back().small;
        r.values.push_back({ind->id, row.orgunit, v.num, v.den, v.value});
      }
      tb.rows.push_back(std::move(row));
    }
    r.tables.push_back(std::move(tb));
  }

  // Sign-off: each unit confirms its own figures; completeness and timeliness as of the report date.
  Table so{"signoff", Tr(Lang::vi, Label::signoff_title), Tr(Lang::en, Label::signoff_title), {}, {}};
  so.columns = {Col(Label::signoff_state, false), Col(Label::col_confirmed_by, false), Col(Label::col_confirmed_on, false),
                Col(Label::col_on_time, false), Col(Label::col_changed_since, false)};
  Completeness& c = r.completeness;
  for (const auto& u : units) {
    SignoffState s;
    U5_RETURN_IF_ERROR(SignoffAsOf(store, u.id, r.period.text, r.as_of, &s));
    c.expected++;
    Row row{u.id, u.name, false, {}};
    if (!s.closed) {
      row.cells = {Text(Tr(L, s.reopened ? Label::signoff_reopened : Label::signoff_not_confirmed)), Text(""), Text(""), Text(""), Text("")};
      r.units.push_back({u.id, u.name, s, false, 0});
    } else {
      c.signed_off++;
      const bool on_time = s.on < r.due_before;
      if (on_time) c.on_time++;
      // Figures confirmed then, compared with the registry now: a change means
      // records were edited after the sign-off without reopening the period.
      int changed = 0;
      nlohmann::json then = nlohmann::json::parse(s.figures, nullptr, false);
      if (then.is_object()) {
        nlohmann::json now = nlohmann::json::parse(FiguresJson(svc, u.id, r.period));
        for (auto it = then.begin(); it != then.end(); ++it)
          if (!now.contains(it.key()) || now[it.key()] != it.value()) changed++;
      }
      if (changed) c.changed_since++;
      row.cells = {Text(Tr(L, Label::signoff_confirmed)), Text(s.by), Text(FormatDate(s.on)), Text(Tr(L, on_time ? Label::yes : Label::no)),
                   Num(double(changed), 0)};
      r.units.push_back({u.id, u.name, s, on_time, changed});
    }
    so.rows.push_back(std::move(row));
  }
  Row tot{r.orgunit, Tr(L, Label::completeness_row), true, {}};
  tot.cells = {Num(c.completeness_pct(), 1), Text(""), Text(""), Num(c.timeliness_pct(), 1), Num(double(c.changed_since), 0)};
  so.rows.push_back(std::move(tot));
  r.tables.push_back(std::move(so));
  *out = std::move(r);
  return Status::Ok();
}

}  // namespace u5::report
