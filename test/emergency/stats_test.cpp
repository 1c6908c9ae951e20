// Interval statistics with figures worked by hand.
#include <gtest/gtest.h>

#include "emergency/stats.h"

namespace u5::emergency {
namespace {

TEST(Quantile, Type7AsRAndNumpy) {
  // R: quantile(1:10, c(.5,.9)) = 5.5, 9.1; quantile(c(4,8,15), .9) = 13.6
  std::vector<double> v = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(*Quantile(v, 0.5), 5.5);
  EXPECT_DOUBLE_EQ(*Quantile(v, 0.9), 9.1);
  EXPECT_DOUBLE_EQ(*Quantile({4, 8, 15}, 0.9), 13.6);
  EXPECT_DOUBLE_EQ(*Quantile({7}, 0.9), 7);
  EXPECT_FALSE(Quantile({}, 0.5));
}

Case Make(const std::string& level, std::map<std::string, int> minutes) {
  Case c;
  c.level = level;
  c.raised_at = 1777593600;
  for (const auto& [k, m] : minutes) c.times[k] = c.raised_at + m * 60;
  return c;
}

TEST(Summarise, HandWorkedFigures) {
  // Acknowledged after 2, 4, 6 and 20 minutes; arrived after 30, 50, 70;
  // treated 5, 15, 25 minutes after arrival. Red treatment time: 60 minutes.
  std::vector<Case> cs = {
      Make("red", {{"acknowledged", 2}, {"arrived", 30}, {"treatment_started", 35}}),    // within 60
      Make("red", {{"acknowledged", 4}, {"arrived", 50}, {"treatment_started", 65}}),    // 65 > 60
      Make("orange", {{"acknowledged", 6}, {"arrived", 70}, {"treatment_started", 95}}),
      Make("red", {{"acknowledged", 20}}),  // not yet arrived: undecided until 60 minutes have passed
  };
  std::vector<const Case*> ps;
  for (const auto& c : cs) ps.push_back(&c);
  const int64_t t0 = 1777593600;
  IntervalStats s = Summarise(ps, Config::Builtin(), t0 + 59 * 60);
  EXPECT_EQ(s.n, 4);
  EXPECT_DOUBLE_EQ(*s.ack_median, 5);         // (4 + 6) / 2
  EXPECT_DOUBLE_EQ(*s.ack_p90, 15.8);         // h = 2.7: 6 + 0.7 * (20 - 6)
  EXPECT_DOUBLE_EQ(*s.arrival_median, 50);
  EXPECT_DOUBLE_EQ(*s.arrival_p90, 66);       // h = 1.8: 50 + 0.8 * 20
  EXPECT_DOUBLE_EQ(*s.treatment_median, 15);
  EXPECT_DOUBLE_EQ(*s.treatment_p90, 23);     // h = 1.8: 15 + 0.8 * 10
  EXPECT_EQ(s.red_n, 2);                      // the fourth is still undecided
  EXPECT_DOUBLE_EQ(*s.red_treated_within_share, 0.5);
  s = Summarise(ps, Config::Builtin(), t0 + 61 * 60);
  EXPECT_EQ(s.red_n, 3);                      // now past its time untreated
  EXPECT_NEAR(*s.red_treated_within_share, 1.0 / 3, 1e-12);
}

TEST(Period, AsPeopleWriteIt) {
  int64_t from, to;
  ASSERT_TRUE(ParsePeriod("2026-05", &from, &to).ok());
  EXPECT_EQ(from, 1777593600 - 7 * 3600);  // 1 May 00:00 in Vietnam
  EXPECT_EQ(to - from, 31 * 86400);
  ASSERT_TRUE(ParsePeriod("2026Q3", &from, &to).ok());
  EXPECT_EQ(FormatInstant(from), "2026-06-30T17:00:00Z");
  EXPECT_EQ(FormatInstant(to), "2026-09-30T17:00:00Z");
  ASSERT_TRUE(ParsePeriod("2026S2", &from, &to).ok());
  EXPECT_EQ(FormatInstant(to), "2026-12-31T17:00:00Z");
  ASSERT_TRUE(ParsePeriod("2026", &from, &to).ok());
  EXPECT_EQ(FormatInstant(from), "2025-12-31T17:00:00Z");
  for (const char* bad : {"2026Q5", "2026-13", "26", "2026W1", "2026-5"})
    EXPECT_EQ(ParsePeriod(bad, &from, &to).field(), "period") << bad;
}

}  // namespace
}  // namespace u5::emergency
