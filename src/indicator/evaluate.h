// Evaluation of plan targets: the current value, the gap, a status and a
// projection to the target year. Method (docs/indicators.md): ordinary least
// squares on the annual values of up to the last five years with data; the
// required yearly change is (threshold - current) / (target year - current year).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "indicator/catalogue.h"
#include "indicator/interval.h"

namespace u5::indicator {

// One annual value of an indicator at an org unit, as the evaluator sees it.
struct AnnualValue {
  std::optional<double> value;
  int64_t num = 0, den = 0;
  std::string provenance;  // computed_from_registry, routine, survey, statistical_yearbook, estimate
  std::string reason;      // why there is no value
};
using AnnualFn = std::function<AnnualValue(const std::string& indicator, int year)>;

struct TargetEval {
  Target target;
  std::string orgunit;
  std::optional<double> threshold;  // the value to meet, once a baseline is applied
  std::string check_op;             // <, <=, >, >= applied to threshold
  std::optional<double> value;      // current value
  int value_year = 0;
  bool partial_year = false;        // value_year is the as-of year (data to date)
  int64_t num = 0, den = 0;
  std::string provenance;
  std::optional<double> gap;        // value - threshold
  std::optional<double> projected;  // least-squares value in the target year
  std::optional<double> slope;      // change a year from the trend
  std::optional<double> required_per_year;
  std::string status;  // achieved, on_track, at_risk, off_track, not_computable
  std::string reason;
  // The current value's interval and small-number mark (registry values only).
  Precision precision;
  // The interval contains the threshold: the status stands, but the data
  // cannot tell met from missed (shown grey; docs/indicators.md).
  bool uncertain = false;
};

TargetEval EvaluateTarget(const Catalogue& cat, const Target& t, const std::string& orgunit, Date as_of,
                          const AnnualFn& annual);
// Least-squares line through (year, value); nullopt with fewer than two points.
std::optional<std::pair<double, double>> LeastSquares(const std::vector<std::pair<int, double>>& pts);

}  // namespace u5::indicator
