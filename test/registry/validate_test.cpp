// Validation of each record type against an in-memory Lookup: a valid example
// of each type, the derived fields, then rule violations naming their field.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/id.h"
#include "registry/validate.h"

namespace u5::registry {
namespace {

using nlohmann::json;

const char* kWoman = "0190b000-0000-7000-8000-000000000001";
const char* kMan = "0190b000-0000-7000-8000-000000000002";
const char* kPreg = "0190b000-0000-7000-8000-000000000003";
const char* kDelivery = "0190b000-0000-7000-8000-000000000004";
const char* kChild = "0190b000-0000-7000-8000-000000000005";
const char* kOtherPreg = "0190b000-0000-7000-8000-000000000007";
const char* kUnknown = "0190b000-0000-7000-8000-0000000000ff";

class FakeLookup : public Lookup {
 public:
  FakeLookup() {
    persons[kWoman] = {"female", *ParseDate("1996-04-12"), ""};
    persons[kMan] = {"male", *ParseDate("1990-01-01"), ""};
    persons[kChild] = {"male", *ParseDate("2025-12-05"), kWoman};
    persons["0190b000-0000-7000-8000-000000000006"] = {"female", *ParseDate("2000-05-05"), ""};
    events[kPreg] = {"pregnancy", kWoman, *ParseDate("2025-04-20"), ParseDate("2025-03-01")};
    events[kDelivery] = {"delivery", kWoman, *ParseDate("2025-12-05"), std::nullopt};
    events[kOtherPreg] = {"pregnancy", "0190b000-0000-7000-8000-000000000006", *ParseDate("2025-05-01"),
                          ParseDate("2025-03-15")};
  }
  std::optional<PersonFacts> Person(const std::string& id) override {
    auto it = persons.find(id);
    return it == persons.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<EventFacts> Event(const std::string& id) override {
    auto it = events.find(id);
    return it == events.end() ? std::nullopt : std::optional(it->second);
  }
  bool OrgUnit(const std::string& id) override { return orgunits.count(id) > 0; }
  PersonEvents EventsOf(const std::string& person_id, const std::string& except) override {
    PersonEvents out;
    for (const auto& [id, e] : events)
      if (e.person_id == person_id) out.Add(id, e.type, e.date, except);
    return out;
  }

  std::map<std::string, PersonFacts> persons;
  std::map<std::string, EventFacts> events;
  std::set<std::string> orgunits = {"03390", "03394", "tyt:03390", "12"};
};

const Date kToday = *ParseDate("2026-11-26");

struct Fixture : ::testing::Test {
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

// ---- valid records -------------------------------------------------------

using Valid = Fixture;

TEST_F(Valid, Person) {
  Status st = Check("person", {{"full_name", "  Lo\xcc\x80  Thị  Mai "}, {"sex", "female"}, {"birth_date", "1996-04-12"},
                               {"orgunit", "03390"}, {"phone", "+84 912.345.678"}, {"citizen_id", "012196000123"},
                               {"ethnicity", "03"}, {"village", "Bản Bình Lư"}});
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rec.type, "person");
  EXPECT_TRUE(IsUuid(rec.id));  // a missing id is assigned
  EXPECT_EQ(rec.full_name, "Lò Thị Mai");  // NFC, spaces collapsed
  EXPECT_EQ(rec.name_folded, "lo thi mai");
  EXPECT_EQ(rec.phone.value_or(""), "0912345678");
  EXPECT_EQ(rec.date, "1996-04-12");
  EXPECT_EQ(rec.orgunit_id, "03390");
  EXPECT_EQ(Body()["full_name"], "Lò Thị Mai");
  EXPECT_EQ(Body()["id"], rec.id);
}

TEST_F(Valid, ChildWithMotherAndUpperCaseId) {
  Status st = Check("person", {{"id", "0190B000-0000-7000-8000-0000000000AA"}, {"full_name", "Lò Văn An"}, {"sex", "male"},
                               {"birth_date", "2025-12-05"}, {"orgunit", "03390"}, {"mother_id", kWoman}});
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rec.id, "0190b000-0000-7000-8000-0000000000aa");
  EXPECT_EQ(rec.mother_id.value_or(""), kWoman);
}

TEST_F(Valid, PregnancyDerivesEdd) {
  ASSERT_TRUE(Check("pregnancy", Ev(kWoman, "2025-04-20", {{"lmp", "2025-03-01"}, {"gravida", 2}, {"para", 1},
                                                            {"risk_factors", {"anaemia"}}})).ok());
  EXPECT_EQ(Body()["edd"], "2025-12-06");  // lmp + 280 days
  EXPECT_EQ(rec.person_id, kWoman);
  ASSERT_TRUE(Check("pregnancy", Ev(kWoman, "2025-04-20", {{"edd", "2025-12-06"}})).ok());
  EXPECT_EQ(Body()["lmp"], "2025-03-01");
}

TEST_F(Valid, AncVisitDerivesTrimester) {
  struct { const char* date; int weeks, trimester; } cases[] = {
      {"2025-04-20", 7, 1}, {"2025-06-06", 13, 1}, {"2025-06-07", 14, 2}, {"2025-09-12", 27, 2}, {"2025-09-13", 28, 3}, {"2025-11-20", 37, 3}};
  for (const auto& c : cases) {
    Status st = Check("anc_visit", Ev(kWoman, c.date, {{"pregnancy_id", kPreg}, {"weight_kg", 52.5},
                                                       {"bp_systolic", 110}, {"bp_diastolic", 70}, {"iron_folate", true},
                                                       {"trimester", 3}}));
    ASSERT_TRUE(st.ok()) << c.date << " " << st.ToString();
    EXPECT_EQ(Body()["gestational_weeks"], c.weeks) << c.date;
    EXPECT_EQ(Body()["trimester"], c.trimester) << c.date;  // input for a derived field is ignored
    EXPECT_EQ(rec.pregnancy_id.value_or(""), kPreg);
  }
}

TEST_F(Valid, Delivery) {
  Status st = Check("delivery", Ev(kWoman, "2025-12-05", {{"pregnancy_id", kPreg}, {"delivered_at", "2025-12-05T08:30:00+07:00"},
                                                          {"place", "facility"}, {"facility", "tyt:03390"},
                                                          {"attendant", "midwife"}, {"live_births", 1}}));
  ASSERT_TRUE(st.ok()) << st.ToString();
}

TEST_F(Valid, NewbornImmunizationGrowthVitaminAPostnatalDeath) {
  EXPECT_TRUE(Check("newborn", Ev(kChild, "2025-12-05", {{"delivery_id", kDelivery}, {"birth_weight_g", 3100}})).ok());
  EXPECT_TRUE(Check("immunization", Ev(kChild, "2025-12-05", {{"vaccine", "hepb"}, {"dose", 0}})).ok());
  EXPECT_TRUE(Check("growth", Ev(kChild, "2026-03-10", {{"weight_kg", 5.6}, {"length_cm", 59.5}, {"measure", "l"}})).ok());
  ASSERT_TRUE(Check("vitamin_a", Ev(kChild, "2026-06-12", {{"dose_iu", 100000}})).ok());
  EXPECT_EQ(Body()["campaign_round"], "june");
  ASSERT_TRUE(Check("postnatal_visit", Ev(kChild, "2025-12-09", {{"place", "home"}})).ok());
  EXPECT_EQ(Body()["days_after_birth"], 4);
  ASSERT_TRUE(Check("death", Ev(kChild, "2025-12-20", {{"cause_category", "neonatal_sepsis"}, {"icd10", "P36.9"}})).ok());
  EXPECT_EQ(Body()["age_at_death_days"], 15);
  EXPECT_EQ(Body()["age_group"], "neonatal");
  ASSERT_TRUE(Check("death", Ev(kChild, "2026-08-01")).ok());
  EXPECT_EQ(Body()["age_group"], "post_neonatal");
}

TEST_F(Valid, IllnessInjuryReferral) {
  EXPECT_TRUE(Check("illness", Ev(kChild, "2026-02-01", {{"kind", "diarrhoea"}, {"ors", true}, {"zinc", true}})).ok());
  EXPECT_TRUE(Check("injury", Ev(kChild, "2026-07-01", {{"kind", "fall"}, {"place", "home"}})).ok());
  Status st = Check("referral", Ev(kWoman, "2025-11-20", {{"from_orgunit", "tyt:03390"}, {"to_facility_name", "BVĐK tỉnh"},
                                                         {"reason", "tiền sản giật"}, {"referred_at", "2025-11-20T09:00"},
                                                         {"arrived_at", "2025-11-20T11:00"}}));
  EXPECT_TRUE(st.ok()) << st.ToString();
}

// ---- violations: each names its field --------------------------------------

struct Bad {
  const char* name;
  const char* type;
  json body;
  const char* field;
};

json Person(json extra) {
  json j = {{"full_name", "Lò Thị Mai"}, {"sex", "female"}, {"birth_date", "1996-04-12"}, {"orgunit", "03390"}};
  for (auto it = extra.begin(); it != extra.end(); ++it) {
    if (it->is_null()) j.erase(it.key());
    else j[it.key()] = *it;
  }
  return j;
}

std::vector<Bad> BadCases() {
  return {
      {"missing name", "person", Person({{"full_name", nullptr}}), "full_name"},
      {"blank name", "person", Person({{"full_name", " \t "}}), "full_name"},
      {"name control char", "person", Person({{"full_name", "Lò\x01Mai"}}), "full_name"},
      {"name too long", "person", Person({{"full_name", std::string(201, 'a')}}), "full_name"},
      {"sex", "person", Person({{"sex", "f"}}), "sex"},
      {"impossible date", "person", Person({{"birth_date", "2023-02-29"}}), "birth_date"},
      {"month 13", "person", Person({{"birth_date", "2025-13-01"}}), "birth_date"},
      {"future birth", "person", Person({{"birth_date", "2026-11-27"}}), "birth_date"},
      {"before 1940", "person", Person({{"birth_date", "1939-12-31"}}), "birth_date"},
      {"unknown orgunit", "person", Person({{"orgunit", "99999"}}), "orgunit"},
      {"bad phone", "person", Person({{"phone", "12345"}}), "phone"},
      {"bad citizen id", "person", Person({{"citizen_id", "012195000123"}}), "citizen_id"},
      {"unknown field", "person", Person({{"nickname", "Mai"}}), "nickname"},
      {"note too long", "person", Person({{"note", std::string(2001, 'x')}}), "note"},
      {"mother unknown", "person", Person({{"mother_id", kUnknown}}), "mother_id"},
      {"mother male", "person", Person({{"mother_id", kMan}}), "mother_id"},
      {"mother too young", "person", Person({{"birth_date", "2005-01-01"}, {"mother_id", kWoman}}), "mother_id"},
      {"pregnancy of a man", "pregnancy", Ev(kMan, "2025-04-20", {{"lmp", "2025-03-01"}}), "person_id"},
      {"unknown person", "pregnancy", Ev(kUnknown, "2025-04-20", {{"lmp", "2025-03-01"}}), "person_id"},
      {"no lmp or edd", "pregnancy", Ev(kWoman, "2025-04-20"), "lmp"},
      {"edd far from lmp", "pregnancy", Ev(kWoman, "2025-04-20", {{"lmp", "2025-03-01"}, {"edd", "2025-06-01"}}), "edd"},
      {"registered before lmp", "pregnancy", Ev(kWoman, "2025-02-20", {{"lmp", "2025-03-01"}}), "date"},
      {"para >= gravida", "pregnancy", Ev(kWoman, "2025-04-20", {{"lmp", "2025-03-01"}, {"gravida", 1}, {"para", 1}}), "para"},
      {"gravida fraction", "pregnancy", Ev(kWoman, "2025-04-20", {{"lmp", "2025-03-01"}, {"gravida", 1.5}}), "gravida"},
      {"event before birth", "pregnancy", Ev(kWoman, "1995-01-01", {{"lmp", "1994-12-01"}}), "date"},
      {"future event", "immunization", Ev(kChild, "2026-11-27", {{"vaccine", "bcg"}, {"dose", 1}}), "date"},
      {"anc before lmp", "anc_visit", Ev(kWoman, "2025-02-20", {{"pregnancy_id", kPreg}}), "date"},
      {"anc without pregnancy", "anc_visit", Ev(kWoman, "2025-04-20"), "pregnancy_id"},
      {"anc other's pregnancy", "anc_visit", Ev(kWoman, "2025-04-20", {{"pregnancy_id", kOtherPreg}}), "pregnancy_id"},
      {"anc bp", "anc_visit", Ev(kWoman, "2025-04-20", {{"pregnancy_id", kPreg}, {"bp_systolic", 90}, {"bp_diastolic", 100}}), "bp_diastolic"},
      {"anc weight", "anc_visit", Ev(kWoman, "2025-04-20", {{"pregnancy_id", kPreg}, {"weight_kg", 250}}), "weight_kg"},
      {"delivered_at other day", "delivery", Ev(kWoman, "2025-12-05", {{"pregnancy_id", kPreg}, {"delivered_at", "2025-12-04T23:00"}, {"place", "home"}, {"attendant", "relative"}, {"live_births", 1}}), "delivered_at"},
      {"no births", "delivery", Ev(kWoman, "2025-12-05", {{"pregnancy_id", kPreg}, {"delivered_at", "2025-12-05T08:00"}, {"place", "home"}, {"attendant", "relative"}, {"live_births", 0}}), "live_births"},
      {"delivery at 8 weeks", "delivery", Ev(kWoman, "2025-05-01", {{"pregnancy_id", kPreg}, {"delivered_at", "2025-05-01T08:00"}, {"place", "home"}, {"attendant", "relative"}, {"live_births", 1}}), "date"},
      {"birth weight low", "newborn", Ev(kChild, "2025-12-05", {{"birth_weight_g", 200}}), "birth_weight_g"},
      {"birth weight high", "newborn", Ev(kChild, "2025-12-05", {{"birth_weight_g", 7000}}), "birth_weight_g"},
      {"newborn date", "newborn", Ev(kChild, "2025-12-06"), "date"},
      {"newborn delivery is a pregnancy", "newborn", Ev(kChild, "2025-12-05", {{"delivery_id", kPreg}}), "delivery_id"},
      {"bcg dose 0", "immunization", Ev(kChild, "2025-12-05", {{"vaccine", "bcg"}, {"dose", 0}}), "dose"},
      {"growth weight", "growth", Ev(kChild, "2026-03-10", {{"weight_kg", 50}}), "weight_kg"},
      {"growth length", "growth", Ev(kChild, "2026-03-10", {{"length_cm", 150}}), "length_cm"},
      {"growth nothing", "growth", Ev(kChild, "2026-03-10"), "weight_kg"},
      {"growth over 5", "growth", Ev(kWoman, "2025-03-10", {{"weight_kg", 20}}), "date"},
      {"vitamin a dose", "vitamin_a", Ev(kChild, "2026-06-12", {{"dose_iu", 150000}}), "dose_iu"},
      {"icd10", "death", Ev(kChild, "2026-08-01", {{"icd10", "XYZ"}}), "icd10"},
      {"maternal death of a man", "death", Ev(kMan, "2025-08-01", {{"maternal_death", true}}), "maternal_death"},
      {"referral without target", "referral", Ev(kWoman, "2025-11-20", {{"from_orgunit", "03390"}, {"reason", "x"}}), "to_orgunit"},
      {"referral arrives first", "referral", Ev(kWoman, "2025-11-20", {{"from_orgunit", "03390"}, {"to_orgunit", "12"}, {"reason", "x"}, {"referred_at", "2025-11-20T10:00"}, {"arrived_at", "2025-11-20T09:00"}}), "arrived_at"},
  };
}

TEST_F(Fixture, EachViolationNamesItsField) {
  for (const Bad& c : BadCases()) {
    Status st = Check(c.type, c.body);
    EXPECT_EQ(st.code(), Code::invalid) << c.name << ": " << st.ToString();
    EXPECT_EQ(st.field(), c.field) << c.name << ": " << st.ToString();
  }
}

// Every faulty field is reported, so a form marks them all at once (issue 20); the first is returned.
TEST_F(Fixture, EveryFaultyFieldIsListed) {
  std::vector<Status> errors;
  json j = {{"orgunit", "03390"}, {"birth_date", "2026-02-31"}, {"phone", "12345"}, {"colour", "blue"}};
  Status st = Validate("person", j, lookup, kToday, &rec, &errors);
  std::vector<std::string> fields;
  for (const Status& e : errors) {
    EXPECT_EQ(e.code(), Code::invalid) << e.ToString();
    fields.push_back(e.field());
  }
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0], "colour");  // unknown fields first, then the type's fields in the schema's order
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"birth_date", "colour", "full_name", "phone", "sex"}));
  EXPECT_EQ(st.field(), "colour");
  // Rules between records run on valid fields only and come alone.
  EXPECT_EQ(Validate("growth", Ev(kChild, "2025-12-10"), lookup, kToday, &rec, &errors).field(), "weight_kg");
  EXPECT_TRUE(errors.empty());
}

TEST_F(Fixture, UnknownTypeAndNonObject) {
  EXPECT_EQ(Check("alien", json::object()).field(), "type");
  EXPECT_EQ(Check("person", json::array()).code(), Code::bad_request);
}

// ---- a person's birth, events and death ------------------------------------

struct Timeline : Fixture {
  const char* kVaccination = "0190b000-0000-7000-8000-000000000010";
  const char* kGrowth = "0190b000-0000-7000-8000-000000000011";
  const char* kDeath = "0190b000-0000-7000-8000-000000000012";
  json Child(const char* birth) {
    return {{"id", kChild}, {"full_name", "Lò Văn An"}, {"sex", "male"}, {"birth_date", birth}, {"orgunit", "03390"},
            {"mother_id", kWoman}};
  }
  void SetUp() override {
    lookup.events[kVaccination] = {"immunization", kChild, *ParseDate("2025-12-06"), std::nullopt};
    lookup.events[kGrowth] = {"growth", kChild, *ParseDate("2026-02-10"), std::nullopt};
  }
  void Die(const char* date) { lookup.events[kDeath] = {"death", kChild, *ParseDate(date), std::nullopt}; }
};

TEST_F(Timeline, BirthDateCannotMovePastTheEventsOrTheDeath) {
  EXPECT_TRUE(Check("person", Child("2025-12-05")).ok());
  EXPECT_TRUE(Check("person", Child("2025-12-06")).ok()) << "born on the day of the first vaccination";
  Status st = Check("person", Child("2025-12-07"));
  EXPECT_EQ(st.field(), "birth_date") << st.ToString();
  EXPECT_NE(st.message().find("immunization"), std::string::npos) << st.message();
  lookup.events.erase(kVaccination);
  lookup.events.erase(kGrowth);
  Die("2025-12-20");
  st = Check("person", Child("2025-12-21"));
  EXPECT_EQ(st.field(), "birth_date") << st.ToString();
  EXPECT_NE(st.message().find("death"), std::string::npos) << st.message();
  // Another person's events do not bound this one.
  EXPECT_TRUE(Check("person", Person({{"birth_date", "2026-01-01"}, {"full_name", "Lò Thị Hoa"}})).ok());
}

TEST_F(Timeline, NothingAfterTheDeath) {
  Die("2026-01-15");
  EXPECT_TRUE(Check("growth", Ev(kChild, "2026-01-15", {{"weight_kg", 4.1}})).ok()) << "on the day of death";
  for (const char* type : {"growth", "immunization", "vitamin_a", "illness", "postnatal_visit", "referral", "injury"}) {
    json extra = type == std::string("growth")         ? json{{"weight_kg", 4.5}}
                 : type == std::string("immunization") ? json{{"vaccine", "bcg"}, {"dose", 1}}
                 : type == std::string("vitamin_a")    ? json{{"dose_iu", 100000}}
                 : type == std::string("illness")      ? json{{"kind", "diarrhoea"}}
                 : type == std::string("injury")       ? json{{"kind", "fall"}}
                 : type == std::string("referral")     ? json{{"from_orgunit", "03390"}, {"to_orgunit", "12"}, {"reason", "x"}}
                                                       : json{{"place", "home"}};
    Status st = Check(type, Ev(kChild, "2026-01-16", extra));
    EXPECT_EQ(st.field(), "date") << type << ": " << st.ToString();
    EXPECT_NE(st.message().find("death"), std::string::npos) << st.message();
  }
  // The death record itself may be corrected (its own date is not "after" itself).
  json d = Ev(kChild, "2026-02-10");
  d["id"] = kDeath;
  EXPECT_TRUE(Check("death", d).ok());
  // A death dated before a recorded growth measurement is refused.
  d["date"] = "2026-02-09";
  Status st = Check("death", d);
  EXPECT_EQ(st.field(), "date") << st.ToString();
  EXPECT_NE(st.message().find("growth"), std::string::npos) << st.message();
  // Updating the growth measurement itself is judged without its old date.
  lookup.events.erase(kDeath);
  json g = Ev(kChild, "2026-02-20", {{"weight_kg", 4.8}});
  g["id"] = kGrowth;
  EXPECT_TRUE(Check("growth", g).ok());
}

TEST_F(Timeline, TheReviewAndItsActionsFollowTheDeath) {
  Die("2026-01-15");
  const char* kReview = "0190b000-0000-7000-8000-000000000013";
  Status st = Check("death_review", Ev(kChild, "2026-02-20", {{"death_id", kDeath}, {"review_type", "community"}, {"status", "draft"}}));
  EXPECT_TRUE(st.ok()) << st.ToString();
  lookup.events[kReview] = {"death_review", kChild, *ParseDate("2026-02-20"), std::nullopt};
  st = Check("review_action", Ev(kChild, "2026-02-21", {{"review_id", kReview}, {"what", "Tập huấn hồi sức sơ sinh"},
                                                      {"owner_orgunit", "03390"}, {"due_date", "2026-05-01"}, {"status", "open"}}));
  EXPECT_TRUE(st.ok()) << st.ToString();
  lookup.events["0190b000-0000-7000-8000-000000000014"] = {"review_action", kChild, *ParseDate("2026-02-21"), std::nullopt};
  // Neither is a sign of life: the death may still be corrected to a later day before them.
  json d = Ev(kChild, "2026-02-12");
  d["id"] = kDeath;
  st = Check("death", d);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

}  // namespace
}  // namespace u5::registry
