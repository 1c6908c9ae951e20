#pragma once
// A fast approximation of pow(y, l) for the z-score fast path (zscore.cpp).
// It is never the final word: compute() only trusts a z-score derived from it
// when the error bound below cannot move the 2-decimal rounding, and
// otherwise recomputes with std::pow exactly as anthro's formula does.

#include <bit>
#include <cstdint>

namespace u5::growth::detail {

// Relative error bound of fast_pow() that the fast path relies on. The
// construction (64-entry tables, degree 7/6 polynomials, |t| <= 14) gives a
// few 1e-16; test_fast_pow.cpp checks the worst case against long double.
inline constexpr double kFastPowRelError = 1e-14;

struct PowTables {
  double invc[64];   // 1 / c_j, c_j = 1 + (j + 0.5) / 64
  double logc[64];   // ln c_j
  double exp2j[64];  // 2^(j / 64)
};

// Built once with libm (thread-safe static).
const PowTables& pow_tables() noexcept;

// True when y is in [2^-20, 2^20) (one unsigned compare on the bits: NaN,
// negative values and infinities fall outside).
[[gnu::always_inline]] inline bool fast_pow_domain_y(double y) noexcept {
  constexpr std::uint64_t lo = std::uint64_t{1023 - 20} << 52;
  constexpr std::uint64_t hi = std::uint64_t{1023 + 20} << 52;
  return std::bit_cast<std::uint64_t>(y) - lo < hi - lo;
}

// True when fast_pow(y, l) is within its bound: y in [2^-20, 2^20), |l| <= 1.
[[gnu::always_inline]] inline bool fast_pow_domain(double y, double l) noexcept {
  return fast_pow_domain_y(y) && l >= -1.0 && l <= 1.0;
}

// y^l = exp(l * ln y); branch-free. Only meaningful inside fast_pow_domain().
[[gnu::always_inline]] inline double fast_pow(double y, double l, const PowTables& t) noexcept {
  // ln y = e ln 2 + ln c_j + ln(m / c_j), |m / c_j - 1| <= 1/128.
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(y);
  const double e = static_cast<double>(static_cast<std::int64_t>(bits >> 52) - 1023);
  const unsigned j = static_cast<unsigned>(bits >> 46) & 63u;
  const double m = std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  const double r = m * t.invc[j] - 1.0;
  const double log1p_r =
      r * (1.0 + r * (-1.0 / 2 + r * (1.0 / 3 + r * (-1.0 / 4 + r * (1.0 / 5 + r * (-1.0 / 6 + r * (1.0 / 7)))))));
  constexpr long double kLn2 = 0.693147180559945309417232121458176568L;
  constexpr double kLn2Hi = 0x1.62e42feep-1;  // 28 bits: e * hi is exact
  constexpr double kLn2Lo = static_cast<double>(kLn2 - kLn2Hi);
  const double lny = (e * kLn2Hi + t.logc[j]) + (e * kLn2Lo + log1p_r);

  // exp(s) = 2^(n/64) * exp(s - n ln2/64), |s - n ln2/64| <= ln2/128.
  const double s = l * lny;
  constexpr double kShift = 0x1.8p52;  // adding it rounds to an integer
  const double nd = (s * static_cast<double>(64.0L / kLn2) + kShift) - kShift;
  const auto n = static_cast<std::int64_t>(nd);
  constexpr double kStepHi = 0x1.62e42feep-7;  // ln2/64 to 28 bits: nd * hi is exact
  constexpr double kStepLo = static_cast<double>(kLn2 / 64 - kStepHi);
  const double u = (s - nd * kStepHi) - nd * kStepLo;
  const double expu =
      1.0 + u * (1.0 + u * (1.0 / 2 + u * (1.0 / 6 + u * (1.0 / 24 + u * (1.0 / 120 + u * (1.0 / 720))))));
  const double scale = std::bit_cast<double>(
      static_cast<std::uint64_t>((n >> 6) + 1023) << 52);
  return scale * (t.exp2j[n & 63] * expu);
}

}  // namespace u5::growth::detail
