#pragma once
// Fast path of compute() (internal to src/growth). Each helper either gives a
// z-score already rounded to 2 decimals that provably equals the exact
// anthro-order computation (lms.h + rounding.h), or reports that the input is
// too close to a rounding decision (or outside the proven range) and the
// caller must take the exact path.
//
// Error budget, in units of 100 z (the number r_round rounds):
//  - r_round decides by plain comparison of frac(100|z|) with 0.5 outside
//    0.5 +- 1e-6; the fast rounding trusts itself only outside 0.5 +- 2e-6,
//    so any z_fast with |100 z_fast - 100 z_exact| < 1e-6 rounds the same
//    (rounding to nearest is constant between two ties).
//  - z = (p - 1) / (S L) with p = (x/M)^L. With reciprocals and fast_pow,
//    |p_fast - p_exact| <= (kFastPowRelError + 1e-15) p (1e-15 covers the
//    libm pow, x * (1/M) and the rounding of each step), so
//    |dz| <= (kFastPowRelError + 1e-15) (p + 1) / |S L|. Trusting only
//    (p + 1) / |S L| <= kSlLimit keeps 100 |dz| <= 1e-6 / 4.
//  - Restricted indicators switch formula at |z| = 3: trusted only when
//    |z_fast| < 3 - 1e-7, so the exact z is on the same side.

#include <cmath>
#include <cstdint>

#include "growth/fast_pow.h"
#include "growth/who_tables.h"

namespace u5::growth::detail {

inline constexpr double kTieWindow = 2e-6;
inline constexpr double kSlLimit = 1e-6 / 4 / 100 / (kFastPowRelError + 1e-15);
inline constexpr double kRestrictedEdge = 3.0 - 1e-7;
inline constexpr int kMaxHundredths = 1000;  // fast rounding for |z| < 10

#define U5_GROWTH_INLINE [[gnu::always_inline]] inline

// Per-row constants, derived once from an LMS row (fast_z.cpp).
struct FastRow {
  double l;
  double inv_m;   // 1 / M
  double inv_sl;  // 1 / (S L); NaN = row never on the fast path
};

FastRow make_fast_row(const Lms& p, bool linear) noexcept;

// k / 100.0 for k = 0 .. kMaxHundredths (the exact quotient r_round returns).
const double* hundredths() noexcept;

// R-compatible round(z, 2) for |z| < 10 not near a tie; false otherwise
// (including NaN and infinities).
U5_GROWTH_INLINE bool round2_fast(double z, const double* hundredths, double& out) noexcept {
  const double q = std::fabs(z) * 100.0;  // same product as r_round
  const bool in_range = q < kMaxHundredths;
  const double qc = in_range ? q : 0.0;
  const int i = static_cast<int>(qc);
  const double f = qc - i;
  const int k = i + (f > 0.5 ? 1 : 0);
  out = std::copysign(hundredths[k], z) + 0.0;  // + 0.0: no -0, like r_round
  return in_range && std::fabs(f - 0.5) > kTieWindow;
}

// Plain (linear = L is 1) or restricted z for x on a derived row.
template <bool kLinear, bool kRestricted>
U5_GROWTH_INLINE bool row_z_fast(double x, const FastRow& r, const PowTables& pt, const double* hund,
                       double& out) noexcept {
  const double y = x * r.inv_m;
  bool ok = true;
  double p = y;
  if constexpr (!kLinear) {
    ok = fast_pow_domain_y(y);  // |L| <= 1 is checked by make_fast_row
    p = fast_pow(ok ? y : 1.0, r.l, pt);
  }
  const double z = (p - 1.0) * r.inv_sl;
  ok = ok && (p + 1.0) * std::fabs(r.inv_sl) <= kSlLimit;
  if constexpr (kRestricted) ok = ok && std::fabs(z) < kRestrictedEdge;
  return round2_fast(z, hund, out) && ok;
}

// Restricted z on an interpolated row (weight-for-length/height): the
// reciprocals are not precomputed, so the anthro-order divisions are kept.
U5_GROWTH_INLINE bool interpolated_z_fast(double x, const Lms& p, const PowTables& pt, const double* hund,
                                double& out) noexcept {
  const double y = x / p.m;
  const double sl = p.s * p.l;
  const bool domain = fast_pow_domain(y, p.l) && p.l != 0.0;
  const double pw = fast_pow(domain ? y : 1.0, p.l, pt);
  const double z = (pw - 1.0) / sl;
  const bool ok = domain && std::fabs(z) < kRestrictedEdge && (pw + 1.0) <= kSlLimit * std::fabs(sl);
  return round2_fast(z, hund, out) && ok;
}

}  // namespace u5::growth::detail

#undef U5_GROWTH_INLINE
