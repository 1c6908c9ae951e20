// The JSON API in process (no sockets): authentication, scope, routing and
// the error body contract ({"error", "message", "field"}).
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "auth/session.h"
#include "app/routes.h"
#include "http/api.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::http {
namespace {

using nlohmann::json;

struct ApiTest : ::testing::TestWithParam<test::StoreKind> {
  test::TempDir dir;
  std::unique_ptr<test::TestStoreLocation> where;
  std::unique_ptr<store::Store> s;
  std::unique_ptr<Api> api;
  std::string token;

  void SetUp() override {
    where = std::make_unique<test::TestStoreLocation>(GetParam(), dir.path());
    ASSERT_TRUE(where->Open(&s).ok());
    test::SeedMiniOrgUnits(*s);
    ASSERT_TRUE(auth::AddUser(*s, "cw1", "password-123", "commune_worker", {"03390"}).ok());
    ASSERT_TRUE(auth::AddUser(*s, "prov", "password-123", "province_officer", {"12"}).ok());
    ASSERT_TRUE(auth::AddUser(*s, "min", "password-123", "ministry", {"VN"}).ok());
    ApiOptions o;
    o.max_body_bytes = 4096;
    api = std::make_unique<Api>(*s, app::Routes({}), o);
    token = Login("cw1");
  }

  std::string Login(const std::string& user) {
    Response r = Call("POST", "/api/v1/auth/login", json{{"username", user}, {"password", "password-123"}}.dump(), "");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).value("token", "");
  }

  Response Call(const std::string& method, const std::string& path, const std::string& body, const std::string& tok,
                std::map<std::string, std::string> query = {}) {
    Request req;
    req.method = method;
    req.path = path;
    req.body = body;
    if (!body.empty()) req.content_type = "application/json";
    req.query = std::move(query);
    if (!tok.empty()) req.authorization = "Bearer " + tok;
    return api->Handle(req);
  }

  json PersonBody(const std::string& orgunit = "03390") {
    return {{"full_name", "Lò Thị Mai"}, {"sex", "female"}, {"birth_date", "1996-04-12"}, {"orgunit", orgunit}};
  }
};

TEST_P(ApiTest, HealthNeedsNoSession) {
  Response r = Call("GET", "/api/v1/health", "", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["status"], "ok");
}

TEST_P(ApiTest, LoginFailuresLookAlike) {
  Response wrong = Call("POST", "/api/v1/auth/login", R"({"username":"cw1","password":"nope-nope"})", "");
  Response unknown = Call("POST", "/api/v1/auth/login", R"({"username":"ghost","password":"nope-nope"})", "");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(Call("POST", "/api/v1/auth/login", "{", "").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/auth/login", R"({"username":"cw1"})", "").status, 422);
  EXPECT_EQ(Call("GET", "/api/v1/auth/login", "", "").status, 405);
}

TEST_P(ApiTest, SessionRequiredAndLogoutEndsIt) {
  EXPECT_EQ(Call("GET", "/api/v1/persons", "", "").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/persons", "", std::string(64, 'a')).status, 401);
  Request cookie;
  cookie.method = "GET";
  cookie.path = "/api/v1/auth/me";
  cookie.cookie = "other=1; u5_session=" + token;
  Response me = api->Handle(cookie);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json::parse(me.body)["username"], "cw1");
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", "", token).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", "", token).status, 401);
}

TEST_P(ApiTest, ErrorBodyNamesField) {
  json b = PersonBody();
  b["birth_date"] = "2023-02-29";
  Response r = Call("POST", "/api/v1/persons", b.dump(), token);
  EXPECT_EQ(r.status, 422);
  json j = json::parse(r.body);
  EXPECT_EQ(j["error"], "invalid");
  EXPECT_EQ(j["field"], "birth_date");
  EXPECT_FALSE(j["message"].get<std::string>().empty());
  ASSERT_EQ(j["errors"].size(), 1u) << r.body;
  EXPECT_EQ(j["errors"][0]["field"], "birth_date");
}

// Issue 20: a form with several faulty fields learnt of them one submission at a time.
TEST_P(ApiTest, ErrorBodyListsEveryFaultyField) {
  json b = PersonBody();
  b.erase("full_name");
  b.erase("sex");
  b["birth_date"] = "2026-02-31";
  b["phone"] = "12345";
  Response r = Call("POST", "/api/v1/persons", b.dump(), token);
  ASSERT_EQ(r.status, 422) << r.body;
  json j = json::parse(r.body);
  std::vector<std::string> fields;
  for (const auto& e : j["errors"]) {
    fields.push_back(e["field"]);
    EXPECT_FALSE(e["reason"].get<std::string>().empty()) << r.body;
  }
  ASSERT_FALSE(fields.empty());
  EXPECT_EQ(j["field"], fields[0]);  // the top-level fields are the first, as before
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"birth_date", "full_name", "phone", "sex"})) << r.body;
  EXPECT_EQ(j["message"], j["errors"][0]["reason"]);
}

TEST_P(ApiTest, RoutingAndLimits) {
  EXPECT_EQ(Call("GET", "/api/v1/nothing", "", token).status, 404);
  EXPECT_EQ(Call("PATCH", "/api/v1/persons", "{}", token).status, 405);
  EXPECT_EQ(Call("POST", "/api/v1/persons", std::string(5000, ' '), token).status, 413);
  EXPECT_EQ(Call("GET", "/api/v1/persons", "", token, {{"limit", "0"}}).status, 422);
  EXPECT_EQ(Call("GET", "/api/v1/persons", "", token, {{"limit", "abc"}}).status, 422);
  EXPECT_EQ(Call("GET", "/api/v1/persons", "", token, {{"from", "2023-02-29"}}).status, 422);
  Response schema = Call("GET", "/api/v1/schema", "", token);
  ASSERT_EQ(schema.status, 200);
  EXPECT_EQ(json::parse(schema.body)["types"].size(), 17u);
}

TEST_P(ApiTest, RolesAndScope) {
  Response created = Call("POST", "/api/v1/persons", PersonBody().dump(), token);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["ETag"], "\"1\"");
  const std::string id = json::parse(created.body)["id"];
  EXPECT_EQ(Call("POST", "/api/v1/persons", PersonBody("03394").dump(), token).status, 403);
  const std::string prov = Login("prov");
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + id, "", prov).status, 200);  // province sees its communes
  EXPECT_EQ(Call("POST", "/api/v1/persons", PersonBody().dump(), prov).status, 403);  // but does not enter records
  const std::string min = Login("min");
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + id, "", min).status, 403);  // no person-level data for the ministry
  EXPECT_EQ(Call("GET", "/api/v1/persons", "", token, {{"orgunit", "03394"}}).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/persons", "", token, {{"orgunit", "nowhere"}}).status, 422);
}

TEST_P(ApiTest, EventIdMayNotReuseAPersonsId) {
  Response created = Call("POST", "/api/v1/persons", PersonBody().dump(), token);
  ASSERT_EQ(created.status, 201);
  const std::string id = json::parse(created.body)["id"];
  json preg = {{"id", id}, {"person_id", id}, {"orgunit", "03390"}, {"date", "2025-04-20"}, {"lmp", "2025-03-01"}};
  Response r = Call("POST", "/api/v1/pregnancies", preg.dump(), token);
  EXPECT_EQ(r.status, 409) << r.body;
  store::ListQuery events;  // every event type
  int64_t n = -1;
  ASSERT_TRUE(s->Count(events, &n).ok());
  EXPECT_EQ(n, 0);
}

U5_ON_BOTH_STORES(ApiTest);

}  // namespace
}  // namespace u5::http
