// The handbook cache (store/handbook_cache.h): a handbook or children list read
// again after any write shows that write, whichever way it came (insert, update,
// delete, a mother's change, a bulk load), and a fill read before a write
// cannot be kept after it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/id.h"
#include "core/text.h"
#include "store/handbook_cache.h"
#include "store/pg_store.h"
#include "store/store.h"
#include "support/pg_database.h"
#include "support/records.h"
#include "support/store_kind.h"
#include "support/temp_dir.h"

namespace u5::store {
namespace {



TEST(HandbookCache, AFillReadBeforeAForgetIsNotKept) {
  HandbookCache cache(8);
  Record p = test::PersonRecord("Lò Thị Mai");
  uint64_t generation = 0;
  EXPECT_EQ(cache.FindBook(p.id, &generation), nullptr);
  Record e = test::EventRecord(p, "growth", "2026-02-03");
  cache.Forget(nullptr, e);  // a write committed while the reader read
  cache.PutBook(p.id, std::make_shared<PersonBook>(PersonBook{p, {}, std::nullopt}), generation);
  EXPECT_EQ(cache.FindBook(p.id, &generation), nullptr);
  cache.PutBook(p.id, std::make_shared<PersonBook>(PersonBook{p, {e}, std::nullopt}), generation);
  auto book = cache.FindBook(p.id, &generation);
  ASSERT_NE(book, nullptr);
  EXPECT_EQ(book->events.size(), 1u);
}

TEST(HandbookCache, HoldsAtMostItsCapacityAndZeroIsOff) {
  HandbookCache cache(2), off(0);
  uint64_t g = 0, h = 0;
  for (int i = 0; i < 5; ++i) {
    Record p = test::PersonRecord("P" + std::to_string(i));
    cache.FindBook(p.id, &g);
    cache.PutBook(p.id, std::make_shared<PersonBook>(PersonBook{p, {}, std::nullopt}), g);
    off.FindBook(p.id, &h);
    off.PutBook(p.id, std::make_shared<PersonBook>(PersonBook{p, {}, std::nullopt}), h);
    EXPECT_NE(cache.FindBook(p.id, &g), nullptr);
    EXPECT_EQ(off.FindBook(p.id, &h), nullptr);
  }
}

// On both stores: SQLite's file, and PostgreSQL (PgStore keeps the same cache).
struct HandbookCacheStore : ::testing::TestWithParam<test::StoreKind> {
  test::TempDir dir;
  std::unique_ptr<test::TestPgDatabase> pg;
  std::unique_ptr<Store> s;
  void SetUp() override {
    if (GetParam() == test::StoreKind::postgres) pg = std::make_unique<test::TestPgDatabase>();
    s = OpenOther();
    ASSERT_NE(s, nullptr);
    test::SeedMiniOrgUnits(*s);
  }
  // Another store on the same database: another process on the file, another app server on PostgreSQL.
  std::unique_ptr<Store> OpenOther() {
    std::unique_ptr<Store> o;
    Status st = pg ? OpenPgStore(pg->uri(), PgOptions{}, &o) : OpenSqliteStore(dir.File("t.db"), &o);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return o;
  }
  struct Seen {
    Record person, mother;
    std::vector<Record> events, children;
  };
  Seen Read(const Record& p) {
    Seen b;
    EXPECT_TRUE(s->Handbook(p.id, &b.person, &b.events, &b.mother).ok());
    EXPECT_TRUE(s->Children({p.id}, &b.children).ok());
    return b;
  }
};

TEST_P(HandbookCacheStore, EveryWriteIsSeenByTheNextRead) {
  Record mother = test::PersonRecord("Lò Thị Mai");
  ASSERT_TRUE(s->Insert(mother).ok());
  Record child = test::PersonRecord("Lò Văn An", "2025-12-05");
  child.mother_id = mother.id;
  ASSERT_TRUE(s->Insert(child).ok());
  Record e = test::EventRecord(child, "growth", "2026-01-10");
  ASSERT_TRUE(s->Insert(e).ok());
  Read(child), Read(mother);  // both kept now

  Record e2 = test::EventRecord(child, "growth", "2026-02-10");
  ASSERT_TRUE(s->Insert(e2).ok());
  EXPECT_EQ(Read(child).events.size(), 2u) << "an inserted event";

  e.body = nlohmann::json{{"id", e.id}, {"date", "2026-01-10"}, {"weight_kg", 4.1}}.dump();
  ASSERT_TRUE(s->Update(e, 1).ok());
  EXPECT_EQ(Read(child).events.front().version, 2) << "an updated event";

  Record gone;
  ASSERT_TRUE(s->SoftDelete("growth", e2.id, 1, "nhầm", &gone).ok());
  EXPECT_EQ(Read(child).events.size(), 1u) << "a deleted event";

  Record renamed = mother;
  renamed.full_name = "Lò Thị Mai Anh";
  renamed.name_folded = text::Fold(renamed.full_name);
  ASSERT_TRUE(s->Update(renamed, 1).ok());
  EXPECT_EQ(Read(child).mother.full_name, "Lò Thị Mai Anh") << "the mother's new name in her child's book";
  EXPECT_EQ(Read(mother).person.full_name, "Lò Thị Mai Anh");

  Record twin = test::PersonRecord("Lò Văn Bình", "2025-12-05");
  twin.mother_id = mother.id;
  ASSERT_TRUE(s->Insert(twin).ok());
  EXPECT_EQ(Read(mother).children.size(), 2u) << "a new child in the mother's list";

  Record older = Read(child).person;
  older.date = "2025-11-30";
  ASSERT_TRUE(s->Update(older, 1).ok());
  EXPECT_EQ(Read(mother).children.front().date, "2025-11-30") << "a child's change in the mother's list";

  ASSERT_TRUE(s->SoftDelete("person", twin.id, 1, "trùng hồ sơ", &gone).ok());
  EXPECT_EQ(Read(mother).children.size(), 1u) << "a deleted child leaves the list";

  ASSERT_TRUE(s->SoftDelete("person", mother.id, 2, "trùng hồ sơ", &gone).ok());
  EXPECT_TRUE(Read(child).mother.id.empty()) << "a deleted mother leaves her child's book";
  Record p;
  std::vector<Record> evs;
  EXPECT_EQ(s->Handbook(mother.id, &p, &evs).code(), Code::not_found) << "a deleted person";
}

// Another process on the same file, or another app server on the same
// PostgreSQL database (here: a second store, its own connections and cache):
// its writes reach this cache through the change log within a second (on
// PostgreSQL at the next read after the commit's NOTIFY arrived), for the
// person, the child's book showing a renamed mother and the mother's list of
// children.
TEST_P(HandbookCacheStore, AnotherProcessesWritesAreSeenWithinASecond) {
  Record mother = test::PersonRecord("Lò Thị Mai");
  ASSERT_TRUE(s->Insert(mother).ok());
  Record child = test::PersonRecord("Lò Văn An", "2025-12-05");
  child.mother_id = mother.id;
  ASSERT_TRUE(s->Insert(child).ok());
  Read(child), Read(mother);  // kept
  std::unique_ptr<Store> other = OpenOther();
  ASSERT_TRUE(other->Insert(test::EventRecord(child, "growth", "2026-01-10")).ok());
  Record renamed = mother;
  renamed.full_name = "Lò Thị Mai Anh";
  ASSERT_TRUE(other->Update(renamed, 1).ok());
  Record twin = test::PersonRecord("Lò Văn Bình", "2025-12-05");
  twin.mother_id = mother.id;
  ASSERT_TRUE(other->Insert(twin).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const Seen c = Read(child), m = Read(mother);
  EXPECT_EQ(c.events.size(), 1u) << "an event written by another process";
  EXPECT_EQ(c.mother.full_name, "Lò Thị Mai Anh");
  EXPECT_EQ(m.person.full_name, "Lò Thị Mai Anh");
  EXPECT_EQ(m.children.size(), 2u);
}

TEST_P(HandbookCacheStore, ABulkLoadIsSeenByTheNextRead) {
  Record p = test::PersonRecord("Nguyễn Thị Lan");
  ASSERT_TRUE(s->Insert(p).ok());
  EXPECT_TRUE(Read(p).events.empty());
  std::unique_ptr<BulkWriter> w;
  ASSERT_TRUE(s->OpenBulk(&w).ok());
  ASSERT_TRUE(w->Add(test::EventRecord(p, "growth", "2026-02-03")).ok());
  Record kid = test::PersonRecord("Nguyễn Văn Hải", "2026-01-01");
  kid.mother_id = p.id;
  ASSERT_TRUE(w->Add(kid).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(Read(p).events.size(), 1u);
  EXPECT_EQ(Read(p).children.size(), 1u);
}

// Readers fill the cache from snapshots taken while the writer commits; after
// each write returns, the writer's own read must show that write's version.
TEST_P(HandbookCacheStore, ReadersRacingAWriterNeverLeaveAnOldBook) {
  Record p = test::PersonRecord("Hoàng Thị Thu");
  ASSERT_TRUE(s->Insert(p).ok());
  Record e = test::EventRecord(p, "growth", "2026-02-03");
  ASSERT_TRUE(s->Insert(e).ok());
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t)
    readers.emplace_back([&] {
      Record person, mother;
      std::vector<Record> events;
      while (!stop) (void)s->Handbook(p.id, &person, &events, &mother);
      s->ReleaseConnection();
    });
  int stale = 0;
  for (int64_t v = 1; v <= 300; ++v) {
    ASSERT_TRUE(s->Update(e, v).ok());
    Record person, mother;
    std::vector<Record> events;
    ASSERT_TRUE(s->Handbook(p.id, &person, &events, &mother).ok());
    ASSERT_EQ(events.size(), 1u);
    if (events[0].version != v + 1) ++stale;
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(stale, 0);
}

INSTANTIATE_TEST_SUITE_P(, HandbookCacheStore, test::kStoreKinds, test::StoreKindName);

}  // namespace
}  // namespace u5::store
