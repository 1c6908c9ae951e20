// GET /api/v1/persons/{id}/growth: a child's measurements with z-scores and
// the WHO reference curves (-3..+3 SD) of each chart, for the web app.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/record.h"

namespace u5::http {

nlohmann::json GrowthChart(const store::Record& child, const std::vector<store::Record>& events);

// GET /api/v1/growth/reference?sex=: the same charts' curves for one sex, no
// person in them, so that an offline client draws any child's chart from its
// own records (docs/web.md "Offline"). `sex` is "male" or "female".
nlohmann::json GrowthReference(const std::string& sex);

}  // namespace u5::http
