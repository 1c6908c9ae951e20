#include "app/routes.h"

#include <set>

#include "care/http_routes.h"
#include "emergency/http_routes.h"
#include "fhir/bundle.h"
#include "fhir/export.h"
#include "fhir/measure.h"
#include "fhir/server.h"
#include "federation/national_routes.h"
#include "http/records.h"
#include "indicator/http_routes.h"
#include "publish/http_routes.h"
#include "report/http_routes.h"
#include "sync/http_routes.h"

namespace u5::app {

http::Routes Routes(const Paths& paths) {
  http::Routes all;
  for (http::Routes part : {http::RecordRoutes(), care::Routes(), indicator::Routes(),
                            report::Routes({paths.data_dir, paths.font_dir}), emergency::Routes(),
                            publish::Routes({paths.public_dir})})
    for (http::Route& r : part) all.push_back(std::move(r));
  // The sync protocol of offline clients (docs/sync.md).
  for (http::Route& r : sync::Routes()) all.push_back(std::move(r));
  // FHIR Bundles and bulk export (docs/fhir.md).
  for (http::Routes part : {fhir::BundleRoutes(), fhir::ExportRoutes({.dir = paths.fhir_export_dir})})
    for (http::Route& r : part) all.push_back(std::move(r));
  // FHIR indicators (docs/fhir.md "Indicators"): Measure and MeasureReport, listed by the CapabilityStatement below.
  for (http::Route& r : fhir::MeasureRoutes()) all.push_back(std::move(r));
  // FHIR (docs/fhir.md): its routes, then the CapabilityStatement of every route served.
  for (http::Route& r : fhir::Routes()) all.push_back(std::move(r));
  all.push_back(fhir::CapabilityRoute(all));
  return all;
}

http::Routes NationalRoutes(const Paths& paths) {
  http::Routes all = federation::NationalRoutes({paths.data_dir});
  std::set<std::pair<std::string, std::string>> served;
  for (const http::Route& r : all) served.insert({r.method, r.pattern});
  // The same paths as a province server, so a client or a person-level URL
  // gets the reason rather than a bare 404.
  for (const http::Route& r : Routes(paths))
    if (served.insert({r.method, r.pattern}).second)
      all.push_back({r.method, r.pattern, "", http::Audit::none,
                     [](http::Call& c) { return federation::NoPersonalData(c.req.path); }});
  return all;
}

}  // namespace u5::app
