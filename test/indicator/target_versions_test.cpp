// One source of truth for a target: the plans' data file seeds stored
// versions, an edit through the API is a new version (who, when, why, audited
// in the same transaction), and `under5 plan-eval` evaluates what the API does.
#include <gtest/gtest.h>

#include <sstream>

#include "indicator/cli.h"
#include "indicator/http_routes.h"
#include "lai_chau.h"
#include "store/targets.h"

namespace u5::test {
namespace {

using nlohmann::json;

class TargetVersions : public OnEachStore {
 protected:
  void SetUp() override {
    BuildLaiChau(pop_);
    indicator::Service::Attach(pop_.store(), &pop_.service());
  }
  http::Response Call(const std::string& method, const std::string& path, std::map<std::string, std::string> query,
                      const std::string& body = "") {
    http::Request req;
    req.method = method;
    req.path = path;
    req.query = std::move(query);
    req.body = body;
    req.remote = "10.0.0.7";
    return router_.Dispatch(req, province_, pop_.store());
  }
  http::Response CallAs(const auth::Principal& who, const std::string& method, const std::string& path,
                        std::map<std::string, std::string> query, const std::string& body = "") {
    http::Request req;
    req.method = method;
    req.path = path;
    req.query = std::move(query);
    req.body = body;
    req.remote = "10.0.0.7";
    return router_.Dispatch(req, who, pop_.store());
  }
  http::Router router_{indicator::Routes()};
  // What `under5 plan-eval --plan lai_chau_u5_2030 --year 2025 --format json` prints: its target of `indicator`.
  json PlanEvalTarget(const std::string& indicator) {
    indicator::CliOptions o;
    o.engines_dir = pop_.engines_dir();
    o.data_dir = U5_DATA_DIR;
    o.plan = "lai_chau_u5_2030";
    o.year = 2025;
    o.as_of = "2026-11-26";
    o.format = "json";
    std::ostringstream out, err;
    EXPECT_EQ(indicator::RunPlanEvalCommand(pop_.store(), o, out, err), 0) << err.str();
    const json printed = json::parse(out.str());
    for (const auto& item : printed["items"])
      if (item["indicator"] == indicator) return item;
    ADD_FAILURE() << "plan-eval printed no target of " << indicator << ": " << out.str();
    return json();
  }
  int64_t Audits(const std::string& action) {
    return pop_.db().QueryInt("SELECT count(*) FROM audit_log WHERE action = '" + action + "' AND user_id = 'u2'");
  }

  Population pop_{GetParam()};
  auth::Principal province_{"u2", "tinh", "province_officer", {"12"}};
  auth::Principal commune_{"u1", "demo", "commune_worker", {"03390"}};
  auth::Principal son_la_{"u5", "sonla", "province_officer", {"14"}};
  const std::string targets_ = "/api/v1/plans/lai_chau_u5_2030/targets";
  const std::string edit_ =
      R"({"indicator":"neonatal_mortality_rate","year":2025,"op":"<","value":600,"reason":"Sở Y tế điều chỉnh theo Quyết định 12/QĐ"})";
};

TEST_P(TargetVersions, TargetEditedThroughTheApiIsWhatPlanEvalPrints) {
  const json before = PlanEvalTarget("neonatal_mortality_rate");
  ASSERT_NE(before["target"], 600.0) << before.dump();
  ASSERT_EQ(Call("PUT", targets_, {}, edit_).status, 200);
  const json after = PlanEvalTarget("neonatal_mortality_rate");
  EXPECT_EQ(after["target"], 600.0) << after.dump();
  EXPECT_NE(after["printed"].get<std::string>().find("(edited)"), std::string::npos) << after.dump();
  // And the API's evaluation says the same.
  auto r = Call("GET", "/api/v1/plans/lai_chau_u5_2030/evaluation", {{"year", "2025"}, {"as_of", "2026-11-26"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json evaluation = json::parse(r.body);
  for (const auto& item : evaluation["items"])
    if (item["indicator"] == "neonatal_mortality_rate") EXPECT_EQ(item["target"], 600.0);
}

TEST_P(TargetVersions, EachEditIsANewVersionWithWhoWhenAndWhy) {
  ASSERT_EQ(Call("PUT", targets_, {}, edit_).status, 200);
  auto second = Call("PUT", targets_, {}, R"({"indicator":"neonatal_mortality_rate","year":2025,"op":"<","value":550,"note":"đợt 2"})");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(json::parse(second.body)["version"], 3);
  auto h = Call("GET", targets_, {{"indicator", "neonatal_mortality_rate"}, {"year", "2025"}});
  ASSERT_EQ(h.status, 200) << h.body;
  const json vs = json::parse(h.body)["versions"];
  ASSERT_EQ(vs.size(), 3u) << h.body;
  EXPECT_EQ(vs[0]["origin"], "data");
  EXPECT_EQ(vs[1]["origin"], "edit");
  EXPECT_EQ(vs[1]["value"], 600.0);
  EXPECT_EQ(vs[1]["by"], "tinh");
  EXPECT_EQ(vs[1]["reason"], "Sở Y tế điều chỉnh theo Quyết định 12/QĐ");
  EXPECT_FALSE(vs[1]["at"].get<std::string>().empty());
  EXPECT_EQ(vs[2]["value"], 550.0);
  EXPECT_EQ(vs[2]["reason"], "đợt 2") << "the note stands in for a missing reason";
  EXPECT_EQ(pop_.db().QueryOne("SELECT by_id FROM plan_target WHERE version = 2 AND indicator_id = 'neonatal_mortality_rate' AND year = 2025"), "u2");
  EXPECT_EQ(PlanEvalTarget("neonatal_mortality_rate")["target"], 550.0) << "the latest version is the target";
  EXPECT_EQ(Audits("target_change"), 2) << "each edit audited under the user's id";
  // A second open of the service (another process, a restart) seeds nothing new.
  std::unique_ptr<indicator::Service> again;
  ASSERT_TRUE(indicator::Service::Open(pop_.store(), U5_DATA_DIR, &again).ok());
  EXPECT_EQ(pop_.db().QueryInt("SELECT count(*) FROM plan_target WHERE indicator_id = 'neonatal_mortality_rate' AND year = 2025 AND plan_id = 'lai_chau_u5_2030'"), 3);
  EXPECT_EQ(PlanEvalTarget("neonatal_mortality_rate")["target"], 550.0);
}

// The audit entry is part of the write: when it cannot be appended, nothing is stored.
TEST_P(TargetVersions, EditsAndEnteredValuesAreAuditedInTheirOwnTransaction) {
  pop_.db().RefuseInserts("audit_log");
  EXPECT_NE(Call("PUT", targets_, {}, edit_).status, 200);
  EXPECT_EQ(pop_.db().QueryInt("SELECT count(*) FROM plan_target WHERE origin = 'edit'"), 0);
  const std::string value = R"({"element":"stunting_under5","orgunit":"12","period":"2025","source":"survey","value":21.5})";
  EXPECT_NE(Call("PUT", "/api/v1/indicator-values", {}, value).status, 200);
  EXPECT_EQ(pop_.db().QueryInt("SELECT count(*) FROM indicator_value"), 0);

  pop_.db().AllowInserts("audit_log");
  ASSERT_EQ(Call("PUT", "/api/v1/indicator-values", {}, value).status, 200);
  EXPECT_EQ(Audits("aggregate_value_change"), 1);
  EXPECT_EQ(pop_.db().QueryOne("SELECT remote FROM audit_log WHERE action = 'aggregate_value_change'"), "10.0.0.7");
  int64_t checked = 0;
  EXPECT_TRUE(pop_.store().VerifyAudit(&checked).ok());
}

// The targets page (web /targets) reads a target's versions oldest first, with
// the plan's document, and each edit leaves an audit entry naming what changed.
TEST_P(TargetVersions, HistoryIsOldestFirstAndEachEditIsAudited) {
  ASSERT_EQ(Call("PUT", targets_, {}, edit_).status, 200);
  ASSERT_EQ(Call("PUT", targets_, {}, R"({"indicator":"neonatal_mortality_rate","year":2025,"op":"<=","value":5.5,"reason":"lần 2"})").status, 200);
  auto h = Call("GET", targets_, {{"indicator", "neonatal_mortality_rate"}, {"year", "2025"}});
  ASSERT_EQ(h.status, 200) << h.body;
  const json j = json::parse(h.body);
  EXPECT_NE(j["document"].get<std::string>().find("Lai Châu"), std::string::npos) << h.body;
  ASSERT_EQ(j["versions"].size(), 3u) << h.body;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(j["versions"][i]["version"], i + 1) << h.body;
  EXPECT_EQ(j["versions"][2]["op"], "<=");
  EXPECT_LE(j["versions"][1]["at"].get<std::string>(), j["versions"][2]["at"].get<std::string>());
  const json detail = json::parse(pop_.db().QueryOne(
      "SELECT detail FROM audit_log WHERE action = 'target_change' AND user_id = 'u2' ORDER BY seq DESC LIMIT 1"));
  EXPECT_EQ(detail["value"], 5.5) << detail.dump();
  EXPECT_EQ(detail["op"], "<=") << detail.dump();
  EXPECT_EQ(detail["reason"], "lần 2") << detail.dump();
  EXPECT_EQ(pop_.db().QueryOne("SELECT record_id FROM audit_log WHERE action = 'target_change' ORDER BY seq DESC LIMIT 1"),
            "lai_chau_u5_2030");
  // The evaluation names the plan's document beside each target's printed words.
  auto e = Call("GET", "/api/v1/plans/lai_chau_u5_2030/evaluation", {{"year", "2025"}, {"as_of", "2026-11-26"}});
  ASSERT_EQ(e.status, 200) << e.body;
  EXPECT_EQ(json::parse(e.body)["document"], j["document"]);
}

// A commune worker of the province reads its targets but cannot edit them; another province reads neither.
TEST_P(TargetVersions, CommuneReadsTargetsWithoutPlanManage) {
  const std::map<std::string, std::string> q = {{"indicator", "neonatal_mortality_rate"}, {"year", "2025"}};
  EXPECT_EQ(CallAs(commune_, "GET", targets_, q).status, 200);
  EXPECT_EQ(CallAs(son_la_, "GET", targets_, q).status, 403);
  EXPECT_EQ(CallAs(commune_, "PUT", targets_, {}, edit_).status, 403);
  EXPECT_EQ(pop_.db().QueryInt("SELECT count(*) FROM plan_target WHERE origin = 'edit'"), 0);
}

// An edit without a reason (nor a note) is refused naming the field, and nothing is stored or audited.
TEST_P(TargetVersions, EditWithoutReasonIsRefusedNamingTheField) {
  for (const char* body : {R"({"indicator":"neonatal_mortality_rate","year":2025,"op":"<","value":6})",
                           R"({"indicator":"neonatal_mortality_rate","year":2025,"op":"<","value":6,"reason":"  "})"}) {
    auto r = Call("PUT", targets_, {}, body);
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(json::parse(r.body).value("field", ""), "reason") << r.body;
  }
  EXPECT_EQ(pop_.db().QueryInt("SELECT count(*) FROM plan_target WHERE origin = 'edit'"), 0);
  EXPECT_EQ(Audits("target_change"), 0);
}

TEST_P(TargetVersions, VersionsAreAppendOnly) {
  ASSERT_EQ(Call("PUT", targets_, {}, edit_).status, 200);
  EXPECT_THROW(pop_.db().Exec("UPDATE plan_target SET value = 1"), std::exception);
  EXPECT_THROW(pop_.db().Exec("DELETE FROM plan_target"), std::exception);
}

U5_ON_BOTH_STORES(TargetVersions);

}  // namespace
}  // namespace u5::test
