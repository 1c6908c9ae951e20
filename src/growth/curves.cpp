#include "growth/curves.h"

#include <cmath>

#include "growth/lms.h"
#include "growth/rounding.h"

namespace u5::growth {

std::array<double, 7> curve_values(const Lms& p) noexcept {
  std::array<double, 7> y{};
  for (std::size_t i = 0; i < kCurveSds.size(); ++i) y[i] = lms_value(p, kCurveSds[i]);
  return y;
}

namespace {
double x_of(Indicator ind, int row) noexcept {
  return is_length_based(ind) ? row / 10.0 : static_cast<double>(row);
}
}  // namespace

std::vector<CurvePoint> who_curve(Indicator ind, int sex, int step) {
  std::vector<CurvePoint> out;
  const LmsTable t = who_table(ind, sex);
  if (t.empty()) return out;
  if (step < 1) step = 1;
  out.reserve(static_cast<std::size_t>((t.last - t.first) / step + 2));
  int x = t.first;
  for (; x <= t.last; x += step) out.push_back({x_of(ind, x), curve_values(t.at(x))});
  if (x - step != t.last) out.push_back({x_of(ind, t.last), curve_values(t.at(t.last))});
  return out;
}

std::optional<CurvePoint> who_curve_at(Indicator ind, int sex, double x) {
  const LmsTable t = who_table(ind, sex);
  if (t.empty() || !std::isfinite(x) || x < 0.0) return std::nullopt;
  if (!is_length_based(ind)) {
    const long long day = round_age_days(x);
    if (day < t.first || day > t.last) return std::nullopt;
    return CurvePoint{x, curve_values(t.at(static_cast<int>(day)))};
  }
  if (x < t.first / 10.0 || x > t.last / 10.0) return std::nullopt;
  // The same interpolation as the z-score, so a child's point lies where its z says.
  const std::optional<Lms> p = lms_at_length(t, x);
  if (!p) return std::nullopt;
  return CurvePoint{x, curve_values(*p)};
}

}  // namespace u5::growth
