#include "http/users_api.h"

#include <nlohmann/json.hpp>

#include "auth/roles.h"
#include "auth/user_admin.h"
#include "core/text.h"
#include "http/reply.h"

namespace u5::http {
namespace {

using nlohmann::json;

// The server marks every API answer no-store (server.cpp).
constexpr auto& Json = JsonReply;
constexpr auto& Err = ErrorReply;

Response NotAllowed() { return Json(405, {{"error", "method_not_allowed"}, {"message", "method not allowed on this path"}}); }

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
    out.push_back({{"id", id}, {"name", name}});
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

std::vector<std::string> Segments(const std::string& p) {
  std::vector<std::string> parts;
  for (size_t i = 8; i <= p.size();) {  // after "/api/v1/"
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    parts.push_back(p.substr(i, j - i));
    i = j + 1;
  }
  if (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
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
  for (const auto& n : names) items.push_back({{"id", n.id}, {"name", n.name}, {"kind", n.kind}, {"parent", n.parent_id}});
  return Json(200, {{"items", items}});
}

}  // namespace

std::optional<Response> HandleUserRoute(const Request& req, const auth::Principal& who, store::Store& store,
                                        auth::Sessions& sessions, const audit::Entry& stamp) {
  const std::vector<std::string> parts = Segments(req.path);
  if (parts.empty()) return std::nullopt;
  if (parts.size() == 1 && parts[0] == "orgunits") {
    if (req.method != "GET") return NotAllowed();
    return OrgUnits(req, store);
  }
  auth::UserAdmin admin(store, who, stamp);
  if (parts.size() == 1 && parts[0] == "roles") {
    if (req.method != "GET") return NotAllowed();
    json items = json::array();
    for (const auto& n : admin.GrantableRoles()) {
      const auth::Role* r = auth::Roles::Current().Find(n);
      items.push_back({{"id", n}, {"label", {{"vi", r->label_vi}, {"en", r->label_en}}}, {"all_orgunits", r->all_orgunits}});
    }
    return Json(200, {{"items", items}});
  }
  if (parts[0] != "users" || parts.size() > 3) return std::nullopt;

  store::User u;
  if (parts.size() == 1) {
    if (req.method == "GET") {
      std::vector<store::User> us;
      if (Status st = admin.List(&us); !st.ok()) return Err(st);
      json items = json::array();
      for (const auto& x : us) items.push_back(UserJson(store, x));
      return Json(200, {{"items", items}});
    }
    if (req.method != "POST") return NotAllowed();
    json b;
    if (Status st = ParseObject(req, false, &b); !st.ok()) return Err(st);
    std::optional<std::string> username, full_name, role, password;
    std::optional<std::vector<std::string>> orgunits;
    for (Status st : {OptString(b, "username", &username), OptString(b, "full_name", &full_name), OptString(b, "role", &role),
                      OptString(b, "password", &password), OptOrgUnits(b, &orgunits)})
      if (!st.ok()) return Err(st);
    if (Status st = CheckFullName(full_name); !st.ok()) return Err(st);
    if (!username) return Err(Status::Invalid("username", "username is required"));
    if (!role) return Err(Status::Invalid("role", "role is required"));
    if (!orgunits) return Err(Status::Invalid("orgunits", "orgunits is required"));
    std::string pw = password.value_or("");
    if (Status st = admin.Create(*username, full_name.value_or(""), *role, *orgunits, &pw, &u); !st.ok()) return Err(st);
    json out = UserJson(store, u);
    out["initial_password"] = pw;  // shown once; only its hash is kept
    Response r = Json(201, out);
    r.headers["Location"] = "/api/v1/users/" + u.id;
    return r;
  }

  const std::string& id = parts[1];
  if (parts.size() == 2) {
    if (req.method == "GET") {
      if (Status st = admin.Get(id, &u); !st.ok()) return Err(st);
      return Json(200, UserJson(store, u));
    }
    if (req.method != "PUT") return NotAllowed();
    json b;
    if (Status st = ParseObject(req, false, &b); !st.ok()) return Err(st);
    auth::UserChange c;
    for (Status st : {OptString(b, "full_name", &c.full_name), OptString(b, "role", &c.role), OptOrgUnits(b, &c.orgunits)})
      if (!st.ok()) return Err(st);
    if (Status st = CheckFullName(c.full_name); !st.ok()) return Err(st);
    for (const char* k : {"username", "password", "disabled"})
      if (b.contains(k)) return Err(Status::Invalid(k, std::string(k) + " cannot be changed here"));
    if (Status st = admin.Update(id, c, &u); !st.ok()) return Err(st);
    sessions.ForgetUser(u.id);
    return Json(200, UserJson(store, u));
  }

  const std::string& action = parts[2];
  if (action != "disable" && action != "enable" && action != "password") return std::nullopt;
  if (req.method != "POST") return NotAllowed();
  if (action == "password") {
    json b;
    if (Status st = ParseObject(req, true, &b); !st.ok()) return Err(st);
    std::optional<std::string> password;
    if (Status st = OptString(b, "password", &password); !st.ok()) return Err(st);
    std::string pw = password.value_or("");
    if (Status st = admin.ResetPassword(id, &pw, &u); !st.ok()) return Err(st);
    sessions.EndUserSessions(u.id);  // the stored sessions ended with the new hash (Store::SaveUser)
    json out = UserJson(store, u);
    out["initial_password"] = pw;
    return Json(200, out);
  }
  if (Status st = admin.SetDisabled(id, action == "disable", &u); !st.ok()) return Err(st);
  sessions.EndUserSessions(u.id);
  return Json(200, UserJson(store, u));
}

}  // namespace u5::http
