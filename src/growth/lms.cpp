#include "growth/lms.h"

#include <cmath>

namespace u5::growth {

// The operations are written in the same order as in anthro's R code
// (z-score-helper.R) so that results agree to the last bit where possible.

double lms_z(double x, const Lms& p) noexcept {
  if (p.l == 0.0) return std::log(x / p.m) / p.s;
  if (p.l == 1.0) return (x / p.m - 1.0) / (p.s * p.l);  // pow(y, 1) == y exactly
  return (std::pow(x / p.m, p.l) - 1.0) / (p.s * p.l);
}

double lms_value(const Lms& p, double z) noexcept {
  if (p.l == 0.0) return p.m * std::exp(p.s * z);
  if (p.l == 1.0) return p.m * (1.0 + p.l * p.s * z);
  return p.m * std::pow(1.0 + p.l * p.s * z, 1.0 / p.l);
}

double lms_z_restricted(double x, const Lms& p) noexcept {
  const double z = lms_z(x, p);
  if (z > 3.0) {
    const double sd3pos = lms_value(p, 3.0);
    const double sd23pos = sd3pos - lms_value(p, 2.0);
    return 3.0 + (x - sd3pos) / sd23pos;
  }
  if (z < -3.0) {
    const double sd3neg = lms_value(p, -3.0);
    const double sd23neg = lms_value(p, -2.0) - sd3neg;
    return -3.0 + (x - sd3neg) / sd23neg;
  }
  return z;
}

std::optional<Lms> lms_at_length(const LmsTable& t, double lenhei) noexcept {
  // Tables hold x in tenths of a cm, so the rows' keys low*10 and upp*10 are
  // the integers trunc(lenhei*10) and trunc(lenhei*10 + 1). (anthro joins on
  // the decimal text of low and upp, which names the same rows.)
  if (t.empty() || !(std::fabs(lenhei) < 1e6)) return std::nullopt;  // also NaN
  const double k_low = std::trunc(lenhei * 10.0);
  const double k_upp = std::trunc(lenhei * 10.0 + 1.0);
  const double diff = (lenhei - k_low / 10.0) / 0.1;
  const int row = static_cast<int>(k_low);
  if (!t.contains(row)) return std::nullopt;
  Lms p = t.at(row);
  if (diff > 0.0) {
    const int up = static_cast<int>(k_upp);
    if (!t.contains(up)) return std::nullopt;
    const Lms& u = t.at(up);
    p.m = p.m + diff * (u.m - p.m);
    p.l = p.l + diff * (u.l - p.l);
    p.s = p.s + diff * (u.s - p.s);
  }
  return p;
}

}  // namespace u5::growth
