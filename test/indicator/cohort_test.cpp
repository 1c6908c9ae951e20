// Birth-cohort immunization indicators (issue 19, items 3, 7 and 10): "before
// the first birthday" is the calendar birthday, the cohort is the children who
// reached it in the period, and an entered survey value is the value of a
// survey indicator everywhere it is shown.
#include <gtest/gtest.h>

#include "indicator/http_routes.h"
#include "lai_chau.h"
#include "report/model.h"
#include "report/template.h"

namespace u5::test {
namespace {

using nlohmann::json;

// One child of the cohort population: its full infant schedule (BCG at birth + 1
// day, DTP-HepB-Hib and OPV 1-3 at 2, 3 and 4 months, IPV at 5 months) unless
// `missing_opv3`, a measles-containing dose on `mcv` (none when empty), and a
// death on `died` (none when empty).
struct Child {
  const char* key;
  const char* sex;
  const char* birth;
  const char* orgunit;
  const char* mcv;
  const char* mcv_vaccine;
  bool missing_opv3;
  const char* died;
};

// 03390 (Xã Bình Lư) and 03388 (Phường Đoàn Kết) are communes of Lai Châu (12).
const Child kChildren[] = {
    // Born 10 Jan 2024: the first year holds 29 Feb and has 366 days. 9 Jan 2025
    // is day 365, the last day before the first birthday: counts ([0, 364] dropped it).
    {"K1", "female", "2024-01-10", "03390", "2025-01-09", "measles", false, ""},
    // The same birth date, the measles dose on the birthday itself: too late.
    {"K2", "male", "2024-01-10", "03390", "2025-01-10", "measles", false, ""},
    // Born 29 Feb 2024: 2025 has no 29 Feb, so 12 months are completed on 1 March
    // (as $age_months counts). 28 Feb 2025 (day 365) is before the birthday.
    {"K3", "female", "2024-02-29", "03388", "2025-02-28", "mr", false, ""},
    // ... and 1 March 2025 is the birthday: too late.
    {"K4", "male", "2024-02-29", "03388", "2025-03-01", "measles", false, ""},
    // Died before the first birthday (15 June 2025): not in the cohort.
    {"K5", "male", "2024-06-15", "03390", "", "", false, "2024-12-01"},
    // Completes the schedule at 9 months, dies on the first birthday: it reached
    // the birthday, so it stays in the cohort (and in the numerator).
    {"K6", "female", "2024-12-20", "03390", "2025-09-20", "mmr", false, "2025-12-20"},
    // Completed in 2024, first birthday in November 2024: the 2024 cohort.
    {"K7", "male", "2023-11-05", "03390", "2024-08-05", "measles", false, ""},
    // Measles at 9 months but no OPV dose 3: measles yes, fully immunized no.
    {"K8", "female", "2024-05-05", "03388", "2025-02-05", "measles", true, ""},
};

std::string Plus(const char* birth, int months, int days = 0) {
  return FormatDate(Date{AddMonths(*ParseDate(birth), months).days + days});
}

void BuildCohort(Population& pop) {
  for (const Child& c : kChildren) {
    pop.Person(c.key, c.sex, c.birth, c.orgunit);
    const std::string k = c.key;
    auto dose = [&](const std::string& name, const std::string& vaccine, int n, const std::string& date) {
      pop.Event(k + name, "immunization", k, date, c.orgunit, {{"vaccine", vaccine}, {"dose", n}});
    };
    dose("bcg", "bcg", 1, Plus(c.birth, 0, 1));
    for (int n = 1; n <= 3; ++n) {
      dose("dtp" + std::to_string(n), "dtp_hepb_hib", n, Plus(c.birth, n + 1));
      if (n < 3 || !c.missing_opv3) dose("opv" + std::to_string(n), "opv", n, Plus(c.birth, n + 1));
    }
    dose("ipv", "ipv", 1, Plus(c.birth, 5));
    if (*c.mcv) dose("mcv", c.mcv_vaccine, 1, c.mcv);
    if (*c.died) pop.Event(k + "x", "death", k, c.died, c.orgunit, {{"cause_category", "other"}});
  }
}

struct Expect {
  const char* indicator;
  const char* orgunit;
  const char* period;
  int64_t num, den;
  const char* why;
};

const Expect kExpect[] = {
    // Cohort 2025: K1, K2 (Jan), K3, K4 (1 Mar), K8 (May), K6 (Dec); K5 died before 15 June.
    {"full_immunization_under1", "12", "2025", 3, 6, "K1, K3, K6 complete before the birthday"},
    {"measles_before_1y", "12", "2025", 4, 6, "K1, K3 (MR), K6 (MMR), K8"},
    {"full_immunization_under1", "03390", "2025-01", 1, 2, "K1 day 365 counts, K2 on the birthday does not"},
    {"measles_before_1y", "03390", "2025-01", 1, 2, "the same bound for the measles indicator"},
    {"full_immunization_under1", "03388", "2025-02", 0, 0, "29 Feb births are not 12 months old on 28 Feb"},
    {"full_immunization_under1", "03388", "2025-03", 1, 2, "K3 (28 Feb counts), K4 (1 March is the birthday)"},
    {"full_immunization_under1", "03390", "2025-06", 0, 0, "K5 died before the birthday"},
    {"full_immunization_under1", "03390", "2025-12", 1, 1, "K6 died on the birthday: reached it"},
    {"full_immunization_under1", "03388", "2025-05", 0, 1, "K8 lacks OPV 3"},
    {"measles_before_1y", "03388", "2025-05", 1, 1, "K8 had measles"},
    {"full_immunization_under1", "12", "2024", 1, 1, "K7: the 2024 cohort, where it completed"},
    {"full_immunization_under1", "12", "2026", 0, 0, "no one reaches 12 months in 2026"},
};

class Cohort : public OnEachStore {};

TEST_P(Cohort, FirstBirthdayIsTheCalendarBirthdayAndTheCohortIsWhoReachedIt) {
  Population pop(GetParam());
  BuildCohort(pop);
  for (const Expect& e : kExpect) {
    const indicator::Cell c = pop.Counts(e.indicator, e.orgunit, e.period);
    EXPECT_EQ(c.num, e.num) << e.indicator << " " << e.orgunit << " " << e.period << ": " << e.why;
    EXPECT_EQ(c.den, e.den) << e.indicator << " " << e.orgunit << " " << e.period << ": " << e.why;
  }
}

// The numerator is a subset of the denominator: never above 100 %, in any unit
// or period (the old rule divided completions by the period's live births).
TEST_P(Cohort, NeverAboveOneHundredPercent) {
  Population pop(GetParam());
  BuildLaiChau(pop);  // deliveries in 2025, completions of children born in 2024
  BuildCohort(pop);
  for (const char* id : {"full_immunization_under1", "measles_before_1y"})
    for (const char* ou : {"12", "03390", "03388", "pre2025:106"})
      for (int y = 2023; y <= 2026; ++y)
        for (const std::string p : {std::to_string(y), std::to_string(y) + "S1", std::to_string(y) + "S2"}) {
          const indicator::Cell c = pop.Counts(id, ou, p);
          EXPECT_LE(c.num, c.den) << id << " " << ou << " " << p;
        }
  // C4 of the Lai Châu population (born 10 March 2025, complete on 10 Dec 2025)
  // is in the cohort of March 2026, filed under its old commune.
  EXPECT_EQ(pop.Counts("full_immunization_under1", "12", "2026-03").num, 1);
  EXPECT_EQ(pop.Counts("full_immunization_under1", "12", "2026-03").den, 1);
}

// A dose entered after the matrix is built moves the child into the numerator
// (the unit is the person's own records only, so the incremental path applies).
TEST_P(Cohort, ALateEntryIsCountedIncrementally) {
  Population pop(GetParam());
  BuildCohort(pop);
  EXPECT_EQ(pop.Counts("full_immunization_under1", "03388", "2025-05").num, 0);
  pop.Event("K8opv3", "immunization", "K8", "2024-09-05", "03388", {{"vaccine", "opv"}, {"dose", 3}});
  EXPECT_EQ(pop.Counts("full_immunization_under1", "03388", "2025-05").num, 1);
  pop.Update("K2mcv", {{"date", "2025-01-09"}});
  EXPECT_EQ(pop.Counts("full_immunization_under1", "03390", "2025-01").num, 2);
  pop.Delete("K6x");  // the death was recorded by mistake: still in the December cohort
  EXPECT_EQ(pop.Counts("full_immunization_under1", "03390", "2025-12").den, 1);
  pop.Delete("K5x");  // K5 alive after all: in the June cohort, not immunized
  EXPECT_EQ(pop.Counts("full_immunization_under1", "03390", "2025-06").den, 1);
  EXPECT_EQ(pop.Counts("full_immunization_under1", "03390", "2025-06").num, 0);
}

// The EPI's administrative figure: completions in the year over the entered
// target population; it may pass 100 % and says which population it lacks.
TEST_P(Cohort, AdministrativeFullImmunizationOverTheTargetPopulation) {
  Population pop(GetParam());
  BuildCohort(pop);
  auto& svc = pop.service();
  indicator::Period y2025, jan;
  ASSERT_TRUE(indicator::ParsePeriod("2025", &y2025).ok());
  ASSERT_TRUE(indicator::ParsePeriod("2025-01", &jan).ok());
  indicator::IndicatorValue none;
  ASSERT_TRUE(svc.Value("full_immunization_admin", "12", y2025, &none).ok());
  EXPECT_FALSE(none.value);
  EXPECT_NE(none.reason.find("population.under1_target"), std::string::npos) << none.reason;
  indicator::EnteredValue pop2025;
  pop2025.element = "population.under1_target";
  pop2025.orgunit = "12";
  pop2025.period = "2025";
  pop2025.source = "estimate";
  pop2025.value = 2;
  ASSERT_TRUE(svc.PutValue(pop2025, ByUser("tinh")).ok());
  indicator::IndicatorValue v;
  ASSERT_TRUE(svc.Value("full_immunization_admin", "12", y2025, &v).ok());
  // Completed in 2025 before the first birthday: K1 (9 Jan), K3 (28 Feb), K6 (20 Sep).
  EXPECT_EQ(v.num, 3);
  EXPECT_EQ(v.den, 2);
  ASSERT_TRUE(v.value);
  EXPECT_DOUBLE_EQ(*v.value, 150);
  indicator::IndicatorValue month;
  ASSERT_TRUE(svc.Value("full_immunization_admin", "12", jan, &month).ok());
  EXPECT_FALSE(month.value) << "the target population is yearly";
}

// The catalogue refuses a malformed birthday rule, naming the field.
TEST(CohortRules, CatalogueChecksTheNewRuleWords) {
  const std::string head = R"({"indicators":[{"id":"x","direction":"higher_is_better","compute":{"denominator":)";
  struct Bad { const char* den; const char* needle; };
  const Bad bad[] = {
      {R"({"record":"person","date":"birthday"})", "birthday_months"},
      {R"({"record":"person","date":"birthday","birthday_months":0})", "birthday_months"},
      {R"({"record":"person","date":"birthday","birthday_months":"12"})", "birthday_months"},
      {R"({"record":"growth","date":"birthday","birthday_months":12})", "record person"},
      {R"({"record":"person","birthday_months":12})", "birthday_months needs date birthday"},
      {R"({"record":"person","date":"birth"})", "date must be"},
      {R"({"record":"person","related":[{"record":"immunization","before_months":0}]})", "before_months"},
      {R"({"record":"person","related":[{"record":"immunization","before_months":12.5}]})", "before_months"},
  };
  for (const Bad& b : bad) {
    indicator::Catalogue c;
    const Status st = indicator::Catalogue::Parse(head + b.den + R"(,"numerator_flag":{}}}]})", &c);
    EXPECT_FALSE(st.ok()) << b.den;
    EXPECT_NE(st.message().find(b.needle), std::string::npos) << b.den << ": " << st.message();
  }
  indicator::Catalogue ok;
  EXPECT_TRUE(indicator::Catalogue::Parse(head + R"({"record":"person","date":"birthday","birthday_months":12,
      "related":[{"record":"death","min_count":0,"max_count":0,"before_months":12}]},"numerator_flag":{}}}]})", &ok).ok());
}

U5_ON_BOTH_STORES(Cohort);

// exclusive_breastfeeding_under6m has no record field: an entered survey value
// is its value in the indicators API, the plan evaluation and the reports.
class EnteredSurvey : public OnEachStore {
 protected:
  void SetUp() override {
    BuildLaiChau(pop_);
    indicator::Service::Attach(pop_.store(), &pop_.service());
    for (auto [period, value] : {std::pair{"2020", 40}, {"2025", 47}}) {
      const json body = {{"element", "exclusive_breastfeeding_under6m"}, {"orgunit", "12"}, {"period", period},
                         {"source", "survey"}, {"value", value}, {"note", "MICS-style survey"}};
      ASSERT_EQ(Call("PUT", "/api/v1/indicator-values", {}, body.dump()).status, 200);
    }
  }
  http::Response Call(const std::string& method, const std::string& path, std::map<std::string, std::string> query,
                      const std::string& body = "") {
    http::Request req;
    req.method = method;
    req.path = path;
    req.query = std::move(query);
    req.body = body;
    return router_.Dispatch(req, province_, pop_.store());
  }
  Population pop_{GetParam()};
  http::Router router_{indicator::Routes()};
  auth::Principal province_{"u2", "tinh", "province_officer", {"12"}};
};

TEST_P(EnteredSurvey, IsTheValueInTheIndicatorsApi) {
  auto r = Call("GET", "/api/v1/indicators", {{"orgunit", "12"}, {"period", "2025"}, {"ids", "exclusive_breastfeeding_under6m"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json item = json::parse(r.body)["items"][0];
  EXPECT_EQ(item["value"], 47.0);
  EXPECT_EQ(item["provenance"], "survey");
  EXPECT_FALSE(item.contains("numerator")) << "a survey percentage has no counts";
  EXPECT_FALSE(item.contains("reason"));
  auto cat = json::parse(Call("GET", "/api/v1/indicators/catalogue", {}).body);
  for (const auto& i : cat["indicators"])
    if (i["id"] == "exclusive_breastfeeding_under6m") {
      EXPECT_EQ(i["computed_from_records"], false);
      EXPECT_NE(i["not_computable"].get<std::string>().find("entered"), std::string::npos);
    }
}

TEST_P(EnteredSurvey, IsTheValueInThePlanEvaluation) {
  auto r = Call("GET", "/api/v1/plans/lai_chau_u5_2030/evaluation", {{"year", "2025"}, {"as_of", "2026-11-26"}});
  ASSERT_EQ(r.status, 200) << r.body;
  bool seen = false;
  const json body = json::parse(r.body);
  for (const auto& e : body["items"]) {
    if (e["indicator"] != "exclusive_breastfeeding_under6m") continue;
    seen = true;
    EXPECT_EQ(e["value"], 47.0);
    EXPECT_EQ(e["threshold"], 46.0);  // 2020's 40 increased by 15 % (A02)
    EXPECT_EQ(e["provenance"], "survey");
    EXPECT_EQ(e["status"], "achieved");
  }
  EXPECT_TRUE(seen);
}

TEST_P(EnteredSurvey, IsTheValueInReportsWithoutMadeUpCounts) {
  report::Template t;
  ASSERT_TRUE(report::LoadTemplate(U5_DATA_DIR, "lai_chau_annual", &t).ok());
  t.headline.push_back("exclusive_breastfeeding_under6m");
  t.sections.push_back({"feeding", "Nuôi dưỡng", "Feeding", {"exclusive_breastfeeding_under6m"}});
  report::BuildOptions o;
  o.period = "2025";
  o.as_of = *ParseDate("2026-11-26");
  report::Report r;
  ASSERT_TRUE(report::BuildReport(pop_.service(), pop_.store(), t, o, &r).ok());
  const report::HeadlineItem& h = r.headline.back();
  ASSERT_TRUE(h.value);
  EXPECT_DOUBLE_EQ(*h.value, 47);
  EXPECT_EQ(h.status, "achieved");
  for (const auto& tb : r.tables) {
    if (tb.id != "headline" && tb.id != "feeding") continue;
    const report::Row& row = tb.rows.back();  // the headline's last item; the section's total row (Lai Châu)
    ASSERT_GE(row.cells.size(), 3u) << tb.id;
    EXPECT_FALSE(row.cells[0].num) << tb.id << ": no numerator was entered, so none is printed";
    EXPECT_FALSE(row.cells[1].num) << tb.id << ": no denominator was entered, so none is printed";
    ASSERT_TRUE(row.cells[2].num) << tb.id;
    EXPECT_DOUBLE_EQ(*row.cells[2].num, 47) << tb.id;
  }
}

U5_ON_BOTH_STORES(EnteredSurvey);

}  // namespace
}  // namespace u5::test
