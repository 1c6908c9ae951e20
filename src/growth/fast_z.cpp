#include "growth/fast_z.h"

#include <bit>
#include <cstdint>

#include "growth/fast_z2.h"

#include <cmath>

namespace u5::growth::detail {

FastRow make_fast_row(const Lms& p, bool linear) noexcept {
  const double sl = p.s * p.l;
  // Rows the fast path's error bound does not cover: L == 0 (log formula),
  // |L| > 1 (outside fast_pow's domain), or a "linear" row whose L is not 1.
  const bool usable = linear ? p.l == 1.0 : (p.l != 0.0 && std::fabs(p.l) <= 1.0);
  FastRow r{p.l, 1.0 / p.m, 1.0 / sl};
  if (!usable || !(p.m > 0.0) || !(p.s > 0.0)) r.inv_sl = std::nan("");
  return r;
}

const double* hundredths() noexcept {
  static const auto table = [] {
    struct T {
      double v[kMaxHundredths + 1];
    } t{};
    for (int k = 0; k <= kMaxHundredths; ++k) t.v[k] = k / 100.0;
    return t;
  }();
  return table.v;
}

const std::uint64_t* exp2j_shifted_bits() noexcept {
  static const auto table = [] {
    struct T {
      std::uint64_t v[64];
    } t{};
    const PowTables& p = pow_tables();
    for (int j = 0; j < 64; ++j)
      t.v[j] = std::bit_cast<std::uint64_t>(p.exp2j[j]) - (static_cast<std::uint64_t>(j) << 46);
    return t;
  }();
  return table.v;
}

}  // namespace u5::growth::detail
