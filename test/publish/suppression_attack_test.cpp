// The attack on published tables (docs/publication.md): random tables and the
// demo province's tables, suppressed by SuppressTable, then attacked by linear
// programming over every published cell and total. The naive rule (the 1-D
// rule of auth::CellsToHide applied to each row and column until nothing
// changes) is attacked too, to show the test can fail.
#include <gtest/gtest.h>

#include <random>

#include "attack.h"
#include "auth/small_cells.h"
#include "publish/suppress.h"

namespace u5::publish {
namespace {

constexpr int kThreshold = 5;

std::vector<std::vector<int64_t>> RandomTable(std::mt19937& rng) {
  const size_t rows = std::uniform_int_distribution<size_t>(3, 30)(rng);
  const size_t cols = std::uniform_int_distribution<size_t>(3, 6)(rng);
  std::vector<std::vector<int64_t>> t(rows, std::vector<int64_t>(cols));
  std::uniform_int_distribution<int> kind(0, 9), small(1, 4), big(5, 40);
  for (auto& row : t)
    for (auto& c : row) {
      const int k = kind(rng);
      c = k < 4 ? 0 : k < 7 ? small(rng) : big(rng);
    }
  return t;
}

TableMask NaiveMask(const std::vector<std::vector<int64_t>>& t) {
  const size_t R = t.size(), C = t[0].size();
  TableMask m;
  m.cells.assign(R, std::vector<bool>(C, false));
  m.rows.assign(R, false);
  m.cols.assign(C, false);
  for (bool changed = true; changed;) {
    changed = false;
    auto apply = [&](std::vector<std::pair<size_t, size_t>> idx) {
      std::vector<auth::CountCell> cells;
      for (auto [i, j] : idx) {
        // A cell already hidden counts as small, so the rule sees it hidden.
        const int64_t c = m.cells[i][j] ? 1 : t[i][j];
        cells.push_back({c, c});
      }
      const auto hide = auth::CellsToHide(cells, kThreshold);
      for (size_t k = 0; k < idx.size(); ++k)
        if (hide[k] && !m.cells[idx[k].first][idx[k].second]) m.cells[idx[k].first][idx[k].second] = changed = true;
    };
    for (size_t i = 0; i < R; ++i) {
      std::vector<std::pair<size_t, size_t>> idx;
      for (size_t j = 0; j < C; ++j) idx.push_back({i, j});
      apply(idx);
    }
    for (size_t j = 0; j < C; ++j) {
      std::vector<std::pair<size_t, size_t>> idx;
      for (size_t i = 0; i < R; ++i) idx.push_back({i, j});
      apply(idx);
    }
  }
  return m;
}

std::string Show(const std::vector<std::vector<int64_t>>& t, const TableMask& m, const std::vector<test::Breach>& b) {
  std::string s;
  for (size_t i = 0; i < t.size(); ++i) {
    for (size_t j = 0; j < t[i].size(); ++j) s += std::to_string(t[i][j]) + (m.cells[i][j] ? "* " : " ");
    s += m.rows[i] ? "| *\n" : "|\n";
  }
  for (bool c : m.cols) s += c ? "* " : ". ";
  s += m.grand ? "*\n" : ".\n";
  for (const auto& x : b)
    s += "(" + std::to_string(x.row) + "," + std::to_string(x.col) + ")=" + std::to_string(x.value) + " in [" +
         std::to_string(x.low) + "," + std::to_string(x.high) + "] " + x.why + "\n";
  return s;
}

TEST(SuppressionAttack, RandomTablesKeepEveryHiddenCellUnknown) {
  std::mt19937 rng(20260702);
  for (int n = 0; n < 1000; ++n) {
    const auto t = RandomTable(rng);
    const TableMask m = SuppressTable(t, kThreshold);
    const auto breaches = test::Attack(t, m, kThreshold);
    ASSERT_TRUE(breaches.empty()) << "table " << n << " (" << t.size() << "x" << t[0].size() << ")\n" << Show(t, m, breaches);
  }
}

TEST(SuppressionAttack, NaiveOneDimensionalRuleIsBroken) {
  std::mt19937 rng(20260702);
  int broken = 0;
  for (int n = 0; n < 150; ++n) {
    const auto t = RandomTable(rng);
    if (!test::Attack(t, NaiveMask(t), kThreshold).empty()) ++broken;
  }
  // Row and column rules alone leave cells the whole system pins (or totals
  // give back): the attack must catch it, or it could not catch ours.
  EXPECT_GT(broken, 0);
}

TEST(SuppressionAttack, ChainThatEveryLineRuleMisses) {
  // Every row and column holds two hidden cells, yet the chain pins them: the
  // hidden cells (0,0),(0,1),(1,1),(1,2),(2,2),(2,0) form one cycle only, and
  // (0,0) = 2 can only move between 1 and 3 along it.
  const std::vector<std::vector<int64_t>> t{{2, 1, 50}, {50, 1, 3}, {3, 50, 3}};
  TableMask m;
  m.cells = {{true, true, false}, {false, true, true}, {true, false, true}};
  m.rows.assign(3, false);
  m.cols.assign(3, false);
  EXPECT_FALSE(test::Attack(t, m, kThreshold).empty());
  EXPECT_TRUE(test::Attack(t, SuppressTable(t, kThreshold), kThreshold).empty());
}

}  // namespace
}  // namespace u5::publish
