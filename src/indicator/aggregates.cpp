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

Status CheckEnteredNumbers(const Catalogue& cat, const EnteredValue& v, const FigureElement* fig) {
  const Indicator* ind = cat.Find(v.element);
  for (auto [name, x] : {std::pair<const char*, const std::optional<double>*>{"value", &v.value}, {"numerator", &v.numerator},
                         {"denominator", &v.denominator}}) {
    if (!*x) continue;
    const double d = **x;
    if (!std::isfinite(d)) return Status::Invalid(name, std::string(name) + " must be a finite number");
    if (d < 0) return Status::Invalid(name, std::string(name) + " must not be negative");
    // A figure's own bound (a budget in VND may pass a billion) replaces the general one for its value.
    if (fig && x == &v.value) {
      if (d > fig->max)
        return Status::Invalid(name, "value of " + fig->id + " (" + fig->unit + ") must be at most " + nlohmann::json(fig->max).dump());
      continue;
    }
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

Status PutValue(store::Store& store, const Catalogue& cat, const Figures& figures, const EnteredValue& v,
                const audit::Entry& audit) {
  const FigureElement* fig = figures.Find(v.element);
  if (!fig && !cat.IsEnterable(v.element)) return Status::Invalid("element", "unknown indicator or data element '" + v.element + "'");
  Period p;
  U5_RETURN_IF_ERROR(ParsePeriod(v.period, &p));
  if (p.kind == PeriodKind::range) return Status::Invalid("period", "entered values need a calendar period, not a range");
  if (!IsKnownSource(v.source)) return Status::Invalid("source", "source must be routine, survey, statistical_yearbook or estimate");
  if (!v.value && !(v.numerator && v.denominator))
    return Status::Invalid("value", "give value, or numerator and denominator");
  U5_RETURN_IF_ERROR(CheckEnteredNumbers(cat, v, fig));
  if (v.document.size() > kMaxEnteredText) return Status::Invalid("document", "document must be at most 500 characters");
  if (v.note.size() > kMaxEnteredText) return Status::Invalid("note", "note must be at most 500 characters");
  EnteredValue row = v;
  row.period = p.text;
  return store.aggregates().Put(row, audit);
}

Status DeleteValue(store::Store& store, const EnteredValue& key, const std::string& reason, const audit::Entry& audit) {
  if (reason.empty()) return Status::Invalid("reason", "a reason is required to delete an entered value");
  if (reason.size() > kMaxEnteredText) return Status::Invalid("reason", "reason must be at most 500 characters");
  Period p;
  U5_RETURN_IF_ERROR(ParsePeriod(key.period, &p));
  EnteredValue k = key;
  k.period = p.text;
  return store.aggregates().Delete(k, reason, audit);
}

Status GetValues(store::Store& store, const std::string& orgunit, const std::string& period, const std::string& element,
                 std::vector<EnteredValue>* out) {
  return store.aggregates().List(orgunit, period, element, out);
}

std::optional<EnteredValue> BestValue(store::Store& store, const std::string& element, const std::string& orgunit,
                                      const std::string& period) {
  std::vector<EnteredValue> vs;
  if (!GetValues(store, orgunit, period, element, &vs).ok() || vs.empty()) return std::nullopt;
  static const char* kOrder[] = {"routine", "survey", "estimate", "statistical_yearbook"};
  for (const char* src : kOrder)
    for (const auto& v : vs)
      if (v.source == src) return v;
  return vs.front();
}

// A target is a value the indicator can reach: not negative, and within its
// unit's range (a percentage up to 100, a rate per 1000 up to 1000); a relative
// change is a percentage (TargetOp::max_value).
Status CheckTarget(const Catalogue& cat, const Target& t) {
  const Indicator* ind = cat.Find(t.indicator);
  if (!ind) return Status::Invalid("indicator", "unknown indicator '" + t.indicator + "'");
  const TargetOp* op = FindTargetOp(t.op);
  if (!op) return Status::Invalid("op", "op must be one of " + TargetOpNames());
  if (t.year < 2000 || t.year > 2100) return Status::Invalid("year", "year must be 2000-2100");
  if (op->needs_baseline_year && !t.baseline_year) return Status::Invalid("baseline_year", t.op + " needs baseline_year");
  if (!std::isfinite(t.value)) return Status::Invalid("value", "value must be a finite number");
  if (t.value < 0) return Status::Invalid("value", "value (the target) must not be negative");
  const double max = op->max_value > 0 ? op->max_value : MaxIndicatorValue(*ind);
  if (t.value > max)
    return Status::Invalid("value", "value (the target) of " + ind->id + " must be at most " + nlohmann::json(max).dump() +
                                        (op->max_value > 0 ? " %" : " " + ind->unit));
  return Status::Ok();
}

store::TargetVersion ToVersion(const Target& t) {
  store::TargetVersion v;
  v.plan = t.plan;
  v.indicator = t.indicator;
  v.op = t.op;
  v.note = t.note;
  v.year = t.year;
  v.value = t.value;
  v.baseline_year = t.baseline_year;
  return v;
}

Status SeedTargets(store::Store& store, const Catalogue& cat) {
  std::vector<store::TargetVersion> all;
  for (const Plan& p : cat.plans())
    for (const Target& t : p.targets) all.push_back(ToVersion(t));
  return store.targets().Seed(all);
}

Status EffectiveTargets(store::Store& store, const Plan& plan, std::vector<Target>* out) {
  std::vector<store::TargetVersion> current;
  U5_RETURN_IF_ERROR(store.targets().Current(plan.id, &current));
  *out = plan.targets;
  for (const store::TargetVersion& v : current) {
    Target e;
    e.plan = plan.id;
    e.indicator = v.indicator;
    e.year = v.year;
    e.op = v.op;
    e.value = v.value;
    e.baseline_year = v.baseline_year;
    e.note = v.note;
    bool replaced = false;
    for (auto& t : *out)
      if (t.indicator == e.indicator && t.year == e.year) {
        const bool edited = v.origin == "edit";
        e.printed = edited ? t.printed + " (edited)" : t.printed;
        e.printed_vi = edited ? t.printed_vi + " (đã sửa)" : t.printed_vi;
        e.printed_en = edited ? t.printed_en + " (edited)" : t.printed_en;
        e.maintain = t.maintain;
        t = e;
        replaced = true;
      }
    // A target the data file no longer has is gone unless someone added it.
    if (!replaced && v.origin == "edit") {
      e.printed = e.printed_en = "(added)";
      e.printed_vi = "(thêm mới)";
      out->push_back(e);
    }
  }
  return Status::Ok();
}

}  // namespace u5::indicator
