// Reporting periods: month (2025-06), quarter (2025Q3), the plans' six-month
// periods (2025S1 = January-June, 2025S2), year (2025) and custom ranges
// (2025-01-15..2025-03-31, inclusive). Each calendar period has a slot in the
// indicator matrix; custom ranges are computed from the facts.
#pragma once
#include <optional>
#include <string>

#include "core/date.h"
#include "core/status.h"

namespace u5::indicator {

enum class PeriodKind { month, quarter, half, year, range };

struct Period {
  PeriodKind kind = PeriodKind::year;
  int year = 0;
  int index = 0;  // month 1-12, quarter 1-4, half 1-2
  Date from, to;  // inclusive
  std::string text;
};

Status ParsePeriod(const std::string& s, Period* out);
Period YearPeriod(int year);
// The calendar periods containing a day, in matrix slot terms (see SlotLayout).
struct SlotLayout {
  int first_year = 2020, years = 12;
  int slots() const { return years * 19; }
  // -1 when the period is outside the matrix years or is a custom range.
  int Slot(PeriodKind kind, int year, int index) const;
  int Slot(const Period& p) const { return Slot(p.kind, p.year, p.index); }
};

}  // namespace u5::indicator
