// Routes of person-level records (docs/api.md):
//   GET|POST /api/v1/{collection}            list (?orgunit=&from=&to=&person_id=&cursor=&limit=), create
//   GET|PUT|DELETE /api/v1/{collection}/{id} one record; PUT and DELETE need If-Match
//   GET /api/v1/persons/search?q=|phone=|citizen_id=
//   GET /api/v1/persons/{id}/handbook, /growth
//   GET /api/v1/schema                       record types and fields, for forms
// A record outside the caller's scope answers as one that does not exist.
#pragma once
#include "http/route.h"

namespace u5::http {

Routes RecordRoutes();

}  // namespace u5::http
