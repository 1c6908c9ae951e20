#include <gtest/gtest.h>

#include <set>

#include "indicator/period.h"

namespace u5::indicator {
namespace {

TEST(Period, ParsesReportingPeriods) {
  struct Row {
    const char* text;
    PeriodKind kind;
    const char* from;
    const char* to;
  } rows[] = {
      {"2025", PeriodKind::year, "2025-01-01", "2025-12-31"},
      {"2025S1", PeriodKind::half, "2025-01-01", "2025-06-30"},
      {"2025S2", PeriodKind::half, "2025-07-01", "2025-12-31"},
      {"2025Q3", PeriodKind::quarter, "2025-07-01", "2025-09-30"},
      {"2024-02", PeriodKind::month, "2024-02-01", "2024-02-29"},
      {"2025-12", PeriodKind::month, "2025-12-01", "2025-12-31"},
      {"2025-01-15..2025-03-31", PeriodKind::range, "2025-01-15", "2025-03-31"},
  };
  for (const auto& r : rows) {
    Period p;
    ASSERT_TRUE(ParsePeriod(r.text, &p).ok()) << r.text;
    EXPECT_EQ(p.kind, r.kind) << r.text;
    EXPECT_EQ(FormatDate(p.from), r.from) << r.text;
    EXPECT_EQ(FormatDate(p.to), r.to) << r.text;
  }
}

TEST(Period, RejectsNonsense) {
  for (const char* s : {"", "25", "2025S3", "2025Q5", "2025-13", "2025-3", "2025-02-30..2025-03-01",
                        "2025-03-01..2025-02-01", "abcd"}) {
    Period p;
    Status st = ParsePeriod(s, &p);
    EXPECT_FALSE(st.ok()) << s;
    EXPECT_EQ(st.field(), "period") << s;
  }
}

TEST(Period, SlotsAreDistinctWithinTheMatrix) {
  SlotLayout l{2020, 3};
  std::set<int> seen;
  for (int y = 2020; y <= 2022; ++y) {
    for (int m = 1; m <= 12; ++m) EXPECT_TRUE(seen.insert(l.Slot(PeriodKind::month, y, m)).second);
    for (int q = 1; q <= 4; ++q) EXPECT_TRUE(seen.insert(l.Slot(PeriodKind::quarter, y, q)).second);
    for (int h = 1; h <= 2; ++h) EXPECT_TRUE(seen.insert(l.Slot(PeriodKind::half, y, h)).second);
    EXPECT_TRUE(seen.insert(l.Slot(PeriodKind::year, y, 1)).second);
  }
  EXPECT_EQ(static_cast<int>(seen.size()), l.slots());
  EXPECT_EQ(*seen.rbegin(), l.slots() - 1);
  EXPECT_EQ(l.Slot(PeriodKind::year, 2019, 1), -1);
  EXPECT_EQ(l.Slot(PeriodKind::year, 2023, 1), -1);
}

}  // namespace
}  // namespace u5::indicator
