// Nutritional status classification and WHO chart curves.

#include <gtest/gtest.h>

#include <cmath>

#include "growth/nutrition.h"
#include "who_csv.h"

using namespace u5::growth;

namespace {

Measurement child(int sex, double age, double weight, double lenhei, Measure ms) {
  Measurement m;
  m.sex = sex;
  m.age_days = age;
  m.weight_kg = weight;
  m.lenhei_cm = lenhei;
  m.measure = ms;
  return m;
}

// Weight at a given weight-for-length z (from the CSV, independent of the library).
double wfl_weight(const char* table, int sex, double len, double z) {
  return growth_test::restricted_value(growth_test::lms_at(table, sex, len), z);
}

TEST(Nutrition, GradesFromZ) {
  ZResult z;
  z.csex = 1;
  Measurement m;
  m.sex = 1;
  m.age_days = 400;
  z.zlen = Score{-2.5, false};
  z.zwei = Score{-3.01, false};
  z.zwfl = Score{2.5, false};
  NutritionStatus n = classify(m, z);
  EXPECT_EQ(n.stunting, Grade::moderate);
  EXPECT_EQ(n.underweight, Grade::severe);
  EXPECT_EQ(n.wasting, Grade::normal);
  EXPECT_EQ(n.wfl, WeightForLength::overweight);
  EXPECT_TRUE(n.overweight);
  EXPECT_FALSE(n.obese);
  EXPECT_FALSE(n.sam);
  EXPECT_FALSE(n.remeasure);

  z.zlen = Score{-2.0, false};  // exactly -2 is not stunted
  z.zwfl = Score{3.01, false};
  n = classify(m, z);
  EXPECT_EQ(n.stunting, Grade::normal);
  EXPECT_EQ(n.wfl, WeightForLength::obese);
  EXPECT_TRUE(n.overweight && n.obese);

  z.zwfl = Score{-3.2, false};
  n = classify(m, z);
  EXPECT_EQ(n.wfl, WeightForLength::severe_wasting);
  EXPECT_EQ(n.wasting, Grade::severe);
  EXPECT_TRUE(n.sam && n.sam_by_wfl);

  z.zwfl = Score{-5.5, true};
  n = classify(m, z);
  EXPECT_EQ(n.wfl, WeightForLength::implausible);
  EXPECT_EQ(n.wasting, Grade::implausible);
  EXPECT_FALSE(n.sam);
  EXPECT_TRUE(n.remeasure);
}

TEST(Nutrition, SamByMuacOnlyFrom6To59Months) {
  Measurement m = child(2, 200, 7, 65, Measure::lying);
  m.muac_cm = 11.4;
  EXPECT_TRUE(classify(m).sam_by_muac);
  // SAM by MUAC is not wasting: wasting is weight-for-length/height alone.
  Measurement no_muac = m;
  no_muac.muac_cm.reset();
  EXPECT_EQ(classify(m).wasting, classify(no_muac).wasting);
  EXPECT_EQ(classify(m).wfl, classify(no_muac).wfl);
  m.muac_cm = 11.5;
  EXPECT_FALSE(classify(m).sam_by_muac);
  m.muac_cm = 11.0;
  m.age_days = 6 * 30.4375 - 1;  // under 6 months
  EXPECT_FALSE(classify(m).sam_by_muac);
  m.age_days = 6 * 30.4375;
  EXPECT_TRUE(classify(m).sam_by_muac);
  m.age_days = 60 * 30.4375;
  EXPECT_FALSE(classify(m).sam_by_muac);
}

TEST(Nutrition, OedemaIsSam) {
  Measurement m = child(1, 500, 9, 78, Measure::lying);
  m.oedema = true;
  const NutritionStatus n = classify(m);
  EXPECT_TRUE(n.sam && n.sam_by_oedema);
  EXPECT_EQ(n.wasting, Grade::severe);
  // No weight z-score with oedema, but WHO counts the child below -3 SD in
  // every weight-based indicator.
  EXPECT_FALSE(compute(m).zwei.has_value());
  EXPECT_EQ(n.underweight, Grade::severe);
  EXPECT_EQ(n.wfl, WeightForLength::severe_wasting);
  EXPECT_FALSE(n.overweight);
  EXPECT_NE(n.stunting, Grade::not_assessed);
}

TEST(Nutrition, EndToEndFromMeasurement) {
  // Boy, 300 days, 70 cm lying, weight on the -2.5 SD weight-for-length line.
  const Measurement m = child(1, 300, wfl_weight("wfl", 1, 70.0, -2.5), 70.0, Measure::lying);
  const NutritionStatus n = classify(m);
  EXPECT_EQ(n.wfl, WeightForLength::moderate_wasting);
  EXPECT_EQ(n.wasting, Grade::moderate);
  EXPECT_FALSE(n.sam);
  // Implausible length => re-measure.
  const NutritionStatus bad = classify(child(1, 300, 8, 40, Measure::lying));
  EXPECT_EQ(bad.stunting, Grade::implausible);
  EXPECT_TRUE(bad.remeasure);
  EXPECT_EQ(to_string(bad.stunting), std::string("implausible"));
}

TEST(Curves, PointsAreTheSdLines) {
  const auto c = who_curve(Indicator::weight_for_age, 2);
  ASSERT_EQ(c.size(), 1827u);
  for (int day : {0, 365, 1826}) {
    const auto p = growth_test::lms_at("wfa", 2, day);
    EXPECT_EQ(c[static_cast<std::size_t>(day)].x, day);
    for (std::size_t i = 0; i < 7; ++i)
      EXPECT_NEAR(c[static_cast<std::size_t>(day)].y[i], growth_test::sd_line(p, kCurveSds[i]), 1e-12);
    EXPECT_EQ(c[static_cast<std::size_t>(day)].y[3], p.m);
  }
  const auto h = who_curve(Indicator::weight_for_height, 1, 5);
  ASSERT_FALSE(h.empty());
  EXPECT_DOUBLE_EQ(h.front().x, 65.0);
  EXPECT_DOUBLE_EQ(h.back().x, 120.0);
  EXPECT_TRUE(who_curve(Indicator::weight_for_age, 0).empty());
  const auto ac = who_curve(Indicator::arm_circumference_for_age, 1, 30);
  EXPECT_DOUBLE_EQ(ac.front().x, 91.0);
  EXPECT_DOUBLE_EQ(ac.back().x, 1826.0);
}

TEST(Curves, CurveValueHasThatZ) {
  for (int sex : {1, 2}) {
    const auto p = who_curve_at(Indicator::weight_for_length, sex, 65.35);
    ASSERT_TRUE(p.has_value());
    const auto mid = growth_test::lms_at("wfl", sex, 65.35);
    EXPECT_NEAR(p->y[3], mid.m, 1e-9);
    for (std::size_t i = 0; i < 7; ++i) {
      const ZResult r = compute(child(sex, 300, p->y[i], 65.35, Measure::lying));
      ASSERT_TRUE(r.zwfl.has_value());
      EXPECT_DOUBLE_EQ(r.zwfl->z, kCurveSds[i]);
    }
  }
  EXPECT_FALSE(who_curve_at(Indicator::weight_for_length, 1, 44.9).has_value());
  EXPECT_FALSE(who_curve_at(Indicator::length_height_for_age, 1, 1827).has_value());
  EXPECT_TRUE(who_curve_at(Indicator::length_height_for_age, 1, 1826.4).has_value());
}

}  // namespace
