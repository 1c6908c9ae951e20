// The keeper's protocol over a real store and a small engine (each person's
// name and live event count): a start from the snapshot plus the change log
// equals a rebuild, whatever happened between; a snapshot that does not fit
// (other inputs, another database, a bulk load since, corrupt) is rebuilt.
// What reads the store's change log (replay, follow, another database, a bulk
// load) on both stores, KeeperStore; the file's own cases on SQLite, KeeperTest.
#include "snapshot/keeper.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "support/records.h"
#include "support/store_kind.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::snapshot {
namespace {

using store::Record;



// Name and number of live events of each living person.
class Toy {
 public:
  explicit Toy(store::Store& s) : s_(s) {}
  std::map<std::string, std::string> state;
  int rebuilds = 0;

  Engine Describe(const std::string& inputs) {
    Engine e;
    e.kind = "toy";
    e.format = 1;
    e.inputs = inputs;
    e.load = [this](const Reader& r) {
      std::string_view bytes;
      U5_RETURN_IF_ERROR(r.Section("state", &bytes));
      Decoder d(bytes);
      int64_t n = 0;
      d.I64(&n);
      state.clear();
      for (int64_t i = 0; i < n && d.ok(); ++i) {
        std::string k, v;
        d.Str(&k);
        d.Str(&v);
        state[k] = v;
      }
      return d.done() ? Status::Ok() : Status::Invalid("snapshot", "state does not decode");
    };
    e.save = [this](Writer& w) {
      Encoder enc;
      enc.I64(static_cast<int64_t>(state.size()));
      for (const auto& [k, v] : state) {
        enc.Str(k);
        enc.Str(v);
      }
      return w.Section("state", enc.bytes());
    };
    e.rebuild = [this] {
      ++rebuilds;
      state.clear();
      std::vector<std::string> ids;
      U5_RETURN_IF_ERROR(s_.ForEach([&](const Record& r) {
        if (r.is_person()) ids.push_back(r.id);
        return Status::Ok();
      }, false));
      return Replay(ids);
    };
    e.replay = [this](const std::vector<std::string>& ids) { return Replay(ids); };
    return e;
  }

 private:
  Status Replay(const std::vector<std::string>& ids) {
    for (const std::string& id : ids) {
      Record p;
      std::vector<Record> events;
      Status st = s_.Handbook(id, &p, &events);
      if (st.code() == Code::not_found || (st.ok() && p.deleted_at)) {
        state.erase(id);
        continue;
      }
      U5_RETURN_IF_ERROR(st);
      state[id] = p.full_name + "|" + std::to_string(events.size());
    }
    return Status::Ok();
  }
  store::Store& s_;
};

template <class Base>
struct KeeperOn : Base {
  test::TempDir dir;
  std::unique_ptr<test::TestStoreLocation> where;
  std::unique_ptr<store::Store> s;
  std::string snap;
  virtual test::StoreKind Kind() const = 0;
  void SetUp() override {
    where = std::make_unique<test::TestStoreLocation>(Kind(), dir.path());
    ASSERT_TRUE(where->Open(&s).ok());
    test::SeedMiniOrgUnits(*s);
    snap = dir.File("engines/toy.snap");
  }
  // A fresh process's engine: started through a keeper.
  std::map<std::string, std::string> Start(StartReport* rep, int* rebuilds = nullptr, const std::string& inputs = "v1") {
    Toy toy(*s);
    Keeper k(*s, snap, toy.Describe(inputs));
    Status st = k.Start(rep);
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (rebuilds) *rebuilds = toy.rebuilds;
    return toy.state;
  }
  std::map<std::string, std::string> Rebuilt() {
    Toy toy(*s);
    EXPECT_TRUE(toy.Describe("v1").rebuild().ok());
    return toy.state;
  }
};

struct KeeperTest : KeeperOn<::testing::Test> {
  test::StoreKind Kind() const override { return test::StoreKind::sqlite; }
};
struct KeeperStore : KeeperOn<::testing::TestWithParam<test::StoreKind>> {
  test::StoreKind Kind() const override { return GetParam(); }
};

TEST_P(KeeperStore, StartReplaysTheChangesAfterTheSnapshot) {
  Record a = test::PersonRecord("A"), b = test::PersonRecord("B");
  ASSERT_TRUE(s->Insert(a).ok());
  ASSERT_TRUE(s->Insert(b).ok());
  StartReport rep;
  auto first = Start(&rep);
  EXPECT_FALSE(rep.from_snapshot);
  EXPECT_EQ(rep.rejected, "absent");
  EXPECT_EQ(first.size(), 2u);

  auto second = Start(&rep);
  EXPECT_TRUE(rep.from_snapshot) << rep.rejected;
  EXPECT_EQ(rep.replayed, 0u);
  EXPECT_EQ(second, first);

  // Writes the snapshot does not hold: an event, an update, a deletion, a new person.
  ASSERT_TRUE(s->Insert(test::EventRecord(a, "growth", "2026-01-05")).ok());
  Record a2 = a;
  a2.full_name = "A renamed";
  ASSERT_TRUE(s->Update(a2, 1).ok());
  Record gone;
  ASSERT_TRUE(s->SoftDelete("person", b.id, 1, "duplicate", &gone).ok());
  Record c = test::PersonRecord("C");
  ASSERT_TRUE(s->Insert(c).ok());
  int rebuilds = 0;
  auto third = Start(&rep, &rebuilds);
  EXPECT_TRUE(rep.from_snapshot) << rep.rejected;
  EXPECT_EQ(rep.replayed, 3u);
  EXPECT_EQ(rebuilds, 0);
  EXPECT_EQ(third, Rebuilt());
  EXPECT_EQ(third.at(a.id), "A renamed|1");
  EXPECT_FALSE(third.contains(b.id));
}

TEST_P(KeeperStore, ALongReplayWritesANewSnapshot) {
  ASSERT_TRUE(s->Insert(test::PersonRecord("A")).ok());
  StartReport rep;
  Start(&rep);
  std::vector<Record> many;
  for (size_t i = 0; i < Keeper::kReplayWorthSaving; ++i) many.push_back(test::PersonRecord("P" + std::to_string(i)));
  ASSERT_TRUE(s->InsertBatch(many).ok());
  Start(&rep);
  EXPECT_TRUE(rep.from_snapshot);
  EXPECT_EQ(rep.replayed, Keeper::kReplayWorthSaving);
  auto again = Start(&rep);
  EXPECT_TRUE(rep.from_snapshot);
  EXPECT_EQ(rep.replayed, 0u) << "the long replay was saved";
  EXPECT_EQ(again, Rebuilt());
  ASSERT_TRUE(s->Insert(test::PersonRecord("B")).ok());
  Start(&rep);
  Start(&rep);
  EXPECT_EQ(rep.replayed, 1u) << "a short one is not";
}

TEST_F(KeeperTest, CheckpointWritesOnlyWhenSomethingChanged) {
  ASSERT_TRUE(s->Insert(test::PersonRecord("A")).ok());
  Toy toy(*s);
  Keeper k(*s, snap, toy.Describe("v1"));
  ASSERT_TRUE(k.Start().ok());
  bool written = true;
  ASSERT_TRUE(k.Checkpoint(&written).ok());
  EXPECT_FALSE(written);
  Record d = test::PersonRecord("D");
  ASSERT_TRUE(s->Insert(d).ok());  // the toy hears nothing: only the log tells the checkpoint
  ASSERT_TRUE(k.Checkpoint(&written).ok());
  EXPECT_TRUE(written);
  EXPECT_TRUE(toy.state.contains(d.id));
  StartReport rep;
  auto again = Start(&rep);
  EXPECT_TRUE(rep.from_snapshot);
  EXPECT_EQ(rep.replayed, 0u);
  EXPECT_EQ(again, Rebuilt());
}

TEST_P(KeeperStore, FollowLearnsAnotherWritersChangesWithoutWritingTheFile) {
  ASSERT_TRUE(s->Insert(test::PersonRecord("A")).ok());
  Toy toy(*s);
  Keeper k(*s, snap, toy.Describe("v1"));
  ASSERT_TRUE(k.Start().ok());
  const auto written_at = std::filesystem::last_write_time(snap);
  // Another process (another server on the same database) writes: this
  // process's listeners hear nothing, only the change log tells.
  std::unique_ptr<store::Store> other;
  ASSERT_TRUE(where->Open(&other).ok());
  Record b = test::PersonRecord("B");
  ASSERT_TRUE(other->Insert(b).ok());
  Record c = test::PersonRecord("C");
  ASSERT_TRUE(other->Insert(c).ok());
  ASSERT_TRUE(other->Insert(test::EventRecord(c, "anc_visit", "2026-07-03")).ok());
  size_t replayed = 0;
  ASSERT_TRUE(k.Follow(&replayed).ok());
  EXPECT_EQ(replayed, 2u);
  EXPECT_EQ(toy.state, Rebuilt());
  EXPECT_EQ(std::filesystem::last_write_time(snap), written_at) << "following writes no snapshot";
  ASSERT_TRUE(k.Follow(&replayed).ok());
  EXPECT_EQ(replayed, 0u) << "each position is replayed once";
  // The next checkpoint writes the file the follow left behind, and a start reads it as it is.
  bool written = false;
  ASSERT_TRUE(k.Checkpoint(&written).ok());
  EXPECT_TRUE(written);
  StartReport rep;
  EXPECT_EQ(Start(&rep), Rebuilt());
  EXPECT_TRUE(rep.from_snapshot);
  EXPECT_EQ(rep.replayed, 0u);
}

TEST_F(KeeperTest, FollowWithoutASnapshotPathStillReplays) {
  Toy toy(*s);
  Keeper k(*s, "", toy.Describe("v1"));
  ASSERT_TRUE(k.Start().ok());
  Record a = test::PersonRecord("A");
  ASSERT_TRUE(s->Insert(a).ok());
  ASSERT_TRUE(k.Follow().ok());
  EXPECT_TRUE(toy.state.contains(a.id));
}

TEST_P(KeeperStore, SnapshotsThatDoNotFitAreRebuilt) {
  ASSERT_TRUE(s->Insert(test::PersonRecord("A")).ok());
  StartReport rep;
  Start(&rep);
  int rebuilds = 0;
  Start(&rep, &rebuilds, "v2");
  EXPECT_FALSE(rep.from_snapshot);
  EXPECT_EQ(rep.rejected, "computed from other definitions");
  EXPECT_EQ(rebuilds, 1);

  // A flipped byte: refused by its checksum, rebuilt, same state.
  std::string bytes = test::ReadFile(snap);
  bytes[bytes.size() / 2] ^= 1;
  test::WriteFile(snap, bytes);
  auto fixed = Start(&rep, &rebuilds, "v2");
  EXPECT_FALSE(rep.from_snapshot);
  EXPECT_NE(rep.rejected.find("checksum"), std::string::npos) << rep.rejected;
  EXPECT_EQ(fixed, Rebuilt());
  Start(&rep, nullptr, "v2");
  EXPECT_TRUE(rep.from_snapshot) << "the rebuild wrote a good file";

  // A bulk load since the snapshot.
  Record p = test::PersonRecord("Bulk");
  {
    std::unique_ptr<store::BulkWriter> w;
    ASSERT_TRUE(s->OpenBulk(&w).ok());
    ASSERT_TRUE(w->Add(p).ok());
    ASSERT_TRUE(w->Commit().ok());
  }
  auto after_bulk = Start(&rep, &rebuilds, "v2");
  EXPECT_TRUE(rep.from_snapshot) << "a load into tables with records names its persons";
  EXPECT_EQ(rebuilds, 0);
  EXPECT_EQ(after_bulk, Rebuilt());

  // The snapshot of another database.
  test::TempDir other;
  test::TestStoreLocation other_where(Kind(), other.path());
  std::unique_ptr<store::Store> s2;
  ASSERT_TRUE(other_where.Open(&s2).ok());
  Toy toy(*s2);
  Keeper k(*s2, snap, toy.Describe("v2"));
  ASSERT_TRUE(k.Start(&rep).ok());
  EXPECT_FALSE(rep.from_snapshot);
  EXPECT_EQ(rep.rejected, "of another database");
  EXPECT_TRUE(toy.state.empty());
}

TEST_F(KeeperTest, AStateThatDoesNotDecodeIsRebuilt) {
  ASSERT_TRUE(s->Insert(test::PersonRecord("A")).ok());
  std::filesystem::create_directories(dir.File("engines"));
  std::unique_ptr<Writer> w;
  store::ChangeLogHead head;
  ASSERT_TRUE(s->ChangeHead(&head).ok());
  ASSERT_TRUE(Writer::Create(snap, Header{"toy", 1, "v1", head.db_id, head.seq}, &w).ok());
  ASSERT_TRUE(w->Section("state", "\x05").ok());  // checksums hold, contents do not decode
  ASSERT_TRUE(w->Commit().ok());
  StartReport rep;
  auto state = Start(&rep);
  EXPECT_FALSE(rep.from_snapshot);
  EXPECT_NE(rep.rejected.find("does not decode"), std::string::npos) << rep.rejected;
  EXPECT_EQ(state, Rebuilt());
}

U5_ON_BOTH_STORES(KeeperStore);

}  // namespace
}  // namespace u5::snapshot
