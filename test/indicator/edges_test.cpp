// Edges of the indicator definitions (issue 19, items 1, 2, 4, 5, 6), each on
// a small hand-made registry: one Population per case, so a case's numerator
// and denominator are that case's alone. Every table row says why; the rows
// marked "was" give what the engine counted before the definition was made exact.
#include <gtest/gtest.h>

#include "core/date.h"
#include "core/id.h"
#include "population.h"
#include "registry/validate.h"

namespace u5::test {
namespace {

using nlohmann::json;

// Validation as it was before a pregnancy ended at its delivery: it sees no
// other records of the woman, so an ANC visit after the delivery gets in, as
// it did in databases written before the rule.
class BlindLookup : public registry::StoreLookup {
 public:
  using StoreLookup::StoreLookup;
  registry::PersonEvents EventsOf(const std::string&, const std::string&) override { return {}; }
};

void InsertUnchecked(Population& pop, const std::string& type, json fields) {
  fields["id"] = NewUuid7();
  BlindLookup lookup(pop.store());
  store::Record r;
  Status st = registry::Validate(type, fields, lookup, Today(), &r);
  ASSERT_TRUE(st.ok()) << st.ToString();
  r.created_at = r.updated_at = NowIso();
  ASSERT_TRUE(pop.store().Insert(r).ok());
}

// ---- Item 2: a pregnancy ends at its delivery --------------------------------

// A woman whose pregnancy (lmp 2024-01-01) ends with a delivery on 2024-10-01.
struct Delivered {
  Population pop;
  explicit Delivered(StoreKind kind) : pop(kind) {
    pop.Person("W", "female", "1995-05-05", "03390");
    pop.Event("P", "pregnancy", "W", "2024-02-15", "03390", {{"lmp", "2024-01-01"}});
  }
  void Anc(const std::string& key, const std::string& date, json f = json::object()) {
    f["pregnancy_id"] = "P";
    pop.Event(key, "anc_visit", "W", date, "03390", f);
  }
  void Deliver(const std::string& date = "2024-10-01") {
    pop.Event("D", "delivery", "W", date, "03390",
              {{"pregnancy_id", "P"}, {"delivered_at", date + "T08:00"}, {"place", "facility"}, {"attendant", "midwife"},
               {"live_births", 1}});
  }
};

class PregnancyEndsAtDelivery : public OnEachStore {};

TEST_P(PregnancyEndsAtDelivery, AnAncVisitAfterTheDeliveryIsRefusedOnDate) {
  Delivered w(GetParam());
  w.Anc("A1", "2024-03-01");
  w.Deliver();
  registry::StoreLookup lookup(w.pop.store());
  store::Record r;
  const json late = {{"person_id", w.pop.Id("W")}, {"orgunit", "03390"}, {"date", "2024-10-20"}, {"pregnancy_id", w.pop.Id("P")}};
  Status st = registry::Validate("anc_visit", late, lookup, Today(), &r);
  EXPECT_EQ(st.field(), "date") << st.ToString();
  EXPECT_NE(st.message().find("after the pregnancy's delivery on 2024-10-01"), std::string::npos) << st.message();
  // On the day of the delivery a visit is still antenatal (admitted in labour).
  json same_day = late;
  same_day["date"] = "2024-10-01";
  EXPECT_TRUE(registry::Validate("anc_visit", same_day, lookup, Today(), &r).ok());
}

TEST_P(PregnancyEndsAtDelivery, ADeliveryBeforeAnAncVisitOfItsPregnancyIsRefusedOnDate) {
  Delivered w(GetParam());
  w.Anc("A1", "2024-08-01");
  registry::StoreLookup lookup(w.pop.store());
  store::Record r;
  json d = {{"person_id", w.pop.Id("W")}, {"orgunit", "03390"}, {"date", "2024-07-20"}, {"pregnancy_id", w.pop.Id("P")},
            {"delivered_at", "2024-07-20T08:00"}, {"place", "facility"}, {"attendant", "midwife"}, {"live_births", 1}};
  Status st = registry::Validate("delivery", d, lookup, Today(), &r);
  EXPECT_EQ(st.field(), "date") << st.ToString();
  d["date"] = "2024-08-01";
  d["delivered_at"] = "2024-08-01T08:00";
  EXPECT_TRUE(registry::Validate("delivery", d, lookup, Today(), &r).ok()) << "a delivery on the day of the visit";
}

// Every pregnancy-scoped indicator ignores a visit stored after the delivery
// (data written before the rule): T1 visit with HIV test and iron, T2 with
// syphilis test and iron, T3, then a "visit" after the delivery with hepatitis
// B test, iron and the only haemoglobin result.
TEST_P(PregnancyEndsAtDelivery, PregnancyRulesIgnoreVisitsStoredAfterTheDelivery) {
  Delivered w(GetParam());
  w.Anc("A1", "2024-03-01", {{"hiv_test", "negative"}, {"iron_folate", true}});      // week 8, T1
  w.Anc("A2", "2024-05-15", {{"syphilis_test", "negative"}, {"iron_folate", true}});  // week 19, T2
  w.Anc("A3", "2024-08-01");                                                          // week 30, T3
  w.Deliver();
  InsertUnchecked(w.pop, "anc_visit",
                  {{"person_id", w.pop.Id("W")}, {"orgunit", "03390"}, {"date", "2024-10-20"}, {"pregnancy_id", w.pop.Id("P")},
                   {"hepb_test", "negative"}, {"iron_folate", true}, {"hemoglobin_g_dl", 10.2}});
  struct Row {
    const char* indicator;
    int64_t num, den;
    const char* why;
  } rows[] = {
      {"anc4_three_trimesters", 0, 1, "3 visits before the delivery (was 1: the late one made 4)"},
      {"ifa_mms_supplementation", 0, 1, "iron at 2 visits before the delivery (was 1: 3 with the late one)"},
      {"pmtct_triple_testing", 0, 1, "hepatitis B tested only after the delivery (was 1)"},
      {"anc_first_trimester", 1, 1, "A1 in T1; a visit after the delivery can never be in T1"},
      {"anaemia_pregnant_women", 0, 0, "the only Hb result is after the delivery (was 1/1)"},
  };
  for (const Row& r : rows) {
    const indicator::Cell c = w.pop.Counts(r.indicator, "03390", "2024");
    EXPECT_EQ(c.num, r.num) << r.indicator << ": " << r.why;
    EXPECT_EQ(c.den, r.den) << r.indicator << ": " << r.why;
  }
}

U5_ON_BOTH_STORES(PregnancyEndsAtDelivery);

// ---- Item 1: anaemia counts each pregnancy once, at its first Hb result -------

class AnaemiaInPregnancy : public OnEachStore {};

TEST_P(AnaemiaInPregnancy, EachPregnancyOnceAtItsFirstResultEvenWithTwoThatDay) {
  Population pop(GetParam());
  pop.Person("W1", "female", "1995-05-05", "03390");
  pop.Event("P1", "pregnancy", "W1", "2025-02-01", "03390", {{"lmp", "2025-01-01"}});
  // Two results on the first day: the one entered first (10.0) is the pregnancy's.
  pop.Event("A11", "anc_visit", "W1", "2025-02-10", "03390", {{"pregnancy_id", "P1"}, {"hemoglobin_g_dl", 10.0}});
  pop.Event("A12", "anc_visit", "W1", "2025-02-10", "03390", {{"pregnancy_id", "P1"}, {"hemoglobin_g_dl", 12.0}});
  pop.Event("A13", "anc_visit", "W1", "2025-05-01", "03390", {{"pregnancy_id", "P1"}, {"hemoglobin_g_dl", 9.0}});
  pop.Person("W2", "female", "1996-06-06", "03390");
  pop.Event("P2", "pregnancy", "W2", "2025-02-01", "03390", {{"lmp", "2025-01-05"}});
  // Entered first: 12.5 (not anaemic); the 10.5 of the same day is a second result.
  pop.Event("A21", "anc_visit", "W2", "2025-03-03", "03390", {{"pregnancy_id", "P2"}, {"hemoglobin_g_dl", 12.5}});
  pop.Event("A22", "anc_visit", "W2", "2025-03-03", "03390", {{"pregnancy_id", "P2"}, {"hemoglobin_g_dl", 10.5}});
  // P3: first result in December 2024, another in January 2025.
  pop.Person("W3", "female", "1997-07-07", "03390");
  pop.Event("P3", "pregnancy", "W3", "2024-11-01", "03390", {{"lmp", "2024-10-01"}});
  pop.Event("A31", "anc_visit", "W3", "2024-12-10", "03390", {{"pregnancy_id", "P3"}, {"hemoglobin_g_dl", 10.9}});
  pop.Event("A32", "anc_visit", "W3", "2025-01-10", "03390", {{"pregnancy_id", "P3"}, {"hemoglobin_g_dl", 9.5}});
  struct Row {
    const char* period;
    int64_t num, den;
    const char* why;
  } rows[] = {
      {"2025", 1, 2, "P1 (10.0, anaemic) and P2 (12.5) once each (was 2/4: both results of each first day)"},
      {"2025-02", 1, 1, "P1 in the month of its first result"},
      {"2025-03", 0, 1, "P2"},
      {"2024", 1, 1, "P3 counts in the period of its first result only"},
      {"2025-01", 0, 0, "P3's second result is not a unit"},
  };
  for (const Row& r : rows) {
    const indicator::Cell c = pop.Counts("anaemia_pregnant_women", "03390", r.period);
    EXPECT_EQ(c.num, r.num) << r.period << ": " << r.why;
    EXPECT_EQ(c.den, r.den) << r.period << ": " << r.why;
  }
}

U5_ON_BOTH_STORES(AnaemiaInPregnancy);

// ---- Item 4: vitamin A twice a year, both doses at 6-35 months ---------------

class VitaminATwiceAYear : public OnEachStore {};

TEST_P(VitaminATwiceAYear, TwoDosesAt6To35MonthsAtLeastFourCalendarMonthsApart) {
  struct Row {
    const char* birth;
    std::vector<const char*> doses;
    int64_t counted;  // in 2025's numerator
    const char* why;
  } rows[] = {
      {"2024-01-15", {"2025-01-20", "2025-02-20", "2025-07-20"}, 1,
       "July is 6 months after January (was 0: two earlier doses in the year)"},
      {"2024-09-01", {"2025-01-05", "2025-07-05"}, 0, "the January dose is at 4 months of age (was 1)"},
      {"2024-01-01", {"2025-06-01", "2025-09-30"}, 0, "121 days but 3 completed months apart (was 1: >= 120 days)"},
      {"2024-01-01", {"2025-06-01", "2025-10-01"}, 1, "4 completed calendar months apart"},
      {"2024-01-01", {"2025-01-10", "2025-06-10", "2025-12-10"}, 1, "three doses: still one child"},
      {"2022-03-01", {"2025-01-10", "2025-06-10"}, 0, "the June dose is at 39 months"},
      {"2024-01-01", {"2024-11-01", "2025-03-05"}, 0, "the two doses are in different years"},
      {"2023-02-01", {"2025-06-02", "2025-12-01"}, 1, "the campaign rounds of June and December"},
  };
  for (const Row& r : rows) {
    Population pop(GetParam());
    pop.Person("C", "male", r.birth, "03390");
    int i = 0;
    for (const char* d : r.doses) pop.Event("V" + std::to_string(i++), "vitamin_a", "C", d, "03390", {{"dose_iu", 100000}});
    EXPECT_EQ(pop.Counts("vitamin_a_6_35m_twice_yearly", "03390", "2025").num, r.counted) << r.birth << ": " << r.why;
  }
}

U5_ON_SQLITE_ONLY(VitaminATwiceAYear);

// ---- Items 5 and 6: wasting is weight-for-length; oedema is below -3 SD -------

class GrowthClasses : public OnEachStore {};

TEST_P(GrowthClasses, WastingIsWeightForLengthAndOedemaCountsAsSevere) {
  struct Row {
    json measure;
    const char* underweight;
    const char* wasting;
    const char* wfl;
    bool sam;
    int64_t uw_num, uw_den, wa_num, wa_den, ow_num, ow_den;
    const char* why;
  } rows[] = {
      {{{"weight_kg", 9.6}, {"length_cm", 75.0}, {"measure", "l"}}, "normal", "normal", "normal", false, 0, 1, 0, 1, 0, 1,
       "a well child"},
      {{{"weight_kg", 9.6}, {"length_cm", 75.0}, {"measure", "l"}, {"muac_mm", 110}}, "normal", "normal", "normal", true, 0, 1,
       0, 1, 0, 1, "SAM by MUAC alone is sam, not wasting (was wasting severe, 1/1)"},
      {{{"weight_kg", 9.6}, {"length_cm", 75.0}, {"measure", "l"}, {"oedema", true}}, "severe", "severe", "severe_wasting",
       true, 1, 1, 1, 1, 0, 1, "oedema: below -3 SD whatever the weight (was underweight and overweight 0/0)"},
      {{{"length_cm", 75.0}, {"measure", "l"}, {"oedema", true}}, "severe", "severe", "severe_wasting", true, 1, 1, 1, 1, 0, 1,
       "oedema, not weighed"},
      {{{"muac_mm", 120}, {"oedema", true}}, "severe", "severe", "severe_wasting", true, 1, 1, 1, 1, 0, 1,
       "oedema with MUAC only"},
  };
  for (const Row& r : rows) {
    Population pop(GetParam());
    pop.Person("C", "male", "2024-06-01", "03390");
    pop.Event("G", "growth", "C", "2025-06-01", "03390", r.measure);
    store::Record g;
    ASSERT_TRUE(pop.store().Get("growth", pop.Id("G"), &g).ok());
    const json body = json::parse(g.body);
    EXPECT_EQ(body.value("underweight", ""), r.underweight) << r.why;
    EXPECT_EQ(body.value("wasting", ""), r.wasting) << r.why;
    EXPECT_EQ(body.value("weight_for_length", ""), r.wfl) << r.why;
    EXPECT_EQ(body.value("sam", false), r.sam) << r.why;
    const indicator::Cell uw = pop.Counts("underweight_under5", "03390", "2025");
    const indicator::Cell wa = pop.Counts("wasting_under5", "03390", "2025");
    const indicator::Cell ow = pop.Counts("overweight_obesity_under5", "03390", "2025");
    EXPECT_EQ(std::pair(uw.num, uw.den), std::pair(r.uw_num, r.uw_den)) << "underweight: " << r.why;
    EXPECT_EQ(std::pair(wa.num, wa.den), std::pair(r.wa_num, r.wa_den)) << "wasting: " << r.why;
    EXPECT_EQ(std::pair(ow.num, ow.den), std::pair(r.ow_num, r.ow_den)) << "overweight: " << r.why;
  }
}

U5_ON_SQLITE_ONLY(GrowthClasses);

}  // namespace
}  // namespace u5::test
