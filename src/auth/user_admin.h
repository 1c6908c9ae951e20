// User management by a user.manage holder: who may be created or changed by
// whom. A caller manages users whose every org unit lies in the caller's own
// subtrees (the whole country for all_orgunits roles), and grants neither
// country-wide roles nor administrative permissions (users, audit, config,
// plans) it lacks itself, so user management cannot widen anyone's reach
// beyond the caller's subtree or powers. Nor does it reach peers or superiors:
// users who could manage users at the caller's own org units. Every change is written with its audit entry in
// one transaction (store::Store::SaveUser).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "auth/session.h"
#include "store/store.h"

namespace u5::auth {

struct UserChange {
  std::optional<std::string> full_name, role;
  std::optional<std::vector<std::string>> orgunits;
};

class UserAdmin {
 public:
  // `stamp` carries who and from where; each change copies it into its audit entry.
  UserAdmin(store::Store& s, const Principal& who, audit::Entry stamp);

  // Users the caller manages (and the caller), by username.
  Status List(std::vector<store::User>* out);
  Status Get(const std::string& id, store::User* out);
  // `password` empty: one is generated. Either way it is an initial password
  // that must be changed at first login; it is returned once in *password.
  Status Create(const std::string& username, const std::string& full_name, const std::string& role,
                const std::vector<std::string>& orgunits, std::string* password, store::User* out);
  Status Update(const std::string& id, const UserChange& change, store::User* out);
  Status SetDisabled(const std::string& id, bool disabled, store::User* out);
  Status ResetPassword(const std::string& id, std::string* password, store::User* out);

  // Roles the caller may hand out.
  std::vector<std::string> GrantableRoles() const;
  bool Manages(const store::User& u);

 private:
  bool InScope(const std::string& orgunit);
  bool ManagesMe(const std::string& role, const std::vector<std::string>& orgunits);
  Status CheckNotPeer(const std::string& role, const std::vector<std::string>& orgunits);
  Status CheckRole(const std::string& role) const;
  Status CheckOrgUnits(const std::vector<std::string>& orgunits);
  Status LoadManaged(const std::string& id, store::User* out);
  Status Save(const store::User& before, const store::User& after, bool create, const std::string& action);

  store::Store& store_;
  Principal who_;
  audit::Entry stamp_;
  bool everywhere_ = false;
};

// A readable random initial password (no look-alike characters).
std::string GeneratePassword();

}  // namespace u5::auth
