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
nlohmann::json ToJson(const TargetEval& e);
std::string ValuesCsv(const std::vector<IndicatorValue>& vs);
std::string EvaluationCsv(const std::vector<TargetEval>& es);

}  // namespace u5::indicator
