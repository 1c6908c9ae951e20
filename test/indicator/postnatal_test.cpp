// Issue 19 items 8, 9, 10: who counts as a skilled birth attendant (value sets),
// week-1 home care of the mother AND every live-born newborn (the newborns
// scope), and postnatal contacts within 2 and 42 days for mothers and newborns.
// Every delivery below and why it counts is in the tables.
#include <gtest/gtest.h>

#include "population.h"

namespace u5::test {
namespace {

using nlohmann::json;

constexpr const char* kCommune = "03390";  // Lai Châu, 2025 scheme
constexpr const char* kDay = "2025-03-10";   // every delivery of the postnatal table

std::string Plus(int days) { return FormatDate(Date{ParseDate(kDay)->days + days}); }

// A woman with a pregnancy and a delivery on `date`.
void Deliver(Population& pop, const std::string& w, const std::string& date, int live, int still, const std::string& attendant) {
  pop.Person(w, "female", "1995-05-01", kCommune);
  const Date d = *ParseDate(date);
  pop.Event(w + "p", "pregnancy", w, FormatDate(Date{d.days - 200}), kCommune, {{"lmp", FormatDate(Date{d.days - 270})}});
  json f = {{"pregnancy_id", w + "p"}, {"delivered_at", date + "T08:00:00+07:00"}, {"place", "facility"},
            {"attendant", attendant}, {"live_births", live}};
  if (still) f["stillbirths"] = still;
  pop.Event(w + "d", "delivery", w, date, kCommune, f);
}

// A live-born child of `w`'s delivery, with its newborn record.
void Newborn(Population& pop, const std::string& w, const std::string& child) {
  pop.Person(child, "female", kDay, kCommune, {{"mother_id", w}});
  pop.Event(child + "n", "newborn", child, kDay, kCommune, {{"delivery_id", w + "d"}, {"birth_weight_g", 3000}});
}

void Visit(Population& pop, const std::string& key, const std::string& who, int day, const std::string& place,
           const std::string& visitor) {
  pop.Event(key, "postnatal_visit", who, Plus(day), kCommune, {{"place", place}, {"visitor", visitor}});
}

struct Visit_ {
  int day;
  const char* place;
  const char* visitor;
};
struct Case {
  const char* woman;
  int live, still;
  std::vector<Visit_> mother;
  std::vector<std::vector<Visit_>> newborns;  // one list per registered newborn
  bool week1;                                  // in the week-1 numerator
  const char* why;
};

const Visit_ kHome3{3, "home", "health_worker"};
// Delivered on kDay; visits on kDay + day. In the week-1 denominator: every
// delivery with a live birth (F is not).
const std::vector<Case> kCases = {
    {"A", 1, 0, {kHome3}, {{kHome3}}, true, "mother and newborn at home on day 3"},
    {"B", 1, 0, {{1, "home", "health_worker"}}, {{}}, false, "the newborn was not visited (counted before issue 19)"},
    {"C", 2, 0, {{2, "home", "village_health_worker"}}, {{{2, "home", "health_worker"}}, {{5, "home", "village_health_worker"}}},
     true, "twins, each visited in the week"},
    {"D", 2, 0, {{4, "home", "health_worker"}}, {{{4, "home", "health_worker"}}, {}}, false, "twins, one not visited"},
    {"E", 1, 0, {}, {{{1, "home", "health_worker"}}}, false, "the mother was not visited"},
    {"F", 0, 1, {{2, "home", "health_worker"}}, {}, false, "stillbirth only: not in the denominator"},
    {"G", 1, 0, {{9, "home", "health_worker"}}, {{{9, "home", "health_worker"}}}, false, "day 9 is after the first week"},
    {"H", 1, 0, {{0, "facility", "health_worker"}}, {{{0, "facility", "health_worker"}}}, false, "facility check, not a home visit"},
    {"I", 1, 0, {{1, "home", "other"}}, {{{1, "home", "other"}}}, false, "visitor not a health worker"},
    {"J", 2, 0, {kHome3}, {{kHome3}}, false, "twins, only one registered: the other cannot be shown visited"},
};

void BuildPostnatal(Population& pop) {
  for (const Case& c : kCases) {
    Deliver(pop, c.woman, kDay, c.live, c.still, "midwife");
    int v = 0;
    for (const auto& m : c.mother) Visit(pop, std::string(c.woman) + "v" + std::to_string(v++), c.woman, m.day, m.place, m.visitor);
    for (size_t k = 0; k < c.newborns.size(); ++k) {
      const std::string child = std::string(c.woman) + std::to_string(k + 1);
      Newborn(pop, c.woman, child);
      int cv = 0;
      for (const auto& m : c.newborns[k]) Visit(pop, child + "v" + std::to_string(cv++), child, m.day, m.place, m.visitor);
    }
  }
}

class Postnatal : public OnEachStore {};

TEST_P(Postnatal, Week1NeedsTheMotherAndEveryLiveBornNewborn) {
  Population pop(GetParam());
  BuildPostnatal(pop);
  int num = 0, den = 0;
  for (const Case& c : kCases) {
    if (c.live >= 1) ++den;
    if (c.week1) ++num;
  }
  EXPECT_EQ(pop.Counts("postnatal_home_care_week1", kCommune, "2025"), (indicator::Cell{num, den}));
  EXPECT_EQ(num, 2);
  EXPECT_EQ(den, 9);
}

// Contacts within 2 and 42 days, home or facility, by a health worker or a
// village health worker; mothers per delivery with a live birth, newborns per
// newborn record (each twin).
TEST_P(Postnatal, ContactsWithinTwoAndFortyTwoDays) {
  Population pop(GetParam());
  BuildPostnatal(pop);
  const std::map<std::string, indicator::Cell> expected = {
      // B d1, C d2, H d0 (A d3, D d4, G d9 too late; I by "other"; E none).
      {"pnc_mother_2d", {3, 9}},
      // A, B, C, D, G, H, J.
      {"pnc_mother_42d", {7, 9}},
      // Newborn records A1 B1 C1 C2 D1 D2 E1 G1 H1 I1 J1: C1 d2, E1 d1, H1 d0.
      {"pnc_newborn_2d", {3, 11}},
      // A1 C1 C2 D1 E1 G1 H1 J1.
      {"pnc_newborn_42d", {8, 11}},
  };
  for (const auto& [id, cell] : expected) EXPECT_EQ(pop.Counts(id, kCommune, "2025"), cell) << id;
}

// A child's records count in its mother's fact: writes to the child move the
// mother's numerator at once (incremental), and agree with a full reload.
TEST_P(Postnatal, ChildRecordChangesMoveTheMothersFact) {
  Population pop(GetParam());
  BuildPostnatal(pop);
  EXPECT_EQ(pop.Counts("postnatal_home_care_week1", kCommune, "2025"), (indicator::Cell{2, 9}));
  Visit(pop, "D2v0", "D2", 5, "home", "health_worker");  // D's second twin now visited
  EXPECT_EQ(pop.Counts("postnatal_home_care_week1", kCommune, "2025"), (indicator::Cell{3, 9}));
  pop.Delete("C2v0");  // C's second twin no longer shown visited
  EXPECT_EQ(pop.Counts("postnatal_home_care_week1", kCommune, "2025"), (indicator::Cell{2, 9}));
  pop.Update("D2v0", {{"date", Plus(8)}});  // moved out of the week
  EXPECT_EQ(pop.Counts("postnatal_home_care_week1", kCommune, "2025"), (indicator::Cell{1, 9}));
  pop.Delete("A1");  // the child's person: A has one live birth and no newborn left
  EXPECT_EQ(pop.Counts("postnatal_home_care_week1", kCommune, "2025"), (indicator::Cell{0, 9}));
  Newborn(pop, "J", "J2");  // J's second twin registered and visited: J counts
  Visit(pop, "J2v0", "J2", 6, "home", "village_health_worker");
  EXPECT_EQ(pop.Counts("postnatal_home_care_week1", kCommune, "2025"), (indicator::Cell{1, 9}));
  ASSERT_TRUE(pop.service().Refresh().ok());
  const auto incremental = pop.service().engine().NonZeroCells();
  ASSERT_TRUE(pop.service().Rebuild().ok());
  EXPECT_EQ(incremental, pop.service().engine().NonZeroCells());
}

// Item 8: the attendant lists are value sets with their source; skilled =
// SDG 3.1.2 (doctor, assistant doctor, midwife, nurse), any health worker adds
// the trained village midwife.
TEST_P(Postnatal, SkilledAttendantFollowsTheSdgDefinition) {
  struct Row {
    const char* attendant;
    bool skilled, health_worker;
  };
  const Row rows[] = {{"doctor", true, true},          {"assistant_doctor", true, true}, {"midwife", true, true},
                      {"nurse", true, true},           {"village_midwife", false, true}, {"relative", false, false},
                      {"none", false, false},          {"other", false, false}};
  Population pop(GetParam());
  int skilled = 0, hw = 0, n = 0;
  for (const Row& r : rows) {
    Deliver(pop, std::string("S") + std::to_string(n++), "2025-05-02", 1, 0, r.attendant);
    skilled += r.skilled;
    hw += r.health_worker;
  }
  EXPECT_EQ(pop.Counts("skilled_birth_attendance", kCommune, "2025"), (indicator::Cell{skilled, n}));
  EXPECT_EQ(pop.Counts("births_attended_by_health_worker", kCommune, "2025"), (indicator::Cell{hw, n}));
  const auto& cat = pop.service().catalogue();
  const indicator::ValueSet* sba = cat.FindValueSet("skilled_attendant");
  ASSERT_NE(sba, nullptr);
  EXPECT_NE(sba->source.find("3.1.2"), std::string::npos);
  EXPECT_EQ(cat.Find("skilled_birth_attendance")->flag_where.at(0).value_set, "skilled_attendant");
}

TEST(PostnatalRules, RuleLanguageErrorsNameTheProblem) {
  auto parse = [](const std::string& extra_sets, const std::string& rule) {
    const std::string text = R"({"value_sets": {)" + extra_sets + R"(}, "indicators": [{"id": "x", "direction": "higher_is_better",
      "compute": {"denominator": {"record": "delivery"}, "numerator_flag": )" + rule + "}}]}";
    indicator::Catalogue c;
    return indicator::Catalogue::Parse(text, &c).message();
  };
  const std::string ok_set = R"("s": {"values": ["doctor"], "source": "a source"})";
  const std::string in_set = R"({"where": [{"field": "attendant", "op": "in", "value_set": "s"}]})";
  EXPECT_EQ(parse(ok_set, in_set), "");
  const struct {
    std::string sets, rule, error;
  } cases[] = {
      {ok_set, R"({"where": [{"field": "attendant", "op": "in", "value_set": "t"}]})", "unknown value_set 't'"},
      {ok_set, R"({"where": [{"field": "attendant", "op": "=", "value_set": "s"}]})", "needs op"},
      {R"("s": {"values": ["doctor"]})", in_set, "needs the source"},
      {R"("s": {"values": [], "source": "x"})", in_set, "non-empty list"},
      {ok_set, R"({"related": [{"scope": "family", "record": "postnatal_visit"}]})", "person, pregnancy, newborns or linked"},
      {ok_set, R"({"related": [{"scope": "person", "record": "postnatal_visit", "min_count_field": "live_births"}]})",
       "min_count_field applies to the newborns scope"},
      {ok_set, R"({"related": [{"scope": "newborns", "record": "postnatal_visit", "where": [{"field": "$age_days", "op": "<", "value": 7}]}]})",
       "use window_days"},
  };
  for (const auto& c : cases) EXPECT_NE(parse(c.sets, c.rule).find(c.error), std::string::npos) << c.error << " / " << parse(c.sets, c.rule);
}

U5_ON_BOTH_STORES(Postnatal);

}  // namespace
}  // namespace u5::test
