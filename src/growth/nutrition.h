#pragma once
// Nutritional status of one measurement from its WHO z-scores.
// (The chart curves live in growth/curves.h, included here for convenience.)

#include "growth/curves.h"
#include "growth/zscore.h"

namespace u5::growth {

// Grade of an undernutrition indicator.
enum class Grade {
  not_assessed,  // z-score not available (missing input, out of range)
  implausible,   // z-score flagged by WHO's plausibility limits: re-measure
  normal,        // z >= -2
  moderate,      // -3 <= z < -2
  severe,        // z < -3
};

// Weight-for-length/height category.
enum class WeightForLength {
  not_assessed,
  implausible,
  severe_wasting,    // z < -3
  moderate_wasting,  // -3 <= z < -2
  normal,            // -2 <= z <= +2
  overweight,        // +2 < z <= +3
  obese,             // z > +3
};

struct NutritionStatus {
  Grade stunting = Grade::not_assessed;     // length/height-for-age
  // Weight-based: with bilateral oedema severe / severe_wasting whatever the
  // weight (WHO counts the child below -3 SD); otherwise from the z-score.
  Grade underweight = Grade::not_assessed;  // weight-for-age
  Grade wasting = Grade::not_assessed;      // weight-for-length/height (MUAC does not enter)
  WeightForLength wfl = WeightForLength::not_assessed;
  bool overweight = false;  // wfl/h z > +2 (includes obese)
  bool obese = false;       // wfl/h z > +3
  // Severe acute malnutrition: wfl/h z < -3, or MUAC < 11.5 cm at 6-59
  // months, or bilateral oedema.
  bool sam = false;
  bool sam_by_wfl = false;
  bool sam_by_muac = false;
  bool sam_by_oedema = false;
  // Some z-score is flagged as implausible (also zbmi, zhc, ...): re-measure.
  bool remeasure = false;
};

// MUAC cut-off for SAM (cm), valid for 6-59 months.
inline constexpr double kMuacSamCm = 11.5;

NutritionStatus classify(const Measurement& m, const ZResult& z) noexcept;
inline NutritionStatus classify(const Measurement& m) noexcept { return classify(m, compute(m)); }

const char* to_string(Grade g) noexcept;
const char* to_string(WeightForLength w) noexcept;

}  // namespace u5::growth
