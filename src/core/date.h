// Calendar dates as day numbers (days since 1970-01-01), proleptic Gregorian.
// All registry dates are local civil dates in Vietnam (UTC+7, no DST); a
// date-time is stored as ISO 8601 with its offset.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace u5 {

struct Date {
  int32_t days = 0;  // days since 1970-01-01
  auto operator<=>(const Date&) const = default;
};

Date DateFromYmd(int y, unsigned m, unsigned d);
void YmdFromDate(Date date, int& y, unsigned& m, unsigned& d);
// Strict "YYYY-MM-DD"; nullopt for anything else or an impossible day (2023-02-29).
std::optional<Date> ParseDate(std::string_view s);
// "YYYY-MM-DDTHH:MM[:SS][Z|+hh:mm]" (or a plain date); returns the civil date part.
std::optional<Date> ParseDateTime(std::string_view s);
// The same as an instant: seconds since 1970-01-01T00:00Z, a time without an
// offset being Vietnam's (+07:00); a plain date is its midnight there.
std::optional<int64_t> ParseInstant(std::string_view s);
std::string FormatDate(Date d);
// "DD/MM/YYYY": how dates read in Vietnam and in the web app, for text people read (alert messages).
std::string FormatDateDmy(Date d);
// Today in Vietnam (UTC+7).
Date Today();
// The same day `months` later (or earlier, when negative), on the last day of
// the month where that month is shorter (31 Jan + 1 month = 28/29 Feb).
Date AddMonths(Date from, int months);
// Completed months / years between birth and a later date (as for ages).
int CompletedMonths(Date birth, Date on);
int CompletedYears(Date birth, Date on);
// The first day on which CompletedMonths(birth, day) >= months: the same day of
// the month `months` later, or the first of the next month when that month has
// no such day (born 29 Feb: 12 months completed on 1 March of a common year;
// born 31 Jan: 1 month on 1 March). Unlike AddMonths, which clamps to the last
// day, this is the calendar "birthday" that ages in months count from.
Date MonthsCompletedOn(Date birth, int months);
// Current time as ISO 8601 UTC with milliseconds, e.g. 2026-01-02T03:04:05.678Z.
std::string NowIso();
int64_t NowMillis();

}  // namespace u5
