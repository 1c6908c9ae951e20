// kill -9 in the middle of work: the importer during a large import, and the
// server during concurrent POSTs. Afterwards the database must be intact,
// hold every record the server acknowledged, hold no half-written record, and
// hold each imported file wholly or not at all.
//
// U5_CRASH_SEED=<n> repeats a run's kill points.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "core/id.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/raw_db.h"
#include "support/server_process.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

using nlohmann::json;
using Steady = std::chrono::steady_clock;

uint32_t Seed() {
  if (const char* s = std::getenv("U5_CRASH_SEED")) return static_cast<uint32_t>(std::stoul(s));
  return std::random_device{}();
}

// The kill points' generator; its seed is printed (and recorded in the XML report) so a failing run can be repeated.
std::mt19937 SeededRng(uint32_t* seed) {
  *seed = Seed();
  ::testing::Test::RecordProperty("seed", std::to_string(*seed));
  std::cerr << "U5_CRASH_SEED=" << *seed << "\n";
  return std::mt19937(*seed);
}

// Waits until the importer logs that it commits (or ends, or 30 s pass), then up to `jitter_ms` more.
void SleepUntilCommitting(Child& c, const std::string& log, std::mt19937& rng, int jitter_ms) {
  const auto deadline = Steady::now() + std::chrono::seconds(30);
  int code;
  while (Steady::now() < deadline && !c.Exited(&code) && ReadFile(log).find("\"commit\"") == std::string::npos)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, jitter_ms)(rng)));
}

void ExpectConsistent(const RawDb& db) { EXPECT_EQ(db.Inconsistencies(), ""); }

std::vector<std::string> With(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Pairs of lines (a woman, her pregnancy); ids carry the batch number in their first group.
std::string WriteBatch(const std::string& path, int batch, int pairs) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "0190c%03x", batch);
  std::ofstream out(path);
  for (int i = 0; i < pairs; ++i) {
    char pid[64], eid[64];
    std::snprintf(pid, sizeof pid, "%s-0000-7000-8000-%012x", prefix, 2 * i);
    std::snprintf(eid, sizeof eid, "%s-0000-7000-8000-%012x", prefix, 2 * i + 1);
    out << R"({"type":"person","id":")" << pid << R"(","orgunit":"03390","full_name":"Lò Thị Mai )" << i
        << R"(","sex":"female","birth_date":"1996-04-12"})" "\n";
    out << R"({"type":"pregnancy","id":")" << eid << R"(","person_id":")" << pid
        << R"(","orgunit":"03390","date":"2025-04-20","lmp":"2025-03-01"})" "\n";
  }
  return prefix;
}

// The importer on either store: SQLite's bulk transaction, PostgreSQL's COPY in one transaction.
struct CrashImporter : ::testing::TestWithParam<StoreKind> {};

TEST_P(CrashImporter, KilledMidImport) {
  uint32_t seed;
  std::mt19937 rng = SeededRng(&seed);
  TempDir dir;
  TestStoreLocation where(GetParam(), dir.path());
  const RawDb db(where.location());
  const std::vector<std::string> store_args = where.StoreArgs();
  AddUser(store_args, "cw1", "mat-khau-2030", "commune_worker", "03390");
  constexpr int kPairs = 6000;  // 12 000 records a file: 21 imports stay within the time budget

  // One run to the end: the whole file lands, and its duration scales the kill points.
  const std::string file0 = dir.File("batch0.jsonl");
  std::string prefix = WriteBatch(file0, 0, kPairs);
  const auto t0 = Steady::now();
  RunResult full = RunUnder5(With({"import", file0}, store_args));
  const auto full_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - t0).count();
  ASSERT_EQ(full.exit_code, 0) << full.err;
  ASSERT_EQ(db.QueryInt("SELECT count(*) FROM person WHERE id LIKE '" + prefix + "%'"), kPairs);

  int killed = 0, completed = 0;
  for (int batch = 1; batch <= 20; ++batch) {
    const std::string file = dir.File("batch.jsonl");
    prefix = WriteBatch(file, batch, kPairs);
    const std::string log = dir.File("import.log");
    Child c = Child::Spawn(With({Under5Path(), "import", file}, store_args), log);
    if (batch % 2 == 0) {
      // Anywhere in the run.
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, full_ms)(rng)));
    } else if (batch % 4 == 1) {
      // In its second half, where it writes.
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(full_ms / 2, full_ms)(rng)));
    } else {
      SleepUntilCommitting(c, log, rng, 20);  // around the commit
    }
    c.Signal(SIGKILL);
    const int rc = c.Wait();
    if (rc == -SIGKILL) ++killed;
    else if (rc == 0) ++completed;
    else ADD_FAILURE() << "importer exited with " << rc << ": " << ReadFile(log);
    ASSERT_TRUE(db.AwaitOtherSessionsGone()) << "the killed importer's session stays open";
    const int64_t persons = db.QueryInt("SELECT count(*) FROM person WHERE id LIKE '" + prefix + "%'");
    const int64_t events = db.QueryInt("SELECT count(*) FROM event WHERE id LIKE '" + prefix + "%'");
    EXPECT_TRUE((persons == 0 && events == 0) || (persons == kPairs && events == kPairs))
        << "batch " << batch << " half imported: " << persons << " persons, " << events << " events (seed " << seed << ")";
    if (rc == 0) {
      EXPECT_EQ(persons, kPairs);
    }
  }
  std::cerr << "importer: " << killed << " killed, " << completed << " completed before the kill\n";
  EXPECT_GT(killed, 0);
  ExpectConsistent(db);
  // The database still takes an import after all those kills.
  WriteBatch(dir.File("last.jsonl"), 99, 10);
  RunResult last = RunUnder5(With({"import", dir.File("last.jsonl")}, store_args));
  EXPECT_EQ(last.exit_code, 0) << last.err;
}

// Into empty tables both stores load differently. SQLite writes under a
// rollback journal instead of the write-ahead log and rebuilds the indexes at
// the commit (SqliteBulk::Begin); PostgreSQL skips the per-record id checks and
// logs one change marker for everything (PgBulk). A kill anywhere must leave
// the store as it was, the next import into it must complete, and on SQLite the
// next program to open the file returns it to WAL.
TEST_P(CrashImporter, KilledLoadingAnEmptyStore) {
  uint32_t seed;
  std::mt19937 rng = SeededRng(&seed);
  TempDir dir;
  const bool sqlite = GetParam() == StoreKind::sqlite;
  // The empty store with its user, for each run: SQLite's file copied from
  // empty.db; on PostgreSQL the one database with person and event emptied
  // (a new database would load the country's org units again, seconds a run).
  const std::string empty = dir.File("empty.db");
  TestStoreLocation where(GetParam(), dir.path());
  AddUser(sqlite ? std::vector<std::string>{"--db", empty} : where.StoreArgs(), "cw1", "mat-khau-2030", "commune_worker", "03390");
  if (sqlite) {
    ASSERT_EQ(QueryOne(empty, "PRAGMA journal_mode"), "wal");
  }
  constexpr int kPairs = 6000;
  const std::string file = dir.File("batch.jsonl");
  const std::string prefix = WriteBatch(file, 7, kPairs);
  const RawDb db(where.location());
  auto fresh = [&] {
    if (sqlite) {
      const std::string t = where.location().target;
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(t + suffix);
      std::filesystem::copy_file(empty, t);
    } else {
      db.Exec("DELETE FROM event; DELETE FROM person");
    }
  };
  // The indexes of person and event, whatever the load did to them on the way.
  const std::string index_count = sqlite
      ? "SELECT count(*) FROM sqlite_schema WHERE type='index' AND tbl_name IN ('person','event') AND sql IS NOT NULL"
      : "SELECT count(*) FROM pg_indexes WHERE tablename IN ('person','event')";

  fresh();
  const int64_t indexes = db.QueryInt(index_count);
  const auto t0 = Steady::now();
  RunResult full = RunUnder5(With({"import", file}, where.StoreArgs()));
  const auto full_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - t0).count();
  ASSERT_EQ(full.exit_code, 0) << full.err;
  if (sqlite) {
    ASSERT_NE(full.err.find(R"("journal":"rollback")"), std::string::npos) << "the load did not use the rollback journal: " << full.err;
    EXPECT_EQ(QueryOne(where.location().target, "PRAGMA journal_mode"), "wal") << "the importer left the file out of WAL mode";
  }

  int killed = 0, hot_journals = 0;
  for (int run = 0; run < 12; ++run) {
    fresh();
    const std::string log = dir.File("import.log");
    Child c = Child::Spawn(With({Under5Path(), "import", file}, where.StoreArgs()), log);
    if (run % 3 != 2) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, full_ms)(rng)));
    } else {
      SleepUntilCommitting(c, log, rng, 30);  // while the indexes are rebuilt and the data written
    }
    c.Signal(SIGKILL);
    const int rc = c.Wait();
    killed += rc == -SIGKILL;
    if (sqlite) hot_journals += std::filesystem::exists(where.location().target + "-journal");
    if (rc != -SIGKILL && rc != 0) ADD_FAILURE() << "importer exited with " << rc << ": " << ReadFile(log);
    ASSERT_TRUE(db.AwaitOtherSessionsGone()) << "the killed importer's session stays open";
    // SQLite's probe opens the file read-write, so a hot journal is rolled back here, as any program would.
    ExpectConsistent(db);
    const int64_t persons = db.QueryInt("SELECT count(*) FROM person");
    const int64_t events = db.QueryInt("SELECT count(*) FROM event");
    EXPECT_TRUE((persons == 0 && events == 0) || (persons == kPairs && events == kPairs))
        << "run " << run << " half imported: " << persons << " persons, " << events << " events (seed " << seed << ")";
    // The schema's indexes are all there, whether the load was rolled back or committed.
    EXPECT_EQ(db.QueryInt(index_count), indexes);
    // The next import completes (SQLite: in WAL mode again).
    RunResult again = RunUnder5(With({"import", file}, where.StoreArgs()));
    if (persons == 0) {
      EXPECT_EQ(again.exit_code, 0) << again.err;
    } else {
      EXPECT_NE(again.exit_code, 0) << "the same ids imported twice";
    }
    EXPECT_EQ(db.QueryInt("SELECT count(*) FROM person WHERE id LIKE '" + prefix + "%'"), kPairs);
    if (sqlite) {
      EXPECT_EQ(QueryOne(where.location().target, "PRAGMA journal_mode"), "wal");
    }
  }
  std::cerr << "importer into an empty store: " << killed << " of 12 killed before the end, " << hot_journals
            << " left a rollback journal\n";
  EXPECT_GT(killed, 0);
}

U5_ON_BOTH_STORES(CrashImporter);

// On either store: a server killed while it writes loses nothing it acknowledged.
struct CrashServer : ::testing::TestWithParam<StoreKind> {};

TEST_P(CrashServer, KilledDuringConcurrentPosts) {
  uint32_t seed;
  std::mt19937 rng = SeededRng(&seed);
  TempDir dir;
  TestStoreLocation where(GetParam(), dir.path());
  AddUser(where.StoreArgs(), "cw1", "mat-khau-2030", "commune_worker", "03390");

  std::mutex mu;
  std::vector<std::string> acked_persons, acked_events;
  std::vector<std::string> unexpected;
  std::string token;
  for (int round = 0; round < 20; ++round) {
    ServerProcess server;
    std::string why;
    ASSERT_TRUE(server.Start(where.StoreArgs(), dir.File("server.log"), &why)) << why;
    if (token.empty()) {  // sessions are stored, so one login serves every restart
      HttpClient login(server.port());
      ASSERT_TRUE(login.Login("cw1", "mat-khau-2030"));
      token = login.token();
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&, port = server.port()] {
        HttpClient c(port);
        c.set_token(token);
        for (int i = 0; i < 100000 && !stop; ++i) {
          const std::string pid = NewUuid7();
          HttpResponse r = c.Post("/api/v1/persons", {{"id", pid}, {"full_name", "Mẹ " + pid.substr(24)}, {"sex", "female"},
                                                      {"birth_date", "1998-03-03"}, {"orgunit", "03390"}});
          if (r.status == 0) break;  // the server is gone
          std::lock_guard lock(mu);
          if (r.status != 201) { unexpected.push_back(std::to_string(r.status) + " " + r.body); continue; }
          acked_persons.push_back(pid);
          const std::string eid = NewUuid7();
          mu.unlock();
          HttpResponse e = c.Post("/api/v1/pregnancies", {{"id", eid}, {"person_id", pid}, {"orgunit", "03390"},
                                                          {"date", "2025-04-20"}, {"lmp", "2025-03-01"}});
          mu.lock();
          if (e.status == 201) acked_events.push_back(eid);
          else if (e.status != 0) unexpected.push_back(std::to_string(e.status) + " " + e.body);
          else break;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 400)(rng)));
    server.Kill9();
    stop = true;
    for (auto& t : clients) t.join();
  }
  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " unexpected answers, first: " << unexpected.front();
  ASSERT_GT(acked_persons.size(), 20u) << "the clients got too few answers to test anything";
  std::cerr << "server: " << acked_persons.size() << " persons and " << acked_events.size() << " events acknowledged\n";

  // Raw checks (on SQLite also the file's own) and, through the interface,
  // no event without its person and every body whole.
  ExpectConsistent(RawDb(where.location()));
  std::unique_ptr<store::Store> store;
  ASSERT_TRUE(where.Open(&store).ok());
  std::set<std::string> persons, events;
  std::vector<std::string> owners;
  ASSERT_TRUE(store->ForEach(
                       [&](const store::Record& r) {
                         (r.is_person() ? persons : events).insert(r.id);
                         if (!r.is_person()) owners.push_back(r.person_id);
                         EXPECT_TRUE(json::accept(r.body)) << r.id;
                         return Status::Ok();
                       },
                       true)
                  .ok());
  for (const std::string& p : owners) EXPECT_TRUE(persons.count(p)) << "an event without its person " << p;
  size_t missing = 0;
  for (const auto& id : acked_persons) missing += !persons.count(id);
  for (const auto& id : acked_events) missing += !events.count(id);
  EXPECT_EQ(missing, 0u) << "acknowledged records lost (seed " << seed << ")";
}

U5_ON_BOTH_STORES(CrashServer);

}  // namespace
}  // namespace u5::test
