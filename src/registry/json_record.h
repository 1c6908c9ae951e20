// A stored record as the API and the JSONL export show it: the body's fields
// plus "type", "version", "created_at", "updated_at" (and deletion if any).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "store/record.h"

namespace u5::registry {

nlohmann::json ToJson(const store::Record& r);
// The same object as JSON text, spliced from the stored body without
// re-parsing it (the hot path of handbook reads and exports).
std::string ToJsonText(const store::Record& r);
void AppendJsonText(const store::Record& r, std::string& out);
// Appends `v` as a JSON string exactly as nlohmann's dump writes it (UTF-8 kept,
// invalid bytes replaced with U+FFFD or, when `strict`, thrown as nlohmann does),
// copying valid text without quotes, backslashes or control bytes as it is.
void AppendJsonString(std::string_view v, std::string& out, bool strict = false);

}  // namespace u5::registry
