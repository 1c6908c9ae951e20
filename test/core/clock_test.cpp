#include "core/clock.h"

#include <gtest/gtest.h>

namespace u5 {
namespace {

using namespace std::chrono_literals;

TEST(Clock, FakeStandsStillUntilMoved) {
  const Clock::time_point start = std::chrono::sys_days{std::chrono::year{2026} / 12 / 6} + 9h;
  FakeClock clock(start);
  EXPECT_EQ(clock.Now(), start);
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(15min);
  EXPECT_EQ(clock.Now(), start + 15min);
  clock.Set(start - 1h);
  EXPECT_EQ(clock.Now(), start - 1h);
}

TEST(Clock, SystemMovesForward) {
  const Clock& system = Clock::System();
  const auto a = system.Now();
  EXPECT_LE(a, system.Now());
  EXPECT_GT(a.time_since_epoch(), std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}.time_since_epoch());
}

}  // namespace
}  // namespace u5
