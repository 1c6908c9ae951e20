// HTTP routes of care due (docs/care.md, docs/api.md):
//   GET  /api/v1/worklist?orgunit=&from=&to=[&village=]
//   GET  /api/v1/alerts?orgunit=[&date=][&status=open|acknowledged|all]
//   POST /api/v1/alerts/{id}/ack   {"note": "..."}
//   GET  /api/v1/persons/{id}/due[?date=]
// Person-level: ministry and admin get 403; everyone else sees their org units.
#pragma once
#include <optional>

#include "auth/session.h"
#include "http/api.h"
#include "store/store.h"

namespace u5::care {

// nullopt when the path is not one of these routes.
std::optional<http::Response> HandleCareRoute(const http::Request& req, const auth::Principal& who, store::Store& store);

}  // namespace u5::care
