// Read helpers over the orgunit tables (see load.h for the id scheme).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/sqlite.h"

namespace u5::orgunit {

struct OrgUnit {
  std::string id;
  std::string code;
  std::string scheme;  // root | vn2025 | pre2025 | facility
  std::string kind;    // country | province | district | commune | facility
  std::string name;
  std::optional<std::string> division_type;
  std::optional<std::string> parent_id;
  std::optional<std::string> valid_from;  // ISO date, nullopt = since ever
  std::optional<std::string> valid_to;    // last valid day, nullopt = still valid
  std::optional<int64_t> population;
  std::optional<double> area_km2;
};

// NotFound (field "orgunit") when the id does not exist.
Status GetOrgUnit(store::Db& db, std::string_view id, OrgUnit* out);
// Direct children by parent_id, ordered by id. NotFound if the parent does not exist.
Status ListChildren(store::Db& db, std::string_view parent_id, std::vector<OrgUnit>* out);
// Primary parent chain, nearest first (commune, province, VN for a facility).
// Does not follow old->new successor links. NotFound if the id does not exist.
Status Ancestors(store::Db& db, std::string_view id, std::vector<OrgUnit>* out);
// True when `descendant` is `ancestor` itself or below it in the closure table
// (which includes pre-2025 communes under the 2025 communes they merged into).
bool IsInSubtree(store::Db& db, std::string_view ancestor, std::string_view descendant);
// 2025 communes a pre-2025 commune was merged into (ids, sorted). Empty for
// units with no successor. NotFound if old_id does not exist.
Status Successors(store::Db& db, std::string_view old_id, std::vector<std::string>* out);
// Accepts an id ("VN", "12", "03349", "pre2025:105", "tyt:03349") or a bare
// NSO code: 5 digits -> 2025 commune if it exists, else pre-2025 commune;
// 2 digits -> 2025 province if it exists, else pre-2025 province; 3 digits ->
// pre-2025 district. NotFound with field "orgunit" otherwise.
Status ResolveOrgUnit(store::Db& db, std::string_view code_or_id, std::string* id);

}  // namespace u5::orgunit
