// HTTP routes of reports (docs/reports.md):
//   GET  /api/v1/reports                         the templates
//   GET  /api/v1/reports/due?orgunit=&year=&as_of=   what the unit must report, due dates, status
//   GET  /api/v1/reports/{template}/completeness?orgunit=&period=&as_of=   sign-off by child unit
//   GET  /api/v1/reports/{template}?orgunit=&period=&format=json|csv|xlsx|pdf|adx|dvs&as_of=&lang=vi|en
//   GET  /api/v1/signoffs?orgunit=&period=       the sign-off state
//   POST /api/v1/signoffs {orgunit, period, action: close|reopen, reason}
// A user sees and signs off the org units of their scope.
#pragma once
#include <string>

#include "http/route.h"

namespace u5::report {

// Where the process's report templates and fonts are.
struct RouteContext {
  std::string data_dir, font_dir;  // font_dir empty: the system's (report/pdf)
};

// The handlers need the indicator engine attached to the store.
http::Routes Routes(const RouteContext& ctx);

}  // namespace u5::report
