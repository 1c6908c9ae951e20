// What the FHIR routes (server.cpp, search.cpp) share: the answer of a
// resource, the lookup of a record with the caller's scope, the base URL.
// Internal to src/fhir.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fhir/mapping.h"
#include "http/route.h"
#include "store/record.h"

namespace u5::fhir {

// The resource type is one the server exchanges (Kinds()).
bool Served(const std::string& resource_type);
// "<scheme>://<host>/fhir", or "/fhir" when the request named no host.
std::string BaseUrl(const http::Call& c);
// The resource of `type` and `id` among a record's resources, or null.
const json* Pick(const std::vector<json>& group, const std::string& type, const std::string& id);
// An answer carrying one resource, with its version as ETag.
http::Response ResourceReply(int status, const json& resource);
// 404 for a resource type the server does not exchange.
http::Response NotSupported(const std::string& type);
// The stored record behind resource `type`/`id` when the caller may see it;
// otherwise the answer of an unknown id (a refusal for scope is audited).
std::optional<http::Response> LoadRecord(http::Call& c, const std::string& type, const std::string& id,
                                         store::Record* out);

}  // namespace u5::fhir
