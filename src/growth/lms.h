#pragma once
// The LMS method (WHO Child Growth Standards, technical report chapter 7).

#include "growth/who_tables.h"

namespace u5::growth {

// Plain LMS z-score: ((x/M)^L - 1) / (S*L), or ln(x/M)/S when L == 0.
// Used by WHO for length/height-for-age and head circumference-for-age.
double lms_z(double x, const Lms& p) noexcept;

// WHO "restricted" z-score: the plain z-score within [-3, +3]; beyond, the
// distance to the 3 SD curve measured in units of the 2-3 SD distance:
//   z > 3:  3 + (x - SD3pos) / (SD3pos - SD2pos)
//   z < -3: -3 + (x - SD3neg) / (SD2neg - SD3neg)
// Used for weight-for-age, weight-for-length/height, BMI-for-age,
// arm circumference and the two skinfolds (anthro: compute_zscore_adjusted).
double lms_z_restricted(double x, const Lms& p) noexcept;

// Value of the curve at z: M*(1 + L*S*z)^(1/L), or M*exp(S*z) when L == 0.
double lms_value(const Lms& p, double z) noexcept;

}  // namespace u5::growth
