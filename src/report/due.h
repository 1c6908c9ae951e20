// The reporting calendar of the desk (docs/reports.md "Due reports"): which
// periods of a year a template asks for, when each is legally due, and the
// status of one unit's report for a period on a given day.
#pragma once
#include <string>
#include <vector>

#include "core/date.h"
#include "indicator/period.h"
#include "report/signoff.h"
#include "report/template.h"

namespace u5::report {

// The first day on which a report of `p` is late: the day after the last
// on-time day that DueDate (template.h, the one due-date function) gives.
Date FirstLateDay(const Template& t, const indicator::Period& p);

// The periods of `year` of the template's period kind (a statistics form: each
// of its kinds, months before the year), in order (2026S1, 2026S2).
std::vector<indicator::Period> PeriodsOfYear(const Template& t, int year);

// "draft" (never closed, not yet due), "signed_off" (closed before the due
// date), "late" (not closed on or after the due date, or the confirmation in
// force was made on or after it) or "reopened" (the latest action is a
// reopening: the unit is working on its figures again).
std::string ReportStatus(const SignoffState& s, Date due, Date as_of);

}  // namespace u5::report
