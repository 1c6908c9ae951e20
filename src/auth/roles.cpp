#include "auth/roles.h"

#include <atomic>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

namespace u5::auth {

extern const char* const kBuiltinRoles;

namespace {

bool IsKnownPermission(const std::string& p) {
  for (const char* k : {kPersonRead, kPersonWrite, kAggregateRead, kPlanManage, kAggregateEnter, kUserManage, kAuditRead, kConfigManage, kReportSignoff, kDeathReview,
                        kEmergencyRespond, kNationalPush})
    if (p == k) return true;
  return false;
}

// Current() hands out references that must outlive a reload: every loaded
// table is kept until exit (a province reloads a handful of times at most).
std::mutex g_mu;
std::vector<std::unique_ptr<Roles>> g_loaded;
std::atomic<const Roles*> g_current{nullptr};

}  // namespace

Status Roles::Parse(std::string_view text, Roles* out) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("roles") || !j["roles"].is_object() || j["roles"].empty())
    return Status::Invalid("roles", "roles.json must be an object with a non-empty \"roles\" object");
  Roles r;
  if (j.contains("small_cell_threshold")) {
    if (!j["small_cell_threshold"].is_number_integer() || j["small_cell_threshold"].get<int>() < 1 ||
        j["small_cell_threshold"].get<int>() > 1000)
      return Status::Invalid("small_cell_threshold", "small_cell_threshold must be a whole number from 1 to 1000");
    r.small_cell_threshold_ = j["small_cell_threshold"].get<int>();
  }
  for (auto it = j["roles"].begin(); it != j["roles"].end(); ++it) {
    const auto& v = it.value();
    if (!v.is_object() || !v.contains("permissions") || !v["permissions"].is_array())
      return Status::Invalid("roles." + it.key(), "role " + it.key() + " needs a \"permissions\" array");
    Role role;
    role.name = it.key();
    role.label_vi = v.value("label_vi", "");
    role.label_en = v.value("label_en", "");
    for (const auto& p : v["permissions"]) {
      if (!p.is_string() || !IsKnownPermission(p.get<std::string>()))
        return Status::Invalid("roles." + it.key(), "role " + it.key() + " has an unknown permission " + p.dump());
      role.permissions.insert(p.get<std::string>());
    }
    auto flag = [&](const char* k) { return v.contains(k) && v[k].is_boolean() && v[k].get<bool>(); };
    role.all_orgunits = flag("all_orgunits");
    role.suppress_small_cells = flag("suppress_small_cells");
    // A role that sees the whole country must not see persons: that would be every person in Vietnam.
    if (role.all_orgunits && (role.permissions.count(kPersonRead) || role.permissions.count(kPersonWrite)))
      return Status::Invalid("roles." + it.key(), "role " + it.key() + " has all_orgunits and person-level access");
    r.roles_.push_back(std::move(role));
  }
  *out = std::move(r);
  return Status::Ok();
}

const Roles& Roles::Builtin() {
  static const Roles k = [] {
    Roles r;
    Status st = Parse(kBuiltinRoles, &r);
    if (!st.ok()) std::abort();  // the compiled-in file is checked by the tests
    return r;
  }();
  return k;
}

const Roles& Roles::Current() {
  const Roles* r = g_current.load(std::memory_order_acquire);
  return r ? *r : Builtin();
}

const Role* Roles::Find(const std::string& name) const {
  for (const auto& r : roles_)
    if (r.name == name) return &r;
  return nullptr;
}

bool Roles::Has(const std::string& role, std::string_view permission) const {
  const Role* r = Find(role);
  return r && r->permissions.count(std::string(permission)) > 0;
}

std::vector<std::string> Roles::Names() const {
  std::vector<std::string> out;
  for (const auto& r : roles_) out.push_back(r.name);
  return out;
}

Status LoadRoles(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = std::make_unique<Roles>();
  if (Status st = Roles::Parse(ss.str(), r.get()); !st.ok()) return Status::Invalid(st.field(), file + ": " + st.message());
  std::lock_guard lock(g_mu);
  g_current.store(r.get(), std::memory_order_release);
  g_loaded.push_back(std::move(r));
  return Status::Ok();
}

void ResetRoles() { g_current.store(nullptr, std::memory_order_release); }

}  // namespace u5::auth
