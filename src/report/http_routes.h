// HTTP routes of reports (docs/reports.md):
//   GET  /api/v1/reports                         the templates
//   GET  /api/v1/reports/{template}?orgunit=&period=&format=json|csv|xlsx|pdf|adx|dvs&as_of=&lang=vi|en
//   GET  /api/v1/signoffs?orgunit=&period=       the sign-off state
//   POST /api/v1/signoffs {orgunit, period, action: close|reopen, reason}
// A user sees and signs off the org units of their scope.
#pragma once
#include <optional>
#include <string>

#include "auth/session.h"
#include "http/api.h"
#include "store/store.h"

namespace u5::report {

struct RouteContext {
  std::string db_path, data_dir, font_dir;
};
// The process serving `store` attaches where its database and data are.
void AttachRoutes(store::Store& store, const RouteContext& ctx);

// nullopt when the path is not one of these routes.
std::optional<http::Response> HandleReportRoute(const http::Request& req, const auth::Principal& who, store::Store& store);

}  // namespace u5::report
