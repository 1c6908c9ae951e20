// Data-driven: the Lai Châu population of lai_chau.cpp against numerators and
// denominators worked out by hand. Each row says why.
#include <gtest/gtest.h>

#include "lai_chau.h"

namespace u5::test {
namespace {

struct Expect {
  const char* indicator;
  const char* orgunit;
  const char* period;
  int64_t num, den;
  const char* why;
};

// Live births 2025 in the province: D1 1 + D3 twins 2 + D4 stillbirth 0 + D5 1 = 4.
// Women who gave birth 2025: D1, D3, D4, D5 = 4 (twins count once; a stillbirth is a delivery).
const Expect kExpect[] = {
    // Mortality: deaths in the period / live births in the period.
    {"neonatal_mortality_rate", "12", "2025", 2, 4, "X1 day 15, X2 day 27; X3 day 28 is not neonatal"},
    {"infant_mortality_rate", "12", "2025", 3, 4, "X1, X2, X3; X7 is 2 years old"},
    {"under5_mortality_rate", "12", "2025", 4, 4, "X1, X2, X3, X7; X6 is a woman"},
    {"maternal_mortality_ratio", "12", "2025", 1, 4, "X6"},
    {"neonatal_mortality_rate", "12", "2024", 0, 1, "C2 born 31 Dec 2024 is a 2024 live birth"},
    {"neonatal_mortality_rate", "12", "2025-01", 1, 0, "X2 in January; no birth in January"},
    {"neonatal_mortality_rate", "03390", "2025", 1, 3, "births D1 + D3 (filed under old 03412); death X2 (X3 not neonatal)"},
    {"infant_mortality_rate", "03390", "2025", 2, 3, "X2 and X3 (old commune 03412 counts under 03390)"},
    {"under5_mortality_rate", "03390", "2025", 3, 3, "X2, X3, X7"},
    {"neonatal_mortality_rate", "03388", "2025", 1, 1, "C1 moved: death X1 filed in 03388; birth D5 only (D4 stillbirth)"},
    {"maternal_mortality_ratio", "03388", "2025", 1, 1, "X6"},
    {"neonatal_mortality_rate", "pre2025:106", "2025", 1, 3, "old Tam Đường district sees the 2025 commune 03390's records"},
    {"under5_mortality_rate", "pre2025:12", "2025", 4, 4, "old Lai Châu province = the new one here"},
    {"neonatal_mortality_rate", "pre2025:03412", "2025", 0, 2, "old commune alone: twins D3, no neonatal death"},
    {"neonatal_mortality_rate", "12", "2025S1", 1, 2, "D3 twins + D4 stillbirth on 30 June; X2"},
    {"neonatal_mortality_rate", "12", "2025S2", 1, 2, "D5 on 1 July + D1; X1"},
    {"neonatal_mortality_rate", "VN", "2025", 2, 4, "the country"},
    {"neonatal_mortality_rate", "01", "2025", 0, 0, "Hà Nội has no records"},
    // Maternal care: units are deliveries (women who gave birth).
    {"facility_delivery", "12", "2025", 4, 4, "D1, D3, D4, D5 at a facility"},
    {"facility_delivery", "12", "2024", 0, 1, "D2 at home"},
    {"facility_delivery", "12", "2025Q2", 1, 1, "D4 on 30 June"},
    {"facility_delivery", "12", "2025Q3", 1, 1, "D5 on 1 July"},
    {"facility_delivery", "12", "2025-06", 1, 1, "D4"},
    {"facility_delivery", "12", "2025-06-30..2025-07-01", 2, 2, "custom range holding both boundary days"},
    {"facility_delivery", "12", "2025-07-01..2025-07-31", 1, 1, "custom range"},
    {"skilled_birth_attendance", "12", "2025", 4, 4, "D5 by a nurse is skilled (SDG 3.1.2, A08)"},
    {"births_attended_by_health_worker", "12", "2025", 4, 4, "nurse counts as a health worker"},
    {"births_attended_by_health_worker", "12", "2024", 1, 1, "village midwife counts (A08)"},
    {"anc4_three_trimesters", "12", "2025", 2, 4, "D1: 4 visits T1-T3; D3: 4 visits T1-T3 across 2024-25"},
    {"anc4_three_trimesters", "12", "2024", 0, 1, "D2: one visit"},
    {"anc_first_trimester", "12", "2025", 3, 4, "D1 (A11), D3 (A31), D5 (A51); D4 had no ANC"},
    {"pmtct_triple_testing", "12", "2025", 1, 4, "D1 tested for all three; D3 only HIV"},
    {"ifa_mms_supplementation", "12", "2025", 1, 4, "D1: iron at 3 visits (A20 rule: >= 3)"},
    {"postnatal_home_care_week1", "12", "2025", 0, 3, "D5's mother visited day 4 but not C5; D1 on day 15; D4 stillbirth only"},
    {"pnc_mother_2d", "12", "2025", 0, 3, "V5 day 4, V1 day 15"},
    {"pnc_mother_42d", "12", "2025", 2, 3, "D5 (V5 day 4), D1 (V1 day 15); D3 none"},
    {"pnc_newborn_2d", "12", "2025", 0, 4, "N1, N3, N4, N5: no child was visited"},
    {"pnc_newborn_42d", "12", "2025", 0, 4, "N1, N3, N4, N5: no child was visited"},
    {"anaemia_pregnant_women", "12", "2025", 1, 1, "first Hb of P1 is A11 10.5 < 11; A12 is not a first result"},
    {"anaemia_pregnant_women", "12", "2024", 0, 1, "first Hb of P3 is A31 11.5"},
    // Newborns: units are newborn records (live births).
    {"low_birth_weight", "12", "2025", 1, 4, "N3 2300 g; N1, N4, N5 >= 2500"},
    {"low_birth_weight", "12", "2024", 1, 1, "N2 2400 g born 31 December"},
    {"low_birth_weight", "03390", "2025", 1, 3, "moved child C1's birth stays in 03390 (N1) with N3, N4"},
    {"early_essential_newborn_care", "12", "2025", 3, 4, "N5 lacks delayed cord clamping"},
    {"early_initiation_breastfeeding", "12", "2025", 3, 4, "N4 not breastfed in the first hour"},
    {"vitamin_k1_at_birth", "12", "2025", 3, 4, "N4 without K1"},
    {"hepb_birth_dose_24h", "12", "2025", 2, 4, "N1 and N5"},
    {"kangaroo_care_lbw_preterm", "12", "2025", 0, 1, "N3 LBW without kangaroo care"},
    {"kangaroo_care_lbw_preterm", "12", "2024", 1, 1, "N2 LBW with kangaroo care"},
    {"newborn_screening", "12", "2025", 1, 4, "N1 screened"},
    // Child health.
    // Full immunization is a birth cohort: children who reached their first birthday in the period.
    {"full_immunization_under1", "12", "2025", 0, 0, "C2 (birthday 31 Dec 2025) died before it"},
    {"full_immunization_under1", "12", "2024", 0, 1, "C6 reached 12 months on 15 Jan 2024 with no dose recorded"},
    {"full_immunization_under1", "12", "2026", 1, 2, "C4 complete before 10 Mar 2026 (duplicate DTP3 ignored); C5 not"},
    {"full_immunization_under1", "12", "2026-03", 1, 1, "C4's birthday month; C1 and C3 died before theirs"},
    {"measles_before_1y", "12", "2026", 1, 2, "C4 measles at 9 months; C5 none"},
    {"full_immunization_admin", "12", "2025", 1, 0, "C4 completed on 10 Dec 2025; no target population entered"},
    {"pneumonia_antibiotic_under5", "12", "2025", 1, 2, "L51 with antibiotic, L52 without"},
    {"diarrhoea_ors_zinc_under5", "12", "2025", 1, 2, "L41 ORS+zinc, L42 ORS only"},
    {"stunting_under5", "12", "2025", 0, 1, "latest 2025 measurement of C4 is G42, not stunted"},
    {"stunting_under5", "12", "2025S1", 1, 1, "latest in S1 is G41, length 50 cm at 3 months"},
    {"stunting_under5", "12", "2025Q4", 0, 1, "G42"},
    {"stunting_under5", "12", "2025-01-01..2025-06-30", 1, 1, "custom range: G41"},
    {"stunting_under5", "12", "2025-06-01..2025-12-31", 0, 1, "custom range: latest is G42; C4 counted once"},
    // G41 (girl, 3 months, 5.0 kg, 50 cm): WAZ = ((5.0/5.8458)^0.0402 - 1)/(0.0402 x 0.12619) = -1.23 (not
    // underweight); weight-for-length at 50 cm: M 3.3518, so WHZ about +4 (obese, still plausible).
    // G42 (8 months, 7.5 kg, 68 cm): WHZ = -0.36, WAZ and HAZ near 0.
    {"underweight_under5", "12", "2025S1", 0, 1, "G41 WAZ -1.23"},
    {"underweight_under5", "12", "2025", 0, 1, "G42"},
    {"wasting_under5", "12", "2025", 0, 1, "G42 WHZ -0.36"},
    {"overweight_obesity_under5", "12", "2025Q2", 1, 1, "G41 WHZ about +4"},
    {"overweight_obesity_under5", "12", "2025", 0, 1, "latest is G42"},
    {"vitamin_a_6_35m_twice_yearly", "12", "2025", 1, 0, "C6: 183 days apart; C4 only 94 days; denominator not entered"},
    {"u5_injury_mortality_rate", "12", "2025", 1, 0, "X7 drowning; population not entered"},
    {"periodic_health_check_under5", "12", "2025", 2, 0, "C6 checked twice counts once a year, C4 at 2 months; population not entered"},
    {"periodic_health_check_under5", "03390", "2025", 2, 0, "C4 filed under old 03412 counts under 03390"},
    {"periodic_health_check_under5", "12", "2025-06", 0, 0, "annual only: no month"},
    {"maternal_death_review_coverage", "12", "2025", 0, 1, "X6 not reviewed"},
    {"u5_death_review_coverage", "12", "2025", 2, 4, "X1 and X3 have complete reviews; R2 of X2 is a draft"},
    // Issue 21: reviews, actions, notification, stillbirths.
    {"death_review_coverage", "12", "2025", 2, 5, "X1, X3 reviewed of X1, X2, X3, X6, X7"},
    {"death_review_coverage", "03390", "2025", 1, 3, "X3 (old 03412) reviewed of X2, X3, X7"},
    {"stillbirth_review_coverage", "12", "2025", 0, 1, "SB4, no review"},
    {"stillbirth_ratio", "12", "2025", 1, 4, "SB4 per 4 live births"},
    {"review_actions_completion", "12", "2025", 1, 2, "AC31 done, AC32 open, both due in 2025; AC11 due in 2026"},
    {"review_actions_completion", "12", "2026", 0, 1, "AC11 due 2026-01-31, open"},
    {"u5_death_notification_completeness", "12", "2025", 4, 4, "X1, X2, X3, X7; 4 live births (no reference ratio entered: not scaled)"},
    {"death_notification_timeliness", "12", "2025", 0, 0, "no death has both times (hours_to_notification)"},
    // Issue 22: the counts of the Ministry's statistics forms. Immunizations of children under 1,
    // each child once (latest_per_person: the units are the children, numerator = denominator).
    {"imm_bcg_under1", "12", "2025", 2, 2, "I1 (C4, 1 day old), I51 (C5)"},
    {"imm_penta1_under1", "12", "2025", 2, 2, "I2 (C4), I52 (C5)"},
    {"imm_penta2_under1", "12", "2025", 2, 2, "I3 (C4), I53 (C5)"},
    {"imm_penta3_under1", "12", "2025", 1, 1, "C4: I4 and its duplicate I9 count once; C5 had two doses"},
    {"imm_opv3_under1", "12", "2025", 1, 1, "I7 (C4)"},
    {"imm_ipv_under1", "12", "2025", 1, 1, "I8 (C4)"},
    {"imm_measles1_under1", "12", "2025", 1, 1, "I10 (C4 at 9 months)"},
    {"imm_measles1_under1", "12", "2025-11", 0, 0, "I10 is on 10 December"},
    {"imm_full_under1", "12", "2025", 1, 1, "C4 completed on 10 Dec 2025 (measles, the last dose)"},
    {"imm_full_under1", "12", "2025-12", 1, 1, "by month too, unlike full_immunization_admin"},
    {"imm_full_under1", "12", "2025-11", 0, 0, "C4's last dose is in December"},
    {"imm_dtp4", "12", "2025", 0, 0, "no booster dose recorded"},
    {"imm_measles2", "12", "2025", 0, 0, "no second measles dose recorded"},
    {"pregnancies_registered", "12", "2025", 1, 1, "P1 (2025-03-20); P2-P5 registered in 2024"},
    {"anc_visits_total", "12", "2025", 6, 6, "A11-A14 (W1), A33, A34 (W3); A21, A31, A32, A51 are 2024"},
    {"anc3_visits", "12", "2025", 2, 4, "D1 and D3 had 4 visits; D4 none, D5 one"},
    {"tetanus_protected_births", "12", "2025", 0, 4, "no tetanus dose recorded"},
    {"caesarean_section_rate", "12", "2025", 0, 4, "no delivery by caesarean"},
    {"delivery_complications", "12", "2025", 0, 4, "no complication recorded"},
};

class LaiChau : public OnEachStore {
 protected:
  // Built once for each store and shared by the suite's tests, which only read it.
  void SetUp() override {
    if (pop_ && pop_->kind() == GetParam()) return;
    delete pop_;
    pop_ = new Population(GetParam());
    BuildLaiChau(*pop_);
  }
  static void TearDownTestSuite() {
    delete pop_;
    pop_ = nullptr;
  }
  static Population* pop_;
};
Population* LaiChau::pop_ = nullptr;

TEST_P(LaiChau, HandWorkedNumeratorsAndDenominators) {
  for (const Expect& e : kExpect) {
    SCOPED_TRACE(std::string(e.indicator) + " " + e.orgunit + " " + e.period + ": " + e.why);
    indicator::Cell c = pop_->Counts(e.indicator, e.orgunit, e.period);
    EXPECT_EQ(c.num, e.num);
    EXPECT_EQ(c.den, e.den);
  }
}

TEST_P(LaiChau, EveryComputableIndicatorHasAHandWorkedRow) {
  for (const auto& ind : pop_->service().catalogue().indicators()) {
    if (!ind.computable) continue;
    bool found = false;
    for (const Expect& e : kExpect) found = found || ind.id == e.indicator;
    EXPECT_TRUE(found) << ind.id;
  }
}

TEST_P(LaiChau, ValueScalesByTheMultiplier) {
  indicator::Period p;
  ASSERT_TRUE(indicator::ParsePeriod("2025", &p).ok());
  indicator::IndicatorValue v;
  ASSERT_TRUE(pop_->service().Value("neonatal_mortality_rate", "12", p, &v).ok());
  ASSERT_TRUE(v.value.has_value());
  EXPECT_DOUBLE_EQ(*v.value, 2.0 / 4 * 1000);
  EXPECT_EQ(v.provenance, "computed_from_registry");
}

TEST_P(LaiChau, AggregateDenominatorOnceEntered) {
  auto& svc = pop_->service();
  indicator::Period p;
  ASSERT_TRUE(indicator::ParsePeriod("2025", &p).ok());
  indicator::IndicatorValue v;
  ASSERT_TRUE(svc.Value("u5_injury_mortality_rate", "12", p, &v).ok());
  EXPECT_FALSE(v.value.has_value());
  EXPECT_NE(v.reason.find("population.under5_midyear"), std::string::npos);
  indicator::EnteredValue pop;
  pop.element = "population.under5_midyear";
  pop.orgunit = "12";
  pop.period = "2025";
  pop.source = "statistical_yearbook";
  pop.value = 50000;
  ASSERT_TRUE(svc.PutValue(pop, test::ByUser("tinh")).ok());
  ASSERT_TRUE(svc.Value("u5_injury_mortality_rate", "12", p, &v).ok());
  ASSERT_TRUE(v.value.has_value());
  EXPECT_DOUBLE_EQ(*v.value, 1.0 / 50000 * 100000);  // 2 per 100,000
}

TEST_P(LaiChau, EnteredEstimateShownBesideTheComputedRate) {
  auto& svc = pop_->service();
  indicator::EnteredValue est;
  est.element = "under5_mortality_rate";
  est.orgunit = "12";
  est.period = "2025";
  est.source = "statistical_yearbook";
  est.value = 21.62;
  ASSERT_TRUE(svc.PutValue(est, test::ByUser("tinh")).ok());
  indicator::Period p;
  ASSERT_TRUE(indicator::ParsePeriod("2025", &p).ok());
  indicator::IndicatorValue v;
  ASSERT_TRUE(svc.Value("under5_mortality_rate", "12", p, &v).ok());
  EXPECT_EQ(v.provenance, "computed_from_registry");
  EXPECT_DOUBLE_EQ(*v.value, 1000.0);
  ASSERT_EQ(v.entered.size(), 1u);
  EXPECT_EQ(v.entered[0].source, "statistical_yearbook");
  EXPECT_DOUBLE_EQ(*v.entered[0].value, 21.62);
}

TEST_P(LaiChau, BreakdownBySexAndAgeBandAddsUp) {
  indicator::Period p;
  ASSERT_TRUE(indicator::ParsePeriod("2025", &p).ok());
  std::map<std::string, indicator::Cell> by_sex;
  ASSERT_TRUE(pop_->service().Breakdown("under5_mortality_rate", "12", p, "sex", &by_sex).ok());
  // Deaths: X1 male, X2 female, X3 male, X7 male. Live births are the mothers' (female) deliveries.
  EXPECT_EQ(by_sex["male"].num, 3);
  EXPECT_EQ(by_sex["female"].num, 1);
  EXPECT_EQ(by_sex["female"].den, 4);
  std::map<std::string, indicator::Cell> by_age;
  ASSERT_TRUE(pop_->service().Breakdown("under5_mortality_rate", "12", p, "age_band", &by_age).ok());
  EXPECT_EQ(by_age["0-27d"].num, 2);
  EXPECT_EQ(by_age["28d-11m"].num, 1);
  EXPECT_EQ(by_age["12-59m"].num, 1);
}

U5_ON_BOTH_STORES(LaiChau);

}  // namespace
}  // namespace u5::test
