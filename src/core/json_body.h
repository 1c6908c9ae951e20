// Parsing a JSON object sent by a client (API request bodies, import lines)
// so that no input makes the parser throw: every failure is a Status naming
// the field it is in when there is one.
#pragma once
#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace u5 {

// Bodies nest no deeper than this: no form or route needs more, and deeper
// values would cost recursion wherever they are dumped or compared.
inline constexpr size_t kMaxJsonDepth = 32;

// Parses text that must be one JSON object. Malformed JSON, invalid UTF-8 or
// another shape is 400 (BadRequest) with field "body"; a number beyond a
// double (1e400) or nesting deeper than kMaxJsonDepth is 422 (Invalid) naming
// the top-level field it is in. Never throws.
Status ParseJsonObject(std::string_view text, nlohmann::json* out);

}  // namespace u5
