#include "indicator/interval.h"

#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <algorithm>
#include <cmath>

namespace u5::indicator {

std::optional<Interval> WilsonInterval(int64_t n, int64_t d, double confidence) {
  if (d <= 0 || n < 0 || n > d || !(confidence > 0 && confidence < 1)) return std::nullopt;
  // z: the standard normal quantile at 1 - alpha/2.
  const double z = std::sqrt(2.0) * boost::math::erf_inv(confidence);
  const double nd = static_cast<double>(d), p = static_cast<double>(n) / nd, z2 = z * z;
  const double centre = (p + z2 / (2 * nd)) / (1 + z2 / nd);
  const double half = z / (1 + z2 / nd) * std::sqrt(p * (1 - p) / nd + z2 / (4 * nd * nd));
  // At n = 0 or n = d the formula gives the bound exactly; clamp the rounding.
  return Interval{n == 0 ? 0.0 : std::max(0.0, centre - half), n == d ? 1.0 : std::min(1.0, centre + half)};
}

Interval PoissonExactInterval(int64_t n, double confidence) {
  const double alpha = 1 - confidence;
  // chi2(q, 2k)/2 is the q-quantile of a gamma(k, 1): gamma_p_inv(k, q).
  Interval r;
  r.low = n > 0 ? boost::math::gamma_p_inv(static_cast<double>(n), alpha / 2) : 0.0;
  r.high = boost::math::gamma_p_inv(static_cast<double>(n) + 1, 1 - alpha / 2);
  return r;
}

const std::string& IntervalMethod(const Catalogue& cat, const Indicator& ind) {
  static const std::string none = "none";
  if (!ind.interval.empty()) return ind.interval;
  auto it = cat.small_numbers().method_by_kind.find(ind.kind);
  return it == cat.small_numbers().method_by_kind.end() ? none : it->second;
}

Precision PrecisionOf(const Catalogue& cat, const Indicator& ind, int64_t n, int64_t d) {
  Precision out;
  const SmallNumbers& s = cat.small_numbers();
  const std::string& m = IntervalMethod(cat, ind);
  if (d <= 0 || n < 0) return out;
  if (m == "wilson") {
    auto w = WilsonInterval(n, d, s.confidence);
    if (!w) return out;
    out.method = m;
    out.low = w->low * ind.multiplier;
    out.high = w->high * ind.multiplier;
    out.small = d < s.min_denominator;
  } else if (m == "poisson_exact") {
    // Deaths are counts: the limits of the expected count, over the
    // denominator (births or population), in the indicator's unit.
    const Interval c = PoissonExactInterval(n, s.confidence);
    out.method = m;
    out.low = c.low / static_cast<double>(d) * ind.multiplier;
    out.high = c.high / static_cast<double>(d) * ind.multiplier;
    out.small = n < s.min_events;
  }
  return out;
}

}  // namespace u5::indicator
