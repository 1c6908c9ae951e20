// Two servers on one database (src/snapshot/checkpointer.h follow rounds): a
// write through server A reaches server B's worklists, alerts and indicators
// without a restart, because B's engines replay what the change log says
// changed; afterwards both answer alike.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/http_client.h"
#include "support/process.h"
#include "support/server_process.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::test {
namespace {

using nlohmann::json;

struct TwoServers : ::testing::Test {
  TempDir dir;
  std::string db;
  ServerProcess a, b;
  void SetUp() override {
    db = dir.File("u5.db");
    RunResult demo = RunUnder5({"demo", "--db", db, "--province", "12", "--children", "800"});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    AddUser(db, "po1", "mat-khau-2030", "province_officer", "12");
    AddUser(db, "cw1", "mat-khau-2030", "commune_worker", "03390");
    for (auto [s, log] : {std::pair{&a, "a.log"}, std::pair{&b, "b.log"}}) {
      s->extra_args = {"--demo", "--checkpoint-seconds", "3600", "--follow-ms", "100"};
      std::string why;
      ASSERT_TRUE(s->Start(db, dir.File(log), &why)) << why;
    }
  }

  json Get(int port, const std::string& user, const std::string& target) {
    HttpClient c(port);
    EXPECT_TRUE(c.Login(user, "mat-khau-2030"));
    HttpResponse r = c.Get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.Json();
  }
};

TEST_F(TwoServers, AWriteThroughOneReachesTheOthersEngines) {
  const std::string worklist = "/api/v1/worklist?orgunit=03390";
  const std::string indicators = "/api/v1/indicators?orgunit=12&period=2026";
  // Both engines of both servers built (the first answers wait for them).
  const json b_before = Get(b.port(), "po1", indicators);
  Get(b.port(), "cw1", worklist);
  Get(a.port(), "cw1", worklist);

  HttpClient cw(a.port());
  ASSERT_TRUE(cw.Login("cw1", "mat-khau-2030"));
  HttpResponse r = cw.Post("/api/v1/persons", {{"full_name", "Lò Văn Bình"}, {"sex", "male"},
                                               {"birth_date", "2026-11-20"}, {"orgunit", "03390"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string child = r.Json().value("id", "");
  r = cw.Post("/api/v1/immunizations", {{"person_id", child}, {"orgunit", "03390"}, {"date", "2026-11-21"},
                                        {"vaccine", "bcg"}, {"dose", 1}});
  ASSERT_EQ(r.status, 201) << r.body;

  // B heard nothing from A: only the change log tells it. A generous bound:
  // this is liveness, not speed (bench/follow measures the delay).
  const std::string due = "/api/v1/persons/" + child + "/due";
  const json a_due = Get(a.port(), "cw1", due);
  HttpClient b_cw(b.port());
  ASSERT_TRUE(b_cw.Login("cw1", "mat-khau-2030"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  HttpResponse b_due;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    b_due = b_cw.Get(due);
  } while (b_due.status != 200 && std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(b_due.status, 200) << "B's care engine never learnt of the child written through A: " << b_due.body;
  EXPECT_EQ(b_due.Json(), a_due);
  EXPECT_TRUE(Get(b.port(), "cw1", worklist) == Get(a.port(), "cw1", worklist)) << "B's worklist differs from A's";
  const json b_after = Get(b.port(), "po1", indicators);
  EXPECT_TRUE(b_after != b_before) << "a BCG dose in 2026 changes the province's 2026 figures";
  EXPECT_TRUE(b_after == Get(a.port(), "po1", indicators)) << "B's figures differ from A's";
  EXPECT_EQ(a.Stop(), 0);
  EXPECT_EQ(b.Stop(), 0);
}

}  // namespace
}  // namespace u5::test
