#include "publish/suppress.h"

#include <algorithm>
#include <array>
#include <limits>
#include <tuple>

namespace u5::publish {

namespace {

// The table extended by its totals: index R is the total row, C the total
// column. Every published equation reads "sum of the inner entries of a line
// minus its total entry = 0", so a move of +t on the diagonal corners and -t on
// the others of a rectangle, each scaled by w(i)·w(j) (w = +1 inner, -1
// total), keeps all of them.
struct Extended {
  size_t R, C;
  std::vector<std::vector<int64_t>> v;
  std::vector<std::vector<bool>> hidden;
  int w(size_t i, size_t n) const { return i == n ? -1 : 1; }
};

constexpr int64_t kInf = std::numeric_limits<int64_t>::max();

// How far entry (a,b) can move down and up along the rectangle with opposite
// corner (c,d), given the corners' counts (non-negative).
std::pair<int64_t, int64_t> Reach(const Extended& e, size_t a, size_t b, size_t c, size_t d) {
  const std::array<std::tuple<size_t, size_t, int>, 4> corners{{{a, b, 1}, {c, d, 1}, {a, d, -1}, {c, b, -1}}};
  int64_t down = kInf, up = kInf;
  const int sab = e.w(a, e.R) * e.w(b, e.C);
  for (auto [i, j, p] : corners) {
    // Change of (i,j) per unit moved of (a,b) upwards.
    const int dir = p * e.w(i, e.R) * e.w(j, e.C) * sab;
    if (dir < 0) up = std::min(up, e.v[i][j]);
    else down = std::min(down, e.v[i][j]);
  }
  return {down, up};
}

bool SafeWith(const Extended& e, size_t a, size_t b, int64_t down, int64_t up, int threshold) {
  const int64_t x = e.v[a][b];
  // A small count must reach 0 or the threshold; any other hidden entry (a
  // zero hidden with its line, a complement) must merely not be pinned.
  if (x > 0 && x < threshold) return x - down <= 0 || (up != kInf && x + up >= threshold) || up == kInf;
  return down > 0 || up > 0;
}

// Whether a rectangle of hidden entries protects (a,b) already.
bool Protected(const Extended& e, size_t a, size_t b, int threshold) {
  for (size_t c = 0; c <= e.R; ++c) {
    if (c == a) continue;
    for (size_t d = 0; d <= e.C; ++d) {
      if (d == b || !e.hidden[c][d] || !e.hidden[a][d] || !e.hidden[c][b]) continue;
      auto [down, up] = Reach(e, a, b, c, d);
      if (SafeWith(e, a, b, down, up, threshold)) return true;
    }
  }
  return false;
}

}  // namespace

TableMask SuppressTable(const std::vector<std::vector<int64_t>>& cells, int threshold) {
  Extended e;
  e.R = cells.size();
  e.C = e.R ? cells[0].size() : 0;
  e.v.assign(e.R + 1, std::vector<int64_t>(e.C + 1, 0));
  for (size_t i = 0; i < e.R; ++i)
    for (size_t j = 0; j < e.C; ++j) {
      e.v[i][j] = cells[i][j];
      e.v[i][e.C] += cells[i][j];
      e.v[e.R][j] += cells[i][j];
      e.v[e.R][e.C] += cells[i][j];
    }
  auto small = [&](int64_t c) { return c > 0 && c < threshold; };
  e.hidden.assign(e.R + 1, std::vector<bool>(e.C + 1, false));
  for (size_t i = 0; i <= e.R; ++i)
    for (size_t j = 0; j <= e.C; ++j)
      if (small(e.v[i][j])) {
        e.hidden[i][j] = true;
        // A small total hides its breakdown (its line).
        if (i == e.R || j == e.C)
          for (size_t k = 0; k <= (i == e.R ? e.R : e.C); ++k) {
            if (i == e.R) e.hidden[k][j] = true;
            if (j == e.C) e.hidden[i][k] = true;
          }
      }
  if (e.hidden[e.R][e.C])
    for (auto& row : e.hidden) std::fill(row.begin(), row.end(), true);

  // Add the cheapest rectangle for each entry not yet protected, until all are;
  // each round hides at least one more entry, so it ends.
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t a = 0; a <= e.R; ++a)
      for (size_t b = 0; b <= e.C; ++b) {
        if (!e.hidden[a][b] || Protected(e, a, b, threshold)) continue;
        using Cost = std::tuple<int, int64_t, int>;  // totals hidden, counts hidden, entries hidden
        Cost best{std::numeric_limits<int>::max(), 0, 0};
        size_t bc = 0, bd = 0;
        for (size_t c = 0; c <= e.R; ++c)
          for (size_t d = 0; d <= e.C; ++d) {
            if (c == a || d == b) continue;
            auto [down, up] = Reach(e, a, b, c, d);
            if (!SafeWith(e, a, b, down, up, threshold)) continue;
            Cost cost{0, 0, 0};
            for (auto [i, j] : {std::pair{c, d}, std::pair{a, d}, std::pair{c, b}})
              if (!e.hidden[i][j]) {
                std::get<0>(cost) += (i == e.R || j == e.C) ? 1 : 0;
                std::get<1>(cost) += e.v[i][j];
                std::get<2>(cost) += 1;
              }
            if (cost < best) best = cost, bc = c, bd = d;
          }
        if (std::get<0>(best) == std::numeric_limits<int>::max()) {
          // No rectangle can protect it (a single row or column): nothing is published.
          for (auto& row : e.hidden) std::fill(row.begin(), row.end(), true);
          changed = false;
          a = e.R + 1;
          break;
        }
        e.hidden[bc][bd] = e.hidden[a][bd] = e.hidden[bc][b] = true;
        changed = true;
      }
  }
  TableMask m;
  m.cells.assign(e.R, std::vector<bool>(e.C));
  m.rows.resize(e.R);
  m.cols.resize(e.C);
  for (size_t i = 0; i < e.R; ++i) {
    for (size_t j = 0; j < e.C; ++j) m.cells[i][j] = e.hidden[i][j];
    m.rows[i] = e.hidden[i][e.C];
  }
  for (size_t j = 0; j < e.C; ++j) m.cols[j] = e.hidden[e.R][j];
  m.grand = e.hidden[e.R][e.C];
  return m;
}

}  // namespace u5::publish
