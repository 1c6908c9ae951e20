// The changes feed's compact record layout (docs/sync.md "Records of a page"):
// a page's records grouped by type, each group a column list and one array of
// values a column, ids of records of the same page given as their ordinals.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace u5::sync {

// Appends the JSON array of the groups of `records` (each an object with its
// `type` and `id`, in page order) to `out`. Null values and `created_at` /
// `updated_at` are left out.
void AppendGroups(const std::vector<nlohmann::json>& records, std::string& out);

}  // namespace u5::sync
