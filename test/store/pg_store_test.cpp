// What only PostgreSQL's store has to show: several servers (stores) writing
// one database at once, and connections the server drops.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "store/change_waiter.h"
#include "store/pg.h"
#include "store/migrations.h"
#include "store/pg_migrations.h"
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

// Two servers inserting one id at the same instant, as a person through one
// and as an event through the other: ids are unique across persons and events
// (Find looks in both), so at most one of the two lands, every round.
TEST(PgStore, OneIdAsAPersonAndAsAnEventOnTwoServersLandsOnce) {
  test::TestPgDatabase db;
  auto a = Open(db), b = Open(db);
  test::SeedMiniOrgUnits(db);
  Record mother = Person("Lò Thị Mai");
  ASSERT_TRUE(a->Insert(mother).ok());
  constexpr int kRounds = 100;
  std::vector<std::string> ids(kRounds);
  for (std::string& id : ids) id = Person("x").id;
  std::vector<Status> as_person(kRounds), as_event(kRounds);
  std::barrier start(2);
  std::thread p([&] {
    for (int i = 0; i < kRounds; ++i) {
      Record r = Person("Lò Văn " + std::to_string(i));
      r.id = ids[i];
      start.arrive_and_wait();
      as_person[i] = a->Insert(r);
    }
    a->ReleaseConnection();
  });
  std::thread e([&] {
    for (int i = 0; i < kRounds; ++i) {
      Record r = test::EventRecord(mother, "growth", "2026-08-15");
      r.id = ids[i];
      start.arrive_and_wait();
      as_event[i] = b->Insert(r);
    }
    b->ReleaseConnection();
  });
  p.join();
  e.join();
  int both = 0, landed = 0;
  for (int i = 0; i < kRounds; ++i) {
    both += as_person[i].ok() && as_event[i].ok();
    landed += as_person[i].ok() || as_event[i].ok();
    for (const Status* st : {&as_person[i], &as_event[i]}) {
      if (!st->ok()) EXPECT_EQ(st->field(), "id") << st->ToString();
    }
  }
  EXPECT_EQ(both, 0) << "rounds where the id landed twice";
  EXPECT_EQ(landed, kRounds) << "one of the two lands";
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM person JOIN event USING (id)"), 0);
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
  // Every SQLite migration from the baseline on has its PostgreSQL twin under
  // the same number; PostgreSQL has more of its own (27: write_token).
  const int latest = PgMigrations().back().version;
  EXPECT_EQ(now, latest);
  for (const Migration& m : Migrations()) {
    if (m.version < 24) continue;
    bool twin = false;
    for (const Migration& p : PgMigrations()) twin = twin || p.version == m.version;
    EXPECT_TRUE(twin) << "SQLite migration " << m.version << " has no PostgreSQL twin";
  }
  auto a = Open(db), b = Open(db);
  EXPECT_EQ(db.QueryInt("SELECT version FROM schema_version"), latest);
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

// Another server's commit wakes a server waiting for changes (the NOTIFY the
// append sends), long before the wait's bound; a rolled-back write and a
// position already passed do not; a listener the server dropped is replaced.
TEST(PgStore, ChangeWaiterWakesOnAnotherServersCommitOnly) {
  using namespace std::chrono_literals;
  using Clock = std::chrono::steady_clock;
  test::TestPgDatabase db;
  auto a = Open(db), b = Open(db);
  test::SeedMiniOrgUnits(db);
  Location where;
  ASSERT_TRUE(ParseLocation("", db.uri(), "", &where).ok());
  std::unique_ptr<ChangeWaiter> waiter = OpenChangeWaiter(where);
  ASSERT_NE(waiter, nullptr);
  ChangeLogHead head;
  ASSERT_TRUE(a->ChangeHead(&head).ok());
  bool woken = true;
  // The first wait connects and finds nothing after the head: it runs out.
  auto t0 = Clock::now();
  ASSERT_TRUE(waiter->Wait(head.seq, 300ms, &woken).ok());
  EXPECT_GE(Clock::now() - t0, 300ms);
  EXPECT_FALSE(woken);

  // A transaction that appends to the log, then fails (the same id twice), sends nothing.
  audit::Entry e;
  e.user_id = "u1";
  e.username = "writer";
  e.action = "create";
  const Record twice = Person("Lò Thị Hoa");
  ASSERT_FALSE(b->Apply({Write{Write::Op::insert, twice, 0, "", e}, Write{Write::Op::insert, twice, 0, "", e}}).ok());
  ASSERT_EQ(db.QueryInt("SELECT count(*) FROM person WHERE id = '" + twice.id + "'"), 0);
  t0 = Clock::now();
  ASSERT_TRUE(waiter->Wait(head.seq, 300ms, &woken).ok());
  EXPECT_GE(Clock::now() - t0, 300ms) << "a rolled-back write woke the waiter";
  EXPECT_FALSE(woken);

  std::thread writer([&] {
    std::this_thread::sleep_for(200ms);
    EXPECT_TRUE(b->Insert(Person("Lò Thị Lan")).ok());
    b->ReleaseConnection();
  });
  t0 = Clock::now();
  ASSERT_TRUE(waiter->Wait(head.seq, 60s, &woken).ok());
  const auto waited = Clock::now() - t0;
  writer.join();
  EXPECT_LT(waited, 30s) << "the commit through b did not wake the waiter";
  EXPECT_TRUE(woken);
  ChangeLogHead after;
  ASSERT_TRUE(a->ChangeHead(&after).ok());
  EXPECT_GT(after.seq, head.seq);
  // That notification consumed, a wait from the new head runs out again.
  t0 = Clock::now();
  ASSERT_TRUE(waiter->Wait(after.seq, 300ms, &woken).ok());
  EXPECT_GE(Clock::now() - t0, 300ms);
  EXPECT_FALSE(woken);

  // The server ends every other session, the listener's too: the next wait
  // reopens it, and a commit meanwhile is found by the head it reads.
  db.Exec("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
  ASSERT_TRUE(b->Insert(Person("Lò Thị Xuân")).ok());
  t0 = Clock::now();
  Status st = waiter->Wait(after.seq, 20s, &woken);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_LT(Clock::now() - t0, 10s) << "the reopened listener missed the commit made while it was down";
  EXPECT_TRUE(woken);
}

}  // namespace
}  // namespace u5::store
