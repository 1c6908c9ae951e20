// Org unit codes as people type them, resolved through the store's org unit
// reads (store/orgunits.h; see load.h for the id scheme).
#pragma once
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/orgunits.h"
#include "store/store.h"

namespace u5::orgunit {

using OrgUnit = store::OrgUnit;

// Accepts an id ("VN", "12", "03349", "pre2025:105", "tyt:03349") or a bare
// NSO code: 5 digits -> 2025 commune if it exists, else pre-2025 commune;
// 2 digits -> 2025 province if it exists, else pre-2025 province; 3 digits ->
// pre-2025 district. NotFound with field "orgunit" otherwise.
Status ResolveOrgUnit(store::Store& store, std::string_view code_or_id, std::string* id);

}  // namespace u5::orgunit
