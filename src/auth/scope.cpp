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

Status ResolveOrgUnit(store::Store& store, const Principal& who, const std::string& asked, std::string* orgunit) {
  if (!asked.empty()) {
    if (!store.OrgUnitExists(asked)) return Status::Invalid("orgunit", "unknown org unit '" + asked + "'");
    if (!CanSee(store, who, asked)) return Status::Forbidden("orgunit " + asked + " is outside your org units", "orgunit");
    *orgunit = asked;
    return Status::Ok();
  }
  if (who.orgunits.empty() && CountryWide(who)) {
    *orgunit = "VN";
    return Status::Ok();
  }
  if (who.orgunits.size() != 1)
    return Status::Invalid("orgunit", who.orgunits.empty() ? "orgunit is required"
                                                           : "orgunit is required (you have several org units)");
  *orgunit = who.orgunits[0];
  return Status::Ok();
}

}  // namespace u5::auth
