#include <gtest/gtest.h>

#include "core/date.h"

namespace u5 {
namespace {

TEST(Date, DayMonthYearAsPeopleReadIt) {
  EXPECT_EQ(FormatDateDmy(DateFromYmd(2026, 12, 6)), "06/12/2026");
  EXPECT_EQ(FormatDateDmy(DateFromYmd(2024, 2, 29)), "29/02/2024");
  EXPECT_EQ(FormatDateDmy(DateFromYmd(999, 1, 31)), "31/01/0999");
}

TEST(Date, EpochAndRoundTrip) {
  EXPECT_EQ(DateFromYmd(1970, 1, 1).days, 0);
  EXPECT_EQ(DateFromYmd(1969, 12, 31).days, -1);
  EXPECT_EQ(DateFromYmd(2000, 3, 1).days - DateFromYmd(2000, 2, 28).days, 2);  // 2000 is a leap year
  EXPECT_EQ(DateFromYmd(1900, 3, 1).days - DateFromYmd(1900, 2, 28).days, 1);  // 1900 is not
  // Every day over a few centuries survives the round trip and is the next day number.
  int32_t prev = DateFromYmd(1899, 12, 31).days;
  for (int y = 1900; y <= 2104; ++y)
    for (unsigned m = 1; m <= 12; ++m)
      for (unsigned d = 1; d <= 31; ++d) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
        auto parsed = ParseDate(buf);
        if (!parsed) continue;
        ASSERT_EQ(parsed->days, prev + 1) << buf;
        prev = parsed->days;
        ASSERT_EQ(FormatDate(*parsed), buf);
        int yy;
        unsigned mm, dd;
        YmdFromDate(*parsed, yy, mm, dd);
        ASSERT_EQ(yy, y);
        ASSERT_EQ(mm, m);
        ASSERT_EQ(dd, d);
      }
  EXPECT_EQ(prev, DateFromYmd(2104, 12, 31).days);
}

TEST(Date, LeapYears) {
  EXPECT_TRUE(ParseDate("2024-02-29"));
  EXPECT_TRUE(ParseDate("2000-02-29"));
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("1900-02-29"));
  EXPECT_FALSE(ParseDate("2100-02-29"));
  EXPECT_FALSE(ParseDate("2024-02-30"));
}

TEST(Date, RejectsMalformed) {
  for (const char* s : {"", "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32", "2025-04-31", "2025-1-01",
                        "2025/01/01", "01/02/2025", "20250101", "2025-01-01 ", " 2025-01-01", "2025-01-0a",
                        "１２３４-01-01", "1899-12-31", "+025-01-01"}) {
    EXPECT_FALSE(ParseDate(s)) << "'" << s << "'";
  }
  EXPECT_TRUE(ParseDate("1900-01-01"));
}

TEST(Date, ParseDateTime) {
  EXPECT_EQ(ParseDateTime("2025-12-05T08:30:00+07:00"), ParseDate("2025-12-05"));
  EXPECT_EQ(ParseDateTime("2025-12-05T08:30"), ParseDate("2025-12-05"));
  EXPECT_EQ(ParseDateTime("2025-12-05 08:30:59Z"), ParseDate("2025-12-05"));
  EXPECT_EQ(ParseDateTime("2025-12-05T08:30:00.123Z"), ParseDate("2025-12-05"));
  EXPECT_EQ(ParseDateTime("2025-12-05T23:59:59-05:00"), ParseDate("2025-12-05"));
  EXPECT_EQ(ParseDateTime("2025-12-05"), ParseDate("2025-12-05"));
  for (const char* s : {"2025-12-05T24:00", "2025-12-05T08:60", "2025-12-05T08:30:60", "2025-12-05T08",
                        "2025-12-05X08:30", "2025-02-29T08:30", "2025-12-05T08:30+7", "2025-12-05T08:30+07:00:00",
                        "2025-12-05T08:30+15:00", "2025-12-05T08:30Zjunk", "2025-12-05T8:30"}) {
    EXPECT_FALSE(ParseDateTime(s)) << s;
  }
}

// Instants: the offset counts, and a time without one is Vietnam's (+07:00).
TEST(Date, ParseInstant) {
  const int64_t utc = *ParseInstant("2025-12-05T01:30:00Z");
  EXPECT_EQ(utc, int64_t{ParseDate("2025-12-05")->days} * 86400 + 5400);
  EXPECT_EQ(*ParseInstant("2025-12-05T08:30:00+07:00"), utc);
  EXPECT_EQ(*ParseInstant("2025-12-05T08:30"), utc);
  EXPECT_EQ(*ParseInstant("2025-12-04T20:30:00-05:00"), utc);
  EXPECT_EQ(*ParseInstant("2025-12-05"), int64_t{ParseDate("2025-12-05")->days} * 86400 - 7 * 3600);
  EXPECT_FALSE(ParseInstant("2025-12-05T08:30+07"));
}

TEST(Date, CompletedMonthsAndYears) {
  const Date birth = *ParseDate("2024-02-29");
  EXPECT_EQ(CompletedMonths(birth, *ParseDate("2024-03-28")), 0);
  EXPECT_EQ(CompletedMonths(birth, *ParseDate("2024-03-29")), 1);
  EXPECT_EQ(CompletedMonths(birth, *ParseDate("2025-02-28")), 11);
  EXPECT_EQ(CompletedMonths(birth, *ParseDate("2025-03-01")), 12);
  EXPECT_EQ(CompletedYears(*ParseDate("1996-04-12"), *ParseDate("2025-04-11")), 28);
  EXPECT_EQ(CompletedYears(*ParseDate("1996-04-12"), *ParseDate("2025-04-12")), 29);
}

// The calendar "birthday" of N completed months is the first day CompletedMonths
// reaches N, and the day before is still N - 1, for every case of the table.
TEST(Date, MonthsCompletedOnAgreesWithCompletedMonths) {
  struct Case { const char* birth; int months; const char* on; };
  const Case cases[] = {
      {"2024-01-10", 12, "2025-01-10"},  // a leap first year: 366 days
      {"2023-01-10", 12, "2024-01-10"},  // a common first year: 365 days
      {"2024-02-29", 12, "2025-03-01"},  // no 29 Feb in 2025: completed on 1 March
      {"2024-02-29", 48, "2028-02-29"},
      {"2024-01-31", 1, "2024-03-01"},   // no 31 Feb
      {"2024-12-31", 2, "2025-03-01"},   // across a year end, no 31 Feb
      {"2024-11-30", 3, "2025-03-01"},
  };
  for (const Case& c : cases) {
    const Date birth = *ParseDate(c.birth);
    const Date on = MonthsCompletedOn(birth, c.months);
    EXPECT_EQ(CompletedMonths(birth, on), c.months) << c.birth << " +" << c.months;
    EXPECT_EQ(CompletedMonths(birth, Date{on.days - 1}), c.months - 1) << c.birth << " +" << c.months;
  }
  for (const Case& c : cases) {
    EXPECT_EQ(FormatDate(MonthsCompletedOn(*ParseDate(c.birth), c.months)), c.on) << c.birth << " +" << c.months;
  }
  // Every birth day of 2023-2024 and 1..60 months.
  for (Date b = *ParseDate("2023-01-01"); b <= *ParseDate("2024-12-31"); b.days++)
    for (int m = 1; m <= 60; ++m) {
      const Date on = MonthsCompletedOn(b, m);
      ASSERT_EQ(CompletedMonths(b, on), m) << FormatDate(b) << " +" << m;
      ASSERT_LT(CompletedMonths(b, Date{on.days - 1}), m) << FormatDate(b) << " +" << m;
    }
}

TEST(Date, NowIsWellFormed) {
  const std::string now = NowIso();
  ASSERT_EQ(now.size(), 24u) << now;
  EXPECT_EQ(now.back(), 'Z');
  EXPECT_TRUE(ParseDateTime(now)) << now;
  // Vietnam is UTC+7: today there is the UTC date or the day after.
  const Date utc = *ParseDate(now.substr(0, 10));
  EXPECT_TRUE(Today() == utc || Today().days == utc.days + 1);
}

}  // namespace
}  // namespace u5

// Month arithmetic as schedules and the demo use it: the same day, clamped to
// the end of a shorter month, across year ends in both directions.
TEST(Date, AddMonthsClampsToTheMonthsLastDay) {
  struct Case {
    const char* from;
    int months;
    const char* want;
  };
  const Case cases[] = {
      {"2024-01-31", 1, "2024-02-29"},  {"2023-01-31", 1, "2023-02-28"},  {"2025-03-15", 0, "2025-03-15"},
      {"2025-11-30", 3, "2026-02-28"},  {"2025-05-31", -1, "2025-04-30"}, {"2025-01-15", -1, "2024-12-15"},
      {"2025-03-31", -13, "2024-02-29"}, {"2020-02-29", 12, "2021-02-28"}, {"2020-02-29", 48, "2024-02-29"},
      {"2019-06-10", 60, "2024-06-10"},
  };
  for (const Case& c : cases) {
    // Twice in a row from the same day, as a care plan does, then from another.
    EXPECT_EQ(u5::FormatDate(u5::AddMonths(*u5::ParseDate(c.from), c.months)), c.want) << c.from << " + " << c.months;
    EXPECT_EQ(u5::FormatDate(u5::AddMonths(*u5::ParseDate(c.from), c.months)), c.want) << c.from << " + " << c.months;
  }
}
