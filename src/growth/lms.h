#pragma once
// The LMS method (WHO Child Growth Standards, technical report chapter 7).

#include <optional>

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

// L, M and S of a weight-for-length/height table at a length/height between
// its 0.1 cm rows, with anthro's own double expressions
// (z-score-weight-for-lenhei.R):
//   low = trunc(lenhei*10)/10, upp = trunc(lenhei*10 + 1)/10,
//   diff = (lenhei - low)/0.1, P = P_low + diff*(P_upp - P_low) if diff > 0.
// The upper row is computed on its own, not as low + 0.1: where lenhei*10 is
// the double just below 512 or 1024 (clenhei 51.2 or 102.4 reached by the
// 0.7 cm adjustment, e.g. 103.1 cm lying at >= 731 days), lenhei*10 + 1
// rounds up to 513 or 1025 and anthro interpolates towards the row 0.2 cm
// above the lower one. We follow it (docs/growth.md, "Known properties of
// the reference"). Empty when a row needed is not in the table.
std::optional<Lms> lms_at_length(const LmsTable& t, double lenhei) noexcept;

}  // namespace u5::growth
