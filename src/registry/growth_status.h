// Derived fields of a growth measurement: WHO z-scores and nutrition status,
// computed when the record is written so the health worker sees at once
// whether the child is malnourished, and indicators read them directly.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace u5::registry {

// `body` holds the validated input fields; sex is "male"/"female",
// age_days the child's age on the measurement date.
void AddGrowthStatus(nlohmann::json& body, const std::string& sex, int age_days);

}  // namespace u5::registry
