#include "auth/user_admin.h"

#include <sodium.h>

#include <algorithm>
#include <set>
#include <nlohmann/json.hpp>

#include "auth/password.h"
#include "auth/roles.h"
#include "auth/username.h"
#include "core/date.h"
#include "core/id.h"
#include "core/text.h"

namespace u5::auth {

using nlohmann::json;

std::string GeneratePassword() {
  // 31 symbols without 0/O, 1/l/I: read aloud or copied from paper without mistakes.
  static const char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
  std::string out;
  for (int i = 0; i < 12; ++i) {
    if (i == 4 || i == 8) out.push_back('-');
    out.push_back(kAlphabet[randombytes_uniform(sizeof(kAlphabet) - 1)]);
  }
  return out;
}

UserAdmin::UserAdmin(store::Store& s, const Principal& who, audit::Entry stamp)
    : store_(s), who_(who), stamp_(std::move(stamp)) {
  const Role* r = Roles::Current().Find(who.role);
  everywhere_ = r && r->all_orgunits;
}

bool UserAdmin::InScope(const std::string& ou) {
  if (everywhere_) return true;
  for (const auto& mine : who_.orgunits)
    if (mine == ou || store_.InSubtree(mine, ou)) return true;
  return false;
}

bool UserAdmin::Manages(const store::User& u) {
  if (u.id == who_.user_id) return false;
  if (everywhere_) return true;
  if (u.orgunits.empty() || CheckRole(u.role).ok() == false) return false;
  if (ManagesMe(u.role, u.orgunits)) return false;
  return std::all_of(u.orgunits.begin(), u.orgunits.end(), [&](const std::string& ou) { return InScope(ou); });
}

// A user who may manage users at one of the caller's own org units or above
// is a peer or a superior: were the caller to manage them, two province
// officers could reset each other's passwords and take over the account.
// Such users are created and changed by the administrator.
bool UserAdmin::ManagesMe(const std::string& role, const std::vector<std::string>& orgunits) {
  const Role* r = Roles::Current().Find(role);
  if (!r || !r->permissions.count(kUserManage)) return false;
  for (const auto& theirs : orgunits)
    for (const auto& mine : who_.orgunits)
      if (theirs == mine || store_.InSubtree(theirs, mine)) return true;
  return false;
}

Status UserAdmin::CheckNotPeer(const std::string& role, const std::vector<std::string>& orgunits) {
  if (everywhere_ || !ManagesMe(role, orgunits)) return Status::Ok();
  return Status::Invalid("orgunits", "a " + role + " at your own org unit or above would manage you; the administrator creates such users");
}

std::vector<std::string> UserAdmin::GrantableRoles() const {
  std::vector<std::string> out;
  for (const auto& n : Roles::Current().Names())
    if (CheckRole(n).ok()) out.push_back(n);
  return out;
}

Status UserAdmin::CheckRole(const std::string& role) const {
  const Roles& roles = Roles::Current();
  const Role* r = roles.Find(role);
  if (!r) {
    std::string names;
    for (const auto& n : roles.Names()) names += (names.empty() ? "" : ", ") + n;
    return Status::Invalid("role", "role must be one of " + names);
  }
  if (everywhere_) return Status::Ok();
  const Role* mine = roles.Find(who_.role);
  if (r->all_orgunits || !mine) return Status::Invalid("role", "you may not grant the role " + role);
  // Health-work permissions (person.*, aggregate.read, report.signoff) are what the users below a
  // province officer need, though the officer may not hold them all (person.write); the
  // administrative ones can only be passed on by someone who holds them.
  static const std::set<std::string> kAdministrative = {kUserManage, kAuditRead, kConfigManage, kPlanManage};
  for (const auto& p : r->permissions)
    if (kAdministrative.count(p) && !mine->permissions.count(p))
      return Status::Invalid("role", "you may not grant the role " + role + " (it has " + p + ")");
  return Status::Ok();
}

Status UserAdmin::CheckOrgUnits(const std::vector<std::string>& ous) {
  if (ous.empty()) return Status::Invalid("orgunits", "give at least one org unit");
  if (ous.size() > 50) return Status::Invalid("orgunits", "at most 50 org units");
  for (const auto& ou : ous) {
    if (!store_.OrgUnitExists(ou)) return Status::Invalid("orgunits", "unknown org unit '" + ou + "'");
    if (!InScope(ou)) return Status::Invalid("orgunits", "org unit " + ou + " is outside your org units");
  }
  return Status::Ok();
}

Status UserAdmin::LoadManaged(const std::string& id, store::User* out) {
  if (Status st = store_.GetUserById(id, out); !st.ok()) return Status::NotFound("no such user", "id");
  if (out->id == who_.user_id) return Status::Forbidden("you cannot change your own account here (use /api/v1/auth/password)");
  // A user outside one's scope is answered as absent: their existence is not the caller's business.
  if (!Manages(*out)) return Status::NotFound("no such user", "id");
  return Status::Ok();
}

namespace {
json Describe(const store::User& u) {
  return {{"username", u.username}, {"full_name", u.full_name}, {"role", u.role}, {"orgunits", u.orgunits}, {"disabled", u.disabled}};
}
}  // namespace

Status UserAdmin::Save(const store::User& before, const store::User& after, bool create, const std::string& action) {
  audit::Entry e = stamp_;
  e.action = action;
  e.at = NowIso();
  e.record_type = "user";
  e.record_id = after.id;
  e.orgunit_id = after.orgunits.empty() ? "" : after.orgunits.front();
  // What changed, old and new; a password is never logged, only that it was reset.
  json changed = json::object();
  const json a = Describe(after);
  if (create) {
    changed = a;
  } else {
    const json b = Describe(before);
    for (auto it = a.begin(); it != a.end(); ++it)
      if (b[it.key()] != it.value()) changed[it.key()] = {b[it.key()], it.value()};
  }
  e.detail = json({{"changed", changed}}).dump();
  return store_.SaveUser(after, create, e);
}

Status UserAdmin::List(std::vector<store::User>* out) {
  std::vector<store::User> all;
  if (Status st = store_.ListUsers(&all); !st.ok()) return st;
  out->clear();
  for (auto& u : all)
    if (u.id == who_.user_id || Manages(u)) out->push_back(std::move(u));
  return Status::Ok();
}

Status UserAdmin::Get(const std::string& id, store::User* out) {
  if (Status st = store_.GetUserById(id, out); !st.ok()) return Status::NotFound("no such user", "id");
  if (out->id != who_.user_id && !Manages(*out)) return Status::NotFound("no such user", "id");
  return Status::Ok();
}

Status UserAdmin::Create(const std::string& username, const std::string& full_name, const std::string& role,
                         const std::vector<std::string>& orgunits, std::string* password, store::User* out) {
  if (Status st = CheckUsername(username); !st.ok()) return st;
  if (!text::IsValidUtf8(full_name) || full_name.size() > 200) return Status::Invalid("full_name", "full_name must be valid text of at most 200 bytes");
  if (Status st = CheckRole(role); !st.ok()) return st;
  if (Status st = CheckOrgUnits(orgunits); !st.ok()) return st;
  if (Status st = CheckNotPeer(role, orgunits); !st.ok()) return st;
  if (password->empty()) *password = GeneratePassword();
  else if (Status st = CheckPasswordPolicy(*password, {username, full_name}, "password"); !st.ok()) return st;
  store::User existing;
  if (store_.GetUser(username, &existing).ok()) return Status::Conflict("user " + username + " exists", "username");
  store::User u;
  u.id = NewUuid7();
  u.username = username;
  u.full_name = text::Nfc(full_name);
  u.role = role;
  u.orgunits = orgunits;
  u.created_at = NowIso();
  u.must_change_password = true;
  if (Status st = HashPassword(*password, &u.password_hash); !st.ok()) return st;
  if (Status st = Save(u, u, true, "user_create"); !st.ok()) return st;
  *out = u;
  return Status::Ok();
}

Status UserAdmin::Update(const std::string& id, const UserChange& c, store::User* out) {
  store::User before;
  if (Status st = LoadManaged(id, &before); !st.ok()) return st;
  store::User u = before;
  if (c.full_name) {
    if (!text::IsValidUtf8(*c.full_name) || c.full_name->size() > 200) return Status::Invalid("full_name", "full_name must be valid text of at most 200 bytes");
    u.full_name = text::Nfc(*c.full_name);
  }
  if (c.role) {
    if (Status st = CheckRole(*c.role); !st.ok()) return st;
    u.role = *c.role;
  }
  if (c.orgunits) {
    if (Status st = CheckOrgUnits(*c.orgunits); !st.ok()) return st;
    u.orgunits = *c.orgunits;
  }
  if (Status st = CheckNotPeer(u.role, u.orgunits); !st.ok()) return st;
  if (Status st = Save(before, u, false, "user_update"); !st.ok()) return st;
  *out = u;
  return Status::Ok();
}

Status UserAdmin::SetDisabled(const std::string& id, bool disabled, store::User* out) {
  store::User before;
  if (Status st = LoadManaged(id, &before); !st.ok()) return st;
  store::User u = before;
  u.disabled = disabled;
  if (Status st = Save(before, u, false, disabled ? "user_disable" : "user_enable"); !st.ok()) return st;
  *out = u;
  return Status::Ok();
}

Status UserAdmin::ResetPassword(const std::string& id, std::string* password, store::User* out) {
  store::User before;
  if (Status st = LoadManaged(id, &before); !st.ok()) return st;
  if (password->empty()) *password = GeneratePassword();
  else if (Status st = CheckPasswordPolicy(*password, {before.username, before.full_name}, "password"); !st.ok()) return st;
  store::User u = before;
  u.must_change_password = true;
  if (Status st = HashPassword(*password, &u.password_hash); !st.ok()) return st;
  if (Status st = Save(before, u, false, "user_password_reset"); !st.ok()) return st;
  *out = u;
  return Status::Ok();
}

}  // namespace u5::auth
