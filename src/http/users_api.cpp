#include "http/users_api.h"

#include <nlohmann/json.hpp>

#include "auth/roles.h"
#include "auth/user_admin.h"
#include "core/text.h"

namespace u5::http {

// An org unit's name in English: its place name is a proper noun and stays, the
// type word before it becomes an English one after it ("Xã Bình Lư" -> "Bình Lư
// commune", "Trạm Y tế Phường An" -> "An ward health station"). Longer prefixes
// first, so "Thị xã" is not read as "Thị" + "xã".
std::string EnglishOrgUnitName(const std::string& name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {"Trạm Y tế ", " health station"}, {"Thành phố ", " city"}, {"Thị trấn ", " township"}, {"Thị xã ", " town"},
      {"Đặc khu ", " special zone"},      {"Phường ", " ward"},    {"Huyện ", " district"},    {"Quận ", " urban district"},
      {"Tỉnh ", " province"},             {"Xã ", " commune"},     {"xã ", " commune"},
      // Hospitals that receive red alerts (data/vn-admin/hospitals.csv).
      {"Bệnh viện Sản Nhi tỉnh ", " province obstetric and paediatric hospital"},
      {"Bệnh viện Đa khoa tỉnh ", " province general hospital"}, {"Trung tâm Y tế khu vực ", " regional health centre"}};
  if (name == "Việt Nam") return "Vietnam";
  for (const auto& [vi, en] : kTypes)
    if (name.starts_with(vi)) return EnglishOrgUnitName(name.substr(std::string_view(vi).size())) + en;
  return name;
}

namespace {

using nlohmann::json;

// The server marks every API answer no-store (server.cpp).
constexpr auto& Json = JsonReply;
constexpr auto& Err = ErrorReply;

Status ParseObject(const Request& req, bool may_be_empty, json* out) {
  if (req.body.empty() && may_be_empty) {
    *out = json::object();
    return Status::Ok();
  }
  return ParseJsonObject(req.body, out);
}

// Reads an optional string field; Invalid naming it when it has another type.
Status OptString(const json& b, const char* k, std::optional<std::string>* out) {
  if (!b.contains(k) || b[k].is_null()) return Status::Ok();
  if (!b[k].is_string()) return Status::Invalid(k, std::string(k) + " must be a string");
  *out = b[k].get<std::string>();
  return Status::Ok();
}

// A user's full name follows the rules of a person's name (core/text.h).
Status CheckFullName(const std::optional<std::string>& name) {
  if (!name || name->empty()) return Status::Ok();
  if (std::string why = text::NameProblem(text::NormalizeName(*name)); !why.empty())
    return Status::Invalid("full_name", "full_name " + why);
  return Status::Ok();
}

Status OptOrgUnits(const json& b, std::optional<std::vector<std::string>>* out) {
  if (!b.contains("orgunits") || b["orgunits"].is_null()) return Status::Ok();
  if (!b["orgunits"].is_array()) return Status::Invalid("orgunits", "orgunits must be a list of org unit ids");
  std::vector<std::string> v;
  for (const auto& x : b["orgunits"]) {
    if (!x.is_string()) return Status::Invalid("orgunits", "orgunits must be a list of org unit ids");
    if (std::find(v.begin(), v.end(), x.get<std::string>()) == v.end()) v.push_back(x);
  }
  *out = v;
  return Status::Ok();
}

json OrgUnitsJson(store::Store& store, const std::vector<std::string>& ids) {
  std::vector<store::OrgUnitName> names;
  store.OrgUnitNames(ids, "", &names);
  json out = json::array();
  for (const auto& id : ids) {
    std::string name = id;
    for (const auto& n : names)
      if (n.id == id) name = n.name;
    out.push_back({{"id", id}, {"name", name}, {"name_vi", name}, {"name_en", EnglishOrgUnitName(name)}});
  }
  return out;
}

json UserJson(store::Store& store, const store::User& u) {
  const auth::Role* r = auth::Roles::Current().Find(u.role);
  return {{"id", u.id},
          {"username", u.username},
          {"full_name", u.full_name},
          {"role", u.role},
          {"role_label", {{"vi", r ? r->label_vi : u.role}, {"en", r ? r->label_en : u.role}}},
          {"orgunits", OrgUnitsJson(store, u.orgunits)},
          {"disabled", u.disabled},
          {"must_change_password", u.must_change_password},
          {"created_at", u.created_at}};
}

Response OrgUnits(const Request& req, store::Store& store) {
  auto q = [&](const char* k) { auto it = req.query.find(k); return it == req.query.end() ? std::string() : it->second; };
  std::vector<std::string> ids;
  const std::string list = q("ids");
  for (size_t i = 0; i < list.size();) {
    size_t j = list.find(',', i);
    if (j == std::string::npos) j = list.size();
    if (j > i) ids.push_back(list.substr(i, j - i));
    i = j + 1;
  }
  if (ids.size() > 500) return Err(Status::Invalid("ids", "at most 500 ids"));
  const std::string parent = q("parent");
  if (ids.empty() && parent.empty()) return Err(Status::Invalid("ids", "give ids (comma-separated) or parent"));
  std::vector<store::OrgUnitName> names;
  if (Status st = store.OrgUnitNames(ids, parent, &names); !st.ok()) return Err(st);
  json items = json::array();
  for (const auto& n : names)
    items.push_back({{"id", n.id}, {"name", n.name}, {"name_vi", n.name}, {"name_en", EnglishOrgUnitName(n.name)}, {"kind", n.kind},
                     {"parent", n.parent_id}});
  return Json(200, {{"items", items}});
}

Response Roles(Call& c) {
  auth::UserAdmin admin(c.store, c.who, audit::Entry{});
  json items = json::array();
  for (const auto& n : admin.GrantableRoles()) {
    const auth::Role* r = auth::Roles::Current().Find(n);
    items.push_back({{"id", n}, {"label", {{"vi", r->label_vi}, {"en", r->label_en}}}, {"all_orgunits", r->all_orgunits}});
  }
  return Json(200, {{"items", items}});
}

Response ListUsers(Call& c) {
  auth::UserAdmin admin(c.store, c.who, audit::Entry{});
  std::vector<store::User> us;
  if (Status st = admin.List(&us); !st.ok()) return Err(st);
  json items = json::array();
  for (const auto& x : us) items.push_back(UserJson(c.store, x));
  return Json(200, {{"items", items}});
}

Response CreateUser(Call& c) {
  json b;
  if (Status st = ParseObject(c.req, false, &b); !st.ok()) return Err(st);
  std::optional<std::string> username, full_name, role, password;
  std::optional<std::vector<std::string>> orgunits;
  for (Status st : {OptString(b, "username", &username), OptString(b, "full_name", &full_name), OptString(b, "role", &role),
                    OptString(b, "password", &password), OptOrgUnits(b, &orgunits)})
    if (!st.ok()) return Err(st);
  if (Status st = CheckFullName(full_name); !st.ok()) return Err(st);
  if (!username) return Err(Status::Invalid("username", "username is required"));
  if (!role) return Err(Status::Invalid("role", "role is required"));
  if (!orgunits) return Err(Status::Invalid("orgunits", "orgunits is required"));
  auth::UserAdmin admin(c.store, c.who, c.Stamp(""));
  std::string pw = password.value_or("");
  store::User u;
  if (Status st = admin.Create(*username, full_name.value_or(""), *role, *orgunits, &pw, &u); !st.ok()) return Err(st);
  json out = UserJson(c.store, u);
  out["initial_password"] = pw;  // shown once; only its hash is kept
  Response r = Json(201, out);
  r.headers["Location"] = "/api/v1/users/" + u.id;
  return r;
}

Response GetUser(Call& c) {
  auth::UserAdmin admin(c.store, c.who, audit::Entry{});
  store::User u;
  if (Status st = admin.Get(c.param(0), &u); !st.ok()) return Err(st);
  return Json(200, UserJson(c.store, u));
}

Response UpdateUser(Call& c, auth::Sessions& sessions) {
  json b;
  if (Status st = ParseObject(c.req, false, &b); !st.ok()) return Err(st);
  auth::UserChange ch;
  for (Status st : {OptString(b, "full_name", &ch.full_name), OptString(b, "role", &ch.role), OptOrgUnits(b, &ch.orgunits)})
    if (!st.ok()) return Err(st);
  if (Status st = CheckFullName(ch.full_name); !st.ok()) return Err(st);
  for (const char* k : {"username", "password", "disabled"})
    if (b.contains(k)) return Err(Status::Invalid(k, std::string(k) + " cannot be changed here"));
  auth::UserAdmin admin(c.store, c.who, c.Stamp(""));
  store::User u;
  if (Status st = admin.Update(c.param(0), ch, &u); !st.ok()) return Err(st);
  sessions.ForgetUser(u.id);
  return Json(200, UserJson(c.store, u));
}

Response ResetPassword(Call& c, auth::Sessions& sessions) {
  json b;
  if (Status st = ParseObject(c.req, true, &b); !st.ok()) return Err(st);
  std::optional<std::string> password;
  if (Status st = OptString(b, "password", &password); !st.ok()) return Err(st);
  auth::UserAdmin admin(c.store, c.who, c.Stamp(""));
  std::string pw = password.value_or("");
  store::User u;
  if (Status st = admin.ResetPassword(c.param(0), &pw, &u); !st.ok()) return Err(st);
  sessions.EndUserSessions(u.id);  // the stored sessions ended with the new hash (Store::SaveUser)
  json out = UserJson(c.store, u);
  out["initial_password"] = pw;
  return Json(200, out);
}

Response SetDisabled(Call& c, auth::Sessions& sessions, bool disabled) {
  auth::UserAdmin admin(c.store, c.who, c.Stamp(""));
  store::User u;
  if (Status st = admin.SetDisabled(c.param(0), disabled, &u); !st.ok()) return Err(st);
  sessions.EndUserSessions(u.id);
  return Json(200, UserJson(c.store, u));
}

}  // namespace

Routes UserRoutes(auth::Sessions& sessions) {
  using auth::kUserManage;
  using A = Audit;
  auth::Sessions* s = &sessions;
  return {
      // Names of administrative units: public facts, for any session.
      {"GET", "orgunits", "", A::none, [](Call& c) { return OrgUnits(c.req, c.store); }},
      {"GET", "roles", kUserManage, A::none, Roles},
      {"GET", "users", kUserManage, A::none, ListUsers, false, true},
      {"POST", "users", kUserManage, A::write, CreateUser},
      {"GET", "users/{id}", kUserManage, A::none, GetUser},
      {"PUT", "users/{id}", kUserManage, A::write, [s](Call& c) { return UpdateUser(c, *s); }},
      {"POST", "users/{id}/disable", kUserManage, A::write, [s](Call& c) { return SetDisabled(c, *s, true); }},
      {"POST", "users/{id}/enable", kUserManage, A::write, [s](Call& c) { return SetDisabled(c, *s, false); }},
      {"POST", "users/{id}/password", kUserManage, A::write, [s](Call& c) { return ResetPassword(c, *s); }},
  };
}

}  // namespace u5::http
