// The report routes called directly (as api.cpp does): scope, formats, sign-off.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "demo_db.h"
#include "orgunit/orgunit.h"
#include "report/http_routes.h"
#include "support/process.h"

namespace u5::report {
namespace {

using nlohmann::json;

class ReportHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    d_ = &test::Demo("12");
    indicator::Service::Attach(*d_->store, d_->svc.get());
    router_ = std::make_unique<http::Router>(Routes({test::DataDir(), ""}));
    std::vector<orgunit::OrgUnit> kids;
    ASSERT_TRUE(d_->store->orgunits().Children("12", &kids).ok());
    commune_id_ = kids[1].id;
    commune_ = {"u1", "cw", "commune_worker", {commune_id_}};
  }
  http::Response Call(const std::string& method, const std::string& path, std::map<std::string, std::string> q,
                      const auth::Principal& who, const std::string& body = "") {
    http::Request req{method, path, std::move(q), "", "", "", "", "", "", body, "127.0.0.1"};
    return router_->Dispatch(req, who, *d_->store);
  }
  test::DemoProvince* d_ = nullptr;
  std::unique_ptr<http::Router> router_;
  std::string commune_id_;
  auth::Principal commune_;
  auth::Principal province_{"u2", "tinh", "province_officer", {"12"}};
  auth::Principal other_{"u3", "hp", "province_officer", {"31"}};
};

TEST_F(ReportHttp, TemplatesReportsAndScope) {
  http::Request other{"GET", "/api/v1/indicators", {}, "", "", "", "", "", "", "", ""};
  EXPECT_EQ(router_->Dispatch(other, province_, *d_->store).status, 404) << "not a report route";
  auto list = Call("GET", "/api/v1/reports", {}, province_);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_GE(json::parse(list.body)["items"].size(), 4u);
  auto r = Call("GET", "/api/v1/reports/lai_chau_6m", {{"period", "2026S1"}}, province_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["tables"][0]["id"], "headline");
  EXPECT_EQ(Call("GET", "/api/v1/reports/lai_chau_6m", {{"period", "2026S1"}}, other_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/reports/lai_chau_6m", {{"period", "2026"}}, province_).status, 422);
  auto x = Call("GET", "/api/v1/reports/lai_chau_6m", {{"period", "2026S1"}, {"format", "xlsx"}}, province_);
  ASSERT_EQ(x.status, 200);
  EXPECT_EQ(x.body.substr(0, 2), "PK") << "a zip container";
  auto p = Call("GET", "/api/v1/reports/lai_chau_6m", {{"period", "2026S1"}, {"format", "pdf"}}, province_);
  ASSERT_EQ(p.status, 200);
  EXPECT_EQ(p.body.substr(0, 5), "%PDF-");
  EXPECT_EQ(p.content_type, "application/pdf");
}

// The ministry gets the same report with small cells hidden ("*"): no count
// between 1 and 4 is left, a hidden unit never stands alone beside a shown
// total (its complement is hidden too), and every figure left is the province's.
TEST_F(ReportHttp, MinistryReportHidesSmallCells) {
  const auth::Principal ministry{"u4", "bo", "ministry", {}};
  const std::map<std::string, std::string> q{{"period", "2026S1"}};
  auto full = json::parse(Call("GET", "/api/v1/reports/lai_chau_6m", q, province_).body);
  auto r = Call("GET", "/api/v1/reports/lai_chau_6m", q, ministry);
  ASSERT_EQ(r.status, 200) << r.body;
  auto hid = json::parse(r.body);
  ASSERT_EQ(hid["tables"].size(), full["tables"].size());
  int hidden = 0, shown = 0;
  for (size_t t = 0; t < full["tables"].size(); ++t) {
    const json& ft = full["tables"][t];
    const json& ht = hid["tables"][t];
    if (ft["id"] == "signoff") continue;
    const json& cols = ft["columns"];
    for (size_t c = 0; c < cols.size(); ++c) {
      const bool count_col = ft["id"] == "headline" ? c < 2 : (!cols[c]["indicator"].get<std::string>().empty() && c % 3 != 2);
      int hidden_units = 0;
      bool total_shown = false;
      for (size_t i = 0; i < ft["rows"].size(); ++i) {
        const json& fv = ft["rows"][i]["cells"][c];
        const json& hv = ht["rows"][i]["cells"][c];
        if (hv == "*") {
          ++hidden;
          if (!ft["rows"][i]["total"].get<bool>()) ++hidden_units;
          continue;
        }
        if (ft["rows"][i]["total"].get<bool>()) total_shown = true;
        EXPECT_EQ(hv, fv) << ft["id"] << " row " << i << " col " << c;
        if (count_col && fv.is_number()) {
          ++shown;
          const double n = fv.get<double>();
          EXPECT_FALSE(n > 0 && n < 5) << ft["id"] << " row " << i << " col " << c << " shows a small count " << n;
        }
      }
      if (ft["id"] != "headline" && count_col && total_shown) EXPECT_NE(hidden_units, 1) << ft["id"] << " col " << c << ": a lone hidden unit";
    }
  }
  EXPECT_GT(hidden, 0) << "a 2,000-child province has small communes";
  EXPECT_GT(shown, 0);
  auto dvs = Call("GET", "/api/v1/reports/lai_chau_6m", {{"period", "2026S1"}, {"format", "dvs"}}, ministry);
  ASSERT_EQ(dvs.status, 200);
  for (const auto& v : json::parse(dvs.body)["dataValues"]) EXPECT_TRUE(v.is_object());
  EXPECT_LT(json::parse(dvs.body)["dataValues"].size(),
            json::parse(Call("GET", "/api/v1/reports/lai_chau_6m", {{"period", "2026S1"}, {"format", "dvs"}}, province_).body)["dataValues"].size());
}

TEST_F(ReportHttp, CommuneSignsOffItsOwnFiguresOnly) {
  auto c = Call("POST", "/api/v1/signoffs", {}, commune_, json{{"orgunit", commune_id_}, {"period", "2022S2"}, {"action", "close"}}.dump());
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(json::parse(c.body)["closed"], true);
  EXPECT_EQ(json::parse(c.body)["by"], "cw");
  EXPECT_EQ(Call("POST", "/api/v1/signoffs", {}, commune_, json{{"orgunit", "12"}, {"period", "2022S2"}, {"action", "close"}}.dump()).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/signoffs", {}, commune_, json{{"orgunit", commune_id_}, {"period", "2022S2"}, {"action", "close"}}.dump()).status, 409);
  EXPECT_EQ(Call("POST", "/api/v1/signoffs", {}, commune_, json{{"orgunit", commune_id_}, {"period", "2022S2"}, {"action", "reopen"}}.dump()).status, 422) << "a reason is required";
  auto r = Call("POST", "/api/v1/signoffs", {}, commune_,
                json{{"orgunit", commune_id_}, {"period", "2022S2"}, {"action", "reopen"}, {"reason", "nhập bổ sung ca tử vong"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["closed"], false);
  auto s = Call("GET", "/api/v1/signoffs", {{"orgunit", commune_id_}, {"period", "2022S2"}}, province_);
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(json::parse(s.body)["reopened"], 1);
}

// A field of the wrong JSON type is 422 naming it, never 500.
TEST_F(ReportHttp, SignoffFieldsOfTheWrongTypeAreNamed) {
  const json good = {{"orgunit", commune_id_}, {"period", "2023S1"}, {"action", "close"}, {"reason", "đã rà soát số liệu"}};
  for (const char* field : {"orgunit", "period", "action", "reason"}) {
    for (const json& wrong : {json(5), json(2025), json(nullptr), json(7), json::array(), json::object(), json(true)}) {
      json b = good;
      b[field] = wrong;
      auto r = Call("POST", "/api/v1/signoffs", {}, commune_, b.dump());
      if (wrong.is_null() && std::string(field) == "reason") {
        EXPECT_LT(r.status, 500) << r.body;  // no reason is needed to close
        continue;
      }
      EXPECT_EQ(r.status, 422) << field << "=" << wrong.dump() << ": " << r.body;
      EXPECT_EQ(json::parse(r.body).value("field", ""), field) << field << "=" << wrong.dump() << ": " << r.body;
    }
  }
  auto r = Call("POST", "/api/v1/signoffs", {}, commune_, R"({"orgunit":"x","period":1e400,"action":"close"})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(json::parse(r.body).value("field", ""), "period");
}

}  // namespace
}  // namespace u5::report
