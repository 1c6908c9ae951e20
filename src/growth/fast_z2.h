#pragma once
// Two restricted z-scores at once (weight-for-age and BMI-for-age of one
// measurement) with SSE2, part of x86-64's baseline (no -march needed). The
// same arithmetic and guards as row_z_fast<false, true> (fast_z.h), except
// that 2^(n/64) and 2^(n>>6) are joined in one exact bit operation before
// the single product with the polynomial (one rounding fewer).

#include <emmintrin.h>

#include <cstdint>
#include <cstring>

#include "growth/fast_z.h"

namespace u5::growth::detail {

// exp2j bits minus j << 46: adding (kd bits) << 46 then yields 2^(n/64)
// (see fast_pow_pair).
const std::uint64_t* exp2j_shifted_bits() noexcept;

// fast_pow() for two lanes (y inside fast_pow_domain), same error bound.
[[gnu::always_inline]] inline __m128d fast_pow_pair(__m128d y, __m128d l, const PowTables& t,
                                                    const std::uint64_t* exp_bits) noexcept {
  const __m128d one = _mm_set1_pd(1.0);
  // ln y = e ln 2 + ln c_j + ln(m / c_j)
  const __m128i bits = _mm_castpd_si128(y);
  const __m128i ebits = _mm_or_si128(_mm_srli_epi64(bits, 52), _mm_set1_epi64x(0x4330000000000000LL));
  const __m128d e = _mm_sub_pd(_mm_castsi128_pd(ebits), _mm_set1_pd(0x1p52 + 1023.0));
  const __m128i jv = _mm_and_si128(_mm_srli_epi64(bits, 46), _mm_set1_epi64x(63));
  const int j0 = _mm_cvtsi128_si32(jv);
  const int j1 = _mm_cvtsi128_si32(_mm_unpackhi_epi64(jv, jv));
  const __m128d m = _mm_castsi128_pd(_mm_or_si128(_mm_and_si128(bits, _mm_set1_epi64x(0x000fffffffffffffLL)),
                                                  _mm_set1_epi64x(0x3ff0000000000000LL)));
  const __m128d r = _mm_sub_pd(_mm_mul_pd(m, _mm_set_pd(t.invc[j1], t.invc[j0])), one);
  __m128d poly = _mm_set1_pd(1.0 / 7);
  poly = _mm_add_pd(_mm_set1_pd(-1.0 / 6), _mm_mul_pd(r, poly));
  poly = _mm_add_pd(_mm_set1_pd(1.0 / 5), _mm_mul_pd(r, poly));
  poly = _mm_add_pd(_mm_set1_pd(-1.0 / 4), _mm_mul_pd(r, poly));
  poly = _mm_add_pd(_mm_set1_pd(1.0 / 3), _mm_mul_pd(r, poly));
  poly = _mm_add_pd(_mm_set1_pd(-1.0 / 2), _mm_mul_pd(r, poly));
  poly = _mm_add_pd(one, _mm_mul_pd(r, poly));
  const __m128d log1p_r = _mm_mul_pd(r, poly);
  constexpr long double kLn2 = 0.693147180559945309417232121458176568L;
  constexpr double kLn2Hi = 0x1.62e42feep-1;
  constexpr double kLn2Lo = static_cast<double>(kLn2 - kLn2Hi);
  const __m128d lny = _mm_add_pd(
      _mm_add_pd(_mm_mul_pd(e, _mm_set1_pd(kLn2Hi)), _mm_set_pd(t.logc[j1], t.logc[j0])),
      _mm_add_pd(_mm_mul_pd(e, _mm_set1_pd(kLn2Lo)), log1p_r));

  // exp(s) = 2^(n/64) exp(u)
  const __m128d s = _mm_mul_pd(l, lny);
  const __m128d shift = _mm_set1_pd(0x1.8p52);
  const __m128d kd = _mm_add_pd(_mm_mul_pd(s, _mm_set1_pd(static_cast<double>(64.0L / kLn2))), shift);
  const __m128d nd = _mm_sub_pd(kd, shift);
  constexpr double kStepHi = 0x1.62e42feep-7;
  constexpr double kStepLo = static_cast<double>(kLn2 / 64 - kStepHi);
  const __m128d u = _mm_sub_pd(_mm_sub_pd(s, _mm_mul_pd(nd, _mm_set1_pd(kStepHi))),
                               _mm_mul_pd(nd, _mm_set1_pd(kStepLo)));
  __m128d ep = _mm_set1_pd(1.0 / 720);
  ep = _mm_add_pd(_mm_set1_pd(1.0 / 120), _mm_mul_pd(u, ep));
  ep = _mm_add_pd(_mm_set1_pd(1.0 / 24), _mm_mul_pd(u, ep));
  ep = _mm_add_pd(_mm_set1_pd(1.0 / 6), _mm_mul_pd(u, ep));
  ep = _mm_add_pd(_mm_set1_pd(1.0 / 2), _mm_mul_pd(u, ep));
  ep = _mm_add_pd(one, _mm_mul_pd(u, ep));
  ep = _mm_add_pd(one, _mm_mul_pd(u, ep));
  const __m128i ki = _mm_castpd_si128(kd);
  const __m128i nj = _mm_and_si128(ki, _mm_set1_epi64x(63));
  const int n0 = _mm_cvtsi128_si32(nj);
  const int n1 = _mm_cvtsi128_si32(_mm_unpackhi_epi64(nj, nj));
  const __m128i sbits = _mm_add_epi64(_mm_set_epi64x(static_cast<long long>(exp_bits[n1]),
                                                     static_cast<long long>(exp_bits[n0])),
                                      _mm_slli_epi64(ki, 46));
  return _mm_mul_pd(_mm_castsi128_pd(sbits), ep);

}

// Rounded z for x[i] on rows r[i], i = 0, 1; bit i of the result is set when
// out[i] is proven (as row_z_fast).
[[gnu::always_inline]] inline unsigned row_z_fast_pair(const double x[2], const FastRow& r0,
                                                       const FastRow& r1, const PowTables& t,
                                                       const std::uint64_t* exp_bits,
                                                       const double* hund, double out[2]) noexcept {
  const __m128d one = _mm_set1_pd(1.0);
  const __m128d y = _mm_mul_pd(_mm_loadu_pd(x), _mm_set_pd(r1.inv_m, r0.inv_m));
  const __m128d l = _mm_set_pd(r1.l, r0.l);
  const __m128d inv_sl = _mm_set_pd(r1.inv_sl, r0.inv_sl);
  double ys[2];
  _mm_storeu_pd(ys, y);
  const unsigned domain = (fast_pow_domain_y(ys[0]) ? 1u : 0u) | (fast_pow_domain_y(ys[1]) ? 2u : 0u);
  const __m128d yd = _mm_or_pd(_mm_and_pd(y, _mm_castsi128_pd(_mm_set_epi64x(
                                                 domain & 2 ? -1 : 0, domain & 1 ? -1 : 0))),
                               _mm_and_pd(one, _mm_castsi128_pd(_mm_set_epi64x(
                                                   domain & 2 ? 0 : -1, domain & 1 ? 0 : -1))));

  const __m128d p = fast_pow_pair(yd, l, t, exp_bits);

  // z, guards and rounding as in row_z_fast / round2_fast.
  const __m128d z = _mm_mul_pd(_mm_sub_pd(p, one), inv_sl);
  const __m128d abs_mask = _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffffLL));
  const __m128d az = _mm_and_pd(z, abs_mask);
  const __m128d accurate = _mm_cmple_pd(_mm_mul_pd(_mm_add_pd(p, one), _mm_and_pd(inv_sl, abs_mask)),
                                        _mm_set1_pd(kSlLimit));
  const __m128d inside = _mm_cmplt_pd(az, _mm_set1_pd(kRestrictedEdge));
  const __m128d q = _mm_mul_pd(az, _mm_set1_pd(100.0));
  const __m128d in_range = _mm_cmplt_pd(q, _mm_set1_pd(kMaxHundredths));
  const __m128d qc = _mm_and_pd(q, in_range);
  const __m128i iv = _mm_cvttpd_epi32(qc);
  const __m128d f = _mm_sub_pd(qc, _mm_cvtepi32_pd(iv));
  const unsigned up = static_cast<unsigned>(_mm_movemask_pd(_mm_cmpgt_pd(f, _mm_set1_pd(0.5))));
  const __m128d no_tie = _mm_cmpgt_pd(_mm_and_pd(_mm_sub_pd(f, _mm_set1_pd(0.5)), abs_mask),
                                      _mm_set1_pd(kTieWindow));
  const unsigned ok = static_cast<unsigned>(_mm_movemask_pd(
                          _mm_and_pd(_mm_and_pd(accurate, inside), _mm_and_pd(in_range, no_tie)))) &
                      domain;
  const int k0 = _mm_cvtsi128_si32(iv) + static_cast<int>(up & 1);
  const int k1 = _mm_cvtsi128_si32(_mm_srli_si128(iv, 4)) + static_cast<int>(up >> 1);
  double zs[2];
  _mm_storeu_pd(zs, z);
  out[0] = std::copysign(hund[k0], zs[0]) + 0.0;
  out[1] = std::copysign(hund[k1], zs[1]) + 0.0;
  return ok;
}

}  // namespace u5::growth::detail
