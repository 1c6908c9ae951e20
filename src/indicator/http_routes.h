// HTTP routes of the indicator engine (docs/api.md, docs/indicators.md):
//   GET /api/v1/indicators?orgunit=&period=&ids=&by=
//   GET /api/v1/indicators/catalogue
//   GET|PUT /api/v1/indicator-values
//   GET /api/v1/plans, GET /api/v1/plans/{id}/evaluation?orgunit=&year=&as_of=
//   PUT /api/v1/plans/{id}/targets
//   GET /api/v1/mortality/cohort?orgunit=&year=&as_of=  (cohort life-table mortality, lifetable.h)
// Aggregates only; a user sees the org units of their scope (ministry: all).
#pragma once
#include "http/route.h"

namespace u5::indicator {

http::Routes Routes();

}  // namespace u5::indicator
