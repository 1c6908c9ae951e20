// A mother and her child through the real server on loopback: registration,
// pregnancy, antenatal care, delivery, newborn care, immunizations, growth and
// a death; then the handbook, search, scope, versions, deletion and paging.
#include <gtest/gtest.h>

#include <set>

#include "support/http_client.h"
#include "support/process.h"
#include "support/server_process.h"
#include "support/test_store.h"
#include "support/temp_dir.h"

namespace u5::test {
namespace {

using nlohmann::json;

struct Scenario : ::testing::TestWithParam<StoreKind> {
  TempDir dir;
  std::unique_ptr<TestStoreLocation> where;
  ServerProcess server;
  std::unique_ptr<HttpClient> client;

  void SetUp() override {
    where = std::make_unique<TestStoreLocation>(GetParam(), dir.path());
    AddUser(where->StoreArgs(), "cw1", "mat-khau-2030", "commune_worker", "03390");
    std::string why;
    ASSERT_TRUE(server.Start(where->StoreArgs(), dir.File("server.log"), &why)) << why;
    client = std::make_unique<HttpClient>(server.port());
    ASSERT_TRUE(client->Login("cw1", "mat-khau-2030"));
  }
  void TearDown() override {
    if (server.running()) EXPECT_EQ(server.Stop(), 0) << "server log:\n" << ReadFile(dir.File("server.log"));
  }
  // What the store holds, read beside the server through the Store interface.
  int64_t Count(store::ListQuery q) {
    std::unique_ptr<store::Store> s;
    EXPECT_TRUE(where->Open(&s).ok());
    q.include_deleted = true;
    int64_t n = -1;
    EXPECT_TRUE(s->Count(q, &n).ok());
    return n;
  }

  // POSTs and expects 201; returns the stored record.
  json Create(const std::string& collection, const json& body) {
    HttpResponse r = client->Post("/api/v1/" + collection, body);
    EXPECT_EQ(r.status, 201) << collection << ": " << r.body << r.error;
    json j = r.Json();
    if (!j.is_object() || !j.contains("id")) return json::object({{"id", ""}});
    EXPECT_EQ(r.Header("location"), "/api/v1/" + collection + "/" + j["id"].get<std::string>());
    return j;
  }

  std::set<std::string> SearchIds(const std::string& query) {
    HttpResponse r = client->Get("/api/v1/persons/search?" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    std::set<std::string> ids;
    for (const auto& p : r.Json().value("items", json::array())) ids.insert(p["id"].get<std::string>());
    return ids;
  }
};

json Ev(const std::string& person, const std::string& date, json extra = json::object()) {
  json j = {{"person_id", person}, {"orgunit", "03390"}, {"date", date}};
  j.update(extra);
  return j;
}

TEST_P(Scenario, MotherAndChildThroughTheHandbook) {
  const json mai = Create("persons", {{"full_name", "Lò Thị Mai"}, {"sex", "female"}, {"birth_date", "1996-04-12"},
                                      {"orgunit", "03390"}, {"phone", "091 234 5678"}, {"citizen_id", "012196000123"},
                                      {"ethnicity", "03"}, {"village", "Bản Bình Lư"}});
  const std::string m = mai["id"];
  EXPECT_EQ(mai["version"], 1);
  EXPECT_EQ(mai["phone"], "0912345678");
  std::set<std::string> mother_events, child_events;

  const json preg = Create("pregnancies", Ev(m, "2025-04-20", {{"lmp", "2025-03-01"}, {"gravida", 2}, {"para", 1}}));
  mother_events.insert(preg["id"].get<std::string>());
  EXPECT_EQ(preg["edd"], "2025-12-06");
  std::set<int> trimesters;
  for (const char* d : {"2025-04-20", "2025-07-10", "2025-09-25", "2025-11-20"}) {
    json anc = Create("anc-visits", Ev(m, d, {{"pregnancy_id", preg["id"]}, {"weight_kg", 55}, {"iron_folate", true}}));
    mother_events.insert(anc["id"].get<std::string>());
    trimesters.insert(anc.value("trimester", 0));
  }
  EXPECT_EQ(trimesters, (std::set<int>{1, 2, 3}));
  const json delivery = Create("deliveries", Ev(m, "2025-12-05", {{"pregnancy_id", preg["id"]},
                                                                 {"delivered_at", "2025-12-05T08:30:00+07:00"},
                                                                 {"place", "facility"}, {"facility", "tyt:03390"},
                                                                 {"attendant", "midwife"}, {"live_births", 1}}));
  mother_events.insert(delivery["id"].get<std::string>());

  const json an = Create("persons", {{"full_name", "Lò Văn An"}, {"sex", "male"}, {"birth_date", "2025-12-05"},
                                     {"orgunit", "03390"}, {"mother_id", m}});
  const std::string c = an["id"];
  for (json body : {Ev(c, "2025-12-05", {{"delivery_id", delivery["id"]}, {"birth_weight_g", 3100}, {"skin_to_skin", true}})})
    child_events.insert(Create("newborns", body)["id"].get<std::string>());
  for (json body : {Ev(c, "2025-12-05", {{"vaccine", "hepb"}, {"dose", 0}}), Ev(c, "2025-12-20", {{"vaccine", "bcg"}, {"dose", 1}}),
                    Ev(c, "2026-02-06", {{"vaccine", "dtp_hepb_hib"}, {"dose", 1}}), Ev(c, "2026-02-06", {{"vaccine", "opv"}, {"dose", 1}})})
    child_events.insert(Create("immunizations", body)["id"].get<std::string>());
  for (json body : {Ev(c, "2026-03-10", {{"weight_kg", 5.6}, {"length_cm", 59.5}, {"measure", "l"}}),
                    Ev(c, "2026-06-12", {{"weight_kg", 6.9}, {"length_cm", 64.0}, {"measure", "l"}})})
    child_events.insert(Create("growth-measurements", body)["id"].get<std::string>());
  const json death = Create("deaths", Ev(c, "2026-08-01", {{"place", "home"}, {"cause_category", "pneumonia"}, {"icd10", "J18.9"}}));
  child_events.insert(death["id"].get<std::string>());
  EXPECT_EQ(death["age_group"], "post_neonatal");

  auto check_handbook = [&](const std::string& id, const std::set<std::string>& expected) {
    HttpResponse r = client->Get("/api/v1/persons/" + id + "/handbook");
    ASSERT_EQ(r.status, 200) << r.body;
    json h = r.Json();
    EXPECT_EQ(h["person"]["id"], id);
    std::set<std::string> seen;
    std::string prev_date;
    for (const auto& e : h["events"]) {
      seen.insert(e["id"].get<std::string>());
      EXPECT_LE(prev_date, e["date"].get<std::string>()) << "events out of date order";
      prev_date = e["date"];
      EXPECT_EQ(e["person_id"], id);
    }
    EXPECT_EQ(seen, expected);
  };
  check_handbook(m, mother_events);
  check_handbook(c, child_events);
  HttpResponse child_book = client->Get("/api/v1/persons/" + c + "/handbook");
  EXPECT_EQ(child_book.Json()["mother"]["full_name"], "Lò Thị Mai");

  // Search by name typed without diacritics, by family name with Đ, by phone.
  const json dang = Create("persons", {{"full_name", "Đặng Thị Lan"}, {"sex", "female"}, {"birth_date", "2000-05-05"}, {"orgunit", "03390"}});
  EXPECT_EQ(SearchIds("q=lo+thi+mai"), std::set<std::string>{m});
  EXPECT_EQ(SearchIds("q=" + UrlEncode("LÒ THỊ MAI")), std::set<std::string>{m});
  EXPECT_EQ(SearchIds("q=dang"), std::set<std::string>{dang["id"].get<std::string>()});
  EXPECT_EQ(SearchIds("q=" + UrlEncode("Đặng")), std::set<std::string>{dang["id"].get<std::string>()});
  EXPECT_EQ(SearchIds("q=lo"), (std::set<std::string>{m, c}));
  EXPECT_EQ(SearchIds("phone=0912345678"), std::set<std::string>{m});
  EXPECT_TRUE(SearchIds("q=nguyen").empty());

  // What the server acknowledged is what the database holds.
  EXPECT_EQ(Count({.person_id = m}), static_cast<int64_t>(mother_events.size()));
  EXPECT_EQ(Count({.person_id = c}), static_cast<int64_t>(child_events.size()));
}

TEST_P(Scenario, SessionAndCommuneScope) {
  HttpClient anonymous(server.port());
  EXPECT_EQ(anonymous.Get("/api/v1/persons").status, 401);
  EXPECT_EQ(anonymous.Post("/api/v1/persons", {{"full_name", "A"}}).status, 401);
  HttpClient forged(server.port());
  forged.set_token(std::string(64, 'f'));
  EXPECT_EQ(forged.Get("/api/v1/persons").status, 401);

  // A record of another commune, entered there (here: imported).
  WriteFile(dir.File("other.jsonl"),
            R"({"type":"person","id":"0190b000-0000-7000-8000-000000000009","orgunit":"03394","full_name":"Vàng A Páo","sex":"male","birth_date":"2024-03-03"})" "\n");
  std::vector<std::string> import = {"import"};
  for (const std::string& a : where->StoreArgs()) import.push_back(a);
  import.push_back(dir.File("other.jsonl"));
  RunResult imp = RunUnder5(import);
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_EQ(client->Get("/api/v1/persons/0190b000-0000-7000-8000-000000000009").status, 404);  // as an unknown id
  EXPECT_EQ(client->Get("/api/v1/persons/0190b000-0000-7000-8000-000000000009/handbook").status, 404);
  EXPECT_EQ(client->Get("/api/v1/persons?orgunit=03394").status, 403);
  EXPECT_TRUE(SearchIds("q=pao").empty());
  HttpResponse post = client->Post("/api/v1/persons", {{"full_name", "Vàng Thị Dua"}, {"sex", "female"},
                                                       {"birth_date", "2001-01-01"}, {"orgunit", "03394"}});
  EXPECT_EQ(post.status, 403) << post.body;
  EXPECT_EQ(Count({.type = "person"}), 1);

  EXPECT_EQ(client->Request("POST", "/api/v1/auth/logout").status, 200);
  EXPECT_EQ(client->Get("/api/v1/persons").status, 401);
}

TEST_P(Scenario, VersionsDeletionAndPaging) {
  json p = Create("persons", {{"full_name", "Giàng Thị Sua"}, {"sex", "female"}, {"birth_date", "2002-01-15"}, {"orgunit", "03390"}});
  const std::string url = "/api/v1/persons/" + p["id"].get<std::string>();
  json edit = p;
  for (const char* k : {"version", "created_at", "updated_at", "type"}) edit.erase(k);
  edit["village"] = "Bản Sin Chải";
  HttpResponse ok = client->Put(url, edit, "\"1\"");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["version"], 2);
  EXPECT_EQ(ok.Header("etag"), "\"2\"");
  edit["village"] = "Bản khác";
  HttpResponse stale = client->Put(url, edit, "\"1\"");
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.Json().value("field", ""), "version");
  HttpResponse now = client->Get(url);
  EXPECT_EQ(now.Json()["village"], "Bản Sin Chải");
  EXPECT_EQ(now.Json()["version"], 2);

  HttpResponse del = client->Request("DELETE", url, json{{"reason", "đăng ký trùng"}}.dump(), {{"If-Match", "\"2\""}});
  ASSERT_EQ(del.status, 200) << del.body;
  HttpResponse after = client->Get(url);
  ASSERT_EQ(after.status, 200) << "a deleted record stays readable";
  EXPECT_TRUE(after.Json().contains("deleted_at"));
  EXPECT_EQ(after.Json()["delete_reason"], "đăng ký trùng");
  EXPECT_EQ(after.Json()["version"], 3);

  // 25 more persons; pages of 10 give every live one exactly once, without the deleted one.
  std::set<std::string> live;
  for (int i = 0; i < 25; ++i)
    live.insert(Create("persons", {{"full_name", "Người " + std::to_string(i)}, {"sex", i % 2 ? "male" : "female"},
                                   {"birth_date", "2020-01-01"}, {"orgunit", "03390"}})["id"].get<std::string>());
  std::vector<std::string> listed;
  std::string cursor;
  int pages = 0;
  for (; pages < 20; ++pages) {
    HttpResponse r = client->Get("/api/v1/persons?limit=10" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    json j = r.Json();
    for (const auto& it : j["items"]) {
      listed.push_back(it["id"]);
      EXPECT_FALSE(it.contains("deleted_at"));
    }
    if (j["next_cursor"].is_null()) break;
    cursor = j["next_cursor"];
  }
  EXPECT_GE(pages + 1, 3);
  EXPECT_EQ(listed.size(), live.size());
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), live);
  EXPECT_TRUE(SearchIds("q=sua").empty());
}

U5_ON_BOTH_STORES(Scenario);

}  // namespace
}  // namespace u5::test
