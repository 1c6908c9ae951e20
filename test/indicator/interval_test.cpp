// Intervals and small-number marks (issue 19): the formulas against published
// tables, the catalogue's small_numbers block, grey (uncertain) verdicts.
#include <gtest/gtest.h>

#include "indicator/catalogue.h"
#include "indicator/evaluate.h"
#include "indicator/interval.h"
#include "indicator/json_out.h"

namespace u5::indicator {
namespace {

// Exact (Garwood) 95 % limits of a Poisson count. Source of every row:
// Ulm K. A simple method to calculate the confidence interval of a
// standardized mortality ratio. Am J Epidemiol 1990;131:373-375, Table 1
// (the same limits as the NCHS technical notes' table of factors for
// counts under 100), printed to four places.
struct PoissonRow { int n; double lo, hi; };
const PoissonRow kGarwood[] = {
    {0, 0.0000, 3.6889},  {1, 0.0253, 5.5716},  {2, 0.2422, 7.2247},   {3, 0.6187, 8.7673},
    {4, 1.0899, 10.2416}, {5, 1.6235, 11.6683}, {6, 2.2019, 13.0595},  {7, 2.8144, 14.4227},
    {8, 3.4538, 15.7632}, {9, 4.1154, 17.0848}, {10, 4.7954, 18.3904},
};

TEST(Interval, PoissonExactMatchesThePublishedTable) {
  for (const auto& r : kGarwood) {
    const Interval i = PoissonExactInterval(r.n, 0.95);
    EXPECT_NEAR(i.low, r.lo, 6e-5) << "n = " << r.n;
    EXPECT_NEAR(i.high, r.hi, 6e-5) << "n = " << r.n;
  }
}

// Wilson score 95 % limits of a proportion.
struct WilsonRow { int n, d; double lo, hi; const char* source; };
const WilsonRow kWilson[] = {
    // Newcombe RG. Two-sided confidence intervals for the single proportion:
    // comparison of seven methods. Stat Med 1998;17:857-872, Table II, method 3.
    {81, 263, 0.2553, 0.3662, "Newcombe 1998 Table II"},
    {15, 148, 0.0624, 0.1605, "Newcombe 1998 Table II"},
    {0, 20, 0.0000, 0.1611, "Newcombe 1998 Table II"},
    {1, 29, 0.0061, 0.1718, "Newcombe 1998 Table II"},
    // n = 0: the upper limit is z^2 / (d + z^2) in closed form, z = 1.959964.
    {0, 10, 0.0000, 0.2775, "closed form z^2/(d+z^2)"},
    // The issue's commune: 1 in 60. Python's statistics.NormalDist (an
    // implementation independent of Boost) for z, Wilson's formula by hand.
    {1, 60, 0.0029, 0.0886, "Python statistics.NormalDist"},
};

TEST(Interval, WilsonMatchesPublishedValues) {
  for (const auto& r : kWilson) {
    auto i = WilsonInterval(r.n, r.d, 0.95);
    ASSERT_TRUE(i) << r.n << "/" << r.d;
    EXPECT_NEAR(i->low, r.lo, 6e-5) << r.n << "/" << r.d << " (" << r.source << ")";
    EXPECT_NEAR(i->high, r.hi, 6e-5) << r.n << "/" << r.d << " (" << r.source << ")";
  }
  EXPECT_FALSE(WilsonInterval(1, 0, 0.95));
  EXPECT_FALSE(WilsonInterval(5, 4, 0.95));  // more successes than trials: no proportion
}

// What the catalogue's small_numbers block gives each kind of indicator, and
// when a value is marked small (docs/indicators.md, Small numbers).
struct PrecisionRow {
  const char* indicator;
  int64_t n, d;
  const char* method;
  double lo, hi;  // in the indicator's unit
  bool small;
};
const PrecisionRow kPrecision[] = {
    // The issue: 1 neonatal death in 60 births = 16.7 per mille; Garwood
    // limits 0.0253 and 5.5716 over 60 births, times 1000.
    {"neonatal_mortality_rate", 1, 60, "poisson_exact", 0.4217, 92.8600, true},
    // 19 deaths: still under NCHS's 20; 20 deaths: not small (limits 12.2165, 30.8884; Ulm 1990).
    {"under5_mortality_rate", 19, 1000, "poisson_exact", 11.4389, 29.6710, true},
    {"under5_mortality_rate", 20, 1000, "poisson_exact", 12.2165, 30.8884, false},
    // Maternal deaths per 100,000 live births: a ratio, also Poisson.
    {"maternal_mortality_ratio", 0, 60, "poisson_exact", 0, 6148.1, true},
    // Proportions: Wilson, small under 30 persons assessed.
    {"full_immunization_under1", 0, 10, "wilson", 0, 27.7533, true},
    {"full_immunization_under1", 15, 148, "wilson", 6.2386, 16.0487, false},
    {"low_birth_weight", 1, 29, "wilson", 0.6113, 17.1755, true},
    {"low_birth_weight", 1, 30, "wilson", 0.5909, 16.6704, false},
};

TEST(Interval, PrecisionByKindAndSmallNumberThreshold) {
  const Catalogue& cat = Catalogue::Builtin();
  EXPECT_DOUBLE_EQ(cat.small_numbers().confidence, 0.95);
  EXPECT_EQ(cat.small_numbers().min_events, 20);
  EXPECT_EQ(cat.small_numbers().min_denominator, 30);
  EXPECT_FALSE(cat.small_numbers().source.empty());
  for (const auto& r : kPrecision) {
    const Indicator* ind = cat.Find(r.indicator);
    ASSERT_NE(ind, nullptr) << r.indicator;
    const Precision p = PrecisionOf(cat, *ind, r.n, r.d);
    const std::string what = std::string(r.indicator) + " " + std::to_string(r.n) + "/" + std::to_string(r.d);
    EXPECT_EQ(p.method, r.method) << what;
    ASSERT_TRUE(p.low && p.high) << what;
    EXPECT_NEAR(*p.low, r.lo, 2e-3 * std::max(1.0, r.lo)) << what;
    EXPECT_NEAR(*p.high, r.hi, 2e-3 * std::max(1.0, r.hi / 100)) << what;
    EXPECT_EQ(p.small, r.small) << what;
  }
  // A count has no interval and is never marked.
  const Indicator* count = cat.Find("telemedicine_consultations");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(PrecisionOf(cat, *count, 3, 4).method, "");
  EXPECT_FALSE(PrecisionOf(cat, *count, 3, 4).small);
}

TEST(Interval, BreakdownCellsCarryValueIntervalAndMark) {
  const Catalogue& cat = Catalogue::Builtin();
  const nlohmann::json g = CellJson(cat, *cat.Find("neonatal_mortality_rate"), 1, 60);
  EXPECT_EQ(g["numerator"], 1);
  EXPECT_EQ(g["denominator"], 60);
  EXPECT_NEAR(g["value"].get<double>(), 16.6667, 1e-4);
  EXPECT_NEAR(g["ci_low"].get<double>(), 0.4217, 1e-3);
  EXPECT_NEAR(g["ci_high"].get<double>(), 92.86, 1e-2);
  EXPECT_EQ(g["ci_method"], "poisson_exact");
  EXPECT_EQ(g["small"], true);
  // An entered population denominator is not in the cell: counts only.
  const nlohmann::json agg = CellJson(cat, *cat.Find("u5_injury_mortality_rate"), 1, 0);
  EXPECT_FALSE(agg.contains("value"));
}

// A catalogue whose small_numbers block is wrong names the field.
struct BadBlock { const char* block; const char* field; };
const BadBlock kBad[] = {
    {R"({"confidence": 1.5})", "small_numbers.confidence"},
    {R"({"confidence": "95%"})", "small_numbers.confidence"},
    {R"({"min_events": -1})", "small_numbers.min_events"},
    {R"({"min_denominator": 2.5})", "small_numbers.min_denominator"},
    {R"({"interval_by_kind": {"rate": "normal"}})", "small_numbers.interval_by_kind.rate"},
};

TEST(Interval, BadSmallNumbersBlockIsRefusedNamingTheField) {
  for (const auto& b : kBad) {
    Catalogue c;
    const std::string text = std::string(R"({"small_numbers": )") + b.block + R"(, "indicators": []})";
    Status st = Catalogue::Parse(text, &c);
    EXPECT_FALSE(st.ok()) << b.block;
    EXPECT_NE(st.message().find(b.field), std::string::npos) << st.message();
  }
  Catalogue c;
  Status st = Catalogue::Parse(
      R"({"indicators": [{"id": "x", "direction": "lower_is_better", "interval": "normal"}]})", &c);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("interval"), std::string::npos) << st.message();
}

// Grey verdicts: the current value's interval contains the target.
struct VerdictRow {
  const char* what;
  int64_t n, d;
  const char* provenance;
  const char* status;
  bool uncertain, small;
};
const VerdictRow kVerdicts[] = {
    // The issue's commune: 16.7 per mille on 60 births against < 5.8; the
    // interval 0.42-92.9 holds 5.8: missed, but the data cannot tell.
    {"1 death in 60 births", 1, 60, "computed_from_registry", "off_track", true, true},
    // The same rate on 3,600 births: 12.7-21.4 per mille, clearly above 5.8.
    {"60 deaths in 3600 births", 60, 3600, "computed_from_registry", "off_track", false, false},
    // Zero deaths in 60 births meets the target, and 0-61.5 holds 5.8 too.
    {"0 deaths in 60 births", 0, 60, "computed_from_registry", "achieved", true, true},
    // 0 in 2,000: 0-1.84 per mille, clearly met.
    {"0 deaths in 2000 births", 0, 2000, "computed_from_registry", "achieved", false, true},
    // An entered survey value has no registry interval: never grey.
    {"survey value", 1, 60, "survey", "off_track", false, false},
};

TEST(Interval, VerdictIsUncertainWhenTheIntervalHoldsTheTarget) {
  for (const auto& r : kVerdicts) {
    Target t;
    t.plan = "p";
    t.indicator = "neonatal_mortality_rate";
    t.op = "<";
    t.value = 5.8;
    t.year = 2025;
    const TargetEval e = EvaluateTarget(Catalogue::Builtin(), t, "12", *ParseDate("2026-03-01"),
                                        [&](const std::string&, int y) {
                                          AnnualValue a;
                                          if (y != 2025) return a.reason = "no data", a;
                                          a.num = r.n, a.den = r.d, a.provenance = r.provenance;
                                          a.value = 1000.0 * r.n / r.d;
                                          return a;
                                        });
    EXPECT_EQ(e.status, r.status) << r.what;  // the status stands; grey is beside it
    EXPECT_EQ(e.uncertain, r.uncertain) << r.what;
    EXPECT_EQ(e.precision.small, r.small) << r.what;
    const nlohmann::json j = ToJson(e);
    EXPECT_EQ(j["uncertain"], r.uncertain) << r.what;
    EXPECT_EQ(j["small"], r.small) << r.what;
  }
}

}  // namespace
}  // namespace u5::indicator
