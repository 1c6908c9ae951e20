// The attacker of a published table: for every hidden entry of the table
// extended by its totals, the least and greatest value it can take over
// non-negative solutions of every published equation (lp.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "publish/suppress.h"

namespace u5::publish::test {

struct Breach {
  size_t row, col;  // row == rows: the total row; col == cols: the total column
  int64_t value;
  double low, high;
  std::string why;
};

// The hidden entries the published ones pin (low == high) or confine, when
// primary (0 < value < threshold), inside [1, threshold - 1].
std::vector<Breach> Attack(const std::vector<std::vector<int64_t>>& cells, const TableMask& m, int threshold);

}  // namespace u5::publish::test
