// SuppressTable on tables worked by hand.
#include <gtest/gtest.h>

#include "publish/suppress.h"

namespace u5::publish {
namespace {

using Rows = std::vector<std::vector<bool>>;

TEST(SuppressTable, NothingSmallNothingHidden) {
  const TableMask m = SuppressTable({{0, 10}, {7, 5}}, 5);
  EXPECT_EQ(m.cells, (Rows{{false, false}, {false, false}}));
  EXPECT_FALSE(m.grand);
}

TEST(SuppressTable, OneSmallCellGetsTheCheapestRectangle) {
  // 2 at (0,0): the rectangle with (1,1) = 20 lets it reach 0; its corners
  // (0,1) = 10 and (1,0) = 10 cost 20, cheaper than any with column 2.
  const TableMask m = SuppressTable({{2, 10, 30}, {10, 20, 40}, {30, 40, 50}}, 5);
  EXPECT_EQ(m.cells, (Rows{{true, true, false}, {true, true, false}, {false, false, false}}));
  EXPECT_EQ(m.rows, (std::vector<bool>{false, false, false}));
  EXPECT_FALSE(m.grand);
}

TEST(SuppressTable, SmallRowTotalHidesItsRow) {
  // Row 0 sums to 3: its total and both its cells are hidden, then another
  // row's cells and total complete the rectangles.
  const TableMask m = SuppressTable({{1, 2}, {10, 20}, {30, 40}}, 5);
  EXPECT_TRUE(m.rows[0]);
  EXPECT_TRUE(m.cells[0][0]);
  EXPECT_TRUE(m.cells[0][1]);
  EXPECT_TRUE(m.rows[1] || m.rows[2]);
  EXPECT_FALSE(m.grand);
}

TEST(SuppressTable, SmallGrandTotalHidesEverything) {
  const TableMask m = SuppressTable({{1, 0}, {0, 2}}, 5);
  EXPECT_TRUE(m.grand);
  EXPECT_EQ(m.cells, (Rows{{true, true}, {true, true}}));
}

TEST(SuppressTable, ZerosAreNotSmall) {
  const TableMask m = SuppressTable({{0, 0, 9}, {6, 0, 8}}, 5);
  EXPECT_EQ(m.cells, (Rows{{false, false, false}, {false, false, false}}));
}

}  // namespace
}  // namespace u5::publish
