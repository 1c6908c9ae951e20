// Roles as data (data/roles/roles.json): each role is a set of permissions,
// so a province can adjust what a role may do without a new build. The file
// is read at start (LoadRoles); a copy compiled in is the fallback.
#pragma once
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace u5::auth {

// Permission names used by the code; roles.json may only grant these.
inline constexpr const char* kPersonRead = "person.read";
inline constexpr const char* kPersonWrite = "person.write";
inline constexpr const char* kAggregateRead = "aggregate.read";
inline constexpr const char* kPlanManage = "plan.manage";
// Survey and administrative figures of the user's org units (indicator-values).
inline constexpr const char* kAggregateEnter = "aggregate.enter";
inline constexpr const char* kUserManage = "user.manage";
inline constexpr const char* kAuditRead = "audit.read";
inline constexpr const char* kConfigManage = "config.manage";
inline constexpr const char* kReportSignoff = "report.signoff";
// Death reviews and the lists that name the dead (the review board, QĐ 4869/QĐ-BYT 2014).
inline constexpr const char* kDeathReview = "death.review";
// Red-alert emergencies sent from, to or escalated to the user's org units:
// raise, follow and enter the steps of one's own side, without the registry.
inline constexpr const char* kEmergencyRespond = "emergency.respond";
// Push a province's monthly aggregates to the national instance (docs/federation.md).
inline constexpr const char* kNationalPush = "national.push";

struct Role {
  std::string name, label_vi, label_en;
  std::set<std::string> permissions;
  bool all_orgunits = false;         // scope is the whole country, whatever org units the user holds
  bool suppress_small_cells = false; // aggregate answers hide small cells (docs/security.md)
};

class Roles {
 public:
  // Parses roles.json text; Invalid naming the role or permission at fault.
  static Status Parse(std::string_view json, Roles* out);
  // The compiled-in copy of data/roles/roles.json.
  static const Roles& Builtin();
  // The roles in force: Builtin() until LoadRoles succeeds.
  static const Roles& Current();

  const Role* Find(const std::string& name) const;
  bool Known(const std::string& name) const { return Find(name) != nullptr; }
  bool Has(const std::string& role, std::string_view permission) const;
  std::vector<std::string> Names() const;
  int small_cell_threshold() const { return small_cell_threshold_; }

 private:
  std::vector<Role> roles_;
  int small_cell_threshold_ = 5;
};

// Reads `file` and makes it Current(); on error Current() stays as it was.
Status LoadRoles(const std::string& file);
// Restores the built-in roles (tests).
void ResetRoles();

}  // namespace u5::auth
