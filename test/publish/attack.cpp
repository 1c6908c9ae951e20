#include "attack.h"

#include <cmath>

#include "lp.h"

namespace u5::publish::test {

std::vector<Breach> Attack(const std::vector<std::vector<int64_t>>& cells, const TableMask& m, int threshold) {
  const size_t R = cells.size(), C = cells[0].size();
  std::vector<std::vector<int64_t>> v(R + 1, std::vector<int64_t>(C + 1, 0));
  std::vector<std::vector<bool>> hid(R + 1, std::vector<bool>(C + 1, false));
  for (size_t i = 0; i < R; ++i)
    for (size_t j = 0; j < C; ++j) {
      v[i][j] = cells[i][j];
      v[i][C] += cells[i][j];
      v[R][j] += cells[i][j];
      v[R][C] += cells[i][j];
      hid[i][j] = m.cells[i][j];
    }
  for (size_t i = 0; i < R; ++i) hid[i][C] = m.rows[i];
  for (size_t j = 0; j < C; ++j) hid[R][j] = m.cols[j];
  hid[R][C] = m.grand;
  std::vector<std::pair<size_t, size_t>> vars;
  std::vector<std::vector<int>> index(R + 1, std::vector<int>(C + 1, -1));
  for (size_t i = 0; i <= R; ++i)
    for (size_t j = 0; j <= C; ++j)
      if (hid[i][j]) index[i][j] = static_cast<int>(vars.size()), vars.push_back({i, j});
  if (vars.empty()) return {};
  // One equation a line: its inner entries minus its total entry = 0.
  std::vector<std::vector<double>> A;
  std::vector<double> b;
  auto line = [&](bool is_row, size_t k) {
    std::vector<double> a(vars.size(), 0);
    double rhs = 0;
    bool any = false;
    const size_t n = is_row ? C : R;
    for (size_t t = 0; t <= n; ++t) {
      const size_t i = is_row ? k : t, j = is_row ? t : k;
      const double w = t == n ? -1 : 1;
      if (hid[i][j]) a[static_cast<size_t>(index[i][j])] += w, any = true;
      else rhs -= w * static_cast<double>(v[i][j]);
    }
    if (any) A.push_back(a), b.push_back(rhs);
  };
  for (size_t i = 0; i <= R; ++i) line(true, i);
  for (size_t j = 0; j <= C; ++j) line(false, j);
  std::vector<Breach> out;
  for (size_t k = 0; k < vars.size(); ++k) {
    auto [i, j] = vars[k];
    const auto lo = Optimize(A, b, k, false), hi = Optimize(A, b, k, true);
    if (!lo || !hi) {
      out.push_back({i, j, v[i][j], 0, 0, "infeasible: the attacker's system is wrong"});
      continue;
    }
    const double low = std::round(*lo), high = std::isinf(*hi) ? *hi : std::round(*hi);
    const bool primary = v[i][j] > 0 && v[i][j] < threshold;
    if (low == high) out.push_back({i, j, v[i][j], low, high, "pinned"});
    else if (primary && low >= 1 && high <= threshold - 1) out.push_back({i, j, v[i][j], low, high, "confined below the threshold"});
  }
  return out;
}

}  // namespace u5::publish::test
