// Issue 19 item 11: the targets of Decision 1493/QĐ-TTg as a national plan
// that applies to every province, so provinces whose own documents carry no
// numbers (Sơn La, Bắc Kạn) are evaluated too; only the ministry edits it.
#include <gtest/gtest.h>

#include "indicator/http_routes.h"
#include "lai_chau_http.h"
#include "population.h"

namespace u5::test {
namespace {

using nlohmann::json;

constexpr const char* kPlan = "national_1493_2030";
const Date kAsOf = DateFromYmd(2026, 3, 1);  // 2025 is over: its targets are achieved or off_track

// Sơn La (14): five live births in 2025 and no death. Bắc Kạn (pre2025:06): two
// live births in 2025 under a 2025 commune of Thái Nguyên that took in old
// Bắc Kạn communes (A27), and one neonatal death.
void Build(Population& pop) {
  struct Birth {
    const char* woman;
    const char* commune;
    int live;
  };
  for (const Birth& b : {Birth{"SL", "03646", 5}, Birth{"BK", "01840", 2}}) {
    pop.Person(b.woman, "female", "1994-02-01", b.commune);
    pop.Event(std::string(b.woman) + "p", "pregnancy", b.woman, "2024-09-01", b.commune, {{"lmp", "2024-06-10"}});
    pop.Event(std::string(b.woman) + "d", "delivery", b.woman, "2025-03-10", b.commune,
              {{"pregnancy_id", std::string(b.woman) + "p"}, {"delivered_at", "2025-03-10T09:00:00+07:00"},
               {"place", "facility"}, {"attendant", "midwife"}, {"live_births", b.live}});
  }
  pop.Person("BK1", "male", "2025-03-10", "01840", {{"mother_id", "BK"}});
  pop.Event("BK1x", "death", "BK1", "2025-03-13", "01840", {{"cause_category", "prematurity"}, {"reviewed", true}});
}

class NationalPlan : public OnEachStore {};

TEST_P(NationalPlan, EveryProvinceIsEvaluatedAgainstThe1493Targets) {
  Population pop(GetParam());
  Build(pop);
  auto& svc = pop.service();
  const indicator::Plan* plan = svc.catalogue().FindPlan(kPlan);
  ASSERT_NE(plan, nullptr);
  EXPECT_TRUE(plan->national());
  EXPECT_EQ(plan->orgunit, "VN");
  // The printed wording: neonatal "giảm xuống" 9 and 8 (<=), the others "dưới" (<).
  const std::map<std::pair<std::string, int>, std::pair<std::string, double>> targets = {
      {{"neonatal_mortality_rate", 2025}, {"<=", 9}},  {{"neonatal_mortality_rate", 2030}, {"<=", 8}},
      {{"infant_mortality_rate", 2025}, {"<", 12.5}},  {{"infant_mortality_rate", 2030}, {"<", 10}},
      {{"under5_mortality_rate", 2025}, {"<", 18.5}}, {{"under5_mortality_rate", 2030}, {"<", 15}}};
  ASSERT_EQ(plan->targets.size(), targets.size());
  for (const auto& t : plan->targets) {
    EXPECT_EQ(targets.at({t.indicator, t.year}), std::make_pair(t.op, t.value)) << t.indicator << " " << t.year;
    EXPECT_FALSE(t.printed.empty());
  }
  struct Row {
    const char* orgunit;
    int64_t deaths, births;
    const char* status;
  };
  for (const Row& r : {Row{"14", 0, 5, "achieved"}, Row{"pre2025:06", 1, 2, "off_track"}, Row{"19", 1, 2, "off_track"}}) {
    std::vector<indicator::TargetEval> es;
    ASSERT_TRUE(svc.Evaluate(kPlan, r.orgunit, 2025, kAsOf, &es).ok()) << r.orgunit;
    ASSERT_EQ(es.size(), 3u) << r.orgunit;
    for (const auto& e : es) {
      EXPECT_EQ(e.orgunit, r.orgunit);
      EXPECT_EQ(e.status, r.status) << r.orgunit << " " << e.target.indicator << ": " << e.reason;
      EXPECT_EQ(e.num, r.deaths) << r.orgunit << " " << e.target.indicator;
      EXPECT_EQ(e.den, r.births) << r.orgunit << " " << e.target.indicator;
    }
  }
  // The province's own directives still have no targets (A10): the national plan is what they get.
  std::vector<indicator::TargetEval> own;
  ASSERT_TRUE(svc.Evaluate("son_la_ct17_2025", "14", std::nullopt, kAsOf, &own).ok());
  EXPECT_TRUE(own.empty());
}

U5_ON_BOTH_STORES(NationalPlan);

class NationalPlanHttp : public PopulationHttp {
 protected:
  void SetUp() override {
    Build(pop_);
    indicator::Service::Attach(pop_.store(), &pop_.service());
  }
  auth::Principal son_la_{"u1", "sl", "province_officer", {"14"}};
  auth::Principal ministry_{"u2", "bo", "ministry", {}};
  auth::Principal lai_chau_{"u3", "lc", "province_officer", {"12"}};
};

TEST_P(NationalPlanHttp, ListedEvaluatedAnywhereAndEditedOnlyByTheMinistry) {
  auto list = Call("GET", "/api/v1/plans", {}, son_la_);
  ASSERT_EQ(list.status, 200) << list.body;
  bool listed = false;
  const json plans = json::parse(list.body);  // named: iterating a temporary's member would dangle
  for (const auto& p : plans["items"])
    if (p["id"] == kPlan) listed = p["applies_to"] == "every_province";
  EXPECT_TRUE(listed) << list.body;

  // A province officer evaluates it for the province, by default their own.
  for (const std::map<std::string, std::string>& q : {std::map<std::string, std::string>{{"orgunit", "14"}, {"year", "2025"}, {"as_of", "2026-03-01"}},
                                                      std::map<std::string, std::string>{{"year", "2025"}, {"as_of", "2026-03-01"}}}) {
    auto r = Call("GET", std::string("/api/v1/plans/") + kPlan + "/evaluation", q, son_la_);
    ASSERT_EQ(r.status, 200) << r.body;
    json j = json::parse(r.body);
    EXPECT_EQ(j["orgunit"], "14");
    ASSERT_EQ(j["items"].size(), 3u);
    for (const auto& it : j["items"]) EXPECT_EQ(it["status"], "achieved") << it.dump();
  }
  // ... but not for another province.
  EXPECT_EQ(Call("GET", std::string("/api/v1/plans/") + kPlan + "/evaluation", {{"orgunit", "12"}}, son_la_).status, 403);

  const json edit = {{"indicator", "neonatal_mortality_rate"}, {"year", 2030}, {"op", "<="}, {"value", 7.5}, {"reason", "test"}};
  const std::string targets = std::string("/api/v1/plans/") + kPlan + "/targets";
  EXPECT_EQ(Call("PUT", targets, {}, son_la_, edit.dump()).status, 403);
  auto ok = Call("PUT", targets, {}, ministry_, edit.dump());
  EXPECT_EQ(ok.status, 200) << ok.body;
  // The ministry's plan.manage is for national targets only: not a province's plan, not entered values.
  EXPECT_EQ(Call("PUT", "/api/v1/plans/lai_chau_u5_2030/targets", {}, ministry_,
                 json{{"indicator", "neonatal_mortality_rate"}, {"year", 2030}, {"op", "<"}, {"value", 5}}.dump()).status,
            403);
  EXPECT_EQ(Call("PUT", "/api/v1/plans/lai_chau_u5_2030/targets", {}, lai_chau_,
                 json{{"indicator", "neonatal_mortality_rate"}, {"year", 2030}, {"op", "<"}, {"value", 5}, {"reason", "test"}}.dump()).status,
            200);
  EXPECT_EQ(Call("PUT", "/api/v1/indicator-values", {}, ministry_,
                 json{{"element", "population.under5_midyear"}, {"orgunit", "14"}, {"period", "2025"}, {"source", "estimate"}, {"value", 1000}}.dump())
                .status,
            403);
  std::vector<indicator::TargetEval> es;
  ASSERT_TRUE(pop_.service().Evaluate(kPlan, "14", 2030, kAsOf, &es).ok());
  bool edited = false;
  for (const auto& e : es)
    if (e.target.indicator == "neonatal_mortality_rate") edited = e.target.value == 7.5;
  EXPECT_TRUE(edited);
}

U5_ON_BOTH_STORES(NationalPlanHttp);

}  // namespace
}  // namespace u5::test
