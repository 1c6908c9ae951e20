// Precision of a value computed from counts: its 95 % interval and whether it
// rests on too few events to be judged alone (issue 19: a commune with 60
// births a year). The method and the threshold are data, in the catalogue's
// "small_numbers" block; docs/indicators.md "Small numbers" gives the formulas
// and their sources.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "indicator/catalogue.h"

namespace u5::indicator {

struct Interval {
  double low = 0, high = 0;
};

// Wilson score interval of the proportion n/d (0..1), two-sided at
// `confidence`; nullopt when d <= 0 or n is outside 0..d.
std::optional<Interval> WilsonInterval(int64_t n, int64_t d, double confidence);
// Exact (Garwood 1936) limits of the mean of a Poisson count n, two-sided at
// `confidence`: lower = chi2(alpha/2, 2n)/2 (0 for n = 0), upper =
// chi2(1 - alpha/2, 2n + 2)/2, computed as gamma quantiles.
Interval PoissonExactInterval(int64_t n, double confidence);

// The interval method of an indicator: its own "interval", else the one the
// catalogue's small_numbers block gives its kind, else "none".
const std::string& IntervalMethod(const Catalogue& cat, const Indicator& ind);

struct Precision {
  std::optional<double> low, high;  // in the indicator's unit (multiplier applied)
  std::string method;               // wilson, poisson_exact; empty: none
  bool small = false;               // too few events to judge (SmallNumbers)
};

// The interval and the small-number mark of a value with numerator n and
// denominator d. Rates (poisson_exact) are small when n < min_events;
// proportions (wilson) when d < min_denominator.
Precision PrecisionOf(const Catalogue& cat, const Indicator& ind, int64_t n, int64_t d);

}  // namespace u5::indicator
