#pragma once
// Rounding exactly as WHO's R package anthro does it.

namespace u5::growth {

// Age in days as anthro uses it (utils.R, round_up): fractional part >= 0.5
// rounds up, below 0.5 rounds down. Only for x >= 0.
inline long long round_age_days(double x) noexcept {
  long long i = static_cast<long long>(x);  // truncation == floor for x >= 0
  if (x - static_cast<double>(i) >= 0.5) ++i;
  return i;
}

// R's round(x, digits) for digits >= 1 (R >= 4.0.0, src/nmath/fround.c):
// take the two candidates floor(x*10^d)/10^d and ceil(x*10^d)/10^d and
// return the one nearer to x as a double; an exact tie goes to the even
// last digit. Sign-symmetric. -0 is returned as +0.
double r_round(double x, int digits) noexcept;

// z-scores are rounded to 2 decimals before flagging (anthro default).
inline double round_z(double z) noexcept { return r_round(z, 2); }

}  // namespace u5::growth
