// A stored record as the API and the JSONL export show it: the body's fields
// plus "type", "version", "created_at", "updated_at" (and deletion if any).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "store/record.h"

namespace u5::registry {

nlohmann::json ToJson(const store::Record& r);
// The same object as JSON text, spliced from the stored body without
// re-parsing it (the hot path of handbook reads and exports).
std::string ToJsonText(const store::Record& r);
void AppendJsonText(const store::Record& r, std::string& out);

}  // namespace u5::registry
