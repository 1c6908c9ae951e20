// Login throttling with a hand-moved clock: growing delays per (user name,
// address), a high limit per address, a per-user-name limit that binds only
// addresses that have failed, and atomic reservation of attempts.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "auth/throttle.h"

namespace u5::auth {
namespace {

// One login attempt that fails; the wait when it was refused, else 0.
int64_t Fail(LoginThrottle& t, const std::string& user, const std::string& remote, int64_t now) {
  LoginThrottle::Attempt a;
  const int64_t wait = t.Begin(user, remote, now, &a);
  if (wait == 0) a.Failed(now);
  return wait;
}

int64_t Succeed(LoginThrottle& t, const std::string& user, const std::string& remote, int64_t now) {
  LoginThrottle::Attempt a;
  const int64_t wait = t.Begin(user, remote, now, &a);
  if (wait == 0) a.Succeeded(now);
  return wait;
}

TEST(Throttle, PairDelaysDoubleAfterTheFreeFailures) {
  LoginThrottle t;  // 3 free, then 1 s, 2 s, 4 s, ...
  int64_t now = 1'000'000;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Fail(t, "an", "10.0.0.1", now), 0) << i;
  EXPECT_EQ(Fail(t, "an", "10.0.0.1", now), 1000);
  now += 1000;
  EXPECT_EQ(Fail(t, "an", "10.0.0.1", now), 0);
  EXPECT_EQ(Fail(t, "an", "10.0.0.1", now + 1999), 1);
  now += 2000;
  EXPECT_EQ(Fail(t, "an", "10.0.0.1", now), 0);
  EXPECT_EQ(Fail(t, "an", "10.0.0.1", now), 4000);
  // Other pairs are not slowed: the same user elsewhere, another user here.
  EXPECT_EQ(Succeed(t, "an", "10.0.0.2", now), 0);
  EXPECT_EQ(Succeed(t, "binh", "10.0.0.1", now), 0);
}

TEST(Throttle, DelayIsCapped) {
  ThrottleOptions o;
  o.pair_max_delay_ms = 60000;
  o.address_max = o.user_max = 1000;
  LoginThrottle t(o);
  int64_t now = 0;
  for (int failed = 0; failed < 30;) {
    const int64_t wait = Fail(t, "an", "10.0.0.1", now);
    EXPECT_LE(wait, 60000);
    if (wait == 0) ++failed;
    now += wait;
  }
  EXPECT_EQ(Fail(t, "an", "10.0.0.1", now), 60000);
}

TEST(Throttle, SuccessFromThePairResetsIt) {
  LoginThrottle t;
  int64_t now = 5000;
  for (int i = 0; i < 3; ++i) Fail(t, "an", "10.0.0.1", now);
  EXPECT_GT(Succeed(t, "an", "10.0.0.1", now), 0);  // the pair waits, even with the right password
  now += 1000;
  EXPECT_EQ(Succeed(t, "an", "10.0.0.1", now), 0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Fail(t, "an", "10.0.0.1", now), 0) << i;  // free failures again
}

TEST(Throttle, QuietPairIsForgotten) {
  LoginThrottle t;
  int64_t now = 0;
  for (int i = 0; i < 3; ++i) Fail(t, "an", "10.0.0.1", now);
  EXPECT_EQ(Fail(t, "an", "10.0.0.1", now), 1000);
  now += 61 * 60 * 1000;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Fail(t, "an", "10.0.0.1", now), 0) << i;
}

// The first case: five wrong passwords for a user from one address
// must not refuse the real user's correct login from another address.
TEST(Throttle, FailuresElsewhereNeverRefuseACleanAddress) {
  LoginThrottle t;
  int64_t now = 0;
  for (int i = 0; i < 200; ++i) {
    now += Fail(t, "an", "10.0.0.1", now);
    Fail(t, "an", "10.0.0.1", now);
  }
  EXPECT_EQ(Succeed(t, "an", "10.9.9.9", now), 0);
  // A distributed guess: each address one failure. A clean address still gets in.
  for (int i = 0; i < 100; ++i) Fail(t, "binh", "172.16.0." + std::to_string(i), now);
  EXPECT_EQ(Succeed(t, "binh", "10.8.8.8", now), 0);
}

// ...while addresses that have failed are slowed by the user name's limit.
TEST(Throttle, UserLimitBindsAddressesThatFailed) {
  LoginThrottle t;  // user_max 10 in 15 min
  const int64_t now = 100'000;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Fail(t, "binh", "172.16.0." + std::to_string(i), now + i), 0) << i;
  EXPECT_EQ(Fail(t, "binh", "172.16.0.3", now + 20), 15 * 60 * 1000 - 20);  // that address failed before
  // An address that failed for another user name is not clean either.
  Fail(t, "chi", "172.16.1.1", now);
  EXPECT_GT(Fail(t, "binh", "172.16.1.1", now + 20), 0);
  EXPECT_EQ(Fail(t, "binh", "172.16.2.2", now + 20), 0);  // a clean address is let through
  // The window passes.
  EXPECT_EQ(Fail(t, "binh", "172.16.0.3", now + 15 * 60 * 1000 + 20), 0);
}

// The second case: one NAT address for a whole health station.
TEST(Throttle, ManyUsersBehindOneAddress) {
  LoginThrottle t;  // address_max 50 in 15 min
  const int64_t now = 100'000;
  for (int i = 0; i < 5; ++i) Fail(t, "cw" + std::to_string(i), "203.0.113.7", now);
  EXPECT_EQ(Succeed(t, "cw9", "203.0.113.7", now), 0);
  for (int i = 5; i < 50; ++i) EXPECT_EQ(Fail(t, "user" + std::to_string(i), "203.0.113.7", now + i), 0) << i;
  // Fifty failures from the address within 15 minutes: it waits, whoever it is.
  EXPECT_EQ(Succeed(t, "cw9", "203.0.113.7", now + 100), 15 * 60 * 1000 - 100);
  EXPECT_EQ(Succeed(t, "cw9", "203.0.113.8", now + 100), 0);
}

TEST(Throttle, SuccessTakesBackItsOwnPairsFailures) {
  LoginThrottle t;
  int64_t now = 0;
  // A user mistypes at the station, then gets it right: those failures are
  // no longer counted against the address or the user name.
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 3; ++i) ASSERT_EQ(Fail(t, "an", "203.0.113.7", now), 0) << round;
    ASSERT_EQ(Fail(t, "an", "203.0.113.7", now), 1000);
    now += 1000;
    ASSERT_EQ(Succeed(t, "an", "203.0.113.7", now), 0) << round;
  }
}

TEST(Throttle, AttemptsInFlightCountAsFailures) {
  LoginThrottle t;
  std::vector<LoginThrottle::Attempt> held(3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(t.Begin("an", "10.0.0.1", 0, &held[i]), 0) << i;
  LoginThrottle::Attempt fourth;
  EXPECT_EQ(t.Begin("an", "10.0.0.1", 0, &fourth), 1000);
  // Released without a verdict (a server error): no failure is counted, so
  // after the delay the pair has its free attempts again.
  held.clear();
  for (int i = 0; i < 3; ++i) {
    LoginThrottle::Attempt a;
    EXPECT_EQ(t.Begin("an", "10.0.0.1", 1000, &a), 0) << i;
  }
}

TEST(Throttle, ConcurrentGuessesAreCountedAtTheirStart) {
  ThrottleOptions o;
  o.pair_free = 1000;  // only the address limit decides here
  o.address_max = 5;
  LoginThrottle t(o);
  std::atomic<int> admitted{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  std::vector<LoginThrottle::Attempt> attempts(12);
  for (int i = 0; i < 12; ++i)
    threads.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      if (t.Begin("user" + std::to_string(i), "10.0.0.1", 0, &attempts[i]) == 0) ++admitted;
    });
  go = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(admitted, 5);
  for (auto& a : attempts) a.Failed(1);
  LoginThrottle::Attempt late;
  EXPECT_GT(t.Begin("another", "10.0.0.1", 2, &late), 0);
}

}  // namespace
}  // namespace u5::auth
