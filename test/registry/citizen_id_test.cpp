#include <gtest/gtest.h>

#include "registry/citizen_id.h"

namespace u5::registry {
namespace {

TEST(CitizenId, Valid) {
  const Date b1996 = *ParseDate("1996-04-12");
  const Date b2025 = *ParseDate("2025-12-05");
  EXPECT_EQ(CheckCitizenId("012196000123", &b1996, "female"), "");  // Hà Nội, 1900s female, 96
  EXPECT_EQ(CheckCitizenId("012096000123", &b1996, "male"), "");
  EXPECT_EQ(CheckCitizenId("012225000001", &b2025, "male"), "");    // 2000s male
  EXPECT_EQ(CheckCitizenId("079325999999", &b2025, "female"), "");  // TP HCM, 2000s female
  EXPECT_EQ(CheckCitizenId("001196000123", nullptr, ""), "");       // no cross-check asked
}

TEST(CitizenId, Invalid) {
  const Date b1996 = *ParseDate("1996-04-12");
  EXPECT_NE(CheckCitizenId("01219600012", &b1996, "female"), "");    // 11 digits
  EXPECT_NE(CheckCitizenId("0121960001234", &b1996, "female"), "");  // 13 digits
  EXPECT_NE(CheckCitizenId("01219600012a", &b1996, "female"), "");
  EXPECT_NE(CheckCitizenId("012 96000123", &b1996, "female"), "");
  EXPECT_NE(CheckCitizenId("", &b1996, "female"), "");
  EXPECT_NE(CheckCitizenId("999196000123", &b1996, "female"), "");   // no province 999
  EXPECT_NE(CheckCitizenId("003196000123", &b1996, "female"), "");   // 003 is not a province code
  EXPECT_NE(CheckCitizenId("012195000123", &b1996, "female"), "");   // year 95
  EXPECT_NE(CheckCitizenId("012396000123", &b1996, "female"), "");   // 2096
  EXPECT_NE(CheckCitizenId("012096000123", &b1996, "female"), "");   // encodes male
  EXPECT_NE(CheckCitizenId("012196000123", &b1996, "male"), "");     // encodes female
}

TEST(CitizenId, ReasonNamesTheProblem) {
  const Date b1996 = *ParseDate("1996-04-12");
  EXPECT_NE(CheckCitizenId("012195000123", &b1996, "female").find("1995"), std::string::npos);
  EXPECT_NE(CheckCitizenId("999196000123", &b1996, "female").find("province"), std::string::npos);
}

}  // namespace
}  // namespace u5::registry
