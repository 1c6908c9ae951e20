#include "report/due.h"

#include <algorithm>

namespace u5::report {

Date FirstLateDay(const Template& t, const indicator::Period& p) { return Date{DueDate(t, p).days + 1}; }

std::vector<indicator::Period> PeriodsOfYear(const Template& t, int year) {
  const std::string y = std::to_string(year);
  std::vector<std::string> codes;
  auto has = [&](const char* kind) {
    return t.statistics_form() ? std::find(t.period_kinds.begin(), t.period_kinds.end(), kind) != t.period_kinds.end()
                               : t.period_kind == kind;
  };
  if (has("month"))
    for (int m = 1; m <= 12; ++m) codes.push_back(y + (m < 10 ? "-0" : "-") + std::to_string(m));
  if (has("quarter")) codes.insert(codes.end(), {y + "Q1", y + "Q2", y + "Q3", y + "Q4"});
  if (has("half")) codes.insert(codes.end(), {y + "S1", y + "S2"});
  if (has("year")) codes.push_back(y);
  std::vector<indicator::Period> out;
  for (const auto& c : codes) {
    indicator::Period p;
    if (indicator::ParsePeriod(c, &p).ok()) out.push_back(p);
  }
  return out;
}

std::string ReportStatus(const SignoffState& s, Date due, Date as_of) {
  if (s.last_action == "reopen") return "reopened";
  if (s.closed) return s.on < due ? "signed_off" : "late";
  return as_of < due ? "draft" : "late";
}

}  // namespace u5::report
