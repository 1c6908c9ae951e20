// The tables compiled into u5_growth are the WHO CSV files, row for row.

#include <gtest/gtest.h>

#include "growth/who_tables.h"
#include "who_csv.h"

using namespace u5::growth;

namespace {

struct Named {
  const char* name;
  Indicator ind;
};
constexpr Named kAll[] = {
    {"wfa", Indicator::weight_for_age},
    {"lhfa", Indicator::length_height_for_age},
    {"wfl", Indicator::weight_for_length},
    {"wfh", Indicator::weight_for_height},
    {"bmi", Indicator::bmi_for_age},
    {"hc", Indicator::head_circumference_for_age},
    {"ac", Indicator::arm_circumference_for_age},
    {"ts", Indicator::triceps_skinfold_for_age},
    {"ss", Indicator::subscapular_skinfold_for_age},
};

TEST(WhoTables, EmbeddedTablesEqualCsvFiles) {
  for (const auto& t : kAll) {
    const auto& rows = growth_test::who_rows(t.name);
    std::size_t seen = 0;
    for (int sex : {1, 2}) {
      const LmsTable tab = who_table(t.ind, sex);
      ASSERT_FALSE(tab.empty()) << t.name;
      for (int x = tab.first; x <= tab.last; ++x) {
        const long key = is_length_based(t.ind) ? x : x * 10L;
        const auto it = rows.find({sex, key});
        ASSERT_NE(it, rows.end()) << t.name << " sex " << sex << " x " << x;
        EXPECT_EQ(tab.at(x).l, it->second.l) << t.name << " " << x;
        EXPECT_EQ(tab.at(x).m, it->second.m) << t.name << " " << x;
        EXPECT_EQ(tab.at(x).s, it->second.s) << t.name << " " << x;
        ++seen;
      }
    }
    EXPECT_EQ(seen, rows.size()) << t.name;
  }
}

TEST(WhoTables, RangesAsDocumented) {
  EXPECT_EQ(who_table(Indicator::weight_for_age, 1).first, 0);
  EXPECT_EQ(who_table(Indicator::weight_for_age, 2).last, 1826);
  EXPECT_EQ(who_table(Indicator::arm_circumference_for_age, 1).first, 91);
  EXPECT_EQ(who_table(Indicator::weight_for_length, 1).first, 450);
  EXPECT_EQ(who_table(Indicator::weight_for_length, 2).last, 1100);
  EXPECT_EQ(who_table(Indicator::weight_for_height, 1).first, 650);
  EXPECT_EQ(who_table(Indicator::weight_for_height, 2).last, 1200);
  EXPECT_TRUE(who_table(Indicator::weight_for_age, 0).empty());
  EXPECT_TRUE(who_table(Indicator::weight_for_age, 3).empty());
}

// Published WHO values (quoted in data/who-growth/SOURCES.md).
TEST(WhoTables, PublishedValues) {
  const Lms b0 = who_table(Indicator::weight_for_age, 1).at(0);
  EXPECT_EQ(b0.l, 0.3487);
  EXPECT_EQ(b0.m, 3.3464);
  EXPECT_EQ(b0.s, 0.14602);
  EXPECT_EQ(who_table(Indicator::length_height_for_age, 1).at(0).m, 49.8842);
  EXPECT_EQ(who_table(Indicator::length_height_for_age, 2).at(0).m, 49.1477);
  EXPECT_EQ(who_table(Indicator::head_circumference_for_age, 1).at(0).m, 34.4618);
  EXPECT_EQ(who_table(Indicator::head_circumference_for_age, 2).at(0).m, 33.8787);
  EXPECT_EQ(who_table(Indicator::weight_for_length, 1).at(450).m, 2.441);
}

}  // namespace
