// Walks the API's own route table: every route except health, login and
// FHIR's CapabilityStatement answers 401 without a session, so a route added to the table cannot be
// reachable unprotected, and a route not in the table is not reachable.
#include <gtest/gtest.h>

#include "security/api_fixture.h"

namespace u5::test {
namespace {

// The concrete path of a pattern: a UUID for each {name}. A pattern from '/'
// is a whole path (FHIR's /fhir/...), others lie under /api/v1/.
std::vector<std::string> Expand(const std::string& whole) {
  const bool absolute = whole.starts_with('/');
  const std::string pattern = absolute ? whole.substr(1) : whole;
  std::vector<std::string> out = {absolute ? "/" : "/api/v1/"};
  size_t i = 0;
  while (i <= pattern.size()) {
    size_t j = pattern.find('/', i);
    if (j == std::string::npos) j = pattern.size();
    const std::string seg = pattern.substr(i, j - i);
    std::vector<std::string> next;
    for (const auto& prefix : out) {
      const std::string sep = prefix.back() == '/' ? "" : "/";
      if (seg.front() == '{')
        next.push_back(prefix + sep + "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
      else
        next.push_back(prefix + sep + seg);
    }
    out = next;
    i = j + 1;
  }
  return out;
}

struct RouteTable : OnBothStores<ApiFixture> {};

TEST_P(RouteTable, EveryRouteButHealthAndLoginNeedsASession) {
  int checked = 0;
  for (const http::Route& r : api->routes()) {
    for (const std::string& path : Expand(r.pattern)) {
      for (const std::string& auth : {std::string(), std::string("Bearer ") + std::string(64, 'f'),
                                      std::string("Bearer short")}) {
        http::Request req;
        req.method = r.method;
        req.path = path;
        req.authorization = auth;
        req.body = "{}";
        http::Response resp = api->Handle(req);
        if (r.is_public) {
          EXPECT_NE(resp.status, 401) << r.method << " " << path;
        } else {
          EXPECT_EQ(resp.status, 401) << r.method << " " << path << ": " << resp.body;
          // FHIR's paths answer an OperationOutcome (issue code "security").
          EXPECT_NE(resp.body.find(r.pattern.starts_with('/') ? "\"security\"" : "unauthenticated"), std::string::npos);
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100);
  // The public ones are exactly health and login.
  std::set<std::string> pub;
  for (const http::Route& r : api->routes())
    if (r.is_public) pub.insert(std::string(r.method) + " " + r.pattern);
  EXPECT_EQ(pub, (std::set<std::string>{"GET health", "POST auth/login", "GET /fhir/metadata"}));
}

TEST_P(RouteTable, CookieSessionsAreCheckedToo) {
  http::Request req;
  req.method = "GET";
  req.path = "/api/v1/persons";
  req.cookie = "u5_session=" + std::string(64, '0');
  EXPECT_EQ(api->Handle(req).status, 401);
}

TEST_P(RouteTable, UnlistedPathsAreNotServed) {
  const std::string tok = Login("cw_a");
  ASSERT_FALSE(tok.empty());
  EXPECT_EQ(Call("GET", "/api/v1/admin/secret", "").status, 401);  // no session: 401 before routing
  EXPECT_EQ(Call("GET", "/api/v1/admin/secret", tok).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/persons/x/y/z", tok).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/not-a-collection", tok).status, 404);
}

TEST_P(RouteTable, TableCoversWhatTheHandlersServe) {
  // Every path the API documents resolves to a route, for some method.
  const http::Router router(api->routes());
  for (const char* p : {"/api/v1/persons", "/api/v1/persons/search", "/api/v1/persons/abc/handbook", "/api/v1/persons/abc/growth",
                        "/api/v1/persons/abc/due", "/api/v1/worklist", "/api/v1/alerts", "/api/v1/alerts/abc/ack",
                        "/api/v1/indicators", "/api/v1/indicators/catalogue", "/api/v1/indicator-values", "/api/v1/plans",
                        "/api/v1/plans/lai-chau/evaluation", "/api/v1/plans/lai-chau/targets", "/api/v1/audit",
                        "/api/v1/auth/password", "/api/v1/anc-visits/abc", "/api/v1/deaths/", "/api/v1/reports",
                        "/api/v1/reports/monthly", "/api/v1/signoffs", "/api/v1/users", "/api/v1/users/abc",
                        "/api/v1/users/abc/disable", "/api/v1/users/abc/enable", "/api/v1/users/abc/password",
                        "/api/v1/roles", "/api/v1/orgunits"})
  {
    const http::Router::Match m = router.Find("GET", p);
    EXPECT_TRUE(m.route || !m.allow.empty()) << p;
  }
}

TEST_P(RouteTable, UserManagementNeedsUserManage) {
  int users = 0;
  for (const http::Route& r : api->routes()) {
    const std::string p = r.pattern;
    if (p == "roles" || p.rfind("users", 0) == 0) {
      EXPECT_EQ(r.permission, "user.manage") << r.method << " " << p;
      ++users;
    }
  }
  EXPECT_EQ(users, 8);
}

U5_ON_BOTH_STORES(RouteTable);

}  // namespace
}  // namespace u5::test
