#pragma once
// WHO reference curves (-3 .. +3 SD) for growth charts.

#include <array>
#include <optional>
#include <vector>

#include "growth/who_tables.h"

namespace u5::growth {

// The seven SD lines of a chart, in this order: -3, -2, -1, 0, +1, +2, +3.
inline constexpr std::array<int, 7> kCurveSds = {-3, -2, -1, 0, 1, 2, 3};

struct CurvePoint {
  double x;                  // age in days, or length/height in cm
  std::array<double, 7> y;   // value of the indicator at -3 .. +3 SD
};

// Value at each SD line: M*(1 + L*S*z)^(1/L) (M*exp(S*z) when L == 0).
std::array<double, 7> curve_values(const Lms& p) noexcept;

// All points of the chart for an indicator and sex (1, 2), one per table row
// (every day, or every 0.1 cm), over the table's whole x range. `step` > 1
// keeps every step-th row (the last row is always included). Empty for an
// invalid sex.
std::vector<CurvePoint> who_curve(Indicator ind, int sex, int step = 1);

// Curve values at one x: age tables use the row of the rounded day (as
// anthro does), length/height tables interpolate L, M, S between 0.1 cm rows.
// nullopt outside the table or for an invalid sex.
std::optional<CurvePoint> who_curve_at(Indicator ind, int sex, double x);

}  // namespace u5::growth
