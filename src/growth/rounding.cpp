#include "growth/rounding.h"

#include <cfloat>
#include <cmath>

namespace u5::growth {

double r_round(double x, int digits) noexcept {
  if (std::isnan(x) || !std::isfinite(x) || x == 0.0) return x + 0.0;
  double sgn = 1.0;
  if (x < 0.0) {
    sgn = -1.0;
    x = -x;
  }
  // More digits requested than a double carries: nothing to round.
  if (digits + (std::logb(x) + 0.5) * 0.301029995663981195 > DBL_DIG) return sgn * x;
  double pow10 = 1.0;
  for (int i = 0; i < digits; ++i) pow10 *= 10.0;
  const double x10 = pow10 * x;
  const double i10 = std::floor(x10);
  const double xd = i10 / pow10;
  const double xu = std::ceil(x10) / pow10;
  const double du = xu - x;
  const double dd = x - xd;
  const double r = (du < dd || (du == dd && std::fmod(i10, 2.0) == 1.0)) ? xu : xd;
  return sgn * r + 0.0;  // + 0.0 turns -0 into +0
}

}  // namespace u5::growth
