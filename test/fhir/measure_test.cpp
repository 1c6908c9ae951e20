// Indicators as Measure and MeasureReport over a small demo province: each
// MeasureReport must say what the JSON indicator API and the plan evaluation
// say for the same org unit and period, within the same scope.
#include "fhir/measure.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

#include "demo/generator.h"
#include "fhir/elements.h"
#include "fhir/server.h"
#include "indicator/http_routes.h"
#include "orgunit/load.h"
#include "support/temp_dir.h"
#include "demo_store.h"
#include "support/test_store.h"

namespace u5::fhir {
namespace {

using nlohmann::json;

// One demo province (Lai Châu, about 2,000 children) shared by the suite: the
// generator is deterministic, so the figures are the same at every run.
class FhirMeasure : public ::testing::TestWithParam<test::StoreKind> {
 protected:
  // One demo province per store, shared by the suite's tests (ctest runs each in a process of its own).
  void SetUp() override {
    if (demo_ && demo_->kind() == GetParam()) return;
    TearDownTestSuite();
    demo::Options o;
    o.children = 2000;
    o.today = *ParseDate("2026-06-30");
    demo_ = test::OpenDemoStore(GetParam(), o);
    store_ = &demo_->store();
    ASSERT_TRUE(indicator::Service::Open(*store_, U5_DATA_DIR, &svc_).ok());
    indicator::Service::Attach(*store_, svc_.get());
    // A survey figure for an indicator no record gives, and a routine figure
    // beside a computed one: the reports mark both as entered.
    audit::Entry by;
    by.user_id = "id-tinh";
    by.username = "tinh";
    by.action = "test_write";
    indicator::EnteredValue survey;
    survey.element = "caregiver_knows_newborn_danger_signs";
    survey.orgunit = "12";
    survey.period = "2025";
    survey.source = "survey";
    survey.value = 62.5;
    survey.document = "MICS 2020-2021";
    Status st = svc_->PutValue(survey, by);
    ASSERT_TRUE(st.ok()) << st.ToString();
    indicator::EnteredValue routine = survey;
    routine.element = "full_immunization_under1";
    routine.source = "routine";
    routine.value = 91.0;
    routine.document = "";
    st = svc_->PutValue(routine, by);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  static void TearDownTestSuite() {
    if (store_) indicator::Service::Attach(*store_, nullptr);
    svc_.reset();
    demo_.reset();
    store_ = nullptr;
  }

  // The same router as the server's for the two APIs under test.
  http::Response Get(const std::string& path, std::map<std::string, std::string> query, const auth::Principal& who,
                     const std::string& prefix) {
    http::Request req;
    req.method = "GET";
    req.path = prefix + path;
    req.host = "localhost";
    req.query = std::move(query);
    static const http::Router router([] {
      http::Routes all = indicator::Routes();
      for (http::Route& r : MeasureRoutes()) all.push_back(std::move(r));
      return all;
    }());
    return router.Dispatch(req, who, *store_);
  }
  http::Response Fhir(const std::string& path, std::map<std::string, std::string> query, const auth::Principal& who) {
    return Get(path, std::move(query), who, "/fhir/");
  }
  http::Response Api(const std::string& path, std::map<std::string, std::string> query, const auth::Principal& who) {
    return Get(path, std::move(query), who, "/api/v1/");
  }
  // The one MeasureReport a search for one measure answers.
  json Report(const std::string& measure, const std::string& subject, const std::string& period, const auth::Principal& who) {
    http::Response r = Fhir("MeasureReport", {{"measure", measure}, {"subject", subject}, {"period", period}}, who);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, "application/fhir+json");
    json b = json::parse(r.body);
    EXPECT_EQ(b["resourceType"], "Bundle");
    EXPECT_EQ(b["type"], "searchset");
    EXPECT_EQ(b["entry"].size(), 1u) << r.body;
    return b["entry"].size() == 1 ? b["entry"][0]["resource"] : json::object();
  }

  static inline std::unique_ptr<test::OrgUnitStore> demo_;
  static inline store::Store* store_ = nullptr;
  static inline std::unique_ptr<indicator::Service> svc_;
  auth::Principal commune_{"u1", "demo", "commune_worker", {"03390"}};
  auth::Principal province_{"u2", "tinh", "province_officer", {"12"}};
  auth::Principal ministry_{"u4", "bo", "ministry", {}};
};

json Sub(const json& ext, const std::string& url) {
  for (const auto& e : ext.value("extension", json::array()))
    if (e["url"] == url) return e;
  return nullptr;
}

std::vector<json> Extensions(const json& res, const std::string& name) {
  std::vector<json> out;
  for (const auto& e : res.value("extension", json::array()))
    if (e["url"] == "https://under5.vn/fhir/StructureDefinition/" + name) out.push_back(e);
  return out;
}

std::optional<int64_t> Count(const json& report, const std::string& code) {
  if (!report.contains("group")) return std::nullopt;
  for (const auto& p : report["group"][0].value("population", json::array()))
    if (p["code"]["coding"][0]["code"] == code) return p["count"].get<int64_t>();
  return std::nullopt;
}

// Indicators of each kind (proportion, rate, ratio, count), org units (the
// province, the demo user's commune, another commune) and periods (year,
// half, quarter, month).
struct Row {
  const char* indicator;
  const char* orgunit;
  const char* period;
};
const Row kRows[] = {
    {"neonatal_mortality_rate", "12", "2025"},
    {"under5_mortality_rate", "12", "2024"},
    {"maternal_mortality_ratio", "12", "2025"},
    {"full_immunization_under1", "12", "2025"},
    {"full_immunization_under1", "03390", "2025"},
    {"stunting_under5", "12", "2025S1"},
    {"stunting_under5", "03390", "2025Q3"},
    {"anc4_three_trimesters", "12", "2024"},
    {"facility_delivery", "12", "2025-03"},
    {"skilled_birth_attendance", "03390", "2024"},
    {"low_birth_weight", "12", "2025S2"},
    {"imm_bcg_under1", "12", "2025"},
    {"imm_measles1_under1", "03390", "2025Q2"},
    {"anc_visits_total", "12", "2025-06"},
    {"caregiver_knows_newborn_danger_signs", "12", "2025"},
};

TEST_P(FhirMeasure, ReportsEqualTheIndicatorApi) {
  int with_denominator = 0;
  for (const Row& row : kRows) {
    SCOPED_TRACE(std::string(row.indicator) + " " + row.orgunit + " " + row.period);
    http::Response a = Api("indicators", {{"orgunit", row.orgunit}, {"period", row.period}, {"ids", row.indicator}}, province_);
    ASSERT_EQ(a.status, 200) << a.body;
    const json item = json::parse(a.body)["items"][0];
    const json r = Report(row.indicator, row.orgunit, row.period, province_);
    EXPECT_EQ(r["resourceType"], "MeasureReport");
    EXPECT_EQ(r["status"], "complete");
    EXPECT_EQ(r["type"], "summary");
    EXPECT_EQ(r["measure"], MeasureUrl(row.indicator));
    EXPECT_EQ(r["reporter"]["identifier"]["value"], row.orgunit);
    EXPECT_EQ(r["period"]["start"], json::parse(a.body)["from"]);
    EXPECT_EQ(r["period"]["end"], json::parse(a.body)["to"]);
    const json prov = Extensions(r, "provenance").at(0);
    EXPECT_EQ(prov["valueCode"], item["provenance"]);
    const indicator::Indicator* ind = svc_->catalogue().Find(row.indicator);
    ASSERT_NE(ind, nullptr);
    if (ind->kind == "count") {
      EXPECT_EQ(Count(r, "initial-population"), item["numerator"].get<int64_t>());
      EXPECT_EQ(r.at("group").at(0).at("measureScore").at("value"), item["numerator"]);
      EXPECT_EQ(r.at("group").at(0).at("measureScore").at("code"), "1");
    } else if (item.contains("numerator")) {
      EXPECT_EQ(Count(r, "numerator"), item["numerator"].get<int64_t>());
      EXPECT_EQ(Count(r, "denominator"), item["denominator"].get<int64_t>());
      if (item["denominator"].get<int64_t>() > 0) ++with_denominator;
    }
    if (ind->kind != "count") {
      if (item["value"].is_null()) {
        EXPECT_FALSE(r.contains("group") && r["group"][0].contains("measureScore"));
      } else {
        EXPECT_EQ(r.at("group").at(0).at("measureScore").at("value"), item["value"]);
      }
    }
  }
  // The table must compare real figures, not empty cells.
  EXPECT_GE(with_denominator, 8);
}

TEST_P(FhirMeasure, EnteredValuesAreMarkedAsEntered) {
  // No record gives caregivers' knowledge: the survey's figure is the value.
  const json s = Report("caregiver_knows_newborn_danger_signs", "12", "2025", province_);
  EXPECT_EQ(Extensions(s, "provenance").at(0)["valueCode"], "survey");
  EXPECT_EQ(s["group"][0]["measureScore"]["value"], 62.5);
  EXPECT_EQ(s["group"][0]["measureScore"]["code"], "%");
  const auto entered = Extensions(s, "entered-value");
  ASSERT_EQ(entered.size(), 1u);
  EXPECT_EQ(Sub(entered[0], "source")["valueCode"], "survey");
  EXPECT_EQ(Sub(entered[0], "document")["valueString"], "MICS 2020-2021");
  // A computed value keeps its provenance; the routine figure stands beside it.
  const json c = Report("full-immunization-under1", "12", "2025", province_);
  EXPECT_EQ(Extensions(c, "provenance").at(0)["valueCode"], "computed_from_registry");
  const auto beside = Extensions(c, "entered-value");
  ASSERT_EQ(beside.size(), 1u);
  EXPECT_EQ(Sub(beside[0], "source")["valueCode"], "routine");
  EXPECT_EQ(Sub(beside[0], "value")["valueDecimal"], 91.0);
  EXPECT_NE(c["group"][0]["measureScore"]["value"], 91.0);
}

// Each target of the province's plan and of the national plan, with the
// verdict the plan evaluation gives as of the end of the report's period.
TEST_P(FhirMeasure, TargetsCarryThePlanEvaluation) {
  size_t compared = 0;
  std::set<std::string> statuses;
  for (const char* plan : {"lai_chau_u5_2030", "national_1493_2030"}) {
    http::Response e = Api(std::string("plans/") + plan + "/evaluation", {{"orgunit", "12"}, {"as_of", "2025-12-31"}}, province_);
    ASSERT_EQ(e.status, 200) << e.body;
    const json evals = json::parse(e.body);
    for (const auto& it : evals["items"]) {
      const std::string ind = it["indicator"];
      SCOPED_TRACE(std::string(plan) + " " + ind + " " + std::to_string(it["year"].get<int>()));
      const json r = Report(ind, "12", "2025", province_);
      json found;
      for (const json& t : Extensions(r, "target"))
        if (Sub(t, "plan")["valueString"] == plan && Sub(t, "year")["valueInteger"] == it["year"]) found = t;
      ASSERT_FALSE(found.is_null()) << r.dump();
      EXPECT_EQ(Sub(found, "target-status")["valueCode"], it["status"]);
      EXPECT_EQ(Sub(found, "operator")["valueCode"], it["operator"]);
      EXPECT_EQ(Sub(found, "value")["valueDecimal"], it["target"]);
      EXPECT_EQ(Sub(found, "uncertain")["valueBoolean"], it["uncertain"]);
      EXPECT_EQ(Sub(found, "as-of")["valueDate"], "2025-12-31");
      if (!it["threshold"].is_null()) {
        EXPECT_EQ(Sub(found, "threshold")["valueDecimal"], it["threshold"]);
      }
      statuses.insert(it["status"].get<std::string>());
      ++compared;
    }
  }
  EXPECT_GE(compared, 30u);
  EXPECT_GE(statuses.size(), 2u);  // more than one verdict: the comparison tells them apart
  // Another province's plan never reaches Lai Châu's reports.
  for (const json& t : Extensions(Report("neonatal_mortality_rate", "12", "2025", province_), "target"))
    EXPECT_NE(Sub(t, "plan")["valueString"], "hai_phong_u5_2026_2030");
}

TEST_P(FhirMeasure, ScopeIsTheIndicatorApis) {
  // The demo commune worker reads its commune, not its province nor another province.
  EXPECT_EQ(Fhir("MeasureReport", {{"measure", "stunting_under5"}, {"subject", "03390"}, {"period", "2025"}}, commune_).status, 200);
  for (const char* other : {"12", "24", "01"}) {
    SCOPED_TRACE(other);
    http::Response r = Fhir("MeasureReport", {{"measure", "stunting_under5"}, {"subject", other}, {"period", "2025"}}, commune_);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.content_type, "application/fhir+json");
    const json o = json::parse(r.body);
    EXPECT_EQ(o["resourceType"], "OperationOutcome");
    EXPECT_EQ(o["issue"][0]["code"], "forbidden");
    EXPECT_EQ(o["issue"][0]["expression"][0], "subject");
    EXPECT_EQ(r.body.find("numerator"), std::string::npos);
    EXPECT_EQ(Api("indicators", {{"orgunit", other}, {"period", "2025"}, {"ids", "stunting_under5"}}, commune_).status, 403);
  }
  // The identifier token names the same org unit; reporter is subject's synonym.
  const json t = Report("stunting_under5", std::string(kOrgUnitSystem) + "|03390", "2025", commune_);
  EXPECT_EQ(t["subject"]["identifier"]["value"], "03390");
  http::Response rep = Fhir("MeasureReport", {{"measure", "stunting_under5"}, {"reporter", "24"}, {"period", "2025"}}, commune_);
  EXPECT_EQ(rep.status, 403);
  EXPECT_EQ(json::parse(rep.body)["issue"][0]["expression"][0], "reporter");
  // Aggregates only: no person-level audit note on the answer.
  http::Response ok = Fhir("MeasureReport", {{"subject", "03390"}, {"period", "2025"}}, commune_);
  ASSERT_EQ(ok.status, 200);
  EXPECT_FALSE(ok.audit.has_value());
  EXPECT_EQ(json::parse(ok.body)["entry"].size(), svc_->catalogue().indicators().size());
}

TEST_P(FhirMeasure, SmallCellsHiddenFromTheMinistry) {
  // The ministry sees no small count in a commune, neither in the API nor here.
  http::Response a = Api("indicators", {{"orgunit", "03390"}, {"period", "2025-03"}, {"ids", "facility_delivery"}}, ministry_);
  ASSERT_EQ(a.status, 200) << a.body;
  const json item = json::parse(a.body)["items"][0];
  const json r = Report("facility_delivery", "03390", "2025-03", ministry_);
  ASSERT_EQ(item.value("suppressed", false), true) << item.dump();
  EXPECT_EQ(Extensions(r, "suppressed").at(0)["valueBoolean"], true);
  EXPECT_FALSE(r.contains("group")) << r.dump();
  for (const json& t : Extensions(r, "target")) EXPECT_EQ(Sub(t, "target-status")["valueCode"], "suppressed");
}

TEST_P(FhirMeasure, BadSearchesNameTheirParameter) {
  struct Bad {
    std::map<std::string, std::string> query;
    int status;
    const char* code;
    const char* expression;
  };
  const Bad bad[] = {
      {{{"measure", "stunting_under5"}, {"subject", "12"}}, 422, "invalid", "period"},
      {{{"measure", "stunting_under5"}, {"subject", "12"}, {"period", "2025Q7"}}, 422, "invalid", "period"},
      {{{"measure", "no_such_indicator"}, {"subject", "12"}, {"period", "2025"}}, 404, "not-found", "measure"},
      {{{"measure", "stunting_under5"}, {"subject", "99999"}, {"period", "2025"}}, 422, "invalid", "subject"},
      {{{"measure", "stunting_under5"}, {"subject", "http://example.org|12"}, {"period", "2025"}}, 422, "invalid", "subject"},
      {{{"measure", "stunting_under5"}, {"subject", "12"}, {"reporter", "03390"}, {"period", "2025"}}, 422, "invalid", "reporter"},
  };
  for (const Bad& b : bad) {
    http::Response r = Fhir("MeasureReport", b.query, province_);
    SCOPED_TRACE(r.body);
    EXPECT_EQ(r.status, b.status);
    const json o = json::parse(r.body);
    EXPECT_EQ(o["resourceType"], "OperationOutcome");
    EXPECT_EQ(o["issue"][0]["severity"], "error");
    EXPECT_EQ(o["issue"][0]["code"], b.code);
    EXPECT_EQ(o["issue"][0]["expression"][0], b.expression);
  }
  EXPECT_EQ(Fhir("Measure/no-such-measure", {}, province_).status, 404);
  // A Measure is read by its FHIR id only: the catalogue id has '_', which no FHIR id may hold.
  EXPECT_EQ(Fhir("Measure/stunting_under5", {}, province_).status, 404);
}

TEST_P(FhirMeasure, EveryIndicatorIsAMeasure) {
  http::Response r = Fhir("Measure", {}, commune_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json b = json::parse(r.body);
  ASSERT_EQ(b["entry"].size(), svc_->catalogue().indicators().size());
  std::set<std::string> ids;
  for (const auto& e : b["entry"]) {
    const json& m = e["resource"];
    ids.insert(m["id"].get<std::string>());
    EXPECT_EQ(m["url"], "https://under5.vn/fhir/Measure/" + m["id"].get<std::string>());
    EXPECT_EQ(m["status"], "active");
    EXPECT_TRUE(m.contains("scoring")) << m.dump();
    EXPECT_FALSE(m["title"].get<std::string>().empty());
    EXPECT_EQ(m["id"].get<std::string>().find('_'), std::string::npos);
    for (const auto& p : m["group"][0]["population"]) EXPECT_TRUE(p.contains("criteria"));
  }
  EXPECT_EQ(ids.size(), b["entry"].size());
  // One Measure in detail: a rate is a ratio of deaths to live births, per 1000, lower is better.
  http::Response one = Fhir("Measure/neonatal-mortality-rate", {}, commune_);
  ASSERT_EQ(one.status, 200) << one.body;
  const json m = json::parse(one.body);
  EXPECT_EQ(m["scoring"]["coding"][0]["code"], "ratio");
  EXPECT_EQ(m["improvementNotation"]["coding"][0]["code"], "decrease");
  EXPECT_EQ(m["title"], "Tỷ suất tử vong trẻ sơ sinh");
  EXPECT_EQ(m["_title"]["extension"][0]["extension"][1]["valueString"], "Neonatal mortality rate");
  EXPECT_EQ(m["identifier"][0]["value"], "neonatal_mortality_rate");
  EXPECT_EQ(m["description"], "Neonatal mortality rate. Numerator / denominator x 1000 (‰), computed from registry records.");
  const json& pops = m["group"][0]["population"];
  ASSERT_EQ(pops.size(), 2u);
  EXPECT_EQ(pops[0]["code"]["coding"][0]["code"], "numerator");
  EXPECT_NE(pops[0]["description"].get<std::string>().find("Deaths"), std::string::npos);
  EXPECT_EQ(pops[1]["code"]["coding"][0]["code"], "denominator");
  EXPECT_NE(pops[1]["description"].get<std::string>().find("Live births"), std::string::npos);
  // A count is a cohort with one population; a proportion, a proportion.
  EXPECT_EQ(json::parse(Fhir("Measure/imm-bcg-under1", {}, commune_).body)["scoring"]["coding"][0]["code"], "cohort");
  EXPECT_EQ(json::parse(Fhir("Measure/stunting-under5", {}, commune_).body)["scoring"]["coding"][0]["code"], "proportion");
  // A canonical URL finds its Measure.
  const json byurl = json::parse(Fhir("Measure", {{"url", MeasureUrl("stunting_under5")}}, commune_).body);
  ASSERT_EQ(byurl["entry"].size(), 1u);
  EXPECT_EQ(byurl["entry"][0]["resource"]["id"], "stunting-under5");
}

U5_ON_BOTH_STORES(FhirMeasure);

// A province's catalogue is read at run time and may hold a kind the code
// tables do not know: its Measure has no scoring, but keeps its populations.
TEST(FhirMeasureOf, UnknownKindKeepsNumeratorAndDenominator) {
  indicator::Indicator ind;
  ind.id = "new_indicator";
  ind.name_vi = "Chỉ số mới";
  ind.name_en = "New indicator";
  ind.kind = "index";
  ind.unit = "points";
  ind.direction = "sideways";
  ind.numerator_text = "What is counted.";
  ind.denominator_text = "Out of what.";
  const json m = MeasureOf(ind);
  EXPECT_EQ(m["id"], "new-indicator");
  EXPECT_FALSE(m.contains("scoring"));
  EXPECT_FALSE(m.contains("improvementNotation"));
  ASSERT_EQ(m["group"][0]["population"].size(), 2u);
  EXPECT_EQ(m["group"][0]["population"][1]["description"], "Out of what.");
}

// The CapabilityStatement names the indicators' resources with what their
// routes answer: Measure read and search, MeasureReport search only.
TEST(FhirMeasureCapability, MetadataListsMeasureAndMeasureReport) {
  const json cap = Capability(MeasureRoutes());
  std::map<std::string, std::set<std::string>> served;
  for (const json& r : cap["rest"][0]["resource"])
    for (const json& i : r["interaction"]) served[r["type"]].insert(i["code"]);
  EXPECT_EQ(served["Measure"], (std::set<std::string>{"read", "search-type"}));
  EXPECT_EQ(served["MeasureReport"], (std::set<std::string>{"search-type"}));
  EXPECT_TRUE(Capability({})["rest"][0].value("resource", json::array()).empty());
}

}  // namespace
}  // namespace u5::fhir
