// HTTP routes of user management and org unit names (docs/api.md):
//   GET  /api/v1/users                 users the caller manages
//   POST /api/v1/users                 {username, full_name, role, orgunits, password?}
//   GET  /api/v1/users/{id}
//   PUT  /api/v1/users/{id}            {full_name?, role?, orgunits?}
//   POST /api/v1/users/{id}/disable | /enable
//   POST /api/v1/users/{id}/password   {password?}: a new initial password
//   GET  /api/v1/roles                 roles the caller may grant
//   GET  /api/v1/orgunits?ids=a,b | ?parent=X   names of org units
// The route table (routes.cpp) has already checked the permission.
#pragma once
#include <optional>

#include "audit/entry.h"
#include "auth/session.h"
#include "http/api.h"
#include "store/store.h"

namespace u5::http {

// nullopt when the path is not one of these routes.
std::optional<Response> HandleUserRoute(const Request& req, const auth::Principal& who, store::Store& store,
                                        auth::Sessions& sessions, const audit::Entry& stamp);

}  // namespace u5::http
