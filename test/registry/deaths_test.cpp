// Death and stillbirth notification (issue 21), against an in-memory Lookup:
// derived category, maternal death candidate, hours to notification, the
// links to mother and pregnancy, the WHO stillbirth threshold, ICD-10 codes
// against the shipped list, and the reviews and actions that follow.
#include <gtest/gtest.h>

#include <map>

#include "registry/icd10.h"
#include "registry/validate.h"

namespace u5::registry {
namespace {

using nlohmann::json;

const char* kWoman = "0190c000-0000-7000-8000-000000000001";  // born 1996-04-12
const char* kPreg = "0190c000-0000-7000-8000-000000000002";   // lmp 2025-03-01
const char* kDelivery = "0190c000-0000-7000-8000-000000000003";  // 2025-12-05
const char* kChild = "0190c000-0000-7000-8000-000000000004";  // born 2025-12-05 of kWoman
const char* kOldWoman = "0190c000-0000-7000-8000-000000000005";  // born 1970-01-01
const char* kBoy6 = "0190c000-0000-7000-8000-000000000006";   // born 2019-01-01, no mother recorded
const char* kOtherWoman = "0190c000-0000-7000-8000-000000000007";
const char* kOtherPreg = "0190c000-0000-7000-8000-000000000008";
const char* kDeath = "0190c000-0000-7000-8000-000000000009";  // kChild's, 2025-12-20
const char* kReview = "0190c000-0000-7000-8000-00000000000a";  // of kDeath

class FakeLookup : public Lookup {
 public:
  FakeLookup() {
    persons[kWoman] = {"female", *ParseDate("1996-04-12"), ""};
    persons[kChild] = {"male", *ParseDate("2025-12-05"), kWoman};
    persons[kOldWoman] = {"female", *ParseDate("1970-01-01"), ""};
    persons[kBoy6] = {"male", *ParseDate("2019-01-01"), ""};
    persons[kOtherWoman] = {"female", *ParseDate("2000-05-05"), ""};
    events[kPreg] = {"pregnancy", kWoman, *ParseDate("2025-04-20"), ParseDate("2025-03-01"), "", "delivered"};
    events[kDelivery] = {"delivery", kWoman, *ParseDate("2025-12-05"), std::nullopt, kPreg};
    events[kOtherPreg] = {"pregnancy", kOtherWoman, *ParseDate("2025-05-01"), ParseDate("2025-03-15"), "", "ongoing"};
    events[kDeath] = {"death", kChild, *ParseDate("2025-12-20"), std::nullopt};
    events[kReview] = {"death_review", kChild, *ParseDate("2026-01-10"), std::nullopt};
  }
  std::optional<PersonFacts> Person(const std::string& id) override {
    auto it = persons.find(id);
    return it == persons.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<EventFacts> Event(const std::string& id) override {
    auto it = events.find(id);
    return it == events.end() ? std::nullopt : std::optional(it->second);
  }
  bool OrgUnit(const std::string& id) override { return id == "03390" || id == "12"; }
  PersonEvents EventsOf(const std::string& person_id, const std::string& except) override {
    PersonEvents out;
    for (const auto& [id, e] : events)
      if (e.person_id == person_id) out.Add(id, e.type, e.date, except, e.pregnancy_id, &e);
    return out;
  }
  std::map<std::string, PersonFacts> persons;
  std::map<std::string, EventFacts> events;
};

const Date kToday = *ParseDate("2026-11-26");

struct Deaths : ::testing::Test {
  FakeLookup lookup;
  store::Record rec;
  Status Check(const std::string& type, const json& j) { return Validate(type, j, lookup, kToday, &rec); }
  json Body() const { return json::parse(rec.body); }
};

json Ev(const char* person, const char* date, json extra = json::object()) {
  json j = {{"person_id", person}, {"orgunit", "03390"}, {"date", date}};
  j.update(extra);
  return j;
}

// Category by age at death (days from birth) and sex; WHO's neonatal periods:
// early 0-6 days, late 7-27 days; post-neonatal to the first birthday.
TEST_F(Deaths, CategoryByAgeAtDeath) {
  struct Row {
    const char* person;
    const char* date;
    json extra;
    const char* category;
  } rows[] = {
      {kChild, "2025-12-05", json::object(), "early_neonatal"},  // day 0
      {kChild, "2025-12-11", json::object(), "early_neonatal"},  // day 6
      {kChild, "2025-12-12", json::object(), "late_neonatal"},   // day 7
      {kChild, "2026-01-01", json::object(), "late_neonatal"},   // day 27
      {kChild, "2026-01-02", json::object(), "post_neonatal"},   // day 28
      {kChild, "2026-11-26", json::object(), "post_neonatal"},   // 11 completed months
      {kBoy6, "2023-12-31", json::object(), "child_1_4"},        // 59 completed months
      {kOldWoman, "2015-06-01", json::object(), "woman_15_49"},
      {kWoman, "2025-12-06", {{"maternal_death", true}}, "maternal"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(r.date) + " " + r.category);
    ASSERT_TRUE(Check("death", Ev(r.person, r.date, r.extra)).ok()) << Check("death", Ev(r.person, r.date, r.extra)).ToString();
    EXPECT_EQ(Body()["category"], r.category);
  }
}

// Outside the programme (not under five, not a woman 15-49, not maternal): refused naming person_id.
TEST_F(Deaths, OutsideTheProgrammeIsRefused) {
  Status st = Check("death", Ev(kBoy6, "2024-01-01"));  // 60 months
  EXPECT_EQ(st.field(), "person_id") << st.ToString();
  st = Check("death", Ev(kOldWoman, "2026-01-01"));  // 55 years
  EXPECT_EQ(st.field(), "person_id") << st.ToString();
  EXPECT_TRUE(Check("death", Ev(kOldWoman, "2019-12-31")).ok()) << "49 years old";
}

// Pregnant, or within 42 days of the end of a pregnancy (its delivery), per her records.
TEST_F(Deaths, MaternalCandidateFromHerRecords) {
  struct Row {
    const char* person;
    const char* date;
    bool candidate;
  } rows[] = {
      {kOtherWoman, "2025-06-01", true},  // pregnant
      {kWoman, "2025-12-05", true},   // on the day of delivery
      {kWoman, "2026-01-16", true},   // 42 days after
      {kWoman, "2026-01-17", false},  // 43 days after
      {kOtherWoman, "2026-02-28", true},   // never closed: 44 weeks + 42 days after lmp
      {kOtherWoman, "2026-03-01", false},  // one day more
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.date);
    ASSERT_TRUE(Check("death", Ev(r.person, r.date)).ok());
    EXPECT_EQ(Body()["maternal_candidate"], r.candidate);
  }
}

TEST_F(Deaths, HoursToNotificationAndTimesInOrder) {
  ASSERT_TRUE(Check("death", Ev(kChild, "2025-12-20", {{"time_of_death", "2025-12-20T22:30:00+07:00"},
                                                       {"notified_at", "2025-12-21T10:00:00+07:00"}})).ok());
  EXPECT_EQ(Body()["hours_to_notification"], 11.5);
  // Offsets count: 15:30Z is 22:30 in Vietnam.
  ASSERT_TRUE(Check("death", Ev(kChild, "2025-12-20", {{"time_of_death", "2025-12-20T22:30"},
                                                       {"notified_at", "2025-12-20T15:30:00Z"}})).ok());
  EXPECT_EQ(Body()["hours_to_notification"], 0.0);
  Status st = Check("death", Ev(kChild, "2025-12-20", {{"time_of_death", "2025-12-20T22:30"}, {"notified_at", "2025-12-20T22:29"}}));
  EXPECT_EQ(st.field(), "notified_at") << st.ToString();
  st = Check("death", Ev(kChild, "2025-12-20", {{"time_of_death", "2025-12-21T01:00"}}));
  EXPECT_EQ(st.field(), "time_of_death") << st.ToString();
  st = Check("death", Ev(kChild, "2025-12-20", {{"notified_at", "2025-12-19T23:00"}}));
  EXPECT_EQ(st.field(), "notified_at") << st.ToString();
}

TEST_F(Deaths, LinksToMotherAndPregnancy) {
  ASSERT_TRUE(Check("death", Ev(kChild, "2025-12-06", {{"pregnancy_id", kPreg}})).ok());
  EXPECT_EQ(Body()["mother_id"], kWoman);
  EXPECT_EQ(Check("death", Ev(kChild, "2025-12-06", {{"pregnancy_id", kOtherPreg}})).field(), "pregnancy_id");
  ASSERT_TRUE(Check("death", Ev(kWoman, "2025-12-06", {{"pregnancy_id", kPreg}})).ok());
  EXPECT_FALSE(Body().contains("mother_id"));
  EXPECT_EQ(Body()["maternal_candidate"], true);
}

TEST_F(Deaths, ReviewedIsDerivedAndInputIgnored) {
  ASSERT_TRUE(Check("death", Ev(kChild, "2025-12-20", {{"reviewed", true}})).ok());
  EXPECT_FALSE(Body().contains("reviewed"));
  ASSERT_TRUE(Check("stillbirth", Ev(kWoman, "2025-12-05", {{"pregnancy_id", kPreg}, {"gestational_weeks", 39},
                                                            {"timing", "intrapartum"}, {"reviewed", true}})).ok());
  EXPECT_FALSE(Body().contains("reviewed"));
}

// WHO (ICD-10): a stillbirth is a fetal death at >= 22 completed weeks or >= 500 g.
TEST_F(Deaths, StillbirthThreshold) {
  struct Row {
    int weeks;
    std::optional<int> grams;
    const char* date;
    const char* field;  // "" = accepted
  } rows[] = {
      {22, std::nullopt, "2025-08-02", ""},  // lmp + 22 weeks
      {21, 499, "2025-07-26", "gestational_weeks"},
      {21, 500, "2025-07-26", ""},
      {21, std::nullopt, "2025-07-26", "gestational_weeks"},
      {30, std::nullopt, "2025-07-26", "date"},  // before 22 weeks after lmp
      {39, std::nullopt, "2026-01-20", "date"},  // beyond 45 weeks
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::to_string(r.weeks) + " weeks " + r.date);
    json b = Ev(kWoman, r.date, {{"pregnancy_id", kPreg}, {"gestational_weeks", r.weeks}, {"timing", "antepartum"}});
    if (r.grams) b["birth_weight_g"] = *r.grams;
    Status st = Check("stillbirth", b);
    EXPECT_EQ(st.field(), r.field) << st.ToString();
    if (st.ok()) EXPECT_EQ(Body()["category"], "stillbirth_antepartum");
  }
}

// A stillbirth ends the pregnancy: no antenatal visit after it. It is not her death.
TEST_F(Deaths, StillbirthEndsThePregnancyNotTheMother) {
  lookup.events.erase(kDelivery);
  lookup.events["0190c000-0000-7000-8000-0000000000b1"] = {"stillbirth", kWoman, *ParseDate("2025-10-01"), std::nullopt, kPreg};
  EXPECT_EQ(Check("anc_visit", Ev(kWoman, "2025-10-08", {{"pregnancy_id", kPreg}})).field(), "date");
  EXPECT_TRUE(Check("anc_visit", Ev(kWoman, "2025-09-20", {{"pregnancy_id", kPreg}})).ok());
  EXPECT_TRUE(Check("immunization", Ev(kWoman, "2025-10-20", {{"vaccine", "td"}, {"dose", 2}})).ok()) << "she lives on";
  ASSERT_TRUE(Check("death", Ev(kWoman, "2025-11-12")).ok());
  EXPECT_EQ(Body()["maternal_candidate"], true) << "42 days after the stillbirth";
  ASSERT_TRUE(Check("death", Ev(kWoman, "2025-11-13")).ok());
  EXPECT_EQ(Body()["maternal_candidate"], false);
}

TEST_F(Deaths, Icd10AgainstTheShippedList) {
  struct Row {
    const char* code;
    const char* reason;  // part of the message; "" = accepted
  } rows[] = {{"P07.3", ""}, {"A09", ""}, {"O72.1", ""}, {"p07.3", "malformed"}, {"P07.31", "malformed"},
              {"P7.3", "malformed"}, {"A00.5", "not in the ICD-10 list"}, {"P07.7", "not in the ICD-10 list"}};
  for (const Row& r : rows) {
    SCOPED_TRACE(r.code);
    Status st = Check("death", Ev(kChild, "2025-12-20", {{"icd10", r.code}}));
    if (!*r.reason) {
      EXPECT_TRUE(st.ok()) << st.ToString();
    } else {
      EXPECT_EQ(st.field(), "icd10");
      EXPECT_NE(st.message().find(r.reason), std::string::npos) << st.message();
    }
  }
  EXPECT_GT(Icd10::Builtin().size(), 12000u);
  EXPECT_EQ(Icd10::Builtin().Find("o721")->title_en, "Other immediate postpartum haemorrhage");
  auto found = Icd10::Builtin().Search("haemorrhage postpartum", 20);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front()->code, "O72");
  EXPECT_EQ(Icd10::Builtin().Search("P07", 3).size(), 3u);
  EXPECT_EQ(Icd10::Builtin().Search("P07", 3).front()->code, "P07");
}

TEST_F(Deaths, ReviewCausesAndActions) {
  json review = Ev(kChild, "2026-01-10", {{"death_id", kDeath}, {"review_type", "community"}, {"status", "complete"},
                                          {"underlying_icd10", "P36.9"}, {"contributing_icd10", "P07.3, P22.0"}});
  ASSERT_TRUE(Check("death_review", review).ok());
  EXPECT_EQ(Body()["contributing_icd10"], "P07.3,P22.0");
  review["contributing_icd10"] = "P07.3,P22.0,A09,J18.9,P21.9,P23.9";
  EXPECT_NE(Check("death_review", review).message().find("more than 5"), std::string::npos);
  review["contributing_icd10"] = "P07.3,X";
  EXPECT_NE(Check("death_review", review).message().find("malformed"), std::string::npos);
  review["contributing_icd10"] = "P07.3";
  review["date"] = "2025-12-19";
  EXPECT_EQ(Check("death_review", review).field(), "date") << "before the death";
  review["date"] = "2026-01-10";
  review["person_id"] = kWoman;
  EXPECT_EQ(Check("death_review", review).field(), "death_id") << "another person's death";
  // A stillbirth is reviewed on its mother; a pregnancy is not a death.
  const char* stillbirth = "0190c000-0000-7000-8000-0000000000b2";
  lookup.events[stillbirth] = {"stillbirth", kWoman, *ParseDate("2025-12-05"), std::nullopt, kPreg};
  review["death_id"] = stillbirth;
  review["underlying_icd10"] = "P20.9";
  EXPECT_TRUE(Check("death_review", review).ok()) << "a stillbirth's review";
  review["death_id"] = kPreg;
  EXPECT_EQ(Check("death_review", review).field(), "death_id") << "a pregnancy";
  review["person_id"] = kChild;
  review["death_id"] = kDeath;

  json action = Ev(kChild, "2026-01-10", {{"review_id", kReview}, {"what", "Tập huấn hồi sức sơ sinh"}, {"owner_orgunit", "03390"},
                                          {"due_date", "2026-03-01"}, {"status", "open"}, {"overdue", true}});
  ASSERT_TRUE(Check("review_action", action).ok());
  EXPECT_FALSE(Body().contains("overdue")) << "derived at read";
  action["status"] = "done";
  EXPECT_EQ(Check("review_action", action).field(), "done_date");
  action["done_date"] = "2026-02-20";
  EXPECT_TRUE(Check("review_action", action).ok());
}

}  // namespace
}  // namespace u5::registry
