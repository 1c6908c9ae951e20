// A create sent again with the same client-made id, as the web app does when
// an online write's answer was lost (docs/api.md "Records", issue 26): one
// record, the repeat answered 200 with the record the first answer gave; the
// same id with another body stays a conflict. And the two routes an offline
// client caches at login to draw any child's growth chart and immunization card
// (growth reference, vaccine series). Through a real server on either store.
#include <gtest/gtest.h>

#include "core/id.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

using nlohmann::json;

struct CreateRetry : ::testing::TestWithParam<StoreKind> {
  TempDir dir;
  TestStoreLocation where{GetParam(), dir.path()};
  ServerProcess server;
  void SetUp() override {
    std::vector<std::string> demo_args = where.StoreArgs();
    for (const char* arg : {"--province", "12", "--children", "100"}) demo_args.push_back(arg);
    demo_args.insert(demo_args.begin(), "demo");
    RunResult demo = RunUnder5(demo_args);
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    AddUser(where.StoreArgs(), "cw1", "mat-khau-2030", "commune_worker", "03390");
    server.extra_args = {"--demo"};
    std::string why;
    ASSERT_TRUE(server.Start(where.StoreArgs(), dir.File("serve.log"), &why)) << why;
  }
};

TEST_P(CreateRetry, ARepeatedCreateIsOneRecordAnsweredAsTheFirstTime) {
  HttpClient cw(server.port());
  ASSERT_TRUE(cw.Login("cw1", "mat-khau-2030"));
  const std::string kid = NewUuid7(), shot = NewUuid7();
  const json child = {{"id", kid}, {"full_name", "Lò Văn Lặp Lại"}, {"sex", "male"}, {"birth_date", "2026-07-03"},
                      {"orgunit", "03390"}, {"village", "Bản Lặp"}};
  const HttpResponse first = cw.Post("/api/v1/persons", child);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.Json()["id"], kid);
  // The answer was lost: the same create again.
  const HttpResponse again = cw.Post("/api/v1/persons", child);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json(), first.Json());
  EXPECT_EQ(again.Header("location"), "/api/v1/persons/" + kid);

  const json dose = {{"id", shot}, {"person_id", kid}, {"orgunit", "03390"}, {"date", "2026-07-04"}, {"vaccine", "bcg"}, {"dose", 1}};
  const HttpResponse d1 = cw.Post("/api/v1/immunizations", dose);
  ASSERT_EQ(d1.status, 201) << d1.body;
  const HttpResponse d2 = cw.Post("/api/v1/immunizations", dose);
  ASSERT_EQ(d2.status, 200) << d2.body;
  EXPECT_EQ(d2.Json(), d1.Json());

  // One child, one vaccination.
  const json found = cw.Get("/api/v1/persons/search?q=" + UrlEncode("Lò Văn Lặp Lại")).Json();
  EXPECT_EQ(found["items"].size(), 1u) << found.dump();
  const json book = cw.Get("/api/v1/persons/" + kid + "/handbook").Json();
  ASSERT_EQ(book["events"].size(), 1u) << book.dump();
  EXPECT_EQ(book["events"][0]["id"], shot);

  // The same id with another body is not this create again: a conflict naming the id, nothing changed.
  json other = child;
  other["full_name"] = "Lò Văn Khác";
  const HttpResponse clash = cw.Post("/api/v1/persons", other);
  EXPECT_EQ(clash.status, 409) << clash.body;
  EXPECT_EQ(clash.Json()["field"], "id");
  EXPECT_EQ(cw.Get("/api/v1/persons/" + kid).Json()["full_name"], "Lò Văn Lặp Lại");

  // Changed since: the repeat still answers what the create stored (version 1), and stores nothing.
  json changed = first.Json();
  for (const char* k : {"id", "type", "version", "created_at", "updated_at"}) changed.erase(k);
  changed["phone"] = "0912345678";
  const HttpResponse put = cw.Put("/api/v1/persons/" + kid, changed, "\"1\"");
  ASSERT_EQ(put.status, 200) << put.body;
  const HttpResponse late = cw.Post("/api/v1/persons", child);
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_EQ(late.Json()["version"], 1);
  const json now = cw.Get("/api/v1/persons/" + kid).Json();
  EXPECT_EQ(now["version"], 2);
  EXPECT_EQ(now["phone"], "0912345678");
}

TEST_P(CreateRetry, ARepeatOfAnotherCommunesRecordIsNotShown) {
  // A worker of another commune who somehow sends the same id: refused for the org unit, not shown the record.
  AddUser(where.StoreArgs(), "cw2", "mat-khau-2030", "commune_worker", "03394");
  HttpClient cw(server.port()), other(server.port());
  ASSERT_TRUE(cw.Login("cw1", "mat-khau-2030"));
  ASSERT_TRUE(other.Login("cw2", "mat-khau-2030"));
  const std::string kid = NewUuid7();
  json child = {{"id", kid}, {"full_name", "Lò Thị Riêng"}, {"sex", "female"}, {"birth_date", "2026-07-05"}, {"orgunit", "03390"}};
  ASSERT_EQ(cw.Post("/api/v1/persons", child).status, 201);
  EXPECT_EQ(other.Post("/api/v1/persons", child).status, 403);
  child["orgunit"] = "03394";
  const HttpResponse r = other.Post("/api/v1/persons", child);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.body.find("Lò Thị Riêng"), std::string::npos) << r.body;
}

TEST_P(CreateRetry, OfflineClientsGetTheGrowthReferenceAndTheVaccineSeries) {
  HttpClient cw(server.port());
  ASSERT_TRUE(cw.Login("cw1", "mat-khau-2030"));
  const HttpResponse girls = cw.Get("/api/v1/growth/reference?sex=female");
  ASSERT_EQ(girls.status, 200) << girls.body;
  const json g = girls.Json();
  ASSERT_EQ(g["charts"].size(), 6u);
  for (const json& c : g["charts"]) EXPECT_GT(c["curve"].size(), 10u) << c["id"];
  // The curves differ by sex, and are those of a child's own chart.
  const json boys = cw.Get("/api/v1/growth/reference?sex=male").Json();
  EXPECT_NE(boys["charts"][1]["curve"], g["charts"][1]["curve"]);
  const HttpResponse bad = cw.Get("/api/v1/growth/reference?sex=x");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.Json()["field"], "sex");

  const json schedule = cw.Get("/api/v1/care/schedule").Json();
  std::map<std::string, json> series;
  for (const json& s : schedule["series"]) series[s["id"]] = s;
  ASSERT_TRUE(series.count("bcg") && series.count("hepb_birth") && series.count("rota")) << schedule.dump();
  EXPECT_EQ(series["bcg"]["doses"][0]["id"], "epi.bcg.1");
  EXPECT_EQ(series["bcg"]["doses"][0]["label_vi"], "Lao (BCG)");
  EXPECT_EQ(series["hepb_birth"]["newborn_flag"], "hepb_birth_dose_24h");
  EXPECT_EQ(series["dtp"]["vaccines"].size(), 3u);
  EXPECT_EQ(series["rota"]["doses"][0]["off"], true);
  EXPECT_EQ(series["dtp"]["doses"][3]["dose"], "booster");
  EXPECT_EQ(series["dtp"]["doses"][0]["due_age"], "2m");
  EXPECT_EQ(series["dtp"]["doses"][1]["min_interval"], "1m");
  EXPECT_EQ(series["bcg"]["doses"][0]["max_age"], "12m");
}

U5_ON_BOTH_STORES(CreateRetry);

}  // namespace
}  // namespace u5::test
