#include "growth/zscore.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "growth/fast_z.h"
#include "growth/fast_z2.h"
#include "growth/lms.h"
#include "growth/rounding.h"

namespace u5::growth {
namespace {

bool positive(const std::optional<double>& v) noexcept {
  return v && *v > 0.0 && *v <= std::numeric_limits<double>::max();  // finite, > 0
}

// Flag thresholds (anthro_zscores documentation).
Score flag_abs(double z, double limit) noexcept { return {z, std::fabs(z) > limit}; }
Score flag_range(double z, double lo, double hi) noexcept { return {z, z < lo || z > hi}; }

// Age tables in the fast path: the rows of one (sex, day) for up to four
// indicators side by side, so one measurement touches two cache lines, not
// one per indicator.
struct AgeGroup {
  int first = 0;
  std::vector<std::array<detail::FastRow, 4>> rows[2];
};

// Group and slot of each age indicator (main five first; arm and skinfolds
// start at day 91).
constexpr int group_of(Indicator ind) noexcept {
  return ind == Indicator::arm_circumference_for_age || ind == Indicator::triceps_skinfold_for_age ||
                 ind == Indicator::subscapular_skinfold_for_age
             ? 1
             : 0;
}
constexpr int slot_of(Indicator ind) noexcept {
  switch (ind) {
    case Indicator::length_height_for_age: return 0;
    case Indicator::weight_for_age: return 1;
    case Indicator::bmi_for_age: return 2;
    case Indicator::head_circumference_for_age: return 3;
    case Indicator::arm_circumference_for_age: return 0;
    case Indicator::triceps_skinfold_for_age: return 1;
    case Indicator::subscapular_skinfold_for_age: return 2;
    default: return -1;
  }
}

// WHO applies the plain formula (no restriction beyond +-3 SD) to these.
constexpr bool plain_indicator(Indicator ind) noexcept {
  return ind == Indicator::length_height_for_age || ind == Indicator::head_circumference_for_age;
}

// who_table() for every indicator and sex, and the fast path's per-row
// constants, built once.
struct Tables {
  LmsTable t[9][2];
  AgeGroup age[2];
  const detail::PowTables* pow;
  const double* hundredths;
  const std::uint64_t* exp_bits;
};

const Tables& tables() noexcept {
  static const Tables k = [] {
    Tables r{};
    for (int i = 0; i < 9; ++i)
      for (int s = 0; s < 2; ++s) r.t[i][s] = who_table(static_cast<Indicator>(i), s + 1);
    for (int i = 0; i < 9; ++i) {
      const auto ind = static_cast<Indicator>(i);
      if (slot_of(ind) < 0) continue;
      AgeGroup& g = r.age[group_of(ind)];
      for (int s = 0; s < 2; ++s) {
        const LmsTable& t = r.t[i][s];
        g.first = t.first;  // same for all indicators of a group and both sexes
        g.rows[s].resize(static_cast<std::size_t>(t.last - t.first + 1),
                         {detail::make_fast_row({0, 0, 0}, false)});
        for (int x = t.first; x <= t.last; ++x)
          g.rows[s][x - t.first][slot_of(ind)] = detail::make_fast_row(t.at(x), plain_indicator(ind));
      }
    }
    r.pow = &detail::pow_tables();
    r.hundredths = detail::hundredths();
    r.exp_bits = detail::exp2j_shifted_bits();
    return r;
  }();
  return k;
}

// Age-based indicator: exact integer day lookup after rounding; the fast
// path when it can prove its result (fast_z.h), else anthro's formula.
template <Indicator kInd>
std::optional<double> age_z(const Tables& k, int sex, long long day, double value) noexcept {
  constexpr int i = static_cast<int>(kInd);
  constexpr bool plain = plain_indicator(kInd);
  const LmsTable& t = k.t[i][sex - 1];
  const int row = static_cast<int>(day) - t.first;
  if (t.empty() || static_cast<unsigned>(row) > static_cast<unsigned>(t.last - t.first))
    return std::nullopt;
  const AgeGroup& g = k.age[group_of(kInd)];
  const detail::FastRow& f = g.rows[sex - 1][static_cast<int>(day) - g.first][slot_of(kInd)];
  double z;
  if (detail::row_z_fast<plain, !plain>(value, f, *k.pow, k.hundredths, z)) [[likely]]
    return z;
  const Lms& p = t.rows[row];
  return round_z(plain ? lms_z(value, p) : lms_z_restricted(value, p));
}

// Weight-for-length/height: L, M, S interpolated between the 0.1 cm rows as
// anthro does it (lms_at_length), then the restricted z. The weight may be 0:
// anthro sets measurements <= 0 to NA for the age-based indicators only, so a
// weight of 0 with a valid length gets a (very low, flagged) z here too.
std::optional<double> wfl_z(const Tables& k, Indicator ind, int sex, double lenhei,
                            double weight) noexcept {
  const LmsTable& t = k.t[static_cast<int>(ind)][sex - 1];
  const double lo_cm = ind == Indicator::weight_for_length ? 45.0 : 65.0;
  const double hi_cm = ind == Indicator::weight_for_length ? 110.0 : 120.0;
  if (t.empty() || !(lenhei >= lo_cm && lenhei <= hi_cm)) return std::nullopt;
  const std::optional<Lms> lms = lms_at_length(t, lenhei);
  if (!lms) return std::nullopt;
  const Lms& p = *lms;
  double z;
  if (detail::interpolated_z_fast(weight, p, *k.pow, k.hundredths, z)) [[likely]]
    return z;
  return round_z(lms_z_restricted(weight, p));
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
  // A weight of 0 is not a measurement for weight-for-age or BMI-for-age
  // (anthro: measure <= 0 -> NA), but anthro's weight-for-length/height has
  // no such rule: (0/M)^L is +Inf for L < 0, the z is -Inf before the
  // restriction and finite after it (about -15, flagged). cbmi is 0 then,
  // as anthro's weight / (clenhei/100)^2.
  const bool wei_zero = in.weight_kg && *in.weight_kg == 0.0;
  if (len_ok && (wei_ok || wei_zero)) {
    const double h = *r.clenhei / 100.0;
    r.cbmi = wei_zero ? 0.0 : *in.weight_kg / (h * h);  // 0.0: no -0 from a weight of -0
  }

  if (r.csex == 0 || (has_age && !age_ok)) return r;
  const int sex = r.csex;
  const Tables& k = tables();
  const bool weight_based_ok = !in.oedema;

  // Age-based indicators: only 0 <= age and age in months < 60.
  if (age_ok && months < 60.0) {
    if (len_ok) {
      if (auto z = age_z<Indicator::length_height_for_age>(k, sex, day, *r.clenhei))
        r.zlen = flag_abs(*z, 6.0);
    }
    const bool need_wei = wei_ok && weight_based_ok;
    const bool need_bmi = r.cbmi && weight_based_ok && positive(r.cbmi);
    if (need_wei && need_bmi) {
      // Both restricted z-scores in one pass (fast_z2.h); a lane that is not
      // proven goes through age_z() and so the exact path.
      const auto& rows = k.age[group_of(Indicator::weight_for_age)].rows[sex - 1][static_cast<int>(day)];
      const double x[2] = {*in.weight_kg, *r.cbmi};
      double z[2];
      const unsigned ok = detail::row_z_fast_pair(x, rows[slot_of(Indicator::weight_for_age)],
                                                  rows[slot_of(Indicator::bmi_for_age)], *k.pow,
                                                  k.exp_bits, k.hundredths, z);
      const std::optional<double> zw =
          ok & 1 ? std::optional<double>(z[0]) : age_z<Indicator::weight_for_age>(k, sex, day, x[0]);
      const std::optional<double> zb =
          ok & 2 ? std::optional<double>(z[1]) : age_z<Indicator::bmi_for_age>(k, sex, day, x[1]);
      if (zw) r.zwei = flag_range(*zw, -6.0, 5.0);
      if (zb) r.zbmi = flag_abs(*zb, 5.0);
    } else {
      if (need_wei) {
        if (auto z = age_z<Indicator::weight_for_age>(k, sex, day, *in.weight_kg))
          r.zwei = flag_range(*z, -6.0, 5.0);
      }
      if (need_bmi) {
        if (auto z = age_z<Indicator::bmi_for_age>(k, sex, day, *r.cbmi))
          r.zbmi = flag_abs(*z, 5.0);
      }
    }
    if (positive(in.headc_cm)) {
      if (auto z = age_z<Indicator::head_circumference_for_age>(k, sex, day, *in.headc_cm))
        r.zhc = flag_abs(*z, 5.0);
    }
    if (positive(in.muac_cm)) {
      if (auto z = age_z<Indicator::arm_circumference_for_age>(k, sex, day, *in.muac_cm))
        r.zac = flag_abs(*z, 5.0);
    }
    if (positive(in.triceps_mm)) {
      if (auto z = age_z<Indicator::triceps_skinfold_for_age>(k, sex, day, *in.triceps_mm))
        r.zts = flag_abs(*z, 5.0);
    }
    if (positive(in.subscap_mm)) {
      if (auto z = age_z<Indicator::subscapular_skinfold_for_age>(k, sex, day, *in.subscap_mm))
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
    if (auto z = wfl_z(k, ind, sex, *r.clenhei, *in.weight_kg)) {
      r.zwfl = flag_abs(*z, 5.0);
      r.wfl_table = ind;
    }
  }
  return r;
}

}  // namespace u5::growth
