// The per-user rate of list and export requests: the bucket itself, then the
// API answering 429 on a bulk route and nowhere else.
#include "http/rate_limit.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "auth/session.h"
#include "app/routes.h"
#include "http/api.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::http {
namespace {

using nlohmann::json;

TEST(RateLimit, BurstThenSteadyPacePerKey) {
  RateLimit r(3, 60);  // 3 at once, then one a second
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r.Take("a", 1000), 0) << i;
  EXPECT_EQ(r.Take("a", 1000), 1000);  // the next token in a second
  EXPECT_EQ(r.Take("b", 1000), 0);     // another user is not slowed
  EXPECT_EQ(r.Take("a", 1500), 500);
  EXPECT_EQ(r.Take("a", 2000), 0);
  EXPECT_GT(r.Take("a", 2000), 0);
  // A long pause refills to the burst, no more.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r.Take("a", 100000), 0) << i;
  EXPECT_GT(r.Take("a", 100000), 0);
}

TEST(RateLimit, ZeroPerMinuteMeansNoLimit) {
  RateLimit r(1, 0);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(r.Take("a", 0), 0);
}

struct BulkRateApi : ::testing::Test {
  test::TempDir dir;
  std::unique_ptr<store::Store> s;
  std::unique_ptr<Api> api;
  int64_t now = 1'800'000'000'000;

  void SetUp() override {
    ASSERT_TRUE(store::OpenSqliteStore(dir.File("t.db"), &s).ok());
    test::SeedMiniOrgUnits(dir.File("t.db"));
    ASSERT_TRUE(auth::AddUser(*s, "cw1", "Tram-y-te-Ban-Lang-7", "commune_worker", {"03390"}).ok());
    ASSERT_TRUE(auth::AddUser(*s, "cw2", "Tram-y-te-Ban-Lang-7", "commune_worker", {"03390"}).ok());
    ApiOptions o;
    o.bulk_burst = 5;
    o.bulk_per_minute = 60;
    o.sessions.clock = [this] { return now; };
    api = std::make_unique<Api>(*s, app::Routes({}), o);
  }
  std::string Login(const std::string& user) {
    Request req;
    req.method = "POST";
    req.path = "/api/v1/auth/login";
    req.body = json{{"username", user}, {"password", "Tram-y-te-Ban-Lang-7"}}.dump();
    req.content_type = "application/json";
    Response r = api->Handle(req);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).value("token", "");
  }
  Response Get(const std::string& path, const std::string& token) {
    Request req;
    req.method = "GET";
    req.path = path;
    req.query["orgunit"] = "03390";
    req.authorization = "Bearer " + token;
    return api->Handle(req);
  }
};

TEST_F(BulkRateApi, ListsAreLimitedPerUserOtherRoutesAreNot) {
  const std::string a = Login("cw1"), b = Login("cw2");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Get("/api/v1/persons", a).status, 200) << i;
  Response r = Get("/api/v1/pregnancies", a);  // every bulk route draws on the same bucket
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.headers["Retry-After"], "1");
  EXPECT_EQ(json::parse(r.body)["error"], "too_many_requests");
  EXPECT_EQ(Get("/api/v1/persons", b).status, 200);   // another user
  EXPECT_EQ(Get("/api/v1/auth/me", a).status, 200);   // not a bulk route
  EXPECT_EQ(Get("/api/v1/schema", a).status, 200);
  now += 1000;
  EXPECT_EQ(Get("/api/v1/persons", a).status, 200);
  EXPECT_EQ(Get("/api/v1/persons", a).status, 429);
}

}  // namespace
}  // namespace u5::http
