#include "auth/scope.h"

#include "auth/roles.h"

namespace u5::auth {

bool CountryWide(const Principal& who) {
  const Role* r = Roles::Current().Find(who.role);
  return r && r->all_orgunits;
}

bool Can(const Principal& who, std::string_view permission) { return Roles::Current().Has(who.role, permission); }

bool CanSee(store::Store& store, const Principal& who, const std::string& orgunit) {
  if (CountryWide(who)) return true;
  for (const auto& mine : who.orgunits)
    if (mine == orgunit || store.InSubtree(mine, orgunit)) return true;
  return false;
}

}  // namespace u5::auth
