// Small cells: a breakdown where one group has 3 deaths must hide that group
// and its complement, or the 3 could be worked out from the total.
#include <gtest/gtest.h>

#include "auth/small_cells.h"

namespace u5::auth {
namespace {

using nlohmann::json;

TEST(SmallCells, CellOfThreeHiddenWithItsComplement) {
  json item = {{"indicator", "U5MR"}, {"value", 98.5}, {"numerator", 15}, {"denominator", 150},
               {"breakdown", {{"by", "sex"}, {"groups", {{"female", {{"numerator", 3}, {"denominator", 70}}},
                                                         {"male", {{"numerator", 12}, {"denominator", 80}}}}}}}};
  SuppressSmallCells(item, 5);
  const json& g = item["breakdown"]["groups"];
  EXPECT_TRUE(g["female"].value("suppressed", false));
  EXPECT_FALSE(g["female"].contains("numerator"));
  // Without hiding "male", female = 15 - 12 = 3.
  EXPECT_TRUE(g["male"].value("suppressed", false));
  EXPECT_FALSE(g["male"].contains("numerator"));
  EXPECT_EQ(item["numerator"], 15);  // the total itself is not small
}

TEST(SmallCells, ComplementIsTheSmallestOtherCellWithCounts) {
  std::vector<CountCell> cells = {{3, 40}, {0, 0}, {20, 200}, {9, 90}};
  std::vector<bool> hide = CellsToHide(cells, 5);
  EXPECT_EQ(hide, (std::vector<bool>{true, false, false, true}));
}

TEST(SmallCells, TwoSmallCellsNeedNoComplement) {
  std::vector<CountCell> cells = {{3, 40}, {2, 30}, {20, 200}};
  EXPECT_EQ(CellsToHide(cells, 5), (std::vector<bool>{true, true, false}));
}

TEST(SmallCells, ZeroAndLargeCellsStay) {
  std::vector<CountCell> cells = {{0, 40}, {5, 30}, {20, 200}};
  EXPECT_EQ(CellsToHide(cells, 5), (std::vector<bool>{false, false, false}));
}

TEST(SmallCells, SmallDenominatorIsSmallToo) {
  EXPECT_TRUE(IsSmallCell({0, 4}, 5));
  EXPECT_FALSE(IsSmallCell({0, 0}, 5));
}

TEST(SmallCells, SmallTotalHidesValueAndWholeBreakdown) {
  json item = {{"value", 500.0}, {"numerator", 2}, {"denominator", 4},
               {"breakdown", {{"by", "sex"}, {"groups", {{"female", {{"numerator", 2}, {"denominator", 2}}},
                                                         {"male", {{"numerator", 0}, {"denominator", 2}}}}}}}};
  SuppressSmallCells(item, 5);
  EXPECT_TRUE(item["value"].is_null());
  EXPECT_FALSE(item.contains("numerator"));
  EXPECT_TRUE(item["breakdown"]["groups"]["male"].value("suppressed", false));
}

TEST(SmallCells, ThresholdIsConfigurable) {
  std::vector<CountCell> cells = {{7, 100}, {30, 100}};
  EXPECT_EQ(CellsToHide(cells, 5), (std::vector<bool>{false, false}));
  EXPECT_EQ(CellsToHide(cells, 10), (std::vector<bool>{true, true}));
}

}  // namespace
}  // namespace u5::auth
