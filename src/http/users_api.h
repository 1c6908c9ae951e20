// HTTP routes of user management and org unit names (docs/api.md):
//   GET  /api/v1/users                 users the caller manages
//   POST /api/v1/users                 {username, full_name, role, orgunits, password?}
//   GET  /api/v1/users/{id}
//   PUT  /api/v1/users/{id}            {full_name?, role?, orgunits?}
//   POST /api/v1/users/{id}/disable | /enable
//   POST /api/v1/users/{id}/password   {password?}: a new initial password
//   GET  /api/v1/roles                 roles the caller may grant
//   GET  /api/v1/orgunits?ids=a,b | ?parent=X   names of org units
// The router has checked the permission (user.manage); auth/user_admin.cpp checks
// the scope: users within the manager's subtree, never a peer or superior manager.
#pragma once
#include <string>

#include "auth/session.h"
#include "http/route.h"

namespace u5::http {

// An org unit's name in English (GET /orgunits `name_en`): the place name stays,
// the type word becomes English ("Xã Bình Lư" -> "Bình Lư commune").
std::string EnglishOrgUnitName(const std::string& name);

// The handlers end or forget sessions of a user they change.
Routes UserRoutes(auth::Sessions& sessions);

}  // namespace u5::http
