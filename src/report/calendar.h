// Working days for the statistics reporting deadlines (TT 37/2019, TT 23/2025:
// "05 ngày làm việc" after the period): Monday-Friday minus Vietnam's public
// holidays, which are data (data/reports/holidays_vn.json, compiled in).
#pragma once
#include <set>
#include <string>

#include "core/date.h"
#include "core/status.h"

namespace u5::report {

class WorkCalendar {
 public:
  // The compiled-in copy of data/reports/holidays_vn.json.
  static const WorkCalendar& Builtin();
  static Status Parse(const std::string& json_text, WorkCalendar* out);

  bool IsWorkingDay(Date d) const;
  // The n-th working day after `d` (n >= 1; d itself does not count).
  Date AddWorkingDays(Date d, int n) const;

 private:
  std::set<int> fixed_;              // month * 100 + day, every year
  std::set<int32_t> off_, working_;  // dated days off; weekend days worked in exchange
};

}  // namespace u5::report
