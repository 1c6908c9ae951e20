// Rounding as anthro / R does it.

#include <gtest/gtest.h>

#include <cmath>

#include "growth/lms.h"
#include "growth/rounding.h"

using namespace u5::growth;

TEST(Rounding, AgeDaysHalfUp) {  // anthro utils.R round_up
  EXPECT_EQ(round_age_days(0.0), 0);
  EXPECT_EQ(round_age_days(100.49), 100);
  EXPECT_EQ(round_age_days(100.5), 101);
  EXPECT_EQ(round_age_days(730.5), 731);
  EXPECT_EQ(round_age_days(1826.2), 1826);
  EXPECT_EQ(round_age_days(273.9375), 274);
}

// R >= 4.0.0 round(x, digits): the nearer of the two decimal candidates,
// judged on the binary value of x (0.15 is 0.1499999..., so 0.1); exact
// ties go to the even digit. Also 2-decimal values near the flag limits.
TEST(Rounding, LikeR) {
  EXPECT_EQ(r_round(0.15, 1), 0.1);
  EXPECT_EQ(r_round(0.25, 1), 0.2);
  EXPECT_EQ(r_round(0.35, 1), 0.3);
  EXPECT_EQ(r_round(2.675, 2), 2.67);
  EXPECT_EQ(r_round(5.004, 2), 5.0);
  EXPECT_EQ(r_round(5.006, 2), 5.01);
  EXPECT_EQ(r_round(-5.006, 2), -5.01);
  EXPECT_EQ(r_round(-6.004, 2), -6.0);
  EXPECT_EQ(r_round(0.125, 2), 0.12);  // exact tie -> even
  EXPECT_EQ(r_round(0.375, 2), 0.38);  // exact tie -> even
  EXPECT_EQ(r_round(-0.125, 2), -0.12);
  EXPECT_EQ(r_round(1.005, 2), 1.0);   // 1.005 is 1.00499999999999989...
  EXPECT_EQ(r_round(-3.2870160211512323, 2), -3.29);
  const double zero = r_round(-0.001, 2);
  EXPECT_EQ(zero, 0.0);
  EXPECT_FALSE(std::signbit(zero));
  EXPECT_TRUE(std::isnan(r_round(std::nan(""), 2)));
}

TEST(Lms, ZeroLUsesLog) {
  const Lms p{0.0, 10.0, 0.1};
  EXPECT_NEAR(lms_z(10.0 * std::exp(0.2), p), 2.0, 1e-12);
  EXPECT_NEAR(lms_value(p, -1.0), 10.0 * std::exp(-0.1), 1e-12);
}

TEST(Lms, RestrictedIsLinearBeyondThree) {
  const Lms p{-0.3521, 2.441, 0.09182};
  const double sd3 = lms_value(p, 3), sd2 = lms_value(p, 2);
  EXPECT_NEAR(lms_z_restricted(sd3 + (sd3 - sd2), p), 4.0, 1e-12);
  EXPECT_NEAR(lms_z_restricted(sd3 + 2.5 * (sd3 - sd2), p), 5.5, 1e-12);
  const double n3 = lms_value(p, -3), n2 = lms_value(p, -2);
  EXPECT_NEAR(lms_z_restricted(n3 - (n2 - n3), p), -4.0, 1e-12);
  // Inside +-3 SD both methods agree.
  EXPECT_NEAR(lms_z_restricted(lms_value(p, 1.7), p), 1.7, 1e-12);
  // Beyond, the plain formula differs.
  EXPECT_GT(std::fabs(lms_z(sd3 + (sd3 - sd2), p) - 4.0), 0.01);
}
