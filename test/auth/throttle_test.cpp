// Login throttling with a hand-moved clock: 5 failures a minute per user
// name or per address, then a wait until the oldest leaves the window.
#include <gtest/gtest.h>

#include "auth/throttle.h"

namespace u5::auth {
namespace {

TEST(Throttle, FiveFailuresPerUserThenWait) {
  LoginThrottle t(5, 60000);
  int64_t now = 1'000'000;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(t.RetryAfterMs("an", "10.0.0." + std::to_string(i), now), 0);
    t.RecordFailure("an", "10.0.0." + std::to_string(i), now);
    now += 1000;
  }
  // The first failure was at 1'000'000; it leaves the window at 1'060'000.
  EXPECT_EQ(t.RetryAfterMs("an", "10.0.0.99", now), 1'060'000 - now);
  EXPECT_EQ(t.RetryAfterMs("binh", "10.0.0.99", now), 0);  // other users are not blocked
  EXPECT_EQ(t.RetryAfterMs("an", "10.0.0.99", 1'060'000), 0);
}

TEST(Throttle, PerAddressAcrossUsers) {
  LoginThrottle t(5, 60000);
  for (int i = 0; i < 5; ++i) t.RecordFailure("user" + std::to_string(i), "10.1.1.1", 1000 + i);
  EXPECT_GT(t.RetryAfterMs("someone-else", "10.1.1.1", 2000), 0);
  EXPECT_EQ(t.RetryAfterMs("someone-else", "10.1.1.2", 2000), 0);
}

TEST(Throttle, SuccessClearsTheUserButNotTheAddress) {
  LoginThrottle t(5, 60000);
  for (int i = 0; i < 4; ++i) t.RecordFailure("an", "10.0.0.1", 1000);
  t.RecordSuccess("an");
  t.RecordFailure("an", "10.0.0.2", 1000);
  EXPECT_EQ(t.RetryAfterMs("an", "10.0.0.2", 1001), 0);
  t.RecordFailure("x", "10.0.0.1", 1000);
  EXPECT_GT(t.RetryAfterMs("y", "10.0.0.1", 1001), 0);
}

}  // namespace
}  // namespace u5::auth
