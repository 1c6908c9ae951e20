// The routes of a national instance (docs/federation.md): the provinces'
// push (POST /api/v1/national/adx, what is held: GET national/holdings), the
// national dashboard (GET national/dashboard), and the indicator and plan
// reads of the indicator API in its shapes (GET indicators, plans,
// plans/{id}/evaluation) answered from the pushed aggregates. No route here
// reads or writes a person.
#pragma once
#include <string>

#include "http/route.h"

namespace u5::federation {

struct NationalOptions {
  std::string data_dir;  // the catalogue, and the ADX schema (reports/schema/adx.xsd)
};

http::Routes NationalRoutes(const NationalOptions& o);

// What a national instance answers on every other route of the API: 404
// saying it holds no personal data (the route is not served there).
http::Response NoPersonalData(const std::string& path);

}  // namespace u5::federation
