#include "indicator/period.h"

#include <cstdio>

namespace u5::indicator {
namespace {

bool Digits(const std::string& s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

Date EndOfMonth(int y, int m) {
  return m == 12 ? Date{DateFromYmd(y + 1, 1, 1).days - 1} : Date{DateFromYmd(y, m + 1, 1).days - 1};
}

}  // namespace

Period YearPeriod(int year) {
  Period p;
  p.kind = PeriodKind::year;
  p.year = year;
  p.index = 1;
  p.from = DateFromYmd(year, 1, 1);
  p.to = DateFromYmd(year, 12, 31);
  p.text = std::to_string(year);
  return p;
}

Status ParsePeriod(const std::string& s, Period* out) {
  auto bad = [&] {
    return Status::Invalid("period", "period must be YYYY, YYYYS1/S2, YYYYQ1-4, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD (got '" +
                                         s.substr(0, 40) + "')");
  };
  Period p;
  p.text = s;
  if (auto dots = s.find(".."); dots != std::string::npos) {
    auto a = ParseDate(s.substr(0, dots)), b = ParseDate(s.substr(dots + 2));
    if (!a || !b) return bad();
    if (*b < *a) return Status::Invalid("period", "period range ends before it starts");
    p.kind = PeriodKind::range;
    p.from = *a;
    p.to = *b;
    int y;
    unsigned m, d;
    YmdFromDate(*a, y, m, d);
    p.year = y;
    *out = p;
    return Status::Ok();
  }
  int y;
  if (!Digits(s, 0, 4, &y) || y < 1900 || y > 2200) return bad();
  if (s.size() == 4) {
    *out = YearPeriod(y);
    return Status::Ok();
  }
  p.year = y;
  int n;
  if (s.size() == 6 && (s[4] == 'S' || s[4] == 'H' || s[4] == 's' || s[4] == 'h') && Digits(s, 5, 1, &n) && n >= 1 && n <= 2) {
    p.kind = PeriodKind::half;
    p.index = n;
    p.from = DateFromYmd(y, n == 1 ? 1 : 7, 1);
    p.to = EndOfMonth(y, n == 1 ? 6 : 12);
  } else if (s.size() == 6 && (s[4] == 'Q' || s[4] == 'q') && Digits(s, 5, 1, &n) && n >= 1 && n <= 4) {
    p.kind = PeriodKind::quarter;
    p.index = n;
    p.from = DateFromYmd(y, 3 * (n - 1) + 1, 1);
    p.to = EndOfMonth(y, 3 * n);
  } else if (s.size() == 7 && s[4] == '-' && Digits(s, 5, 2, &n) && n >= 1 && n <= 12) {
    p.kind = PeriodKind::month;
    p.index = n;
    p.from = DateFromYmd(y, n, 1);
    p.to = EndOfMonth(y, n);
  } else {
    return bad();
  }
  *out = p;
  return Status::Ok();
}

int SlotLayout::Slot(PeriodKind kind, int year, int index) const {
  const int y = year - first_year;
  if (y < 0 || y >= years) return -1;
  switch (kind) {
    case PeriodKind::month: return y * 12 + (index - 1);
    case PeriodKind::quarter: return years * 12 + y * 4 + (index - 1);
    case PeriodKind::half: return years * 16 + y * 2 + (index - 1);
    case PeriodKind::year: return years * 18 + y;
    case PeriodKind::range: return -1;
  }
  return -1;
}

}  // namespace u5::indicator
