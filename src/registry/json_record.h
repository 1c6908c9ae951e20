// A stored record as the API and the JSONL export show it: the body's fields
// plus "type", "version", "created_at", "updated_at" (and deletion if any).
#pragma once
#include <nlohmann/json.hpp>

#include "store/record.h"

namespace u5::registry {

nlohmann::json ToJson(const store::Record& r);

}  // namespace u5::registry
