// The periodic health check record: its age band at the band boundaries, the
// milestones of the band, the growth z-scores it shares with a growth record,
// and the agreement of registry.json with data/schedules/milestones.json.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "registry/health_check.h"
#include "registry/validate.h"

namespace u5::registry {
namespace {

using nlohmann::json;

const char* kChild = "0190b000-0000-7000-8000-0000000000c1";
const char* kChild31 = "0190b000-0000-7000-8000-0000000000c2";
const Date kToday = *ParseDate("2029-06-01");

class Lookup1 : public Lookup {
 public:
  std::map<std::string, PersonFacts> persons = {{kChild, {"female", *ParseDate("2024-01-15"), ""}},
                                                {kChild31, {"male", *ParseDate("2024-01-31"), ""}}};
  std::optional<PersonFacts> Person(const std::string& id) override {
    auto it = persons.find(id);
    return it == persons.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<EventFacts> Event(const std::string&) override { return std::nullopt; }
  bool OrgUnit(const std::string& id) override { return id == "03390"; }
};

struct HealthCheck : ::testing::Test {
  Lookup1 lookup;
  store::Record rec;
  Status Check(const std::string& type, const char* person, const char* date, json extra = json::object()) {
    json j = {{"person_id", person}, {"orgunit", "03390"}, {"date", date}};
    if (type == "health_check") j["conclusion"] = "healthy";
    j.update(extra);
    return Validate(type, j, lookup, kToday, &rec);
  }
  json Body() const { return json::parse(rec.body); }
};

// Bands of QĐ 2246 (under 24 months) and the yearly ones, in completed months
// (the calendar birthday of core/date.h): the first and last day of each.
TEST_F(HealthCheck, AgeBandAtTheBoundaries) {
  struct { const char* person; const char* date; const char* band; } cases[] = {
      {kChild, "2024-03-14", nullptr},  // 1 month: before the first band
      {kChild, "2024-03-15", "m2_3"},   {kChild, "2024-05-14", "m2_3"},
      {kChild, "2024-05-15", "m4_6"},   {kChild, "2024-08-14", "m4_6"},
      {kChild, "2024-08-15", "m7_9"},   {kChild, "2024-11-14", "m7_9"},
      {kChild, "2024-11-15", "m10_12"}, {kChild, "2025-02-14", "m10_12"},
      {kChild, "2025-02-15", "m13_18"}, {kChild, "2025-08-14", "m13_18"},
      {kChild, "2025-08-15", "m19_23"}, {kChild, "2026-01-14", "m19_23"},
      {kChild, "2026-01-15", "m24_35"}, {kChild, "2027-01-14", "m24_35"},
      {kChild, "2027-01-15", "m36_47"}, {kChild, "2028-01-14", "m36_47"},
      {kChild, "2028-01-15", "m48_59"}, {kChild, "2029-01-14", "m48_59"},
      {kChild, "2029-01-15", nullptr},  // 60 months: no longer under five
      // Born on the 31st: 2 months are completed on 31 March, 4 on 31 May.
      {kChild31, "2024-03-30", nullptr}, {kChild31, "2024-03-31", "m2_3"},
      {kChild31, "2024-05-30", "m2_3"},  {kChild31, "2024-05-31", "m4_6"},
  };
  for (const auto& c : cases) {
    Status st = Check("health_check", c.person, c.date);
    if (!c.band) {
      EXPECT_EQ(st.field(), "date") << c.date << " " << st.ToString();
      continue;
    }
    ASSERT_TRUE(st.ok()) << c.date << " " << st.ToString();
    EXPECT_EQ(Body()["age_band"], c.band) << c.date;
  }
}

TEST_F(HealthCheck, OutsideEveryBandNamesTheBands) {
  Status st = Check("health_check", kChild, "2024-02-20");
  EXPECT_EQ(st.field(), "date");
  EXPECT_NE(st.message().find("2-3, 4-6, 7-9, 10-12, 13-18, 19-23, 24-35, 36-47, 48-59 months"), std::string::npos) << st.message();
}

TEST_F(HealthCheck, MilestonesMustBeTheBands) {
  ASSERT_TRUE(Check("health_check", kChild, "2024-09-01",
                    {{"milestones_achieved", {"m6_knows_people", "m6_rolls_over"}}, {"milestones_not_achieved", {"m6_reaches_toy"}}}).ok());
  EXPECT_EQ(Body()["age_band"], "m7_9");
  EXPECT_EQ(Body()["milestones_not_achieved"], json({"m6_reaches_toy"}));
  Status st = Check("health_check", kChild, "2024-09-01", {{"milestones_achieved", {"m6_knows_people", "m12_waves"}}});
  EXPECT_EQ(st.field(), "milestones_achieved");
  EXPECT_NE(st.message().find("m12_waves"), std::string::npos);
  EXPECT_EQ(Check("health_check", kChild, "2024-09-01", {{"milestones_not_achieved", {"m2_smiles"}}}).field(), "milestones_not_achieved");
  EXPECT_EQ(Check("health_check", kChild, "2024-09-01", {{"milestones_achieved", {"m6_rolls_over"}}, {"milestones_not_achieved", {"m6_rolls_over"}}}).field(),
            "milestones_not_achieved");
  EXPECT_EQ(Check("health_check", kChild, "2024-09-01", {{"milestones_achieved", {"walks"}}}).field(), "milestones_achieved");
}

TEST_F(HealthCheck, ConclusionAndReferral) {
  EXPECT_EQ(Check("health_check", kChild, "2024-09-01", {{"conclusion", "refer"}}).field(), "referral");
  EXPECT_EQ(Check("health_check", kChild, "2024-09-01", {{"referral_to", "Bệnh viện huyện"}}).field(), "referral_to");
  EXPECT_TRUE(Check("health_check", kChild, "2024-09-01", {{"conclusion", "refer"}, {"referral", true}, {"referral_to", "Bệnh viện huyện"}}).ok());
  std::vector<Status> errors;
  Validate("health_check", {{"person_id", kChild}, {"orgunit", "03390"}, {"date", "2024-09-01"}}, lookup, kToday, &rec, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field(), "conclusion");
  EXPECT_EQ(Check("health_check", kChild, "2024-09-01", {{"counselling", {"gardening"}}}).field(), "counselling");
  EXPECT_EQ(Check("health_check", kChild, "2024-09-01", {{"measure", "l"}}).field(), "measure");
}

// The check derives exactly what a growth record of the same measurements derives.
TEST_F(HealthCheck, GrowthZScoresAsAGrowthRecord) {
  const json m = {{"weight_kg", 6.1}, {"length_cm", 64.0}, {"measure", "l"}};
  ASSERT_TRUE(Check("growth", kChild, "2024-07-20", m).ok());
  const json growth = Body();
  ASSERT_TRUE(Check("health_check", kChild, "2024-07-20", m).ok());
  const json check = Body();
  for (const char* k : {"z_lhfa", "z_wfa", "z_wflh", "z_bmi", "stunting", "underweight", "wasting", "weight_for_length", "sam", "remeasure"}) {
    ASSERT_TRUE(growth.contains(k)) << k;
    EXPECT_EQ(check[k], growth[k]) << k;
  }
  ASSERT_TRUE(Check("health_check", kChild, "2024-07-20").ok());
  EXPECT_FALSE(Body().contains("z_wfa")) << "no measurement, no z-score";
}

json ReadJson(const std::string& rel) {
  std::ifstream in(std::string(U5_SOURCE_DIR) + "/" + rel);
  return json::parse(in);
}

// registry.json lists the milestone ids and the bands that milestones.json defines, and
// care.json has one rule per band with the band's ages.
TEST(HealthCheckData, RegistryAndScheduleAgreeWithMilestones) {
  const json ms = ReadJson("data/schedules/milestones.json");
  const json reg = ReadJson("data/forms/registry.json");
  const json care = ReadJson("data/schedules/care.json");
  std::vector<std::string> ids, bands;
  std::set<std::string> unique;
  int last_to = 2;
  for (const auto& b : ms["bands"]) {
    bands.push_back(b["id"]);
    EXPECT_EQ(b["from_months"].get<int>(), last_to) << b["id"] << ": bands follow each other";
    last_to = b["to_months"];
    EXPECT_FALSE(b["milestones"].empty()) << b["id"];
    for (const auto& m : b["milestones"]) {
      ids.push_back(m["id"]);
      EXPECT_TRUE(unique.insert(m["id"].get<std::string>()).second) << m["id"];
      EXPECT_FALSE(m.value("label_vi", "").empty()) << m["id"];
      EXPECT_FALSE(m.value("label_en", "").empty()) << m["id"];
      EXPECT_TRUE(ms["sources"].contains(m["source"].get<std::string>())) << m["id"];
    }
  }
  EXPECT_EQ(last_to, 60);
  EXPECT_EQ(reg["lists"]["milestone"].get<std::vector<std::string>>(), ids);
  EXPECT_EQ(reg["types"]["health_check"]["fields"]["age_band"]["values"].get<std::vector<std::string>>(), bands);
  ASSERT_EQ(MilestoneBands().size(), bands.size());
  for (size_t i = 0; i < bands.size(); ++i) {
    const auto& b = ms["bands"][i];
    const std::string id = "health_check." + bands[i];
    const json* rule = nullptr;
    for (const auto& r : care["rules"])
      if (r["id"] == id) rule = &r;
    ASSERT_TRUE(rule) << id;
    const std::string from = std::to_string(b["from_months"].get<int>()) + "m", to = std::to_string(b["to_months"].get<int>()) + "m";
    EXPECT_EQ((*rule)["min_age"], from) << id;
    EXPECT_EQ((*rule)["due_age"], from) << id;
    EXPECT_EQ((*rule)["end_age"], to) << id;
    EXPECT_EQ((*rule)["match"]["where"]["age_band"], json({bands[i]})) << id;
  }
}

}  // namespace
}  // namespace u5::registry
