// Report templates as data: every shipped template loads and names a plan and
// indicators the catalogue knows; broken templates are refused with the field.
#include <gtest/gtest.h>

#include "indicator/catalogue.h"
#include "report/template.h"
#include "support/process.h"

namespace u5::report {
namespace {

TEST(ReportTemplate, ShippedTemplatesLoadAndReferToTheCatalogue) {
  const auto ids = ListTemplates(test::DataDir());
  for (const char* want : {"lai_chau_6m", "lai_chau_annual", "hai_phong_6m", "hai_phong_annual"})
    EXPECT_NE(std::find(ids.begin(), ids.end(), want), ids.end()) << want;
  indicator::Catalogue cat;
  ASSERT_TRUE(indicator::Catalogue::Load(test::DataDir(), &cat).ok());
  for (const auto& id : ids) {
    Template t;
    Status st = LoadTemplate(test::DataDir(), id, &t);
    ASSERT_TRUE(st.ok()) << id << ": " << st.ToString();
    if (t.kind == "indicators") EXPECT_NE(cat.FindPlan(t.plan), nullptr) << id;  // a line list or a form measures no plan
    for (const auto& r : t.rows)
      if (!r.indicator.empty()) EXPECT_NE(cat.Find(r.indicator), nullptr) << id << " " << r.id;
    for (const auto& h : t.headline) EXPECT_NE(cat.Find(h), nullptr) << id << " " << h;
    for (const auto& s : t.sections)
      for (const auto& i : s.indicators) EXPECT_NE(cat.Find(i), nullptr) << id << " " << i;
    EXPECT_FALSE(t.legal_basis_vi.empty()) << id;
  }
}

// Every shipped template can print its header block and recipients in English.
TEST(ReportTemplate, ShippedTemplatesHaveTheirEnglishTexts) {
  for (const auto& id : ListTemplates(test::DataDir())) {
    Template t;
    ASSERT_TRUE(LoadTemplate(test::DataDir(), id, &t).ok()) << id;
    EXPECT_FALSE(t.title_en.empty()) << id;
    EXPECT_FALSE(t.issuing_parent_en.empty()) << id;
    EXPECT_FALSE(t.issuing_body_en.empty()) << id;
    EXPECT_FALSE(t.number_en.empty()) << id;
    EXPECT_EQ(t.legal_basis_en.size(), t.legal_basis_vi.size()) << id;
    EXPECT_EQ(t.recipients_en.size(), t.recipients_vi.size()) << id;
    for (const auto& s : t.sections) EXPECT_FALSE(s.title_en.empty()) << id << " " << s.id;
  }
}

TEST(ReportTemplate, DueDatesFollowThePlans) {
  Template lc, hp6, hpy;
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "lai_chau_6m", &lc).ok());
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "hai_phong_6m", &hp6).ok());
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "hai_phong_annual", &hpy).ok());
  EXPECT_EQ(FormatDate(lc.DueBefore(2026)), "2026-06-10");
  EXPECT_EQ(FormatDate(hp6.DueBefore(2026)), "2026-06-15");
  EXPECT_EQ(FormatDate(hpy.DueBefore(2026)), "2026-12-15");
}

TEST(ReportTemplate, BrokenTemplatesNameTheField) {
  Template t;
  const std::string ok = R"({"id":"x","plan":"p","orgunit":"12","period_kind":"half","dataset_code":"X","title_vi":"T",
    "issuing_body_vi":"B","due":{"before_month":6,"before_day":10},"sections":[{"id":"s","title_vi":"S","indicators":["a"]}]})";
  EXPECT_TRUE(ParseTemplate(ok, &t).ok());
  auto field = [&](std::string text) { return ParseTemplate(text, &t).field(); };
  EXPECT_EQ(field("[1]"), "template");
  std::string s = ok;
  EXPECT_EQ(field(s.replace(s.find("\"half\""), 6, "\"week\"")), "period_kind");
  s = ok;
  EXPECT_EQ(field(s.replace(s.find("\"before_month\":6"), 16, "\"before_month\":13")), "due");
  s = ok;
  EXPECT_EQ(field(s.replace(s.find("[\"a\"]"), 5, "[]")), "sections");
  s = ok;
  EXPECT_EQ(field(s.replace(s.find("\"title_vi\":\"T\""), 14, "\"title_vi\":\"T\",\"recipients_en\":\"x\"")), "recipients_en");
  s = ok;
  EXPECT_EQ(field(s.replace(s.find("\"title_vi\":\"T\""), 14, "\"title_vi\":\"T\",\"issuing_parent_en\":7")), "issuing_parent_en");
  EXPECT_EQ(LoadTemplate(test::DataDir(), "../etc", &t).field(), "template");
  EXPECT_EQ(LoadTemplate(test::DataDir(), "no_such_report", &t).code(), Code::not_found);
}

}  // namespace
}  // namespace u5::report
