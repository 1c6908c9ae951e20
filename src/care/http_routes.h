// HTTP routes of care due (docs/care.md, docs/api.md):
//   GET  /api/v1/worklist?orgunit=&from=&to=[&village=]
//   GET  /api/v1/alerts?orgunit=[&date=][&status=open|acknowledged|all]
//   POST /api/v1/alerts/{id}/ack   {"note": "..."}
//   GET  /api/v1/persons/{id}/due[?date=]
// Person-level: roles without person.read get 403; everyone else sees their org units.
#pragma once
#include "http/route.h"

namespace u5::care {

// The handlers find the care engine attached to the store (Service::Attach).
http::Routes Routes();

}  // namespace u5::care
