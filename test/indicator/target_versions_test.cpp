// One source of truth for a target: the plans' data file seeds stored
// versions, an edit through the API is a new version (who, when, why, audited
// in the same transaction), and `under5 plan-eval` evaluates what the API does.
#include <gtest/gtest.h>

#include <sstream>

#include "indicator/cli.h"
#include "indicator/http_routes.h"
#include "lai_chau.h"
#include "store/targets.h"
#include "support/sqlite_probe.h"

namespace u5::test {
namespace {

using nlohmann::json;

class TargetVersions : public ::testing::Test {
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
  http::Router router_{indicator::Routes()};
  // What `under5 plan-eval --plan lai_chau_u5_2030 --year 2025 --format json` prints: its target of `indicator`.
  json PlanEvalTarget(const std::string& indicator) {
    indicator::CliOptions o;
    o.db_path = pop_.db_path();
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
    return QueryInt(pop_.db_path(), "SELECT count(*) FROM audit_log WHERE action = '" + action + "' AND user_id = 'u2'");
  }

  Population pop_;
  auth::Principal province_{"u2", "tinh", "province_officer", {"12"}};
  const std::string targets_ = "/api/v1/plans/lai_chau_u5_2030/targets";
  const std::string edit_ =
      R"({"indicator":"neonatal_mortality_rate","year":2025,"op":"<","value":600,"reason":"Sở Y tế điều chỉnh theo Quyết định 12/QĐ"})";
};

TEST_F(TargetVersions, TargetEditedThroughTheApiIsWhatPlanEvalPrints) {
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

TEST_F(TargetVersions, EachEditIsANewVersionWithWhoWhenAndWhy) {
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
  EXPECT_EQ(QueryOne(pop_.db_path(), "SELECT by_id FROM plan_target WHERE version = 2 AND indicator_id = 'neonatal_mortality_rate' AND year = 2025"), "u2");
  EXPECT_EQ(PlanEvalTarget("neonatal_mortality_rate")["target"], 550.0) << "the latest version is the target";
  EXPECT_EQ(Audits("target_change"), 2) << "each edit audited under the user's id";
  // A second open of the service (another process, a restart) seeds nothing new.
  std::unique_ptr<indicator::Service> again;
  ASSERT_TRUE(indicator::Service::Open(pop_.store(), U5_DATA_DIR, &again).ok());
  EXPECT_EQ(QueryInt(pop_.db_path(), "SELECT count(*) FROM plan_target WHERE indicator_id = 'neonatal_mortality_rate' AND year = 2025 AND plan_id = 'lai_chau_u5_2030'"), 3);
  EXPECT_EQ(PlanEvalTarget("neonatal_mortality_rate")["target"], 550.0);
}

// The audit entry is part of the write: when it cannot be appended, nothing is stored.
TEST_F(TargetVersions, EditsAndEnteredValuesAreAuditedInTheirOwnTransaction) {
  Exec(pop_.db_path(), "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
  EXPECT_NE(Call("PUT", targets_, {}, edit_).status, 200);
  EXPECT_EQ(QueryInt(pop_.db_path(), "SELECT count(*) FROM plan_target WHERE origin = 'edit'"), 0);
  const std::string value = R"({"element":"stunting_under5","orgunit":"12","period":"2025","source":"survey","value":21.5})";
  EXPECT_NE(Call("PUT", "/api/v1/indicator-values", {}, value).status, 200);
  EXPECT_EQ(QueryInt(pop_.db_path(), "SELECT count(*) FROM indicator_value"), 0);

  Exec(pop_.db_path(), "DROP TRIGGER audit_refused");
  ASSERT_EQ(Call("PUT", "/api/v1/indicator-values", {}, value).status, 200);
  EXPECT_EQ(Audits("aggregate_value_change"), 1);
  EXPECT_EQ(QueryOne(pop_.db_path(), "SELECT remote FROM audit_log WHERE action = 'aggregate_value_change'"), "10.0.0.7");
  int64_t checked = 0;
  EXPECT_TRUE(pop_.store().VerifyAudit(&checked).ok());
}

TEST_F(TargetVersions, VersionsAreAppendOnly) {
  ASSERT_EQ(Call("PUT", targets_, {}, edit_).status, 200);
  EXPECT_THROW(Exec(pop_.db_path(), "UPDATE plan_target SET value = 1"), std::exception);
  EXPECT_THROW(Exec(pop_.db_path(), "DELETE FROM plan_target"), std::exception);
}

}  // namespace
}  // namespace u5::test
