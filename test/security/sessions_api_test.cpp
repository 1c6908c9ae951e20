// Sessions through the API: CSRF on cookie sessions, login throttling (429
// with Retry-After), session expiry, and the forced change of an initial
// password outside demo mode.
#include <gtest/gtest.h>

#include "auth/session.h"
#include "core/date.h"
#include "security/api_fixture.h"
#include "support/sqlite_probe.h"

namespace u5::test {
namespace {

using nlohmann::json;

struct SessionsApi : ApiFixture {
  int64_t now = NowMillis();
  void SetUp() override {
    http::ApiOptions o;
    o.sessions.clock = [this] { return now; };
    o.sessions.ttl_ms = 3600 * 1000;
    o.sessions.idle_ms = 600 * 1000;
    Open(o);
  }
  http::Request CookieRequest(const std::string& method, const std::string& path, const std::string& token) {
    http::Request req;
    req.method = method;
    req.path = path;
    req.cookie = "u5_session=" + token;
    req.host = "u5.example.vn:8080";
    req.content_type = "application/json";
    return req;
  }
};

TEST_F(SessionsApi, CookieWritesNeedOurOrigin) {
  const std::string tok = Login("cw_a");
  json p = {{"full_name", "Lò Thị Mai"}, {"sex", "female"}, {"birth_date", "1996-04-12"}, {"orgunit", "03390"}};
  http::Request req = CookieRequest("POST", "/api/v1/persons", tok);
  req.body = p.dump();
  const int64_t before = QueryInt(db(), "SELECT count(*) FROM person");
  // No Origin, a foreign Origin, or a look-alike: refused, nothing written.
  for (const std::string origin : {"", "https://evil.example", "http://u5.example.vn:8080.evil.example", "null"}) {
    req.origin = origin;
    http::Response r = api->Handle(req);
    EXPECT_EQ(r.status, 403) << origin;
    EXPECT_NE(r.body.find("cross-site"), std::string::npos) << r.body;
  }
  EXPECT_EQ(QueryInt(db(), "SELECT count(*) FROM person"), before);
  // Logout through a forged request does not end the session either.
  http::Request out = CookieRequest("POST", "/api/v1/auth/logout", tok);
  out.origin = "https://evil.example";
  EXPECT_EQ(api->Handle(out).status, 403);
  // Our own origin passes; reads need no Origin; bearer tokens are not CSRF-prone.
  req.origin = "http://u5.example.vn:8080";
  EXPECT_EQ(api->Handle(req).status, 201);
  http::Request get = CookieRequest("GET", "/api/v1/persons", tok);
  EXPECT_EQ(api->Handle(get).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/persons", tok, p.dump()).status, 201);
}

TEST_F(SessionsApi, LoginThrottledAfterFiveFailuresAMinute) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(Login("cw_a", "wrong-password", "10.0.0." + std::to_string(i)).empty());
    now += 1000;
  }
  http::Request req;
  req.method = "POST";
  req.path = "/api/v1/auth/login";
  req.content_type = "application/json";
  req.remote = "10.9.9.9";
  req.body = R"({"username":"cw_a","password":"password-123"})";
  http::Response r = api->Handle(req);
  EXPECT_EQ(r.status, 429) << r.body;
  ASSERT_TRUE(r.headers.count("Retry-After"));
  EXPECT_EQ(r.headers["Retry-After"], "55");  // the first failure leaves the window in 55 s
  EXPECT_FALSE(Login("cw_b").empty());        // another user is not affected
  now += 55 * 1000;
  EXPECT_FALSE(Login("cw_a", "password-123", "10.9.9.9").empty());
  // Per address: one address trying many users.
  for (const char* u : {"u1", "u2", "u3", "u4", "u5"}) Login(u, "guess-guess", "10.7.7.7");
  req.remote = "10.7.7.7";
  req.body = R"({"username":"cw_b","password":"password-123"})";
  EXPECT_EQ(api->Handle(req).status, 429);
  // Every attempt is in the audit trail.
  api.reset();  // flushes the group-committed entries
  EXPECT_EQ(QueryInt(db(), "SELECT count(*) FROM audit_log WHERE action='login_failed' AND username='cw_a'"), 5);
  EXPECT_GE(QueryInt(db(), "SELECT count(*) FROM audit_log WHERE action='login_throttled'"), 2);
  EXPECT_GE(QueryInt(db(), "SELECT count(*) FROM audit_log WHERE action='login_ok' AND remote='10.9.9.9'"), 1);
}

TEST_F(SessionsApi, SessionExpiresAndIdles) {
  const std::string tok = Login("cw_a");
  now += 9 * 60 * 1000;
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", tok).status, 200);
  now += 11 * 60 * 1000;  // 11 minutes without a request, over the 10-minute idle limit
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", tok).status, 401);
  const std::string tok2 = Login("cw_a");
  for (int i = 0; i < 6; ++i) {
    now += 9 * 60 * 1000;
    EXPECT_EQ(Call("GET", "/api/v1/auth/me", tok2).status, 200) << i;
  }
  now += 9 * 60 * 1000;  // 63 minutes after login, over the one-hour limit
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", tok2).status, 401);
}

TEST_F(SessionsApi, LogoutEndsTheSession) {
  const std::string tok = Login("cw_a");
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", tok).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", tok).status, 401);
}

TEST_F(SessionsApi, InitialPasswordMustBeChangedFirst) {
  ASSERT_TRUE(auth::AddUser(*s, "demo", "demo-u5-2030", "commune_worker", {"03390"}, "", true).ok());
  http::Request req;
  req.method = "POST";
  req.path = "/api/v1/auth/login";
  req.content_type = "application/json";
  req.body = R"({"username":"demo","password":"demo-u5-2030"})";
  http::Response login = api->Handle(req);
  ASSERT_EQ(login.status, 200);
  EXPECT_EQ(json::parse(login.body)["must_change_password"], true);
  const std::string tok = json::parse(login.body)["token"];
  http::Response blocked = Call("GET", "/api/v1/persons", tok);
  EXPECT_EQ(blocked.status, 403);
  EXPECT_NE(blocked.body.find("password_change_required"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", tok).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/auth/password", tok, R"({"old_password":"nope","new_password":"new-secret-1"})").status, 422);
  EXPECT_EQ(Call("POST", "/api/v1/auth/password", tok, R"({"old_password":"demo-u5-2030","new_password":"new-secret-1"})").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/persons", tok).status, 200);
  EXPECT_EQ(QueryInt(db(), "SELECT count(*) FROM audit_log WHERE action='password_change' AND record_id=(SELECT id FROM app_user WHERE username='demo')"), 1);
  EXPECT_EQ(QueryOne(db(), "SELECT must_change_password FROM app_user WHERE username='demo'"), "0");
}

TEST_F(SessionsApi, DemoModeSkipsTheForcedChange) {
  ASSERT_TRUE(auth::AddUser(*s, "demo", "demo-u5-2030", "commune_worker", {"03390"}, "", true).ok());
  http::ApiOptions o;
  o.demo_mode = true;
  Open(o);
  const std::string tok = Login("demo", "demo-u5-2030");
  EXPECT_EQ(Call("GET", "/api/v1/persons", tok).status, 200);
}

}  // namespace
}  // namespace u5::test
