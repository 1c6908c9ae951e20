// The server's checkpoint rounds: each engine's step runs, the change log is
// trimmed to the oldest position any snapshot holds, the thread repeats on its
// interval, and Stop runs a last round only when the rounds had started;
// with a change waiter, follow rounds start when it wakes.
#include "snapshot/checkpointer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "store/change_waiter.h"
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

// A waiter that wakes when the test says so, and notes the positions it was asked about.
struct FakeWaiter : store::ChangeWaiter {
  std::mutex mu;
  std::condition_variable cv;
  int pending = 0;
  std::vector<int64_t> asked;
  Status Wait(int64_t after_seq, std::chrono::milliseconds timeout, bool* woken) override {
    std::unique_lock lock(mu);
    asked.push_back(after_seq);
    *woken = cv.wait_for(lock, timeout, [&] { return pending > 0; });
    if (*woken) --pending;
    return Status::Ok();
  }
  void Wake() {
    std::lock_guard lock(mu);
    ++pending;
    cv.notify_all();
  }
};

// With a waiter, a follow round runs when it wakes, not on the (hour-long)
// interval; it is asked about the position the last round reached; a stop
// does not wait out the interval.
TEST_F(CheckpointerTest, AWaiterStartsAFollowRoundWhenItWakes) {
  using namespace std::chrono_literals;
  std::atomic<int> follows{0};
  Checkpointer c(*s, {[](int64_t* seq) { *seq = 0; return Status::Ok(); }}, std::chrono::hours(1));
  c.SetFollow({[&](int64_t* seq) { ++follows; *seq = 7; return Status::Ok(); }}, std::chrono::hours(1));
  auto owned = std::make_unique<FakeWaiter>();
  FakeWaiter* waiter = owned.get();
  c.SetWaiter(std::move(owned));
  c.Start();
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(follows, 0) << "nothing woke the waiter and the interval is an hour";
  waiter->Wake();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (follows < 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(follows, 1) << "the wake started no round";
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(waiter->mu);
      if (!waiter->asked.empty() && waiter->asked.back() == 7) break;
    }
    std::this_thread::sleep_for(5ms);
  }
  {
    std::lock_guard lock(waiter->mu);
    EXPECT_EQ(waiter->asked.front(), 0);
    EXPECT_EQ(waiter->asked.back(), 7) << "the next wait is for what comes after the round's position";
  }
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.Stop().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s) << "a stop waited out the follow interval";
  EXPECT_EQ(follows, 1);
}

}  // namespace
}  // namespace u5::snapshot
