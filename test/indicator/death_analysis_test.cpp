// Issue 21: a death counts as reviewed when a complete death_review names it
// (not by a stored flag), review actions counted by due date, expected deaths
// from an entered reference ratio, and the death analysis (counts by category,
// cause group, place, delay, avoidability, commune and month) through its API.
#include <gtest/gtest.h>

#include "core/date.h"
#include "core/id.h"
#include "indicator/death_analysis.h"
#include "lai_chau_http.h"
#include "population.h"
#include "registry/validate.h"

namespace u5::test {
namespace {

using nlohmann::json;

// One child death X (C born 2025-01-10 in 03390, dies 2025-03-01) and the
// reviews of each row, filed on the day of death.
struct ReviewedCase {
  const char* why;
  std::vector<const char*> statuses;  // reviews naming X, in order
  bool stored_flag = false;           // X's body carries "reviewed": true (data written before issue 21)
  int64_t num;
};

const ReviewedCase kReviewed[] = {
    {"no review", {}, false, 0},
    {"a stored reviewed flag without a review is ignored", {}, true, 0},
    {"a complete review", {"complete"}, false, 1},
    {"a draft is not a review yet", {"draft"}, false, 0},
    {"a draft, then the complete review: once", {"draft", "complete"}, false, 1},
    {"two complete reviews: the death counts once", {"complete", "complete"}, false, 1},
};

// The death X as stored, optionally with the old input flag added to its body
// (the registry of issue 21 no longer takes it as input).
void InsertDeath(Population& pop, bool stored_flag) {
  if (!stored_flag) {
    pop.Event("X", "death", "C", "2025-03-01", "03390", {{"cause_category", "pneumonia"}});
    return;
  }
  registry::StoreLookup lookup(pop.store());
  store::Record r;
  json in = {{"id", NewUuid7()}, {"person_id", pop.Id("C")}, {"orgunit", "03390"}, {"date", "2025-03-01"}, {"cause_category", "pneumonia"}};
  ASSERT_TRUE(registry::Validate("death", in, lookup, Today(), &r).ok());
  json body = json::parse(r.body);
  body["reviewed"] = true;
  r.body = body.dump();
  r.created_at = r.updated_at = NowIso();
  ASSERT_TRUE(pop.store().Insert(r).ok());
}

class DeathReviewed : public OnEachStore {};

TEST_P(DeathReviewed, ACompleteReviewNamingTheDeathMakesItReviewed) {
  for (const ReviewedCase& c : kReviewed) {
    SCOPED_TRACE(c.why);
    Population pop(GetParam());
    pop.Person("M", "female", "1996-04-04", "03390");
    pop.Person("C", "male", "2025-01-10", "03390", {{"mother_id", "M"}});
    InsertDeath(pop, c.stored_flag);
    std::string death_id = c.stored_flag ? "" : pop.Id("X");
    if (c.stored_flag) {
      // The raw insert has no short name: find the id through the analysis-free path, the handbook.
      store::Record person;
      std::vector<store::Record> events;
      ASSERT_TRUE(pop.store().Handbook(pop.Id("C"), &person, &events).ok());
      ASSERT_EQ(events.size(), 1u);
      death_id = events[0].id;
    }
    int k = 0;
    for (const char* status : c.statuses)
      pop.Event("R" + std::to_string(++k), "death_review", "C", "2025-03-01", "03390",
                {{"death_id", death_id}, {"review_type", "community"}, {"status", status}});
    for (const char* ind : {"u5_death_review_coverage", "death_review_coverage"}) {
      const indicator::Cell cell = pop.Counts(ind, "03390", "2025");
      EXPECT_EQ(cell.num, c.num) << ind;
      EXPECT_EQ(cell.den, 1) << ind;
    }
  }
}

// The review status moves the figure at once (the reviewer's person is re-read).
TEST_P(DeathReviewed, IncrementalOnUpdateAndDelete) {
  Population pop(GetParam());
  pop.Person("C", "female", "2024-06-01", "03390");
  pop.Event("X", "death", "C", "2025-03-01", "03390");
  pop.Event("R", "death_review", "C", "2025-03-01", "03390", {{"death_id", "X"}, {"review_type", "facility"}, {"status", "draft"}});
  EXPECT_EQ(pop.Counts("u5_death_review_coverage", "03390", "2025").num, 0);
  pop.Update("R", {{"status", "complete"}, {"avoidability", "avoidable"}});
  EXPECT_EQ(pop.Counts("u5_death_review_coverage", "03390", "2025").num, 1);
  indicator::Period p;
  ASSERT_TRUE(indicator::ParsePeriod("2025", &p).ok());
  indicator::DeathCounts d;
  ASSERT_TRUE(pop.service().Deaths("03390", p, {"avoidability"}, &d).ok());
  EXPECT_EQ(d.reviewed, 1);
  EXPECT_EQ(d.by["avoidability"]["avoidable"], 1);
  pop.Delete("R");
  EXPECT_EQ(pop.Counts("u5_death_review_coverage", "03390", "2025").num, 0);
  ASSERT_TRUE(pop.service().Deaths("03390", p, {"avoidability"}, &d).ok());
  EXPECT_EQ(d.reviewed, 0);
  EXPECT_EQ(d.by["avoidability"]["not_reviewed"], 1);
}

U5_ON_SQLITE_ONLY(DeathReviewed);

// Expected deaths = live births x the entered reference deaths per 1000 live births.
class DeathNotification : public OnEachStore {};

TEST_P(DeathNotification, ExpectedFromLiveBirthsTimesAnEnteredRatio) {
  Population pop(GetParam());
  BuildLaiChau(pop);
  indicator::Period p;
  ASSERT_TRUE(indicator::ParsePeriod("2025", &p).ok());
  indicator::IndicatorValue v;
  ASSERT_TRUE(pop.service().Value("u5_death_notification_completeness", "12", p, &v).ok());
  EXPECT_FALSE(v.value.has_value());
  EXPECT_NE(v.reason.find("reference.u5_deaths_per_1000_live_births"), std::string::npos) << v.reason;
  indicator::EnteredValue ratio;
  ratio.element = "reference.u5_deaths_per_1000_live_births";
  ratio.orgunit = "12";
  ratio.period = "2025";
  ratio.source = "estimate";  // e.g. the GSO estimate
  ratio.value = 250;  // 4 live births x 250 / 1000 = 1 expected death
  ASSERT_TRUE(pop.service().PutValue(ratio, ByUser("tinh")).ok());
  ASSERT_TRUE(pop.service().Value("u5_death_notification_completeness", "12", p, &v).ok());
  ASSERT_TRUE(v.value.has_value()) << v.reason;
  EXPECT_EQ(v.num, 4);
  EXPECT_EQ(v.den, 1);
  EXPECT_DOUBLE_EQ(*v.value, 400.0);  // 4 notified of 1 expected
}

U5_ON_BOTH_STORES(DeathNotification);

// WHO ICD-10 2019 chapter ranges (the catalogue's death_analysis.icd10_chapters).
TEST(DeathAnalysis, Icd10ChapterOfAnUnderlyingCause) {
  const auto chapters = indicator::ReadIcd10Chapters(indicator::Catalogue::Builtin().death_analysis());
  const std::pair<const char*, const char*> rows[] = {
      {"A09", "icd10_I"},   {"B99", "icd10_I"},    {"J18.9", "icd10_X"},  {"O72.1", "icd10_XV"}, {"P07.3", "icd10_XVI"},
      {"P96.9", "icd10_XVI"}, {"Q24", "icd10_XVII"}, {"S06.9", "icd10_XIX"}, {"T75.1", "icd10_XIX"}, {"W69", "icd10_XX"},
      {"U07.1", "icd10_XXII"}, {"H66", "icd10_VIII"}, {"H10", "icd10_VII"}, {"Z99", "icd10_XXI"}, {"", ""}};
  for (const auto& [code, group] : rows) EXPECT_EQ(indicator::Icd10Group(chapters, code), group) << code;
}

TEST(DeathAnalysis, RuleLanguageErrorsNameTheProblem) {
  auto parse = [](const std::string& compute) {
    indicator::Catalogue c;
    const std::string text = R"({"data_elements": [{"id": "reference.r"}], "indicators": [{"id": "x", "name_vi": "x", "name_en": "x",
      "direction": "higher_is_better", "compute": )" + compute + "}]}";
    return indicator::Catalogue::Parse(text, &c).message();
  };
  EXPECT_NE(parse(R"({"denominator": {"record": "death"}, "numerator_flag": {"related": [{"scope": "linked", "record": "death_review"}]}})")
                .find("needs link"), std::string::npos);
  EXPECT_NE(parse(R"({"denominator": {"record": "death"}, "numerator_flag": {"related": [{"record": "death_review", "link": "death_id"}]}})")
                .find("link applies to the linked scope"), std::string::npos);
  EXPECT_NE(parse(R"({"denominator": {"record": "review_action", "date_field": "due_date", "once_per": "year"}, "numerator_flag": {}})")
                .find("combines with neither"), std::string::npos);
  EXPECT_NE(parse(R"({"denominator": {"record": "delivery", "scale_aggregate": "reference.q"}, "numerator": {"record": "death"}})")
                .find("not in data_elements"), std::string::npos);
  EXPECT_EQ(parse(R"({"denominator": {"record": "delivery", "scale_aggregate": "reference.r", "scale_per": 1000}, "numerator": {"record": "death"}})"), "");
}

class DeathAnalysisHttp : public LaiChauHttp {
 protected:
  void SetUp() override {
    LaiChauHttp::SetUp();
    // Review contents: X1's underlying cause in ICD-10 chapter XVI and delay 2;
    // X3 by ICD-PM timing, delays 1 and 3.
    pop_.Update("R1", {{"underlying_icd10", "P07.3"}, {"delay2_reaching", true}, {"avoidability", "avoidable"}});
    pop_.Update("R3", {{"icd_pm_timing", "neonatal"}, {"delay1_seeking", true}, {"delay3_receiving", true},
                       {"avoidability", "possibly_avoidable"}});
  }
  http::Response Get(std::map<std::string, std::string> query, const auth::Principal& who) {
    return Call("GET", "/api/v1/deaths/analysis", std::move(query), who);
  }
  static std::map<std::string, int64_t> Counts(const json& dim) {
    std::map<std::string, int64_t> out;
    for (const auto& g : dim["groups"]) out[g["key"].get<std::string>()] = g.value("count", int64_t{-1});
    return out;
  }
};

// Hand-worked from lai_chau.cpp: 2025 in Lai Châu holds X1 (day 15), X2 (day 27),
// X3 (day 28), X6 (maternal), X7 (2 years) and the stillbirth SB4; R1 and R3 are complete.
TEST_P(DeathAnalysisHttp, CountsByEveryDimensionWithNoPersonData) {
  auto r = Get({{"orgunit", "12"}, {"period", "2025"}}, province_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["total"], 6);
  EXPECT_EQ(j["reviewed"], 2);
  const json& by = j["by"];
  using M = std::map<std::string, int64_t>;
  EXPECT_EQ(Counts(by["category"]), (M{{"late_neonatal", 2}, {"post_neonatal", 1}, {"maternal", 1}, {"child_1_4", 1},
                                       {"stillbirth_intrapartum", 1}}));
  EXPECT_EQ(Counts(by["place"]), (M{{"unknown", 5}, {"district_hospital", 1}}));
  EXPECT_EQ(Counts(by["cause_group"]), (M{{"icd10_XVI", 1}, {"pm_neonatal", 1}, {"not_reviewed", 4}}));
  EXPECT_EQ(Counts(by["delay"]), (M{{"delay1_seeking", 1}, {"delay2_reaching", 1}, {"delay3_receiving", 1}, {"not_reviewed", 4}}));
  EXPECT_EQ(Counts(by["avoidability"]), (M{{"avoidable", 1}, {"possibly_avoidable", 1}, {"not_reviewed", 4}}));
  EXPECT_EQ(Counts(by["commune"]), (M{{"03388", 3}, {"03390", 2}, {"pre2025:03412", 1}}));
  EXPECT_EQ(Counts(by["month"]), (M{{"2025-01", 1}, {"2025-04", 1}, {"2025-06", 1}, {"2025-08", 1}, {"2025-12", 2}}));
  // Labels in both languages, Vietnamese first.
  EXPECT_EQ(by["category"]["label_vi"], "Theo nhóm tử vong");
  for (const auto& g : by["cause_group"]["groups"])
    if (g["key"] == "icd10_XVI") EXPECT_EQ(g["label_en"], "Conditions originating in the perinatal period");
  // No names, no record or person ids.
  for (const char* k : {"X1", "X3", "C1", "W6", "R1", "SB4"}) EXPECT_EQ(r.body.find(pop_.Id(k)), std::string::npos) << k;
  for (const char* k : {"full_name", "person_id", "Người"}) EXPECT_EQ(r.body.find(k), std::string::npos) << k;
}

TEST_P(DeathAnalysisHttp, PeriodsScopeAndErrors) {
  auto q = Get({{"orgunit", "12"}, {"period", "2025Q2"}, {"by", "month"}}, province_);
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(json::parse(q.body)["total"], 2);  // X3 in April, SB4 in June
  EXPECT_EQ(json::parse(q.body)["by"].size(), 1u);
  auto m = Get({{"orgunit", "12"}, {"period", "2025-12"}, {"by", "category"}}, province_);
  EXPECT_EQ(json::parse(m.body)["total"], 2);  // X1, X7
  auto s1 = Get({{"orgunit", "12"}, {"period", "2025S1"}}, province_);
  EXPECT_EQ(json::parse(s1.body)["total"], 3);  // X2, X3, SB4
  // A commune sees its own subtree (03390 holds the old commune 03412): X2, X3, X7.
  auto c = Get({{"period", "2025"}, {"by", "commune"}}, commune_);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(json::parse(c.body)["total"], 3);
  EXPECT_EQ(Get({{"orgunit", "12"}, {"period", "2025"}}, bac_ninh_).status, 403);
  EXPECT_EQ(Get({{"orgunit", "12"}, {"period", "2025"}}, commune_).status, 403);
  auto bad = Get({{"orgunit", "12"}, {"period", "2025"}, {"by", "category,name"}}, province_);
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("\"by\""), std::string::npos) << bad.body;
  auto noperiod = Get({{"orgunit", "12"}}, province_);
  EXPECT_EQ(noperiod.status, 422);
  EXPECT_NE(noperiod.body.find("\"period\""), std::string::npos) << noperiod.body;
  EXPECT_EQ(Get({{"orgunit", "12"}, {"period", "2025Q5"}}, province_).status, 422);
}

// The ministry never sees a small cell: the total of 6 is shown only if it is
// not small; every small group and one complement are hidden.
TEST_P(DeathAnalysisHttp, SmallCellsHiddenForTheMinistry) {
  auto r = Get({{"orgunit", "12"}, {"period", "2025"}, {"by", "category,place"}}, ministry_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  if (j.value("suppressed", false)) {
    EXPECT_FALSE(j.contains("total"));
    EXPECT_TRUE(j["by"]["category"]["groups"].empty());
  } else {
    for (const auto& g : j["by"]["category"]["groups"]) EXPECT_EQ(g.value("suppressed", false), true) << g.dump();
  }
  auto small = Get({{"orgunit", "12"}, {"period", "2025-12"}, {"by", "category"}}, ministry_);
  const json s = json::parse(small.body);
  EXPECT_EQ(s["suppressed"], true);  // 2 deaths
  EXPECT_FALSE(s.contains("total"));
}

U5_ON_BOTH_STORES(DeathAnalysisHttp);

}  // namespace
}  // namespace u5::test
