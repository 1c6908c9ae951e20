// Every target of the five plans is evaluated or reported not computable with
// a reason; the evaluation arithmetic is checked on made-up series.
#include <gtest/gtest.h>

#include <set>

#include "lai_chau.h"

namespace u5::test {
namespace {

using indicator::AnnualValue;
using indicator::TargetEval;

const Date kAsOf = *ParseDate("2026-11-26");

class Plans : public OnEachStore {};

TEST_P(Plans, AllEightyFourTargetsAreEvaluated) {
  Population pop(GetParam());
  BuildLaiChau(pop);
  auto& svc = pop.service();
  const std::set<std::string> statuses = {"achieved", "on_track", "at_risk", "off_track", "not_computable"};
  std::map<std::string, size_t> per_plan;
  size_t total = 0, not_computable = 0, with_value = 0;
  for (const auto& plan : svc.catalogue().plans()) {
    std::vector<TargetEval> es;
    ASSERT_TRUE(svc.Evaluate(plan.id, "", std::nullopt, kAsOf, &es).ok()) << plan.id;
    per_plan[plan.id] = es.size();
    for (const auto& e : es) {
      ++total;
      EXPECT_TRUE(statuses.count(e.status)) << plan.id << " " << e.target.indicator << " " << e.status;
      EXPECT_FALSE(e.reason.empty()) << plan.id << " " << e.target.indicator;
      EXPECT_EQ(e.orgunit, plan.orgunit);
      if (e.status == "not_computable") ++not_computable;
      else {
        ++with_value;
        EXPECT_TRUE(e.value.has_value());
      }
    }
  }
  EXPECT_EQ(total, 84u);  // the provinces' 77, the six of Decision 1493 (national_1493_2030), Bắc Giang's implied review target
  EXPECT_EQ(per_plan["lai_chau_u5_2030"], 32u);
  EXPECT_EQ(per_plan["bac_giang_mnch_2025"], 25u);  // 24 printed + maternal_death_review_coverage 100 % (implied)
  EXPECT_EQ(per_plan["hai_phong_u5_2026_2030"], 21u);
  EXPECT_EQ(per_plan["bac_kan_ct06_2024"], 0u);
  EXPECT_EQ(per_plan["son_la_ct17_2025"], 0u);
  EXPECT_EQ(per_plan["national_1493_2030"], 6u);
  EXPECT_EQ(total, not_computable + with_value);
  EXPECT_GT(with_value, 0u);  // the Lai Châu records give values for Lai Châu's targets
}

TEST_P(Plans, LaiChauTargetsAgainstTheHandBuiltRecords) {
  Population pop(GetParam());
  BuildLaiChau(pop);
  std::vector<TargetEval> es;
  ASSERT_TRUE(pop.service().Evaluate("lai_chau_u5_2030", "", std::nullopt, kAsOf, &es).ok());
  auto find = [&](const std::string& ind, int year) -> const TargetEval& {
    for (const auto& e : es)
      if (e.target.indicator == ind && e.target.year == year) return e;
    throw std::runtime_error("no target " + ind);
  };
  // 2025 is over on the as-of date: neonatal 2/4 live births = 500 per mille, target < 6.
  const TargetEval& nmr = find("neonatal_mortality_rate", 2025);
  EXPECT_EQ(nmr.status, "off_track");
  EXPECT_DOUBLE_EQ(*nmr.value, 500);
  EXPECT_DOUBLE_EQ(*nmr.gap, 494);
  // EENC 3/4 = 75% >= 70%: achieved in 2025.
  EXPECT_EQ(find("early_essential_newborn_care", 2025).status, "achieved");
  // Survey indicators have no entered value: not computable, with the reason.
  const TargetEval& survey = find("caregiver_knows_newborn_danger_signs", 2025);
  EXPECT_EQ(survey.status, "not_computable");
  EXPECT_NE(survey.reason.find("survey"), std::string::npos);
  // "Increase 15% vs 2020" without a 2020 value.
  const TargetEval& ebf = find("exclusive_breastfeeding_under6m", 2025);
  EXPECT_EQ(ebf.status, "not_computable");
  EXPECT_NE(ebf.reason.find("2020"), std::string::npos);
}

TEST_P(Plans, RelativeIncreaseUsesTheEnteredBaseline) {
  Population pop(GetParam());
  auto& svc = pop.service();
  for (auto [period, value] : {std::pair{"2020", 40.0}, {"2025", 47.0}}) {
    indicator::EnteredValue v;
    v.element = "exclusive_breastfeeding_under6m";
    v.orgunit = "12";
    v.period = period;
    v.source = "survey";
    v.value = value;
    ASSERT_TRUE(svc.PutValue(v, test::ByUser("tinh")).ok());
  }
  std::vector<TargetEval> es;
  ASSERT_TRUE(svc.Evaluate("lai_chau_u5_2030", "", 2025, kAsOf, &es).ok());
  for (const auto& e : es) {
    if (e.target.indicator != "exclusive_breastfeeding_under6m") continue;
    // A02: +15% is relative: 40 x 1.15 = 46; 47 meets it.
    EXPECT_DOUBLE_EQ(*e.threshold, 46);
    EXPECT_EQ(e.status, "achieved");
    EXPECT_EQ(e.provenance, "survey");
  }
}

TEST_P(Plans, EditedTargetReplacesThePrintedOne) {
  Population pop(GetParam());
  BuildLaiChau(pop);
  auto& svc = pop.service();
  indicator::Target t;
  t.plan = "lai_chau_u5_2030";
  t.indicator = "neonatal_mortality_rate";
  t.year = 2025;
  t.op = "<";
  t.value = 600;
  ASSERT_TRUE(svc.PutTarget(t, "test", test::ByUser("tinh")).ok());
  std::vector<TargetEval> es;
  ASSERT_TRUE(svc.Evaluate("lai_chau_u5_2030", "", 2025, kAsOf, &es).ok());
  bool seen = false;
  for (const auto& e : es)
    if (e.target.indicator == "neonatal_mortality_rate") {
      seen = true;
      EXPECT_DOUBLE_EQ(e.target.value, 600);
      EXPECT_EQ(e.status, "achieved");  // 500 < 600
    }
  EXPECT_TRUE(seen);
  t.op = "about";
  EXPECT_FALSE(svc.PutTarget(t, "test", test::ByUser("tinh")).ok());
}

U5_ON_BOTH_STORES(Plans);

// Evaluation arithmetic on a made-up annual series.
TargetEval Eval(const std::string& ind, const std::string& op, double value, int year, std::map<int, double> series,
                Date as_of = kAsOf) {
  indicator::Target t;
  t.plan = "p";
  t.indicator = ind;
  t.op = op;
  t.value = value;
  t.year = year;
  return indicator::EvaluateTarget(indicator::Catalogue::Builtin(), t, "12", as_of, [&](const std::string&, int y) {
    AnnualValue a;
    if (series.count(y)) a.value = series[y], a.provenance = "computed_from_registry";
    else a.reason = "no data";
    return a;
  });
}

TEST(Evaluate, LeastSquaresProjectionAndStatus) {
  // U5MR 32.7 (2022) falling 2.22 a year: 30.48 (2023), 28.26 (2024), 26.04 (2025), 23.82 (2026).
  std::map<int, double> falling = {{2022, 32.7}, {2023, 30.48}, {2024, 28.26}, {2025, 26.04}, {2026, 23.82}};
  TargetEval e = Eval("under5_mortality_rate", "<", 15, 2030, falling);
  EXPECT_NEAR(*e.slope, -2.22, 1e-9);
  EXPECT_NEAR(*e.projected, 23.82 - 4 * 2.22, 1e-9);  // 14.94 < 15
  EXPECT_EQ(e.status, "on_track");
  EXPECT_NEAR(*e.required_per_year, (15 - 23.82) / 4, 1e-9);
  EXPECT_EQ(Eval("under5_mortality_rate", "<", 14, 2030, falling).status, "off_track");
  // Meets now but the trend leaves it.
  EXPECT_EQ(Eval("facility_delivery", ">=", 90, 2030, {{2025, 95}, {2026, 92}}).status, "at_risk");
  // Past target year: achieved or not.
  EXPECT_EQ(Eval("facility_delivery", ">", 99, 2024, {{2024, 99.5}}).status, "achieved");
  EXPECT_EQ(Eval("facility_delivery", ">", 99, 2024, {{2024, 99.0}}).status, "off_track");
  EXPECT_EQ(Eval("facility_delivery", ">", 99, 2024, {{2023, 99.5}}).status, "not_computable");
  // One point, no trend.
  EXPECT_EQ(Eval("facility_delivery", ">=", 90, 2030, {{2026, 80}}).status, "at_risk");
  // "=" 100 for a higher-is-better indicator means reaching 100.
  EXPECT_EQ(Eval("communes_u5_target_in_sedp", "=", 100, 2024, {{2024, 100}}).status, "achieved");
  // Reduce by points against a baseline year.
  indicator::Target t;
  t.indicator = "under5_mortality_rate";
  t.op = "reduce_by_points";
  t.value = 5;
  t.year = 2025;
  t.baseline_year = 2022;
  auto fn = [&](const std::string&, int y) {
    AnnualValue a;
    if (falling.count(y)) a.value = falling[y];
    return a;
  };
  TargetEval r = indicator::EvaluateTarget(indicator::Catalogue::Builtin(), t, "12", kAsOf, fn);
  EXPECT_NEAR(*r.threshold, 27.7, 1e-9);
  EXPECT_EQ(r.status, "achieved");  // 26.04 <= 27.7
}

}  // namespace
}  // namespace u5::test
