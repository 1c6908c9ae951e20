// The engines' snapshots through the real server (src/snapshot): killed with
// kill -9 between writes and the next snapshot, the restarted server answers
// every indicator, worklist and alert exactly as a server that rebuilt its
// engines from the records; a corrupt snapshot file is refused and rebuilt.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "support/http_client.h"
#include "support/process.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

using nlohmann::json;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The log lines of one event (JSON objects), in order.
std::vector<json> LogEvents(const std::string& log, const std::string& event) {
  std::vector<json> out;
  std::istringstream in(ReadFile(log));
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line, nullptr, false);
    if (j.is_object() && j.value("event", "") == event) out.push_back(j);
  }
  return out;
}

struct SnapshotServer : ::testing::TestWithParam<StoreKind> {
  TempDir dir;
  std::unique_ptr<TestStoreLocation> where;
  std::string engines;
  void SetUp() override {
    where = std::make_unique<TestStoreLocation>(GetParam(), dir.path());
    engines = where->location().engines_dir;
    std::vector<std::string> demo_args = {"demo", "--province", "12", "--children", "1500"};
    for (const std::string& a : where->StoreArgs()) demo_args.push_back(a);
    RunResult demo = RunUnder5(demo_args);
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    AddUser(where->StoreArgs(), "po1", "mat-khau-2030", "province_officer", "12");
    AddUser(where->StoreArgs(), "cw1", "mat-khau-2030", "commune_worker", "03390");
  }

  // Starts a server (no checkpoint during the test) and waits until both engines are ready.
  void Start(ServerProcess& s, const std::string& log) {
    s.extra_args = {"--demo", "--checkpoint-seconds", "3600"};
    std::string why;
    ASSERT_TRUE(s.Start(where->StoreArgs(), log, &why)) << why;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (Count(ReadFile(log), "\"engine_ready\"") < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(Count(ReadFile(log), "\"engine_ready\""), 2u) << ReadFile(log);
    EXPECT_EQ(Count(ReadFile(log), "\"status\":\"ok\""), 2u) << ReadFile(log);
  }

  // What the engines answer: indicators of the province (whole and by commune)
  // for two years, the commune's worklists and alerts.
  json Answers(int port) {
    HttpClient po(port), cw(port);
    EXPECT_TRUE(po.Login("po1", "mat-khau-2030"));
    EXPECT_TRUE(cw.Login("cw1", "mat-khau-2030"));
    json out;
    auto get = [&out](HttpClient& c, const std::string& target) {
      HttpResponse r = c.Get(target);
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
      out[target] = r.Json();
    };
    for (const char* period : {"2025", "2026"}) {
      get(po, std::string("/api/v1/indicators?orgunit=12&period=") + period);
      get(po, std::string("/api/v1/indicators?orgunit=12&by=orgunit&period=") + period);
    }
    get(cw, "/api/v1/worklist?orgunit=03390");
    get(cw, "/api/v1/worklist?orgunit=03390&list=long_lost");
    get(cw, "/api/v1/alerts?orgunit=03390");
    return out;
  }
};

TEST_P(SnapshotServer, KilledBetweenWritesAndTheNextSnapshotEqualsARebuild) {
  ServerProcess first;
  ASSERT_NO_FATAL_FAILURE(Start(first, dir.File("first.log")));
  // Both snapshots exist now (the demo's publication step wrote the indicators' one).
  for (const char* kind : {"indicators", "care"})
    ASSERT_TRUE(std::filesystem::exists(engines + "/" + kind + ".snap")) << kind << "\n" << ReadFile(dir.File("first.log"));
  const json before = Answers(first.port());

  // Writes the snapshots do not hold (in the second half of 2026: the demo signed off the periods before): a new mother, her delivery and child, a
  // vaccination, a death, and a change to a person of the demo.
  HttpClient cw(first.port());
  ASSERT_TRUE(cw.Login("cw1", "mat-khau-2030"));
  auto create = [&cw](const std::string& collection, const json& body) {
    HttpResponse r = cw.Post("/api/v1/" + collection, body);
    EXPECT_EQ(r.status, 201) << collection << ": " << r.body;
    return r.Json().value("id", "");
  };
  auto ev = [](const std::string& person, const std::string& date, json extra) {
    extra.update({{"person_id", person}, {"orgunit", "03390"}, {"date", date}});
    return extra;
  };
  const std::string m = create("persons", {{"full_name", "Lò Thị Mai"}, {"sex", "female"}, {"birth_date", "1996-04-12"},
                                           {"orgunit", "03390"}, {"ethnicity", "03"}});
  const std::string preg = create("pregnancies", ev(m, "2026-07-10", {{"lmp", "2026-03-01"}}));
  create("anc-visits", ev(m, "2026-07-20", {{"pregnancy_id", preg}}));
  const std::string delivery = create("deliveries", ev(m, "2026-11-20", {{"pregnancy_id", preg},
                                                                       {"delivered_at", "2026-11-20T08:30:00+07:00"},
                                                                       {"place", "home"}, {"attendant", "relative"},
                                                                       {"live_births", 1}}));
  const std::string c = create("persons", {{"full_name", "Lò Văn An"}, {"sex", "male"}, {"birth_date", "2026-11-20"},
                                           {"orgunit", "03390"}, {"mother_id", m}});
  create("newborns", ev(c, "2026-11-20", {{"delivery_id", delivery}, {"birth_weight_g", 2100}}));
  create("immunizations", ev(c, "2026-11-21", {{"vaccine", "hepb"}, {"dose", 0}}));
  std::string child;
  {
    std::unique_ptr<store::Store> probe;
    ASSERT_TRUE(where->Open(&probe).ok());
    std::vector<store::Record> kids;
    ASSERT_TRUE(probe->List({.type = "person", .orgunit = "03390", .from = "2024-01-01", .limit = 1}, &kids).ok());
    ASSERT_EQ(kids.size(), 1u);
    child = kids[0].id;
  }
  create("deaths", ev(child, "2026-11-25", {{"place", "home"}, {"cause_category", "pneumonia"}, {"icd10", "J18.9"}}));
  first.Kill9();

  ServerProcess second;
  ASSERT_NO_FATAL_FAILURE(Start(second, dir.File("second.log")));
  std::vector<json> starts = LogEvents(dir.File("second.log"), "snapshot_start");
  ASSERT_EQ(starts.size(), 2u);
  for (const json& s : starts) {
    EXPECT_TRUE(s.value("from_snapshot", false)) << s.dump();
    EXPECT_EQ(s.value("replayed", 0), 3) << "the mother, her child and the child who died: " << s.dump();
  }
  const json replayed = Answers(second.port());
  EXPECT_NE(replayed, before) << "the writes changed nothing the test looks at";
  EXPECT_NE(replayed.dump().find(c), std::string::npos) << "the new child is on no worklist";
  EXPECT_EQ(second.Stop(), 0);

  std::filesystem::remove_all(engines);
  ServerProcess third;
  ASSERT_NO_FATAL_FAILURE(Start(third, dir.File("third.log")));
  starts = LogEvents(dir.File("third.log"), "snapshot_start");
  ASSERT_EQ(starts.size(), 2u);
  for (const json& s : starts) EXPECT_FALSE(s.value("from_snapshot", true)) << s.dump();
  const json rebuilt = Answers(third.port());
  EXPECT_EQ(replayed, rebuilt);
  EXPECT_EQ(third.Stop(), 0);

  // Corrupt both files in their middle: refused, rebuilt, the same answers.
  for (const char* kind : {"indicators", "care"}) {
    const std::string path = engines + "/" + kind + ".snap";
    std::string bytes = ReadFile(path);
    ASSERT_GT(bytes.size(), 100u) << path;
    bytes[bytes.size() / 2] ^= 0x10;
    WriteFile(path, bytes);
  }
  ServerProcess fourth;
  ASSERT_NO_FATAL_FAILURE(Start(fourth, dir.File("fourth.log")));
  std::vector<json> rejected = LogEvents(dir.File("fourth.log"), "snapshot_rejected");
  ASSERT_EQ(rejected.size(), 2u) << ReadFile(dir.File("fourth.log"));
  for (const json& r : rejected) EXPECT_NE(r.value("reason", "").find("checksum"), std::string::npos) << r.dump();
  EXPECT_EQ(Answers(fourth.port()), rebuilt);
  EXPECT_EQ(fourth.Stop(), 0);
}

U5_ON_BOTH_STORES(SnapshotServer);

}  // namespace
}  // namespace u5::test
