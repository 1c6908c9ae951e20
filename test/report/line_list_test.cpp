// CV 2854/BYT-BM-TE 2015: the district's list of deaths of women aged 15-49 by
// reporting period (3, 6, 9, 12 months), a line-list report template. Only a
// role with death.review gets it, in its scope, and every export is audited
// as a read of the persons it names.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "auth/roles.h"
#include "population.h"
#include "demo_db.h"
#include "report/http_routes.h"
#include "report/template.h"
#include "support/process.h"

namespace u5::report {
namespace {

using nlohmann::json;

// 03390 and 03388 are communes of Lai Châu (12).
//   W1 born 1990-01-01 @03390 (Bản Lướt), pregnant (lmp 2026-01-10), dies 2026-03-20 at the district
//      hospital, "Băng huyết"; review R1 complete.
//   W2 born 1980-05-05 @03390, delivers 2026-04-01, dies 2026-04-20 (19 days later); a draft review only.
//   W7 born 1992-02-02 @03388, dies 2026-05-05 at home, no pregnancy.
//   W6 born 1995-06-06 @03390, dies 2026-08-10.
//   Not listed: K1, a girl of two dying in 03390 in 2026 (the registry refuses the deaths of
//   other ages and of men at notification, test/registry/deaths_test.cpp).
class LineListHttp : public test::OnEachStore {
 protected:
  // Built once for each store and shared by the suite's tests, which only read it.
  void SetUp() override {
    if (pop_ && pop_->kind() == GetParam()) return;
    delete pop_;
    pop_ = new test::Population(GetParam());
    auto& p = *pop_;
    p.Person("W1", "female", "1990-01-01", "03390", {{"village", "Bản Lướt"}});
    p.Event("P1", "pregnancy", "W1", "2026-01-20", "03390", {{"lmp", "2026-01-10"}});
    p.Event("X1", "death", "W1", "2026-03-20", "03390", {{"place", "district_hospital"}, {"cause_text", "Băng huyết"}});
    p.Event("R1", "death_review", "W1", "2026-03-20", "03390", {{"death_id", "X1"}, {"review_type", "facility"}, {"status", "complete"}});
    p.Person("W2", "female", "1980-05-05", "03390");
    p.Event("P2", "pregnancy", "W2", "2025-08-01", "03390", {{"lmp", "2025-07-01"}});
    p.Event("D2", "delivery", "W2", "2026-04-01", "03390",
            {{"pregnancy_id", "P2"}, {"delivered_at", "2026-04-01T07:00:00+07:00"}, {"place", "facility"}, {"attendant", "midwife"},
             {"live_births", 1}});
    p.Event("X2", "death", "W2", "2026-04-20", "03390", {{"place", "home"}, {"cause_category", "maternal_haemorrhage"}});
    p.Event("R2", "death_review", "W2", "2026-04-20", "03390", {{"death_id", "X2"}, {"review_type", "community"}, {"status", "draft"}});
    p.Person("W7", "female", "1992-02-02", "03388");
    p.Event("X7", "death", "W7", "2026-05-05", "03388", {{"place", "home"}});
    p.Person("W6", "female", "1995-06-06", "03390");
    p.Event("X6", "death", "W6", "2026-08-10", "03390");
    p.Person("K1", "female", "2024-01-01", "03390");
    p.Event("XK", "death", "K1", "2026-02-01", "03390");
  }
  static void TearDownTestSuite() {
    delete pop_;
    pop_ = nullptr;
  }
  http::Response Get(std::map<std::string, std::string> q, const auth::Principal& who) {
    http::Request req{"GET", "/api/v1/reports/cv2854_women_15_49", std::move(q), "", "", "", "", "", "", "", "127.0.0.1"};
    return router_.Dispatch(req, who, pop_->store());
  }
  static std::vector<std::string> Names(const http::Response& r) {
    std::vector<std::string> out;
    const json j = json::parse(r.body);  // kept: a range-for over a temporary's member dangles
    for (const auto& row : j["tables"][0]["rows"]) out.push_back(row["name"]);
    return out;
  }
  static test::Population* pop_;
  http::Router router_{Routes({test::DataDir(), ""})};
  auth::Principal board_{"u1", "thamdinh", "review_board", {"12"}};
  auth::Principal province_{"u2", "tinh", "province_officer", {"12"}};
  auth::Principal ministry_{"u3", "bo", "ministry", {}};
  auth::Principal other_board_{"u4", "tdhp", "review_board", {"31"}};
};
test::Population* LineListHttp::pop_ = nullptr;

TEST_P(LineListHttp, CumulativeQuartersListTheWomen15To49) {
  using V = std::vector<std::string>;
  const struct {
    const char* orgunit;
    const char* period;
    V names;
    const char* why;
  } rows[] = {
      {"12", "2026Q1", {"Người W1"}, "3 months: W1 (K1 is two)"},
      {"12", "2026Q2", {"Người W1", "Người W2", "Người W7"}, "6 months, from January: W1, W2, W7"},
      {"12", "2026Q3", {"Người W1", "Người W2", "Người W7", "Người W6"}, "9 months"},
      {"03390", "2026Q3", {"Người W1", "Người W2", "Người W6"}, "one commune: W7 died in 03388"},
      {"12", "2025Q4", {}, "12 months of 2025: none"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.why);
    auto r = Get({{"orgunit", row.orgunit}, {"period", row.period}}, board_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Names(r), row.names);
    // Every export names the persons it shows in its audit entry, and only them.
    ASSERT_TRUE(r.audit.has_value());
    EXPECT_EQ(r.audit->records.size(), row.names.size());
  }
  auto q2 = Get({{"orgunit", "12"}, {"period", "2026Q2"}}, board_);
  const json j = json::parse(q2.body);
  EXPECT_EQ(j["from"], "2026-01-01");
  EXPECT_EQ(j["to"], "2026-06-30");
  const json& t = j["tables"][0];
  // Columns: age, village, commune, date, place, pregnancy, cause, notified at, review.
  const json& w1 = t["rows"][0]["cells"];
  EXPECT_EQ(w1[0], 36);
  EXPECT_EQ(w1[1], "Bản Lướt");
  EXPECT_EQ(w1[3], "2026-03-20");
  EXPECT_EQ(w1[4], "Bệnh viện huyện / khu vực");
  EXPECT_EQ(w1[5], "Đang mang thai");
  EXPECT_EQ(w1[6], "Băng huyết");
  EXPECT_EQ(w1[8], "Đã thẩm định 2026-03-20");
  const json& w2 = t["rows"][1]["cells"];
  EXPECT_EQ(w2[0], 45);
  EXPECT_EQ(w2[5], "Trong 42 ngày sau kết thúc thai nghén");
  EXPECT_EQ(w2[6], "maternal_haemorrhage");
  EXPECT_EQ(w2[8], "Chưa thẩm định") << "a draft review is not a review";
  const json& w7 = t["rows"][2]["cells"];
  EXPECT_EQ(w7[4], "Tại nhà");
  EXPECT_EQ(w7[5], "Không");
  ASSERT_TRUE(q2.audit.has_value());
  for (const char* k : {"W1", "W2", "W7"})
    EXPECT_NE(std::find(q2.audit->records.begin(), q2.audit->records.end(), pop_->Id(k)), q2.audit->records.end()) << k;
  // English words.
  auto en = Get({{"orgunit", "12"}, {"period", "2026Q2"}, {"lang", "en"}}, board_);
  EXPECT_EQ(json::parse(en.body)["tables"][0]["rows"][1]["cells"][5], "Within 42 days of the end of pregnancy");
}

TEST_P(LineListHttp, OnlyTheReviewBoardInItsScope) {
  EXPECT_EQ(Get({{"orgunit", "12"}, {"period", "2026Q1"}}, province_).status, 403);
  EXPECT_EQ(Get({{"orgunit", "12"}, {"period", "2026Q1"}}, ministry_).status, 403);
  EXPECT_EQ(Get({{"orgunit", "12"}, {"period", "2026Q1"}}, other_board_).status, 403);
  EXPECT_EQ(Get({{"period", "2026Q1"}}, board_).status, 200) << "the caller's own unit by default";
}

TEST_P(LineListHttp, FormatsAndBadInput) {
  auto csv = Get({{"orgunit", "12"}, {"period", "2026Q2"}, {"format", "csv"}}, board_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body.substr(0, csv.body.find('\r')), "no,full_name,age,village,commune,death_date,place,pregnancy,cause,notified_at,reviewed");
  EXPECT_NE(csv.body.find("\r\n1,Người W1,36,Bản Lướt,"), std::string::npos) << csv.body;
  EXPECT_EQ(csv.audit->records.size(), 3u);
  auto x = Get({{"orgunit", "12"}, {"period", "2026Q2"}, {"format", "xlsx"}}, board_);
  ASSERT_EQ(x.status, 200);
  EXPECT_EQ(x.body.substr(0, 2), "PK");
  EXPECT_EQ(x.audit->records.size(), 3u);
  auto pdf = Get({{"orgunit", "12"}, {"period", "2026Q2"}, {"format", "pdf"}}, board_);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
  EXPECT_EQ(pdf.audit->records.size(), 3u);
  // Read back by pdftotext: the title, the names and a column title; a page image for people to look at.
  std::filesystem::create_directories(U5_REPORT_OUT);
  const std::string path = std::string(U5_REPORT_OUT) + "/cv2854_2026Q2.pdf";
  std::ofstream(path, std::ios::binary) << pdf.body;
  std::string text;
  ASSERT_EQ(test::Shell("pdftotext -enc UTF-8 '" + path + "' -", &text), 0);
  for (const char* want : {"DANH SÁCH PHỤ NỮ TỬ VONG TỪ 15 ĐẾN 49 TUỔI", "Người W1", "Người W7", "Họ và tên", "2854/BYT-BM-TE"})
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  EXPECT_EQ(text.find("Người K1"), std::string::npos);
  test::Shell("pdftoppm -png -r 60 -f 1 -l 1 '" + path + "' '" + std::string(U5_REPORT_OUT) + "/cv2854_2026Q2'", &text);
  auto field = [&](std::map<std::string, std::string> q) {
    auto r = Get(std::move(q), board_);
    EXPECT_EQ(r.status, 422) << r.body;
    return json::parse(r.body).value("field", "");
  };
  EXPECT_EQ(field({{"orgunit", "12"}, {"period", "2026S1"}}), "period");  // by quarter
  EXPECT_EQ(field({{"orgunit", "12"}}), "period");
  EXPECT_EQ(field({{"orgunit", "12"}, {"period", "2026Q2"}, {"format", "adx"}}), "format");
  EXPECT_EQ(field({{"orgunit", "12"}, {"period", "2026Q2"}, {"lang", "fr"}}), "lang");
}

U5_ON_BOTH_STORES(LineListHttp);

TEST(LineListTemplate, BrokenLineListsNameTheField) {
  Template t;
  const std::string ok = R"({"id":"x","kind":"line_list","list":"deaths_women_15_49","permission":"death.review","period_kind":"quarter",
    "title_vi":"T","issuing_body_vi":"B","columns":[{"id":"age","title_vi":"Tuổi","title_en":"Age"}],
    "words":{"yes":{"vi":"Có","en":"Yes"},"no":{"vi":"Không","en":"No"},"pregnant":{"vi":"a","en":"a"},
             "within_42_days":{"vi":"b","en":"b"},"reviewed":{"vi":"c","en":"c"},"not_reviewed":{"vi":"d","en":"d"}}})";
  ASSERT_TRUE(ParseTemplate(ok, &t).ok()) << ParseTemplate(ok, &t).ToString();
  EXPECT_TRUE(t.line_list());
  auto field = [&](const std::string& from, const std::string& to) {
    std::string s = ok;
    s.replace(s.find(from), from.size(), to);
    return ParseTemplate(s, &t).field();
  };
  EXPECT_EQ(field(R"("kind":"line_list")", R"("kind":"list")"), "kind");
  EXPECT_EQ(field(R"("permission":"death.review",)", ""), "permission");
  EXPECT_EQ(field(R"("list":"deaths_women_15_49")", R"("list":"births")"), "list");
  EXPECT_EQ(field(R"({"id":"age")", R"({"id":"name")"), "columns");
  EXPECT_EQ(field(R"("yes":{"vi":"Có","en":"Yes"},)", ""), "words");
}

}  // namespace
}  // namespace u5::report
