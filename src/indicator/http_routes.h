// HTTP routes of the indicator engine (docs/api.md, docs/indicators.md):
//   GET /api/v1/indicators?orgunit=&period=&ids=&by=
//   GET /api/v1/indicators/catalogue
//   GET|PUT /api/v1/indicator-values
//   GET /api/v1/plans, GET /api/v1/plans/{id}/evaluation?orgunit=&year=&as_of=
//   PUT /api/v1/plans/{id}/targets
// Aggregates only; a user sees the org units of their scope (ministry: all).
#pragma once
#include <optional>

#include "auth/session.h"
#include "http/api.h"
#include "store/store.h"

namespace u5::indicator {

// nullopt when the path is not one of these routes.
std::optional<http::Response> HandleIndicatorRoute(const http::Request& req, const auth::Principal& who,
                                                   store::Store& store);

}  // namespace u5::indicator
