// JSON and CSV forms of indicator values and target evaluations, shared by the
// HTTP API and the command line. Aggregates only: no person-level field.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "indicator/evaluate.h"
#include "indicator/service.h"

namespace u5::indicator {

nlohmann::json ToJson(const IndicatorValue& v);
// ci_low, ci_high, ci_method, small of a value, added to `j` (nulls and false
// when the value has no interval).
void AddPrecision(nlohmann::json& j, const Precision& p);
// One group of a breakdown: counts, and the value with its precision when the
// indicator's denominator is counted from records.
nlohmann::json CellJson(const Catalogue& cat, const Indicator& ind, int64_t num, int64_t den);
nlohmann::json ToJson(const TargetEval& e);
// GET /indicators/catalogue: the indicators, data elements and small-number rules (docs/api.md).
nlohmann::json CatalogueJson(const Catalogue& cat);
std::string ValuesCsv(const std::vector<IndicatorValue>& vs);
std::string EvaluationCsv(const std::vector<TargetEval>& es);

}  // namespace u5::indicator
