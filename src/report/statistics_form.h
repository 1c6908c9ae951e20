// The Ministry's statistics forms (TT 37/2019, TT 23/2025) as reports filled
// from the records: a commune's form is one table of the form's rows (total,
// and by sex where the form splits it); a province's form is one table of its
// communes and the total, a column per form row. Each count is a catalogue
// indicator's numerator or denominator (docs/reports.md, "Statistics forms").
#pragma once
#include "report/model.h"

namespace u5::report {

Status BuildStatisticsForm(indicator::Service& svc, store::Store& store, const Template& t, const BuildOptions& o, Report* out);

}  // namespace u5::report
