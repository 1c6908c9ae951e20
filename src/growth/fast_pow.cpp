#include "growth/fast_pow.h"

#include <cmath>

namespace u5::growth::detail {

const PowTables& pow_tables() noexcept {
  static const PowTables t = [] {
    PowTables p{};
    for (int j = 0; j < 64; ++j) {
      const double c = 1.0 + (j + 0.5) / 64.0;  // exact in binary
      p.invc[j] = 1.0 / c;
      p.logc[j] = std::log(c);
      p.exp2j[j] = std::exp2(j / 64.0);
    }
    return p;
  }();
  return t;
}

}  // namespace u5::growth::detail
