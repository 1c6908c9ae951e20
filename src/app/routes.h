// The one list of the API's routes beyond the Api's own (health, sign-in,
// audit trail, users): records, care due, indicators and plans, reports,
// publications.
// Modules export their routes; this is the only place that knows them all.
#pragma once
#include <string>

#include "http/route.h"

namespace u5::app {

struct Paths {
  std::string data_dir, font_dir;  // font_dir empty: the system's (report/pdf)
  std::string public_dir;          // publications (publish/http_routes.h)
  std::string fhir_export_dir;     // $export files (fhir/export.h); empty: a folder under the system's temporary one
};

http::Routes Routes(const Paths& paths);

// A national instance's routes (docs/federation.md): the federation module's,
// and on every other route of Routes() a 404 saying it holds no personal data.
http::Routes NationalRoutes(const Paths& paths);

}  // namespace u5::app
