#include "core/date.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>

namespace u5 {

// Howard Hinnant's days_from_civil algorithm (public domain description).
Date DateFromYmd(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return Date{era * 146097 + static_cast<int>(doe) - 719468};
}

void YmdFromDate(Date date, int& y, unsigned& m, unsigned& d) {
  int z = date.days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int yy = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yy + (m <= 2);
}

static bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

static bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned DaysInMonth(int y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

std::optional<Date> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y, m, d;
  if (!Digits(s, 0, 4, y) || !Digits(s, 5, 2, m) || !Digits(s, 8, 2, d)) return std::nullopt;
  if (y < 1900 || m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, m)) return std::nullopt;
  return DateFromYmd(y, m, d);
}

namespace {

// A date-time's parts: civil date, seconds into that day, offset from UTC in
// seconds (+07:00 when none is written: registry times are Vietnam's).
struct DateTimeParts {
  Date date;
  int seconds = 0, offset = 7 * 3600;
};

std::optional<DateTimeParts> ParseDateTimeParts(std::string_view s) {
  if (s.size() == 10) {
    auto d = ParseDate(s);
    if (!d) return std::nullopt;
    return DateTimeParts{*d};
  }
  if (s.size() < 16 || (s[10] != 'T' && s[10] != ' ')) return std::nullopt;
  auto date = ParseDate(s.substr(0, 10));
  if (!date) return std::nullopt;
  int hh, mm, ss = 0;
  if (!Digits(s, 11, 2, hh) || s[13] != ':' || !Digits(s, 14, 2, mm)) return std::nullopt;
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, ss)) return std::nullopt;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
  }
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  DateTimeParts p{*date, hh * 3600 + mm * 60 + ss};
  if (pos == s.size()) return p;
  if (s[pos] == 'Z' && pos + 1 == s.size()) {
    p.offset = 0;
    return p;
  }
  if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
    int oh, om;
    if (Digits(s, pos + 1, 2, oh) && Digits(s, pos + 4, 2, om) && oh <= 14 && om <= 59) {
      p.offset = (s[pos] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
      return p;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Date> ParseDateTime(std::string_view s) {
  auto p = ParseDateTimeParts(s);
  if (!p) return std::nullopt;
  return p->date;
}

std::optional<int64_t> ParseInstant(std::string_view s) {
  auto p = ParseDateTimeParts(s);
  if (!p) return std::nullopt;
  return int64_t{p->date.days} * 86400 + p->seconds - p->offset;
}

namespace {

// The date's fields in the order a format names them: year-first or day-first.
std::string FormatYmd(Date date, bool day_first) {
  int y;
  unsigned m, d;
  YmdFromDate(date, y, m, d);
  char buf[16];
  if (day_first) std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", d, m, y);
  else std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

}  // namespace

std::string FormatDate(Date date) { return FormatYmd(date, false); }

std::string FormatDateDmy(Date date) { return FormatYmd(date, true); }

int64_t NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Date Today() {
  const int64_t vn_ms = NowMillis() + 7LL * 3600 * 1000;
  return Date{static_cast<int32_t>(vn_ms / 86400000)};
}

Date AddMonths(Date from, int months) {
  // A care plan adds months to the same birth date some 60 times in a row.
  thread_local Date last_from{INT32_MIN};
  thread_local int last_y;
  thread_local unsigned last_m, last_d;
  if (from != last_from) {
    YmdFromDate(from, last_y, last_m, last_d);
    last_from = from;
  }
  const int total = last_y * 12 + static_cast<int>(last_m) - 1 + months;
  const int y = total >= 0 ? total / 12 : (total - 11) / 12;
  const unsigned m = static_cast<unsigned>(total - y * 12) + 1;
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const unsigned last = m == 2 && leap ? 29 : kDays[m - 1];
  return DateFromYmd(y, m, std::min(last_d, last));
}

int CompletedMonths(Date birth, Date on) {
  int by, oy;
  unsigned bm, bd, om, od;
  YmdFromDate(birth, by, bm, bd);
  YmdFromDate(on, oy, om, od);
  int months = (oy - by) * 12 + static_cast<int>(om) - static_cast<int>(bm);
  if (od < bd) --months;
  return months;
}

int CompletedYears(Date birth, Date on) { return CompletedMonths(birth, on) / 12; }

Date MonthsCompletedOn(Date birth, int months) {
  int by;
  unsigned bm, bd;
  YmdFromDate(birth, by, bm, bd);
  const int total = by * 12 + static_cast<int>(bm) - 1 + months;
  const int y = total >= 0 ? total / 12 : (total - 11) / 12;
  const unsigned m = static_cast<unsigned>(total - y * 12) + 1;
  // CompletedMonths counts month `m` only from day `bd` on; a month without
  // that day is completed when the next month begins.
  if (bd <= DaysInMonth(y, m)) return DateFromYmd(y, m, bd);
  return m == 12 ? DateFromYmd(y + 1, 1, 1) : DateFromYmd(y, m + 1, 1);
}

std::string NowIso() {
  const int64_t ms = NowMillis();
  Date d{static_cast<int32_t>(ms / 86400000)};
  const int64_t rem = ms % 86400000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ", FormatDate(d).c_str(), static_cast<int>(rem / 3600000),
                static_cast<int>(rem / 60000 % 60), static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
  return buf;
}

}  // namespace u5
