#include "http/routes.h"

#include "auth/roles.h"

namespace u5::http {

const std::vector<std::string>& CollectionNames() {
  static const std::vector<std::string> k = {"persons", "pregnancies", "anc-visits", "deliveries", "newborns",
                                             "postnatal-visits", "immunizations", "growth-measurements", "vitamin-a",
                                             "illnesses", "injuries", "referrals", "deaths"};
  return k;
}

const std::vector<Route>& Routes() {
  using namespace auth;
  static const std::vector<Route> k = {
      {"GET", "health", "", true},
      {"POST", "auth/login", "", true},
      {"POST", "auth/logout", ""},
      {"GET", "auth/me", ""},
      {"POST", "auth/password", ""},
      {"GET", "schema", ""},
      {"GET", "audit", kAuditRead, false, true},
      // User management (src/http/users_api.cpp); scope is checked in auth/user_admin.cpp.
      {"GET", "users", kUserManage, false, true},
      {"POST", "users", kUserManage},
      {"GET", "users/{id}", kUserManage},
      {"PUT", "users/{id}", kUserManage},
      {"POST", "users/{id}/disable", kUserManage},
      {"POST", "users/{id}/enable", kUserManage},
      {"POST", "users/{id}/password", kUserManage},
      {"GET", "roles", kUserManage},
      // Names of administrative units: public facts, for any session.
      {"GET", "orgunits", ""},
      // Aggregates (src/indicator/http_routes.cpp).
      {"GET", "indicators", kAggregateRead},
      {"GET", "indicators/catalogue", kAggregateRead},
      {"GET", "indicator-values", kAggregateRead},
      {"PUT", "indicator-values", kPlanManage},
      {"POST", "indicator-values", kPlanManage},
      {"GET", "plans", kAggregateRead},
      {"GET", "plans/{id}/evaluation", kAggregateRead},
      {"GET", "plans/{id}/targets", kAggregateRead},
      {"PUT", "plans/{id}/targets", kPlanManage},
      {"POST", "plans/{id}/targets", kPlanManage},
      // Reports and sign-off (src/report/http_routes.cpp): aggregates.
      {"GET", "reports", kAggregateRead},
      {"GET", "reports/{id}", kAggregateRead, false, true},
      {"GET", "signoffs", kAggregateRead},
      {"POST", "signoffs", kReportSignoff},
      // Care due (src/care/http_routes.cpp): person-level.
      {"GET", "worklist", kPersonRead, false, true},
      {"GET", "alerts", kPersonRead, false, true},
      {"POST", "alerts/{id}/ack", kPersonWrite},
      {"GET", "persons/{id}/due", kPersonRead},
      // Person-level records.
      {"GET", "persons/search", kPersonRead, false, true},
      {"GET", "persons/{id}/handbook", kPersonRead},
      {"GET", "persons/{id}/growth", kPersonRead},
      {"GET", "{collection}", kPersonRead, false, true},
      {"POST", "{collection}", kPersonWrite},
      {"GET", "{collection}/{id}", kPersonRead},
      {"PUT", "{collection}/{id}", kPersonWrite},
      {"DELETE", "{collection}/{id}", kPersonWrite},
  };
  return k;
}

namespace {

std::vector<std::string> Split(const std::string& s, size_t from) {
  std::vector<std::string> parts;
  for (size_t i = from; i <= s.size();) {
    size_t j = s.find('/', i);
    if (j == std::string::npos) j = s.size();
    parts.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  if (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

bool Matches(const std::vector<std::string>& pat, const std::vector<std::string>& path) {
  if (pat.size() != path.size()) return false;
  for (size_t i = 0; i < pat.size(); ++i) {
    if (pat[i] == "{id}") {
      if (path[i].empty()) return false;
    } else if (pat[i] == "{collection}") {
      bool known = false;
      for (const auto& c : CollectionNames()) known = known || c == path[i];
      if (!known) return false;
    } else if (pat[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<const Route*> MatchRoutes(const std::string& path) {
  static const std::string kPrefix = "/api/v1/";
  std::vector<const Route*> out;
  if (path.rfind(kPrefix, 0) != 0) return out;
  const std::vector<std::string> parts = Split(path, kPrefix.size());
  for (const Route& r : Routes())
    if (Matches(Split(r.pattern, 0), parts)) out.push_back(&r);
  return out;
}

}  // namespace u5::http
