#pragma once
// WHO Child Growth Standards z-scores for one measurement, with the rules of
// WHO's R package anthro (anthro_zscores): age rounding, length/height
// standardisation, table choice, restricted z beyond +-3 SD, rounding to two
// decimals and flags. See docs/growth.md.

#include <optional>

#include "growth/who_tables.h"

namespace u5::growth {

// How length/height was measured: recumbent ('l'), standing ('h'), or not recorded.
enum class Measure { unknown, lying, standing };

// One measurement. Missing values are std::nullopt.
struct Measurement {
  int sex = 0;                       // 1 = male, 2 = female; anything else = unknown
  std::optional<double> age_days;    // exact age in days (may be fractional)
  std::optional<double> weight_kg;
  std::optional<double> lenhei_cm;   // length or height as measured
  std::optional<double> headc_cm;
  std::optional<double> muac_cm;     // mid-upper arm circumference
  std::optional<double> triceps_mm;
  std::optional<double> subscap_mm;
  Measure measure = Measure::unknown;
  bool oedema = false;               // bilateral pitting oedema
};

// A z-score (rounded to 2 decimals) and its "implausible value" flag.
struct Score {
  double z;
  bool flag;
};

struct ZResult {
  std::optional<double> clenhei;  // standardised length/height (+-0.7 cm rule)
  Measure cmeasure = Measure::unknown;  // position used; unknown if 'h' under 9 months
  bool c9mo_flag = false;         // 'h' recorded for a child under 9 months
  std::optional<double> cbmi;     // weight / (clenhei in m)^2
  int csex = 0;                   // 1, 2, or 0 = unknown (no z-scores)
  // Which table weight-for-length/height used (when zwfl is present).
  std::optional<Indicator> wfl_table;

  std::optional<Score> zlen;  // length/height-for-age, flag |z| > 6
  std::optional<Score> zwei;  // weight-for-age, flag z < -6 or z > 5
  std::optional<Score> zwfl;  // weight-for-length/height, flag |z| > 5
  std::optional<Score> zbmi;  // BMI-for-age, flag |z| > 5
  std::optional<Score> zhc;   // head circumference-for-age, flag |z| > 5
  std::optional<Score> zac;   // arm circumference-for-age, flag |z| > 5
  std::optional<Score> zts;   // triceps skinfold-for-age, flag |z| > 5
  std::optional<Score> zss;   // subscapular skinfold-for-age, flag |z| > 5
};

// Days per month used by WHO (365.25 / 12).
inline constexpr double kDaysPerMonth = 30.4375;

ZResult compute(const Measurement& m) noexcept;

}  // namespace u5::growth
