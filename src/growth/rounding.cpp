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
  // More digits requested than a double carries: nothing to round. (The
  // logb test is only needed for large x; skipping it below 2^40 is exact
  // for digits >= 1 and keeps the common case fast.)
  if (x >= 0x1p40 && digits + (std::logb(x) + 0.5) * 0.301029995663981195 > DBL_DIG)
    return sgn * x;
  double pow10 = 1.0;
  for (int i = 0; i < digits; ++i) pow10 *= 10.0;
  const double x10 = pow10 * x;
  // floor / ceil of x10; integer conversion is exact and fast below 2^52.
  double i10, c10;
  if (x10 < 0x1p52) {
    i10 = static_cast<double>(static_cast<long long>(x10));
    c10 = i10 == x10 ? i10 : i10 + 1.0;
  } else {
    i10 = std::floor(x10);
    c10 = std::ceil(x10);
  }
  // Fast path: when x10 is clearly not near a tie, R's comparison of the two
  // candidate distances cannot come out differently from the plain one
  // (the rounding errors are ~1e-13 here), so only the chosen candidate is
  // computed. Same result, one division instead of two.
  const double frac = x10 - i10;
  if (frac < 0.5 - 1e-6) return sgn * (i10 / pow10) + 0.0;
  if (frac > 0.5 + 1e-6) return sgn * (c10 / pow10) + 0.0;
  const double xd = i10 / pow10;
  const double xu = c10 / pow10;
  const double du = xu - x;
  const double dd = x - xd;
  const bool odd = i10 < 0x1p52 ? (static_cast<long long>(i10) & 1) != 0 : std::fmod(i10, 2.0) == 1.0;
  const double r = (du < dd || (du == dd && odd)) ? xu : xd;
  return sgn * r + 0.0;  // + 0.0 turns -0 into +0
}

}  // namespace u5::growth
