// The server's checkpoint rounds: each engine's step runs, the change log is
// trimmed to the oldest position any snapshot holds, the thread repeats on its
// interval, and Stop runs a last round only when the rounds had started.
#include "snapshot/checkpointer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/records.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::snapshot {
namespace {

struct CheckpointerTest : ::testing::Test {
  test::TempDir dir;
  std::unique_ptr<store::Store> s;
  void SetUp() override {
    ASSERT_TRUE(store::OpenSqliteStore(dir.File("t.db"), &s).ok());
    test::SeedMiniOrgUnits(dir.File("t.db"));
  }
  int64_t AddPerson() {
    store::Record r = test::PersonRecord("a");
    EXPECT_TRUE(s->Insert(r).ok());
    store::ChangeLogHead h;
    EXPECT_TRUE(s->ChangeHead(&h).ok());
    return h.seq;
  }
};

TEST_F(CheckpointerTest, ARoundTrimsTheLogToTheOldestSnapshot) {
  const int64_t first = AddPerson(), second = AddPerson();
  AddPerson();
  std::atomic<int> calls{0};
  Checkpointer c(*s, {[&](int64_t* seq) { ++calls; *seq = second; return Status::Ok(); },
                      [&](int64_t* seq) { ++calls; *seq = first; return Status::Ok(); }},
                 std::chrono::hours(1));
  ASSERT_TRUE(c.Round().ok());
  EXPECT_EQ(calls, 2);
  store::ChangesAfter changed;
  ASSERT_TRUE(s->ChangedSince(first - 1, &changed).ok());
  EXPECT_TRUE(changed.everything) << "rows up to the oldest snapshot are dropped";
  ASSERT_TRUE(s->ChangedSince(first, &changed).ok());
  EXPECT_FALSE(changed.everything);
  EXPECT_EQ(changed.persons.size(), 2u) << "rows after it stay";
}

TEST_F(CheckpointerTest, RunsOnItsIntervalAndOnceMoreAtStop) {
  std::atomic<int> calls{0};
  Checkpointer c(*s, {[&](int64_t* seq) { ++calls; *seq = 0; return Status::Ok(); }}, std::chrono::milliseconds(10));
  c.Start();
  while (calls < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(c.Stop().ok());
  const int after_stop = calls;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(calls, after_stop) << "no round after Stop";
  EXPECT_TRUE(c.Stop().ok()) << "a second Stop does nothing";
  EXPECT_EQ(calls, after_stop);

  std::atomic<int> never{0};
  Checkpointer idle(*s, {[&](int64_t* seq) { ++never; *seq = 0; return Status::Ok(); }}, std::chrono::milliseconds(10));
  ASSERT_TRUE(idle.Stop().ok());
  EXPECT_EQ(never, 0) << "never started: the engines were not built, nothing to save";
}

TEST_F(CheckpointerTest, FollowRoundsRunBetweenCheckpoints) {
  std::atomic<int> checkpoints{0}, follows{0};
  Checkpointer c(*s, {[&](int64_t* seq) { ++checkpoints; *seq = 0; return Status::Ok(); }}, std::chrono::hours(1));
  c.SetFollow({[&](int64_t* seq) { ++follows; *seq = 0; return Status::Ok(); }}, std::chrono::milliseconds(5));
  c.Start();
  while (follows < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(checkpoints, 0) << "the checkpoint interval has not passed";
  ASSERT_TRUE(c.Stop().ok());
  EXPECT_EQ(checkpoints, 1) << "the last round at stop is a checkpoint";
}

TEST_F(CheckpointerTest, AFailedStepIsReturnedAndNothingIsTrimmed) {
  const int64_t first = AddPerson();
  AddPerson();
  Checkpointer c(*s, {[&](int64_t* seq) { *seq = first + 1; return Status::Ok(); },
                      [](int64_t*) { return Status::Internal("disk full"); }},
                 std::chrono::hours(1));
  EXPECT_EQ(c.Round().code(), Code::internal);
  store::ChangesAfter changed;
  ASSERT_TRUE(s->ChangedSince(0, &changed).ok());
  EXPECT_FALSE(changed.everything);
  EXPECT_EQ(changed.persons.size(), 2u);
}

}  // namespace
}  // namespace u5::snapshot
