// Reference implementation for the differential test: compute() as it was
// before the fast path (commit 6b1555a: zscore.cpp, lms.cpp, rounding.cpp),
// written straight from anthro's formulas with std::pow and the exact R
// rounding on every call. Kept here, not in the library, so that a change to
// the library cannot change the reference. Changed since only where anthro's
// behaviour was found to differ (issue 19: a weight of 0 with a valid length,
// and the upper interpolation row trunc(lenhei*10 + 1)), marked "Issue 19".

#include "reference_zscore.h"

#include <cfloat>
#include <cmath>

#include "growth/rounding.h"
#include "growth/who_tables.h"

namespace u5::growth::reference {
namespace {

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

bool positive(const std::optional<double>& v) noexcept {
  return v && std::isfinite(*v) && *v > 0.0;
}

// Flag thresholds (anthro_zscores documentation).
Score flag_abs(double z, double limit) noexcept { return {z, std::fabs(z) > limit}; }
Score flag_range(double z, double lo, double hi) noexcept { return {z, z < lo || z > hi}; }

// Age-based indicator: exact integer day lookup after rounding.
std::optional<double> age_z(Indicator ind, int sex, long long day, double value,
                            bool restricted) noexcept {
  const LmsTable t = who_table(ind, sex);
  if (t.empty() || day < t.first || day > t.last) return std::nullopt;
  const Lms& p = t.at(static_cast<int>(day));
  return r_round(restricted ? lms_z_restricted(value, p) : lms_z(value, p), 2);
}

// Weight-for-length/height with linear interpolation of L, M, S between the
// 0.1 cm rows, as in anthro (z-score-weight-for-lenhei.R):
//   low = trunc(lenhei*10)/10, diff = (lenhei - low)/0.1,
//   P = P_low + diff*(P_upp - P_low) when diff > 0.
std::optional<double> wfl_z(Indicator ind, int sex, double lenhei, double weight) noexcept {
  const LmsTable t = who_table(ind, sex);
  const double lo_cm = ind == Indicator::weight_for_length ? 45.0 : 65.0;
  const double hi_cm = ind == Indicator::weight_for_length ? 110.0 : 120.0;
  if (t.empty() || !(lenhei >= lo_cm && lenhei <= hi_cm)) return std::nullopt;
  const double k = std::trunc(lenhei * 10.0);
  const int row = static_cast<int>(k);
  // Issue 19: the upper row is anthro's trunc(lenhei*10 + 1), not row + 1
  // (they differ where lenhei*10 is the double just below 512 or 1024).
  const int upp = static_cast<int>(std::trunc(lenhei * 10.0 + 1.0));
  const double diff = (lenhei - k / 10.0) / 0.1;
  if (!t.contains(row)) return std::nullopt;
  Lms p = t.at(row);
  if (diff > 0.0) {
    if (!t.contains(upp)) return std::nullopt;
    const Lms& u = t.at(upp);
    p.m = p.m + diff * (u.m - p.m);
    p.l = p.l + diff * (u.l - p.l);
    p.s = p.s + diff * (u.s - p.s);
  }
  return r_round(lms_z_restricted(weight, p), 2);
}

}  // namespace

ZResult compute(const Measurement& in) noexcept {
  ZResult r;
  r.csex = (in.sex == 1 || in.sex == 2) ? in.sex : 0;

  // Age: anthro refuses negative ages; here a negative or non-finite age
  // makes every z-score missing (see docs/growth.md).
  const bool has_age = in.age_days.has_value();
  const bool age_ok = has_age && std::isfinite(*in.age_days) && *in.age_days >= 0.0 &&
                      *in.age_days < 1e9;
  const long long day = age_ok ? round_age_days(*in.age_days) : 0;
  const double months = age_ok ? *in.age_days / kDaysPerMonth : 0.0;

  // Measuring position: 'h' under 9 months (unrounded age) is implausible.
  r.cmeasure = in.measure;
  if (age_ok && in.measure == Measure::standing && months < 9.0) {
    r.cmeasure = Measure::unknown;
    r.c9mo_flag = true;
  }

  // Standardised length/height: length below 731 days, height from 731.
  if (in.lenhei_cm) {
    double v = *in.lenhei_cm;
    if (age_ok && day < 731 && r.cmeasure == Measure::standing) v = v + 0.7;
    if (age_ok && day >= 731 && r.cmeasure == Measure::lying) v = v - 0.7;
    r.clenhei = v;
  }
  const bool len_ok = positive(in.lenhei_cm) && positive(r.clenhei);
  const bool wei_ok = positive(in.weight_kg);
  // Issue 19: a weight of 0 gives cbmi 0 and a weight-for-length/height z
  // (anthro has no "<= 0 is NA" rule there), but no weight-for-age or BMI z.
  const bool wei_zero = in.weight_kg && *in.weight_kg == 0.0;
  if (len_ok && (wei_ok || wei_zero)) {
    const double h = *r.clenhei / 100.0;
    r.cbmi = wei_zero ? 0.0 : *in.weight_kg / (h * h);
  }

  if (r.csex == 0 || (has_age && !age_ok)) return r;
  const int sex = r.csex;
  const bool weight_based_ok = !in.oedema;

  // Age-based indicators: only 0 <= age and age in months < 60.
  if (age_ok && months < 60.0) {
    if (len_ok) {
      if (auto z = age_z(Indicator::length_height_for_age, sex, day, *r.clenhei, false))
        r.zlen = flag_abs(*z, 6.0);
    }
    if (wei_ok && weight_based_ok) {
      if (auto z = age_z(Indicator::weight_for_age, sex, day, *in.weight_kg, true))
        r.zwei = flag_range(*z, -6.0, 5.0);
    }
    if (r.cbmi && weight_based_ok && positive(r.cbmi)) {
      if (auto z = age_z(Indicator::bmi_for_age, sex, day, *r.cbmi, true))
        r.zbmi = flag_abs(*z, 5.0);
    }
    if (positive(in.headc_cm)) {
      if (auto z = age_z(Indicator::head_circumference_for_age, sex, day, *in.headc_cm, false))
        r.zhc = flag_abs(*z, 5.0);
    }
    if (positive(in.muac_cm)) {
      if (auto z = age_z(Indicator::arm_circumference_for_age, sex, day, *in.muac_cm, true))
        r.zac = flag_abs(*z, 5.0);
    }
    if (positive(in.triceps_mm)) {
      if (auto z = age_z(Indicator::triceps_skinfold_for_age, sex, day, *in.triceps_mm, true))
        r.zts = flag_abs(*z, 5.0);
    }
    if (positive(in.subscap_mm)) {
      if (auto z =
              age_z(Indicator::subscapular_skinfold_for_age, sex, day, *in.subscap_mm, true))
        r.zss = flag_abs(*z, 5.0);
    }
  }

  // Weight-for-length/height: also without age, but not at 60 months or more.
  if (len_ok && (wei_ok || wei_zero) && weight_based_ok && (!age_ok || months < 60.0)) {
    Indicator ind;
    if (age_ok)
      ind = day < 731 ? Indicator::weight_for_length : Indicator::weight_for_height;
    else if (r.cmeasure == Measure::lying)
      ind = Indicator::weight_for_length;
    else if (r.cmeasure == Measure::standing)
      ind = Indicator::weight_for_height;
    else
      ind = *r.clenhei < 87.0 ? Indicator::weight_for_length : Indicator::weight_for_height;
    if (auto z = wfl_z(ind, sex, *r.clenhei, *in.weight_kg)) {
      r.zwfl = flag_abs(*z, 5.0);
      r.wfl_table = ind;
    }
  }
  return r;
}

}  // namespace u5::growth::reference
