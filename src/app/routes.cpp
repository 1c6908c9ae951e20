#include "app/routes.h"

#include "care/http_routes.h"
#include "emergency/http_routes.h"
#include "fhir/bundle.h"
#include "fhir/export.h"
#include "fhir/measure.h"
#include "fhir/server.h"
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

}  // namespace u5::app
