// Routes of person-level records (docs/api.md):
//   GET|POST /api/v1/{collection}            list (?orgunit=&from=&to=&person_id=&cursor=&limit=), create
//   GET|PUT|DELETE /api/v1/{collection}/{id} one record; PUT and DELETE need If-Match
//   GET /api/v1/persons/search?q=|phone=|citizen_id=
//   GET /api/v1/persons/{id}/handbook, /growth
//   GET /api/v1/schema                       record types and fields, for forms
// A record outside the caller's scope answers as one that does not exist.
#pragma once
#include <nlohmann/json.hpp>

#include "http/route.h"
#include "store/record.h"

namespace u5::http {

Routes RecordRoutes();

// A record as GET /{collection}/{id} answers it (the sync feed and push give the same).
nlohmann::json RecordJson(const store::Record& r);

}  // namespace u5::http
