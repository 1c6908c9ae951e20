// The reporting desk's API (docs/reports.md "Due reports"): the status of a
// unit's report on days before, on and after its due date, late after a
// reopening, completeness by commune equal to the report's, and scope.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "demo_db.h"
#include "orgunit/orgunit.h"
#include "report/due.h"
#include "report/http_routes.h"
#include "support/process.h"

namespace u5::report {
namespace {

using nlohmann::json;

Date D(const char* s) { return *ParseDate(s); }

// Lai Châu's 6-month report is due "before 10 June": 2021-06-10 is the first late day.
struct StatusCase {
  const char* what;
  std::vector<std::pair<const char*, const char*>> actions;  // (action, day)
  const char* as_of;
  const char* status;
};

TEST(ReportStatus, BeforeOnAndAfterTheDueDate) {
  const std::vector<StatusCase> cases = {
      {"nothing yet, the day before", {}, "2021-06-09", "draft"},
      {"nothing yet, on the due day", {}, "2021-06-10", "late"},
      {"nothing yet, after it", {}, "2021-06-11", "late"},
      {"closed the day before", {{"close", "2021-06-09"}}, "2021-06-20", "signed_off"},
      {"closed on the due day", {{"close", "2021-06-10"}}, "2021-06-20", "late"},
      {"closed after it", {{"close", "2021-06-11"}}, "2021-06-20", "late"},
      {"closed, then reopened", {{"close", "2021-06-01"}, {"reopen", "2021-06-05"}}, "2021-06-06", "reopened"},
      {"reopened after the due day and closed again", {{"close", "2021-06-01"}, {"reopen", "2021-06-12"}, {"close", "2021-06-13"}}, "2021-06-20", "late"},
      {"reopened and closed again in time", {{"close", "2021-06-01"}, {"reopen", "2021-06-02"}, {"close", "2021-06-03"}}, "2021-06-20", "signed_off"},
  };
  Template t;
  t.due_month = 6;
  t.due_day = 10;
  indicator::Period p;
  ASSERT_TRUE(indicator::ParsePeriod("2021S1", &p).ok());
  const Date due = FirstLateDay(t, p);
  EXPECT_EQ(FormatDate(due), "2021-06-10");
  for (const auto& c : cases) {
    // The state as SignoffAsOf reads it from the rows (signoff.cpp's StateOf).
    SignoffState s;
    for (auto [action, day] : c.actions) {
      if (D(day) > D(c.as_of)) continue;
      s.last_action = action;
      s.closed = std::string(action) == "close";
      if (s.closed) s.on = D(day);
    }
    EXPECT_EQ(ReportStatus(s, due, D(c.as_of)), c.status) << c.what;
  }
}

TEST(ReportStatus, PeriodsOfAYearFollowTheTemplatesKind) {
  Template t;
  for (auto [kind, n, first] : {std::tuple{"half", 2u, "2021S1"}, {"quarter", 4u, "2021Q1"}, {"month", 12u, "2021-01"}, {"year", 1u, "2021"}}) {
    t.period_kind = kind;
    auto ps = PeriodsOfYear(t, 2021);
    ASSERT_EQ(ps.size(), n) << kind;
    EXPECT_EQ(ps[0].text, first);
  }
}

class DueHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    d_ = &test::Demo("12");
    indicator::Service::Attach(*d_->store, d_->svc.get());
    router_ = std::make_unique<http::Router>(Routes({test::DataDir(), ""}));
    std::vector<orgunit::OrgUnit> kids;
    ASSERT_TRUE(d_->store->orgunits().Children("12", &kids).ok());
    commune_id_ = kids[2].id;
    other_commune_ = kids[3].id;
    commune_ = {"u1", "cw", "commune_worker", {commune_id_}};
  }
  http::Response Call(const std::string& path, std::map<std::string, std::string> q, const auth::Principal& who) {
    http::Request req{"GET", path, std::move(q), "", "", "", "", "", "", "", "127.0.0.1"};
    return router_->Dispatch(req, who, *d_->store);
  }
  void Act(const char* action, const char* day, const std::string& reason = "") {
    SignoffAction a{commune_id_, "2021S1", "cw", reason, "{}", D(day), "u1"};
    ASSERT_TRUE((std::string(action) == "close" ? ClosePeriod(*d_->store, a) : ReopenPeriod(*d_->store, a)).ok()) << action << " " << day;
  }
  // The commune's lai_chau_6m 2021S1 entry of its due list on `as_of`.
  json DueEntry(const char* as_of) {
    auto r = Call("/api/v1/reports/due", {{"year", "2021"}, {"as_of", as_of}}, commune_);
    EXPECT_EQ(r.status, 200) << r.body;
    json j = json::parse(r.body);
    EXPECT_EQ(j["orgunit"], commune_id_);
    for (const auto& it : j["items"])
      if (it["template"] == "lai_chau_6m")
        for (const auto& p : it["periods"])
          if (p["period"] == "2021S1") return p;
    ADD_FAILURE() << "no lai_chau_6m 2021S1 in " << r.body;
    return {};
  }
  // This commune's line of the province's completeness on `as_of`, and the totals.
  json Completeness(const char* as_of, json* line) {
    auto r = Call("/api/v1/reports/lai_chau_6m/completeness", {{"period", "2021S1"}, {"as_of", as_of}}, province_);
    EXPECT_EQ(r.status, 200) << r.body;
    json j = json::parse(r.body);
    for (const auto& u : j["units"])
      if (u["orgunit"] == commune_id_) *line = u;
    return j;
  }
  test::DemoProvince* d_ = nullptr;
  std::unique_ptr<http::Router> router_;
  std::string commune_id_, other_commune_;
  auth::Principal commune_;
  auth::Principal province_{"u2", "tinh", "province_officer", {"12"}};
  auth::Principal other_{"u3", "hp", "province_officer", {"31"}};
};

TEST_F(DueHttp, ACommuneSeesItsProvincesTemplatesWithDueDatesAndStatus) {
  auto r = Call("/api/v1/reports/due", {{"year", "2021"}, {"as_of", "2021-06-01"}}, commune_);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  std::set<std::string> ids;
  for (const auto& it : j["items"]) ids.insert(it["template"]);
  EXPECT_TRUE(ids.count("lai_chau_6m") && ids.count("lai_chau_annual")) << r.body;
  EXPECT_FALSE(ids.count("hai_phong_6m")) << "another province's template";
  EXPECT_FALSE(ids.count("cv2854_women_15_49")) << "a line list has no sign-off";
  json p = DueEntry("2021-06-01");
  EXPECT_EQ(p["due"], "2021-06-10");
  EXPECT_EQ(p["status"], "draft");
  for (const auto& it : j["items"])
    if (it["template"] == "lai_chau_6m") {
      EXPECT_EQ(it["formats"], json({"xlsx", "pdf", "csv", "adx", "dvs"}));
    }
  EXPECT_EQ(DueEntry("2021-06-10")["status"], "late") << "not closed on the due day";
}

TEST_F(DueHttp, SignedOffInTimeThenReopenedThenLate) {
  Act("close", "2021-06-09");
  EXPECT_EQ(DueEntry("2021-06-08")["status"], "draft") << "the day before the sign-off";
  json p = DueEntry("2021-06-09");
  EXPECT_EQ(p["status"], "signed_off");
  EXPECT_EQ(p["closed_by"], "cw");
  EXPECT_EQ(p["closed_on"], "2021-06-09");
  EXPECT_EQ(DueEntry("2021-06-11")["status"], "signed_off") << "a sign-off in time stays in time";
  json line;
  json c = Completeness("2021-06-11", &line);
  EXPECT_EQ(line["status"], "signed_off");
  EXPECT_EQ(line["on_time"], true);
  // The totals are the report's own (its sign-off table and JSON figures).
  auto rep = Call("/api/v1/reports/lai_chau_6m", {{"period", "2021S1"}, {"as_of", "2021-06-11"}}, province_);
  ASSERT_EQ(rep.status, 200) << rep.body;
  EXPECT_DOUBLE_EQ(c["completeness"].get<double>(), json::parse(rep.body)["completeness"].get<double>());
  EXPECT_DOUBLE_EQ(c["timeliness"].get<double>(), json::parse(rep.body)["timeliness"].get<double>());
  EXPECT_EQ(c["units"].size(), c["expected"].get<size_t>());
  EXPECT_GE(c["signed_off"].get<int>(), 1);

  Act("reopen", "2021-06-12", "bổ sung một ca tử vong");
  p = DueEntry("2021-06-12");
  EXPECT_EQ(p["status"], "reopened");
  EXPECT_EQ(p["closed"], false);
  EXPECT_EQ(p["last_reason"], "bổ sung một ca tử vong");
  Act("close", "2021-06-13");
  p = DueEntry("2021-06-13");
  EXPECT_EQ(p["status"], "late") << "confirmed again after the due date";
  EXPECT_EQ(p["closed"], true);
  const int on_time_before = c["on_time"];
  c = Completeness("2021-06-13", &line);
  EXPECT_EQ(line["status"], "late");
  EXPECT_EQ(line["on_time"], false);
  EXPECT_EQ(c["on_time"].get<int>(), on_time_before - 1);
}

TEST_F(DueHttp, ScopeAndBadInput) {
  EXPECT_EQ(Call("/api/v1/reports/due", {{"orgunit", other_commune_}}, commune_).status, 403) << "another commune";
  EXPECT_EQ(Call("/api/v1/reports/lai_chau_6m/completeness", {{"period", "2021S1"}, {"orgunit", other_commune_}}, commune_).status, 403);
  EXPECT_EQ(Call("/api/v1/reports/lai_chau_6m/completeness", {{"period", "2021S1"}}, commune_).status, 403) << "the province's";
  EXPECT_EQ(Call("/api/v1/reports/lai_chau_6m/completeness", {{"period", "2021S1"}}, other_).status, 403);
  for (auto [k, v] : {std::pair{"year", "20x1"}, {"as_of", "10/06/2021"}}) {
    auto r = Call("/api/v1/reports/due", {{k, v}}, province_);
    EXPECT_EQ(r.status, 422) << k;
    EXPECT_EQ(json::parse(r.body).value("field", ""), k) << r.body;
  }
  auto bad = Call("/api/v1/reports/lai_chau_6m/completeness", {{"period", "2021"}}, province_);
  EXPECT_EQ(bad.status, 422) << "a year is not a 6-month period";
  EXPECT_EQ(Call("/api/v1/reports/cv2854_women_15_49/completeness", {{"period", "2021Q1"}}, province_).status, 422);
}

}  // namespace
}  // namespace u5::report
