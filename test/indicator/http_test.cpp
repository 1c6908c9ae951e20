// The indicator routes: aggregates only, scoped to the caller's org units.
#include <gtest/gtest.h>

#include "lai_chau_http.h"

namespace u5::test {
namespace {

using nlohmann::json;

using IndicatorHttp = LaiChauHttp;

TEST_P(IndicatorHttp, ValuesWithNumeratorAndDenominatorAndNoPersonData) {
  auto r = Call("GET", "/api/v1/indicators", {{"orgunit", "12"}, {"period", "2025"}, {"ids", "neonatal_mortality_rate,stunting_under5"}}, province_);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  ASSERT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["items"][0]["numerator"], 2);
  EXPECT_EQ(j["items"][0]["denominator"], 4);
  EXPECT_EQ(j["items"][0]["value"], 500.0);
  // No person-level field anywhere in the answer.
  for (const char* k : {"person_id", "full_name", "birth_date", "citizen_id"}) EXPECT_EQ(r.body.find(k), std::string::npos) << k;
  auto b = Call("GET", "/api/v1/indicators", {{"orgunit", "12"}, {"period", "2025"}, {"ids", "under5_mortality_rate"}, {"by", "orgunit"}}, province_);
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_TRUE(json::parse(b.body)["items"][0]["breakdown"]["groups"].contains("03390"));
}

// Issue 19: every value, breakdown group and evaluation carries its interval
// and small-number mark; suppression hides the interval with the value.
TEST_P(IndicatorHttp, IntervalsAndSmallNumberMarks) {
  auto r = Call("GET", "/api/v1/indicators", {{"orgunit", "12"}, {"period", "2025"}, {"ids", "neonatal_mortality_rate"}, {"by", "orgunit"}}, province_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json item = json::parse(r.body)["items"][0];
  // 2 deaths in 4 live births: Garwood limits 0.2422 and 7.2247 (Ulm 1990) over 4, per 1000.
  EXPECT_EQ(item["ci_method"], "poisson_exact");
  EXPECT_NEAR(item["ci_low"].get<double>(), 60.55, 0.01);
  EXPECT_NEAR(item["ci_high"].get<double>(), 1806.2, 0.1);
  EXPECT_EQ(item["small"], true);
  const json& g = item["breakdown"]["groups"]["03390"];
  for (const char* k : {"value", "ci_low", "ci_high", "ci_method", "small"}) EXPECT_TRUE(g.contains(k)) << k << " " << g.dump();
  // A value without an interval says so with nulls, not by leaving the fields out.
  auto s = Call("GET", "/api/v1/indicators", {{"orgunit", "12"}, {"period", "2025"}, {"ids", "caregiver_knows_newborn_danger_signs"}}, province_);
  const json none = json::parse(s.body)["items"][0];
  EXPECT_TRUE(none["ci_low"].is_null() && none["ci_high"].is_null() && none["ci_method"].is_null());
  EXPECT_EQ(none["small"], false);
  // The ministry sees no small cell, nor the interval that would give it back.
  auto m = Call("GET", "/api/v1/indicators", {{"orgunit", "12"}, {"period", "2025"}, {"ids", "neonatal_mortality_rate"}}, ministry_);
  const json hidden = json::parse(m.body)["items"][0];
  EXPECT_EQ(hidden["suppressed"], true);
  EXPECT_TRUE(hidden["ci_low"].is_null() && hidden["ci_high"].is_null());
  // Evaluations: 60.5-1806 per mille does not hold the < 6 target: small, not uncertain.
  auto e = Call("GET", "/api/v1/plans/lai_chau_u5_2030/evaluation", {{"year", "2025"}, {"as_of", "2026-11-26"}}, province_);
  ASSERT_EQ(e.status, 200) << e.body;
  bool seen = false;
  const json evals = json::parse(e.body);  // kept: a range-for over a temporary's member dangles
  for (const auto& it : evals["items"])
    if (it["indicator"] == "neonatal_mortality_rate") {
      seen = true;
      EXPECT_EQ(it["small"], true);
      EXPECT_EQ(it["uncertain"], false);
      EXPECT_EQ(it["ci_method"], "poisson_exact");
    }
  EXPECT_TRUE(seen);
  auto c = Call("GET", "/api/v1/indicators/catalogue", {}, province_);
  const json cat = json::parse(c.body);
  EXPECT_EQ(cat["small_numbers"]["min_events"], 20);
  EXPECT_EQ(cat["small_numbers"]["min_denominator"], 30);
  EXPECT_EQ(cat["small_numbers"]["interval_by_kind"]["proportion"], "wilson");
}

TEST_P(IndicatorHttp, ScopeAndErrors) {
  auto r = Call("GET", "/api/v1/indicators", {{"orgunit", "12"}, {"period", "2025"}}, commune_);
  EXPECT_EQ(r.status, 403);
  json e = json::parse(r.body);
  EXPECT_TRUE(e.contains("error") && e.contains("message"));
  EXPECT_EQ(Call("GET", "/api/v1/indicators", {{"orgunit", "03390"}, {"period", "2025"}}, commune_).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/indicators", {{"orgunit", "01"}, {"period", "2025"}}, ministry_).status, 200);
  auto bad = Call("GET", "/api/v1/indicators", {{"orgunit", "12"}, {"period", "2025Q7"}}, province_);
  EXPECT_GE(bad.status, 400);
  EXPECT_LT(bad.status, 500);
  EXPECT_EQ(json::parse(bad.body)["field"], "period");
  EXPECT_EQ(json::parse(Call("GET", "/api/v1/indicators", {{"orgunit", "12"}, {"period", "2025"}, {"ids", "nope"}}, province_).body)["field"], "ids");
  EXPECT_EQ(Call("GET", "/api/v1/indicators", {{"orgunit", "zz"}, {"period", "2025"}}, ministry_).status / 100, 4);
  http::Request other_route;
  other_route.method = "GET";
  other_route.path = "/api/v1/persons";
  EXPECT_EQ(router_.Dispatch(other_route, province_, pop_.store()).status, 404) << "not an indicator route";
}

TEST_P(IndicatorHttp, PlanEvaluationAndTargetEditing) {
  auto r = Call("GET", "/api/v1/plans/lai_chau_u5_2030/evaluation", {{"year", "2025"}, {"as_of", "2026-11-26"}}, province_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["items"].size(), 16u);
  // Bắc Giang's plan belongs to old province pre2025:24, now in Bắc Ninh (24).
  EXPECT_EQ(Call("GET", "/api/v1/plans/bac_giang_mnch_2025/evaluation", {}, bac_ninh_).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/plans/bac_giang_mnch_2025/evaluation", {}, province_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/plans/nope/evaluation", {}, province_).status, 404);
  const std::string edit = R"({"indicator":"neonatal_mortality_rate","year":2025,"op":"<","value":600,"reason":"QĐ điều chỉnh"})";
  EXPECT_EQ(Call("PUT", "/api/v1/plans/lai_chau_u5_2030/targets", {}, commune_, edit).status, 403);
  EXPECT_EQ(Call("PUT", "/api/v1/plans/bac_giang_mnch_2025/targets", {}, province_, edit).status, 403);
  ASSERT_EQ(Call("PUT", "/api/v1/plans/lai_chau_u5_2030/targets", {}, province_, edit).status, 200);
  auto after = json::parse(Call("GET", "/api/v1/plans/lai_chau_u5_2030/evaluation", {{"year", "2025"}, {"as_of", "2026-11-26"}}, province_).body);
  for (const auto& item : after["items"]) {
    if (item["indicator"] == "neonatal_mortality_rate") {
      EXPECT_EQ(item["status"], "achieved");
    }
  }
  EXPECT_EQ(json::parse(Call("PUT", "/api/v1/plans/lai_chau_u5_2030/targets", {}, province_, R"({"indicator":"neonatal_mortality_rate","year":2025,"op":"<"})").body)["field"], "value");
}

// The ministry sees plan evaluations with counts under the small-cell
// threshold (roles.json: 5) hidden, and nothing derived from them.
TEST_P(IndicatorHttp, MinistryEvaluationHidesSmallCells) {
  const std::map<std::string, std::string> q{{"year", "2025"}, {"as_of", "2026-11-26"}};
  auto full = json::parse(Call("GET", "/api/v1/plans/lai_chau_u5_2030/evaluation", q, province_).body);
  auto r = Call("GET", "/api/v1/plans/lai_chau_u5_2030/evaluation", q, ministry_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto hidden = json::parse(r.body);
  ASSERT_EQ(hidden["items"].size(), full["items"].size());
  int suppressed = 0, shown = 0;
  for (size_t i = 0; i < full["items"].size(); ++i) {
    const json& f = full["items"][i];
    const json& h = hidden["items"][i];
    const int64_t num = f["numerator"].get<int64_t>(), den = f["denominator"].get<int64_t>();
    const bool small = (num > 0 && num < 5) || (den > 0 && den < 5);
    if (small) {
      ++suppressed;
      EXPECT_TRUE(h.value("suppressed", false)) << f["indicator"];
      EXPECT_FALSE(h.contains("numerator")) << f["indicator"];
      EXPECT_TRUE(h["value"].is_null()) << f["indicator"];
      EXPECT_TRUE(h["gap"].is_null()) << f["indicator"];
      EXPECT_EQ(h["status"], "suppressed");
    } else {
      ++shown;
      EXPECT_FALSE(h.contains("suppressed")) << f["indicator"];
      EXPECT_EQ(h["numerator"], f["numerator"]);
      EXPECT_EQ(h["status"], f["status"]);
    }
    if (f["indicator"] == "neonatal_mortality_rate") {
      EXPECT_TRUE(small) << "2 deaths of 4 births in the fixture";
    }
  }
  EXPECT_GT(suppressed, 0);
  EXPECT_GT(shown, 0) << "targets without counts (or with zero) stay visible";
}

TEST_P(IndicatorHttp, EnteredValues) {
  const std::string body = R"({"element":"stunting_under5","orgunit":"12","period":"2025","source":"survey","value":19.4})";
  EXPECT_EQ(Call("PUT", "/api/v1/indicator-values", {}, commune_, body).status, 403);
  ASSERT_EQ(Call("PUT", "/api/v1/indicator-values", {}, province_, body).status, 200);
  auto list = json::parse(Call("GET", "/api/v1/indicator-values", {{"orgunit", "12"}, {"period", "2025"}}, province_).body);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["source"], "survey");
  auto bad = Call("PUT", "/api/v1/indicator-values", {}, province_, R"({"element":"x","orgunit":"12","period":"2025","source":"survey","value":1})");
  EXPECT_EQ(json::parse(bad.body)["field"], "element");
  auto v = json::parse(Call("GET", "/api/v1/indicators", {{"orgunit", "12"}, {"period", "2025"}, {"ids", "stunting_under5"}}, province_).body);
  EXPECT_EQ(v["items"][0]["entered"][0]["value"], 19.4);
  EXPECT_EQ(v["items"][0]["provenance"], "computed_from_registry");
}

// Entered values are counts or values an indicator can take: refused (422
// naming the field) when negative, not finite, absurdly large, above the
// indicator's unit, or a proportion's numerator above its denominator.
TEST_P(IndicatorHttp, EnteredValuesOutOfRangeAreRefused) {
  struct Case {
    const char* what;
    std::string body;
    const char* field;
  };
  const std::string head = R"({"orgunit":"12","period":"2025","source":"survey",)";
  const std::vector<Case> cases = {
      {"negative value", head + R"("element":"stunting_under5","value":-5})", "value"},
      {"1e308", head + R"("element":"population.under5_midyear","value":1e308})", "value"},
      {"1e400", head + R"("element":"population.under5_midyear","value":1e400})", "value"},
      {"above a billion", head + R"("element":"population.under5_midyear","value":2e9})", "value"},
      {"a percentage above 100", head + R"("element":"stunting_under5","value":120})", "value"},
      {"a rate per 1000 above 1000", head + R"("element":"neonatal_mortality_rate","value":1500})", "value"},
      {"negative numerator", head + R"("element":"stunting_under5","numerator":-1,"denominator":10})", "numerator"},
      {"negative denominator", head + R"("element":"stunting_under5","numerator":1,"denominator":-10})", "denominator"},
      {"numerator above denominator", head + R"("element":"stunting_under5","numerator":12,"denominator":10})", "numerator"},
      {"value as text", head + R"("element":"stunting_under5","value":"19.4"})", "value"},
      {"numerator as boolean", head + R"("element":"stunting_under5","numerator":true,"denominator":10})", "numerator"},
      {"orgunit as number", R"({"orgunit":12,"period":"2025","source":"survey","element":"stunting_under5","value":1})", "orgunit"},
      {"period as number", R"({"orgunit":"12","period":2025,"source":"survey","element":"stunting_under5","value":1})", "period"},
      {"note as object", head + R"("element":"stunting_under5","value":1,"note":{}})", "note"},
  };
  for (const Case& c : cases) {
    auto r = Call("PUT", "/api/v1/indicator-values", {}, province_, c.body);
    EXPECT_EQ(r.status, 422) << c.what << ": " << r.body;
    EXPECT_EQ(json::parse(r.body).value("field", ""), c.field) << c.what << ": " << r.body;
  }
  // A rate's numerator may exceed its denominator in a small place and period (deaths of births of the year before).
  EXPECT_EQ(Call("PUT", "/api/v1/indicator-values", {}, province_, head + R"("element":"neonatal_mortality_rate","numerator":3,"denominator":2})").status, 200);
  EXPECT_EQ(Call("PUT", "/api/v1/indicator-values", {}, province_, head + R"("element":"stunting_under5","numerator":10,"denominator":10})").status, 200);
  EXPECT_EQ(Call("PUT", "/api/v1/indicator-values", {}, province_, head + R"("element":"population.under5_midyear","value":48210})").status, 200);
  auto list = json::parse(Call("GET", "/api/v1/indicator-values", {{"orgunit", "12"}, {"period", "2025"}}, province_).body);
  EXPECT_EQ(list["items"].size(), 3u) << "nothing refused was stored";
}

// A plan target is a value its indicator can reach.
TEST_P(IndicatorHttp, TargetsOutOfRangeAreRefused) {
  const std::string plan = "/api/v1/plans/lai_chau_u5_2030/targets";
  struct Case {
    const char* what;
    std::string body;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"negative", R"({"indicator":"stunting_under5","year":2030,"op":"<","value":-50})", "value"},
      {"a percentage above 100", R"({"indicator":"stunting_under5","year":2030,"op":"<","value":150})", "value"},
      {"a rate per 1000 above 1000", R"({"indicator":"neonatal_mortality_rate","year":2030,"op":"<","value":1001})", "value"},
      {"1e308", R"({"indicator":"neonatal_mortality_rate","year":2030,"op":"<","value":1e308})", "value"},
      {"1e400", R"({"indicator":"neonatal_mortality_rate","year":2030,"op":"<","value":1e400})", "value"},
      {"a reduction above 100 %", R"({"indicator":"stunting_under5","year":2030,"op":"reduce_by_pct","baseline_year":2020,"value":120})", "value"},
      {"value as text", R"({"indicator":"stunting_under5","year":2030,"op":"<","value":"20"})", "value"},
      {"year as text", R"({"indicator":"stunting_under5","year":"2030","op":"<","value":20})", "year"},
      {"year fractional", R"({"indicator":"stunting_under5","year":2030.5,"op":"<","value":20})", "year"},
      {"year beyond int", R"({"indicator":"stunting_under5","year":18446744073709551615,"op":"<","value":20})", "year"},
      {"baseline_year as text", R"({"indicator":"stunting_under5","year":2030,"op":"<","value":20,"baseline_year":"2020"})", "baseline_year"},
      {"note as number", R"({"indicator":"stunting_under5","year":2030,"op":"<","value":20,"note":5})", "note"},
  };
  for (const Case& c : cases) {
    auto r = Call("PUT", plan, {}, province_, c.body);
    EXPECT_EQ(r.status, 422) << c.what << ": " << r.body;
    EXPECT_EQ(json::parse(r.body).value("field", ""), c.field) << c.what << ": " << r.body;
  }
  EXPECT_EQ(Call("PUT", plan, {}, province_, R"({"indicator":"stunting_under5","year":2030,"op":"<","value":100,"reason":"r"})").status, 200);
  EXPECT_EQ(Call("PUT", plan, {}, province_, R"({"indicator":"stunting_under5","year":2030,"op":"<","value":0,"note":"r"})").status, 200);
}

U5_ON_BOTH_STORES(IndicatorHttp);

}  // namespace
}  // namespace u5::test
