// The indicator catalogue as FHIR R4 Measures and the indicator service's
// values as MeasureReports (docs/fhir.md "Indicators: Measure and
// MeasureReport"). Aggregates only: a report carries counts, the value, its
// interval, the entered values beside it and the verdicts of the plan targets
// that apply to the org unit, never a person. The values come from the
// indicator service's public API unchanged, so a MeasureReport says what
// GET /api/v1/indicators and the plan evaluation say.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/date.h"
#include "http/route.h"
#include "indicator/catalogue.h"
#include "indicator/evaluate.h"
#include "indicator/service.h"

namespace u5::fhir {

using nlohmann::json;

// A Measure's id: the indicator's catalogue id with '_' written '-' (a FHIR
// id allows no '_'): "neonatal-mortality-rate".
std::string MeasureId(std::string_view indicator_id);
// Its canonical URL: https://under5.vn/fhir/Measure/<MeasureId>.
std::string MeasureUrl(std::string_view indicator_id);
// The indicator a client names: by Measure id, catalogue id, "Measure/<id>"
// or canonical URL; null when the catalogue has none.
const indicator::Indicator* FindMeasure(const indicator::Catalogue& cat, std::string_view ref);

// The Measure of one catalogue indicator.
json MeasureOf(const indicator::Indicator& ind);

// What one MeasureReport shows: the value as the indicator service gives it
// and the evaluations of the targets of that indicator in the plans that apply
// to the org unit, evaluated as of `as_of`.
struct ReportInput {
  indicator::IndicatorValue value;
  std::vector<indicator::TargetEval> targets;
  Date as_of;
  std::string orgunit_name;
  // The caller's role must never see one person (ministry): small cells are
  // hidden as the indicator API hides them (auth/small_cells.h).
  bool suppress_small_cells = false;
  int small_cell_threshold = 0;
};
json MeasureReportOf(const indicator::Catalogue& cat, const ReportInput& in);

// GET /fhir/Measure[?url=], GET /fhir/Measure/{id},
// GET /fhir/MeasureReport?measure=&subject=|reporter=&period=: permission
// aggregate.read and the org unit scope of the indicator API; no audit
// (aggregates). Needs the indicator service attached to the store.
http::Routes MeasureRoutes();

}  // namespace u5::fhir
