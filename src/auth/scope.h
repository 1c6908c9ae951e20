// What a signed-in user may see, shared by every module's routes: a role's
// permissions and country-wide scope come from data/roles/roles.json, so no
// module names a role in its code.
#pragma once
#include <string>
#include <string_view>

#include "auth/session.h"
#include "store/store.h"

namespace u5::auth {

// The role's scope is the whole country (roles.json "all_orgunits").
bool CountryWide(const Principal& who);
// The role holds the permission (roles.h names them).
bool Can(const Principal& who, std::string_view permission);
// `orgunit` is one of the user's org units or below one, or the role is country-wide.
bool CanSee(store::Store& store, const Principal& who, const std::string& orgunit);

// The org unit a request is about: the one asked for (`?orgunit=`), which must exist
// and be visible; otherwise the user's only org unit, or the whole country ("VN") for
// a country-wide role without one. 422 naming `orgunit` when it must be given, 403
// when it is outside the user's scope.
Status ResolveOrgUnit(store::Store& store, const Principal& who, const std::string& asked, std::string* orgunit);

}  // namespace u5::auth
