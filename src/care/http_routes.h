// HTTP routes of care due (docs/care.md, docs/api.md):
//   GET  /api/v1/worklist?orgunit=&from=&to=[&village=]
//   GET  /api/v1/alerts?orgunit=[&date=][&status=open|acknowledged|all]
//   POST /api/v1/alerts/{id}/ack   {"note": "..."}
//   GET  /api/v1/persons/{id}/due[?date=]
// Person-level: roles without person.read get 403; everyone else sees their org units.
#pragma once
#include <nlohmann/json.hpp>

#include "care/service.h"
#include "http/route.h"

namespace u5::care {

// The handlers find the care engine attached to the store (Service::Attach).
http::Routes Routes();

// A person's due list on `on` exactly as GET /persons/{id}/due answers it
// (items, alerts, next visit, follow-up status); the sync feed gives the same.
nlohmann::json DueJson(const Schedule& schedule, const Entry& e, Date on, const FollowUp* follow_up);

}  // namespace u5::care
