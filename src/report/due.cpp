#include "report/due.h"

namespace u5::report {

Date DueDate(const Template& t, const indicator::Period& p) { return t.DueBefore(p.year); }

std::vector<indicator::Period> PeriodsOfYear(const Template& t, int year) {
  const std::string y = std::to_string(year);
  std::vector<std::string> codes;
  if (t.period_kind == "year") codes = {y};
  else if (t.period_kind == "half") codes = {y + "S1", y + "S2"};
  else if (t.period_kind == "quarter") codes = {y + "Q1", y + "Q2", y + "Q3", y + "Q4"};
  else if (t.period_kind == "month")
    for (int m = 1; m <= 12; ++m) codes.push_back(y + (m < 10 ? "-0" : "-") + std::to_string(m));
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
