// The periodic health check indicator (TT 23/2017: a check once a year for every
// child under five) is computed from health_check records over the entered
// under-5 population, so Hải Phòng's "> 95 %" target gets a verdict.
#include <gtest/gtest.h>

#include "population.h"

namespace u5::test {
namespace {

constexpr const char* kCommune = "10507";  // Phường Thành Đông, Hải Phòng (31)
const Date kAsOf = DateFromYmd(2026, 3, 1);

nlohmann::json Check(const char* conclusion = "healthy") { return {{"conclusion", conclusion}}; }

// C1 has two checks in 2025 and counts once; C2 and C3 one each (C3 at 56 months, five
// before the year ends); C4 none; C5 only in 2024.
void Build(Population& pop) {
  pop.Person("C1", "female", "2024-03-01", kCommune);
  pop.Event("C1a", "health_check", "C1", "2025-05-10", kCommune, Check());
  pop.Event("C1b", "health_check", "C1", "2025-10-01", kCommune, Check());
  pop.Person("C2", "male", "2021-06-01", kCommune);
  pop.Event("C2a", "health_check", "C2", "2025-04-01", kCommune, Check());
  pop.Person("C3", "male", "2020-06-01", kCommune);
  pop.Event("C3a", "health_check", "C3", "2025-02-01", kCommune, Check("needs_follow_up"));
  pop.Person("C4", "female", "2023-01-20", kCommune);
  pop.Person("C5", "female", "2022-08-01", kCommune);
  pop.Event("C5a", "health_check", "C5", "2024-09-01", kCommune, Check());
}

void EnterPopulation(Population& pop, double children) {
  indicator::EnteredValue v;
  v.element = "population.under5_midyear";
  v.orgunit = "31";
  v.period = "2025";
  v.source = "statistical_yearbook";
  v.value = children;
  ASSERT_TRUE(pop.service().PutValue(v, ByUser("hp")).ok());
}

class HealthCheckIndicator : public OnEachStore {};

TEST_P(HealthCheckIndicator, ChildrenCheckedOnceAYear) {
  Population pop(GetParam());
  Build(pop);
  EXPECT_EQ(pop.Body("C3a")["age_band"], "m48_59");
  indicator::Cell c = pop.Counts("periodic_health_check_under5", "31", "2025");
  EXPECT_EQ(c.num, 3) << "C1 once, C2, C3";
  EXPECT_EQ(pop.Counts("periodic_health_check_under5", "31", "2024").num, 1) << "C5";
  EXPECT_EQ(pop.Counts("periodic_health_check_under5", kCommune, "2025").num, 3);
}

TEST_P(HealthCheckIndicator, HaiPhongTargetGetsAVerdict) {
  Population pop(GetParam());
  Build(pop);
  auto eval = [&]() {
    std::vector<indicator::TargetEval> es;
    EXPECT_TRUE(pop.service().Evaluate("hai_phong_u5_2026_2030", "31", 2030, kAsOf, &es).ok());
    for (const auto& e : es)
      if (e.target.indicator == "periodic_health_check_under5") return e;
    ADD_FAILURE() << "no periodic_health_check_under5 target";
    return indicator::TargetEval{};
  };
  // Without the population the denominator is missing: no verdict yet, and the reason names it.
  indicator::TargetEval e = eval();
  EXPECT_EQ(e.status, "not_computable");
  EXPECT_NE(e.reason.find("population.under5_midyear"), std::string::npos) << e.reason;
  EXPECT_EQ(e.target.op, ">");
  EXPECT_EQ(e.target.value, 95);

  EnterPopulation(pop, 4);  // C1-C4 were under five at mid-year
  e = eval();
  EXPECT_NE(e.status, "not_computable") << e.reason;
  EXPECT_EQ(e.num, 3);
  EXPECT_EQ(e.den, 4);
  ASSERT_TRUE(e.value.has_value());
  EXPECT_DOUBLE_EQ(*e.value, 75.0);
  EXPECT_EQ(e.value_year, 2025);
  EXPECT_EQ(e.status, "at_risk") << e.reason;  // one year of data, below the target
}

U5_ON_BOTH_STORES(HealthCheckIndicator);

}  // namespace
}  // namespace u5::test
