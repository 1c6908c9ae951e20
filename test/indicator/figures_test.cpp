// Entered figures (issue 22): history of each value, who may enter where,
// bounds, and the staffing norms judged from entered doctors.
#include <gtest/gtest.h>

#include "indicator/figures.h"
#include "lai_chau_http.h"

namespace u5::test {
namespace {

using nlohmann::json;
using indicator::Figures;
using indicator::Staffing;

const indicator::StaffingNorm& NormOf(const std::string& plan, const std::string& indicator) {
  for (const auto& n : Figures::Builtin().norms())
    if (n.plan == plan && n.indicator == indicator) return n;
  throw std::runtime_error("no norm " + plan + " " + indicator);
}

// Lai Châu: at least 1 obstetric doctor (specialist or oriented) per district health centre.
TEST(FigureNorms, LaiChauOneObstetricDoctorPerFacility) {
  const Figures& f = Figures::Builtin();
  const auto& n = NormOf("lai_chau_u5_2030", "ob_doctors_per_facility");
  const std::vector<Staffing> facilities = {
      {{"staff.ob_oriented", 1}},                     // 1 oriented: meets
      {{"staff.ob_cki", 0}, {"staff.ob_oriented", 0}},  // entered, none: fails
      {{"staff.paed_cki", 3}},                        // no obstetric figure entered: no verdict
  };
  EXPECT_TRUE(f.Judge(n, facilities[0]).meets);
  EXPECT_FALSE(f.Judge(n, facilities[1]).meets);
  EXPECT_TRUE(f.Judge(n, facilities[1]).entered);
  EXPECT_FALSE(f.Judge(n, facilities[2]).entered);
  auto c = f.Compliance(n, facilities);
  EXPECT_EQ(c.facilities, 3);
  EXPECT_EQ(c.entered, 2);
  EXPECT_EQ(c.meeting, 1);
  ASSERT_TRUE(c.share);
  EXPECT_DOUBLE_EQ(*c.share, 50.0);
}

// Bắc Giang: at least 2 per hospital of whom at least 1 at CKI or above (CKII counts).
TEST(FigureNorms, BacGiangTwoPerHospitalWithOneSpecialist) {
  const Figures& f = Figures::Builtin();
  const auto& n = NormOf("bac_giang_mnch_2025", "paed_doctors_per_facility");
  const std::vector<Staffing> facilities = {
      {{"staff.paed_oriented", 2}},                            // 2, no specialist: fails
      {{"staff.paed_cki", 1}, {"staff.paed_oriented", 1}},     // 2 with 1 CKI: meets
      {{"staff.paed_ckii", 1}, {"staff.paed_oriented", 4}},    // 5 with 1 CKII: meets
      {{"staff.paed_cki", 1}},                                 // 1 CKI alone: fails (total)
  };
  const bool expected[] = {false, true, true, false};
  for (size_t i = 0; i < facilities.size(); ++i) EXPECT_EQ(f.Judge(n, facilities[i]).meets, expected[i]) << i;
  EXPECT_DOUBLE_EQ(f.Judge(n, facilities[2]).total, 5);
  EXPECT_DOUBLE_EQ(f.Judge(n, facilities[2]).specialist, 1);
  EXPECT_DOUBLE_EQ(*f.Compliance(n, facilities).share, 50.0);
  EXPECT_FALSE(f.Compliance(n, {}).share) << "no facility entered: no share, not 0 %";
}

TEST(FigureNorms, ParseRejectsAnElementTwiceAndANormWithoutParts) {
  Figures f;
  EXPECT_EQ(Figures::Parse(R"({"groups":[{"id":"g","label_vi":"g","label_en":"g","level":"area","elements":[
      {"id":"a","max":1},{"id":"a","max":2}]}],"derived":{},"specialist":{}})", &f).field(), "elements");
  EXPECT_EQ(Figures::Parse(R"({"groups":[],"derived":{},"specialist":{},"norms":[{"plan":"p","indicator":"x","min_total":1}]})", &f)
                .field(), "norms");
  EXPECT_EQ(Figures::Parse(R"({"groups":[],"derived":{},"specialist":{},"facilities":{}})", &f).field(), "facilities");
  EXPECT_TRUE(Figures::Builtin().IsStaffedFacility("bv:12-sannhi", "facility"));
  EXPECT_FALSE(Figures::Builtin().IsStaffedFacility("tyt:03390", "facility")) << "a commune station is not a norm's facility";
  EXPECT_TRUE(Figures::Builtin().IsStaffedFacility("pre2025:106", "district"));
}

using Figures_ = LaiChauHttp;

TEST_P(Figures_, HistoryKeepsEveryVersionWithWhoAndTheOldValue) {
  auto put = [&](double v, const std::string& doc) {
    json b = {{"element", "stunting_under5"}, {"orgunit", "03390"}, {"period", "2025"}, {"source", "survey"},
              {"value", v}, {"document", doc}, {"note", "cân đo tháng 6"}};
    return Call("PUT", "/api/v1/indicator-values", {}, commune_, b.dump());
  };
  ASSERT_EQ(put(19.0, "MICS 2020-2021").status, 200);
  ASSERT_EQ(put(21.5, "Điều tra dinh dưỡng 2025").status, 200);
  auto h = Call("GET", "/api/v1/indicator-values/history", {{"element", "stunting_under5"}, {"orgunit", "03390"}, {"period", "2025"}},
                province_);
  ASSERT_EQ(h.status, 200) << h.body;
  const json items = json::parse(h.body)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["value"], 21.5);
  EXPECT_EQ(items[0]["old"]["value"], 19.0);
  EXPECT_EQ(items[0]["old"]["document"], "MICS 2020-2021");
  EXPECT_EQ(items[0]["document"], "Điều tra dinh dưỡng 2025");
  EXPECT_EQ(items[0]["entered_by"], "demo");
  EXPECT_TRUE(items[1]["old"].is_null());
  // The current value is the latest, with its document.
  auto cur = json::parse(Call("GET", "/api/v1/indicator-values", {{"orgunit", "03390"}, {"period", "2025"}}, province_).body);
  ASSERT_EQ(cur["items"].size(), 1u);
  EXPECT_EQ(cur["items"][0]["value"], 21.5);
  EXPECT_EQ(cur["items"][0]["document"], "Điều tra dinh dưỡng 2025");
  EXPECT_EQ(Call("GET", "/api/v1/indicator-values/history", {{"orgunit", "03390"}, {"period", "2025"}}, province_).status, 422);
}

TEST_P(Figures_, ADeletedValueLeavesTheListAndStaysInTheHistoryWithItsReason) {
  const std::string put = R"({"element":"population.under1_target","orgunit":"03390","period":"2025","source":"estimate","value":120})";
  ASSERT_EQ(Call("PUT", "/api/v1/indicator-values", {}, commune_, put).status, 200);
  const json key = {{"element", "population.under1_target"}, {"orgunit", "03390"}, {"period", "2025"}, {"source", "estimate"}};
  auto noreason = Call("DELETE", "/api/v1/indicator-values", {}, commune_, key.dump());
  EXPECT_EQ(noreason.status, 422);
  EXPECT_EQ(json::parse(noreason.body)["field"], "reason");
  json del = key;
  del["reason"] = "nhập nhầm xã";
  EXPECT_EQ(Call("DELETE", "/api/v1/indicator-values", {}, province_, json(del).dump()).status, 200) << "the province may delete below it";
  EXPECT_EQ(Call("DELETE", "/api/v1/indicator-values", {}, commune_, del.dump()).status, 404) << "nothing left to delete";
  auto cur = json::parse(Call("GET", "/api/v1/indicator-values", {{"orgunit", "03390"}, {"period", "2025"}}, province_).body);
  EXPECT_TRUE(cur["items"].empty());
  auto h = json::parse(Call("GET", "/api/v1/indicator-values/history",
                            {{"element", "population.under1_target"}, {"orgunit", "03390"}, {"period", "2025"}}, commune_).body);
  ASSERT_EQ(h["items"].size(), 2u);
  EXPECT_EQ(h["items"][0]["deleted"], true);
  EXPECT_EQ(h["items"][0]["note"], "nhập nhầm xã");
  EXPECT_EQ(h["items"][0]["entered_by"], "tinh");
  EXPECT_EQ(h["items"][0]["old"]["value"], 120.0);
  // Entered again after the deletion: the old value is the deleted one, i.e. none.
  ASSERT_EQ(Call("PUT", "/api/v1/indicator-values", {}, commune_, put).status, 200);
  h = json::parse(Call("GET", "/api/v1/indicator-values/history",
                       {{"element", "population.under1_target"}, {"orgunit", "03390"}, {"period", "2025"}}, commune_).body);
  EXPECT_TRUE(h["items"][0]["old"].is_null());
  json other = del;
  other["orgunit"] = "03388";
  EXPECT_EQ(Call("DELETE", "/api/v1/indicator-values", {}, commune_, other.dump()).status, 403);
}

TEST_P(Figures_, ACommuneWorkerEntersForTheirCommuneOnly) {
  const std::string own = R"({"element":"population.under5_midyear","orgunit":"03390","period":"2025","source":"estimate","value":812})";
  EXPECT_EQ(Call("PUT", "/api/v1/indicator-values", {}, commune_, own).status, 200);
  const std::string other = R"({"element":"population.under5_midyear","orgunit":"03388","period":"2025","source":"estimate","value":5})";
  EXPECT_EQ(Call("PUT", "/api/v1/indicator-values", {}, commune_, other).status, 403);
  EXPECT_EQ(Call("PUT", "/api/v1/indicator-values", {}, bac_ninh_, own).status, 403);
  EXPECT_EQ(Call("PUT", "/api/v1/indicator-values", {}, ministry_, own).status, 403) << "no aggregate.enter";
  auto list = json::parse(Call("GET", "/api/v1/indicator-values", {{"orgunit", "03388"}, {"period", "2025"}}, province_).body);
  EXPECT_TRUE(list["items"].empty());
}

TEST_P(Figures_, BoundsNameTheFieldAndStoreNothing) {
  struct Case {
    const char* element;
    double value;
    int status;
  };
  // A survey percentage up to 100; a budget in VND past a billion up to 10^13; doctors per facility up to 1000.
  const Case cases[] = {{"stunting_under5", 140, 422}, {"stunting_under5", 100, 200},  {"budget.province", 2.5e9, 200},
                        {"budget.province", 2e13, 422},  {"staff.ob_cki", 1001, 422},     {"staff.ob_cki", -1, 422}};
  for (const Case& c : cases) {
    json b = {{"element", c.element}, {"orgunit", "12"}, {"period", "2024"}, {"source", "survey"}, {"value", c.value}};
    auto r = Call("PUT", "/api/v1/indicator-values", {}, province_, b.dump());
    EXPECT_EQ(r.status, c.status) << c.element << " " << c.value << " " << r.body;
    if (c.status == 422) {
      EXPECT_EQ(json::parse(r.body)["field"], "value") << r.body;
    }
  }
  json longdoc = {{"element", "stunting_under5"}, {"orgunit", "12"}, {"period", "2023"}, {"source", "survey"}, {"value", 1},
                  {"document", std::string(501, 'x')}};
  auto r = Call("PUT", "/api/v1/indicator-values", {}, province_, longdoc.dump());
  EXPECT_EQ(json::parse(r.body)["field"], "document");
  auto hist = json::parse(Call("GET", "/api/v1/indicator-values/history",
                               {{"element", "stunting_under5"}, {"orgunit", "12"}, {"period", "2024"}}, province_).body);
  ASSERT_EQ(hist["items"].size(), 1u) << "only the accepted value is a version";
  EXPECT_EQ(hist["items"][0]["value"], 100.0);
}

TEST_P(Figures_, StaffingVerdictPerFacilityAndCompliance) {
  for (auto [el, v] : {std::pair{"staff.ob_cki", 1}, {"staff.ob_oriented", 1}, {"staff.paed_oriented", 0}}) {
    json b = {{"element", el}, {"orgunit", "bv:12-sannhi"}, {"period", "2026"}, {"source", "routine"}, {"value", v}};
    ASSERT_EQ(Call("PUT", "/api/v1/indicator-values", {}, province_, b.dump()).status, 200) << el;
  }
  auto r = Call("GET", "/api/v1/indicator-values/staffing", {{"orgunit", "12"}, {"period", "2026"}}, province_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  bool seen = false;
  for (const auto& f : j["facilities"])
    if (f["id"] == "bv:12-sannhi") {
      seen = true;
      for (const auto& v : f["verdicts"]) {
        EXPECT_EQ(v["plan"], "lai_chau_u5_2030");
        if (v["indicator"] == "ob_doctors_per_facility") {
          EXPECT_EQ(v["total"], 2.0);
          EXPECT_EQ(v["meets"], true);
        }
        if (v["indicator"] == "paed_doctors_per_facility") {
          EXPECT_EQ(v["meets"], false);
        }
      }
      EXPECT_EQ(f["verdicts"].size(), 2u);
    } else {
      for (const auto& v : f["verdicts"]) EXPECT_TRUE(v["meets"].is_null()) << f["id"];
    }
  EXPECT_TRUE(seen);
  ASSERT_EQ(j["facilities"].size(), 3u) << "the 3 Lai Châu hospitals of data/vn-admin/hospitals.csv, no commune station";
  for (const auto& n : j["norms"]) {
    EXPECT_EQ(n["facilities"], 3);
    EXPECT_EQ(n["entered"], 1);
    EXPECT_EQ(n["share"], n["indicator"] == "ob_doctors_per_facility" ? 100.0 : 0.0);
  }
  EXPECT_EQ(Call("GET", "/api/v1/indicator-values/staffing", {{"orgunit", "12"}, {"period", "2026"}}, commune_).status, 403);
}

U5_ON_BOTH_STORES(Figures_);

}  // namespace
}  // namespace u5::test
