// The FHIR REST API under /fhir (docs/fhir.md "Interactions"): read, vread,
// _history, search, create, update, delete and Patient/$everything as routes
// of the one route list, so sessions, permissions, the rate of bulk routes
// and the audit of every answer are the JSON API's (http/api.cpp turns their
// errors into OperationOutcomes).
#pragma once
#include <nlohmann/json.hpp>

#include "http/route.h"

namespace u5::fhir {

http::Routes Routes();

// GET /fhir/metadata: the CapabilityStatement of the FHIR routes among
// `served` (every route the API serves, this one aside) and the resource
// types of Kinds(), so it lists exactly what is answered.
http::Route CapabilityRoute(const http::Routes& served);
nlohmann::json Capability(const http::Routes& served);

}  // namespace u5::fhir
