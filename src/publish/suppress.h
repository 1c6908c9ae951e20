// Small-cell suppression of a 2-D count table published with its row, column
// and grand totals (docs/publication.md). Primary: a count c with
// 0 < c < threshold, a small total hides its whole line. Complementary: every
// hidden entry must lie on a "rectangle" of hidden entries of the table
// extended by its totals along which it can move, all equations kept, until it
// reaches 0 or the threshold (a primary entry) or by at least one (a
// complement). Such a move is another non-negative solution of every published
// equation, so the attacker's feasible range holds it: no hidden entry can be
// worked out (test/publish/suppression_attack_test checks it by linear
// programming). Complements are the cheapest rectangle corners (smallest sum
// of counts, totals last).
#pragma once
#include <cstdint>
#include <vector>

namespace u5::publish {

struct TableMask {
  // Sized like the table; rows/cols/grand mark hidden totals.
  std::vector<std::vector<bool>> cells;
  std::vector<bool> rows, cols;
  bool grand = false;
};

// `cells` is rows × columns (every row the same width, at least one row and
// column); totals are the sums of the cells.
TableMask SuppressTable(const std::vector<std::vector<int64_t>>& cells, int threshold);

}  // namespace u5::publish
