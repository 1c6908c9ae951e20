#include "indicator/evaluate.h"

#include <cmath>

namespace u5::indicator {
namespace {

bool Meets(double v, const std::string& op, double thr) {
  constexpr double eps = 1e-9;
  if (op == "<") return v < thr - eps;
  if (op == "<=") return v <= thr + eps;
  if (op == ">") return v > thr + eps;
  if (op == ">=") return v >= thr - eps;
  return std::fabs(v - thr) <= eps;
}

int YearOf(Date d) {
  int y;
  unsigned m, dd;
  YmdFromDate(d, y, m, dd);
  return y;
}

}  // namespace

std::optional<std::pair<double, double>> LeastSquares(const std::vector<std::pair<int, double>>& pts) {
  if (pts.size() < 2) return std::nullopt;
  double n = static_cast<double>(pts.size()), sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [x, y] : pts) {
    sx += x;
    sy += y;
    sxx += static_cast<double>(x) * x;
    sxy += x * y;
  }
  const double d = n * sxx - sx * sx;
  if (d == 0) return std::nullopt;
  const double b = (n * sxy - sx * sy) / d;
  return std::pair{(sy - b * sx) / n, b};  // intercept, slope
}

TargetEval EvaluateTarget(const Catalogue& cat, const Target& t, const std::string& orgunit, Date as_of,
                          const AnnualFn& annual) {
  TargetEval e;
  e.target = t;
  e.orgunit = orgunit;
  const Indicator* ind = cat.Find(t.indicator);
  if (!ind) {
    e.status = "not_computable";
    e.reason = "unknown indicator";
    return e;
  }
  const TargetOp* op = FindTargetOp(t.op);  // the list and the meaning of each: catalogue.h
  if (!op) {
    e.status = "not_computable";
    e.reason = "unknown target operator '" + t.op + "'";
    return e;
  }
  const bool lower = ind->lower_is_better();
  // The threshold and the comparison, once a baseline is applied (A02: a "% increase" is relative).
  e.check_op = t.op;
  e.threshold = t.value;
  if (t.op == "=") e.check_op = lower ? "<=" : ">=";  // "100%" targets: reaching the value is meeting it
  if (t.baseline_year) {
    AnnualValue b = annual(t.indicator, *t.baseline_year);
    if (!b.value) {
      e.status = "not_computable";
      e.reason = "needs a " + std::to_string(*t.baseline_year) + " baseline value, which neither the plan nor the data give" +
                 (b.reason.empty() ? "" : " (" + b.reason + ")");
      e.threshold.reset();
      return e;
    }
    if (t.op == "increase_pct_vs_2020") e.threshold = *b.value * (1 + t.value / 100), e.check_op = ">=";
    else if (t.op == "reduce_by_points") e.threshold = *b.value - t.value, e.check_op = "<=";
    else if (t.op == "reduce_by_pct") e.threshold = *b.value * (1 - t.value / 100), e.check_op = "<=";
  }
  const int now_year = YearOf(as_of);
  const int last_year = std::min(now_year, t.year);
  std::vector<std::pair<int, double>> series;
  std::string last_reason;
  for (int y = last_year; y >= last_year - 4; --y) {
    AnnualValue v = annual(t.indicator, y);
    if (!v.value) {
      if (last_reason.empty()) last_reason = v.reason;
      continue;
    }
    if (!e.value) {
      e.value = v.value;
      e.value_year = y;
      e.num = v.num;
      e.den = v.den;
      e.provenance = v.provenance;
      e.partial_year = y == now_year;
    }
    series.emplace_back(y, *v.value);
  }
  if (!e.value) {
    e.status = "not_computable";
    e.reason = last_reason.empty() ? "no value for " + std::to_string(last_year - 4) + "-" + std::to_string(last_year) : last_reason;
    return e;
  }
  const double thr = *e.threshold;
  e.gap = *e.value - thr;
  // Counted from records: binomial or Poisson variation applies. Entered
  // survey or yearbook values have their own sampling design, unknown here.
  if (e.provenance == "computed_from_registry") e.precision = PrecisionOf(cat, *ind, e.num, e.den);
  if (e.precision.low && e.precision.high)
    e.uncertain = *e.precision.low <= thr + 1e-9 && thr - 1e-9 <= *e.precision.high;
  if (auto line = LeastSquares(series)) {
    e.slope = line->second;
    e.projected = line->first + line->second * t.year;
  }
  if (t.year > e.value_year) e.required_per_year = (thr - *e.value) / (t.year - e.value_year);
  const bool meets_now = Meets(*e.value, e.check_op, thr);
  if (t.year < now_year) {
    if (e.value_year != t.year) {
      e.uncertain = false;  // no verdict to grey
      e.status = "not_computable";
      e.reason = "no value for the target year " + std::to_string(t.year) + " (latest " + std::to_string(e.value_year) + ")";
      return e;
    }
    e.status = meets_now ? "achieved" : "off_track";
    e.reason = meets_now ? "met in " + std::to_string(t.year) : "not met in " + std::to_string(t.year);
    return e;
  }
  if (!e.projected) {
    e.status = meets_now ? "on_track" : "at_risk";
    e.reason = "one year of data, no trend; current value " + std::string(meets_now ? "meets" : "misses") + " the target";
    return e;
  }
  const bool meets_proj = Meets(*e.projected, e.check_op, thr);
  if (meets_now && meets_proj) e.status = "on_track", e.reason = "meets the target and the trend keeps it";
  else if (!meets_now && meets_proj) e.status = "on_track", e.reason = "the trend reaches the target by " + std::to_string(t.year);
  else if (meets_now) e.status = "at_risk", e.reason = "meets the target now but the trend leaves it by " + std::to_string(t.year);
  else e.status = "off_track", e.reason = "misses the target and the trend does not reach it by " + std::to_string(t.year);
  return e;
}

}  // namespace u5::indicator
