// What only PostgreSQL's store has to show: several servers (stores) writing
// one database at once, and connections the server drops.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "store/pg.h"
#include "store/pg_store.h"
#include "support/pg_database.h"
#include "support/records.h"

namespace u5::store {
namespace {

Record Person(const std::string& name) { return test::PersonRecord(name); }

std::unique_ptr<Store> Open(const test::TestPgDatabase& db) {
  std::unique_ptr<Store> s;
  Status st = OpenPgStore(db.uri(), PgOptions{}, &s);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return s;
}

// Two stores (two app servers) on one database, four writers each, while a
// reader tails the change log by seq as another server would: it must never
// see a seq committed while a smaller one is still to commit (it would skip
// that one for good). The audit chain stays one gap-free chain.
TEST(PgStore, ChangeLogSeqsCommitInOrderAndTheAuditChainHoldsUnderConcurrentServers) {
  test::TestPgDatabase db;
  auto a = Open(db), b = Open(db);
  test::SeedMiniOrgUnits(db);
  constexpr int kWritersPerStore = 4, kWritesEach = 60;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::set<int64_t> seen;
  int64_t high = 0;
  std::thread tail([&] {
    // Raw libpq through the test database: reads the log as a tailing server does.
    while (!done.load()) {
      for (const auto& row : db.Query("SELECT seq FROM change_log WHERE seq > " + std::to_string(high) + " ORDER BY seq")) {
        const int64_t seq = std::stoll(row[0]);
        seen.insert(seq);
        high = std::max(high, seq);
      }
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < 2 * kWritersPerStore; ++w) {
    Store& s = w % 2 ? *a : *b;
    writers.emplace_back([&s, &failures, w] {
      for (int i = 0; i < kWritesEach; ++i) {
        audit::Entry e;
        e.user_id = "u" + std::to_string(w);
        e.username = "writer" + std::to_string(w);
        e.action = "create";
        if (!s.Insert(Person("Lò Thị " + std::to_string(w) + " " + std::to_string(i)), &e).ok()) ++failures;
      }
      s.ReleaseConnection();
    });
  }
  for (auto& t : writers) t.join();
  done = true;
  tail.join();
  EXPECT_EQ(failures.load(), 0);
  const int64_t writes = 2 * kWritersPerStore * kWritesEach;
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM change_log"), writes);
  // Every seq at or below the reader's high-water mark was seen by it.
  int64_t skipped = 0;
  for (const auto& row : db.Query("SELECT seq FROM change_log WHERE seq <= " + std::to_string(high)))
    skipped += seen.count(std::stoll(row[0])) ? 0 : 1;
  EXPECT_EQ(skipped, 0) << "seqs the tailing reader stepped over";
  int64_t checked = 0;
  Status st = a->VerifyAudit(&checked);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(checked, writes);
}

// Two servers updating one record at once: exactly one update per version wins.
TEST(PgStore, ConcurrentUpdatesOfOneRecordFromTwoServersConflict) {
  test::TestPgDatabase db;
  auto a = Open(db), b = Open(db);
  test::SeedMiniOrgUnits(db);
  Record p = Person("Lò Thị Mai");
  ASSERT_TRUE(a->Insert(p).ok());
  std::atomic<int> ok{0}, conflict{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 8; ++i) {
    ts.emplace_back([&, i] {
      Record r = p;
      r.body = nlohmann::json{{"id", r.id}, {"full_name", "x"}, {"n", i}}.dump();
      Status st = (i % 2 ? *a : *b).Update(r, 1);
      (st.ok() ? ok : conflict)++;
      EXPECT_TRUE(st.ok() || st.field() == "version") << st.ToString();
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), 7);
  Record got;
  ASSERT_TRUE(a->Get("person", p.id, &got).ok());
  EXPECT_EQ(got.version, 2);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM record_version WHERE id = '" + p.id + "'"), 1);
}

// A connection the server ended between calls is replaced at the next call.
TEST(PgStore, ADroppedConnectionIsReopenedAtTheNextCall) {
  test::TestPgDatabase db;
  auto s = Open(db);
  test::SeedMiniOrgUnits(db);
  Record p = Person("Lò Thị Mai");
  ASSERT_TRUE(s->Insert(p).ok());
  db.Exec("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
  Record got;
  Status st = s->Get("person", p.id, &got);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(got.id, p.id);
}

// Opening a store migrates once; a second store finds the schema in place; a
// schema newer than the program is refused.
TEST(PgStore, MigratesOnceAndRefusesANewerSchema) {
  test::TestPgDatabase db;
  int now = 0;
  ASSERT_TRUE(MigratePg(db.uri(), -1, &now).ok());
  // The baseline 24, then 25 (sync positions) and 27 (write_token, PostgreSQL's alone).
  EXPECT_EQ(now, 27);
  auto a = Open(db), b = Open(db);
  EXPECT_EQ(db.QueryInt("SELECT version FROM schema_version"), 27);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM write_token"), 0);
  EXPECT_EQ(db.QueryOne("SELECT length(db_id) FROM change_log_state"), "32");
  // The same names as SQLite's schema: a few of each kind.
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM pg_indexes WHERE indexname IN ('person_name_rev', 'event_orgunit', "
                        "'audit_user', 'emergency_open', 'indicator_value_version_key')"), 5);
  EXPECT_EQ(db.QueryOne("SELECT name_rev FROM (SELECT 1) x LEFT JOIN person ON false"), "<null>");
  db.Exec("UPDATE schema_version SET version = 99");
  std::unique_ptr<Store> c;
  Status st = OpenPgStore(db.uri(), PgOptions{}, &c);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("newer"), std::string::npos) << st.ToString();
}

// name_rev puts the given name first exactly as SQLite's generated column does.
TEST(PgStore, NameRevMatchesSqlitesRule) {
  test::TestPgDatabase db;
  auto s = Open(db);
  test::SeedMiniOrgUnits(db);
  for (const char* name : {"nguyen thi mai", "mai", "a  b", "nguyen "}) {
    Record p = Person(name);
    p.name_folded = name;
    ASSERT_TRUE(s->Insert(p).ok());
  }
  auto rev = [&](const std::string& folded) {
    return db.QueryOne("SELECT name_rev FROM person WHERE name_folded = '" + folded + "'");
  };
  EXPECT_EQ(rev("nguyen thi mai"), "mai nguyen thi");
  EXPECT_EQ(rev("mai"), "mai");
  EXPECT_EQ(rev("a  b"), "b a");
  EXPECT_EQ(rev("nguyen "), " nguyen");
}

}  // namespace
}  // namespace u5::store

namespace u5::store {
namespace {

// A write whose connection is lost inside its transaction (here a guard has
// the server end the session midway) fails retryably, never as a success, and
// leaves nothing; the next write opens another connection and lands.
TEST(PgStore, AWriteWhoseConnectionIsLostMidwayIsRetryableAndLeavesNothing) {
  test::TestPgDatabase db;
  auto s = Open(db);
  test::SeedMiniOrgUnits(db);
  bool cut = true;
  s->AddWriteGuard([&](const Record&) -> Status {
    if (cut)
      db.Exec("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = current_database() "
              "AND pid <> pg_backend_pid()");
    return Status::Ok();
  });
  Record p = Person("Lò Thị Mai");
  Status st = s->Insert(p);
  EXPECT_TRUE(pg::Retryable(st)) << st.ToString();
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM person"), 0);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM change_log"), 0);
  cut = false;
  st = s->Insert(p);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM person"), 1);
}

}  // namespace
}  // namespace u5::store
