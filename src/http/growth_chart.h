// GET /api/v1/persons/{id}/growth: a child's measurements with z-scores and
// the WHO reference curves (-3..+3 SD) of each chart, for the web app.
#pragma once
#include <nlohmann/json.hpp>
#include <vector>

#include "store/record.h"

namespace u5::http {

nlohmann::json GrowthChart(const store::Record& child, const std::vector<store::Record>& events);

}  // namespace u5::http
