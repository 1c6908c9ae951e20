#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "indicator/catalogue.h"
#include "support/temp_dir.h"

namespace u5::indicator {
namespace {

std::string ReadCatalogueFile() {
  std::ifstream in(std::string(U5_DATA_DIR) + "/indicators/catalogue.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Catalogue, BuiltinHoldsTheSeedsIndicatorsAndTargets) {
  const Catalogue& c = Catalogue::Builtin();
  // The seeds' 50, full_immunization_admin, measles_before_1y, pnc_{mother,newborn}_{2,42}d,
  // issue 21's six of death notification and review, and issue 22's sixteen counts of the
  // Ministry's statistics forms (imm_* with imm_full_under1, pregnancies_registered, anc_visits_total, anc3_visits,
  // tetanus_protected_births, caesarean_section_rate, delivery_complications).
  EXPECT_EQ(c.indicators().size(), 78u);
  size_t targets = 0, computable = 0;
  for (const auto& p : c.plans()) {
    targets += p.targets.size();
    // Printed as an officer reads it: no typesetting markup left from the seed document.
    for (const auto& t : p.targets)
      EXPECT_EQ(t.printed.find_first_of("$\\"), std::string::npos) << p.id << " " << t.indicator << ": " << t.printed;
  }
  for (const auto& i : c.indicators()) computable += i.computable;
  EXPECT_EQ(targets, 84u);  // 77 of the provincial plans, 6 of Decision 1493, Bắc Giang's implied 100 % maternal death review
  EXPECT_GE(computable, 30u);
  for (const auto& i : c.indicators()) {
    EXPECT_FALSE(i.name_vi.empty()) << i.id;
    EXPECT_FALSE(i.name_en.empty()) << i.id;
    EXPECT_GT(i.multiplier, 0) << i.id;
    if (!i.computable) EXPECT_FALSE(i.not_computable.empty()) << i.id;
  }
  ASSERT_NE(c.FindPlan("bac_giang_mnch_2025"), nullptr);
  EXPECT_EQ(c.FindPlan("bac_giang_mnch_2025")->orgunit, "pre2025:24");
  EXPECT_EQ(c.FindPlan("bac_kan_ct06_2024")->orgunit, "pre2025:06");
}

TEST(Catalogue, TheDataFileIsReadAtRunTimeAndWinsOverTheBuiltin) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.File("indicators"));
  std::string text = ReadCatalogueFile();
  const std::string from = "\"printed\": \"<6‰\"";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find("\"value\": 6,"), std::string("\"value\": 6,").size(), "\"value\": 5.5,");
  test::WriteFile(dir.File("indicators/catalogue.json"), text);
  Catalogue c;
  ASSERT_TRUE(Catalogue::Load(dir.path(), &c).ok());
  EXPECT_EQ(c.origin(), dir.File("indicators/catalogue.json"));
  EXPECT_DOUBLE_EQ(c.FindPlan("lai_chau_u5_2030")->targets[0].value, 5.5);
  Catalogue fallback;
  ASSERT_TRUE(Catalogue::Load(dir.File("nowhere"), &fallback).ok());
  EXPECT_EQ(fallback.origin(), "built-in");
}

TEST(Catalogue, ABrokenFileIsReportedNotIgnored) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.File("indicators"));
  test::WriteFile(dir.File("indicators/catalogue.json"),
                  R"({"indicators":[{"id":"x","direction":"up"}]})");
  Catalogue c;
  Status st = Catalogue::Load(dir.path(), &c);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("direction"), std::string::npos);
  test::WriteFile(dir.File("indicators/catalogue.json"),
                  R"({"indicators":[{"id":"x","direction":"higher_is_better","compute":{"denominator":{"record":"delivery"},"numerator_flag":{"where":[{"field":"place","op":"~","value":1}]}}}]})");
  st = Catalogue::Load(dir.path(), &c);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("operator"), std::string::npos);
}

TEST(Catalogue, OncePerAndMinMonthsBeforeAreChecked) {
  struct Row {
    const char* unit;
    const char* says;
  } rows[] = {
      {R"({"record":"anc_visit","once_per":"woman"})", "once_per must be"},
      {R"({"record":"person","once_per":"year"})", "once_per needs an event type"},
      {R"({"record":"vitamin_a","once_per":"year","date":"last_related"})", "do not combine"},
      {R"({"record":"vitamin_a","related":[{"record":"vitamin_a","min_months_before":-1}]})", "min_months_before"},
      {R"({"record":"vitamin_a","related":[{"record":"vitamin_a","min_months_before":"4"}]})", "min_months_before"},
  };
  for (const Row& r : rows) {
    Catalogue c;
    const std::string text = std::string(R"({"indicators":[{"id":"x","direction":"higher_is_better","compute":{"denominator":)") +
                             r.unit + R"(,"numerator_flag":{}}}]})";
    Status st = Catalogue::Parse(text, &c);
    EXPECT_FALSE(st.ok()) << r.unit;
    EXPECT_NE(st.message().find(r.says), std::string::npos) << r.unit << ": " << st.message();
  }
  Catalogue ok;
  ASSERT_TRUE(Catalogue::Parse(ReadCatalogueFile(), &ok).ok());
  EXPECT_EQ(ok.Find("anaemia_pregnant_women")->den.once_per, OncePer::pregnancy);
  EXPECT_EQ(ok.Find("vitamin_a_6_35m_twice_yearly")->num.once_per, OncePer::year);
  EXPECT_EQ(ok.Find("vitamin_a_6_35m_twice_yearly")->num.related.at(0).min_months_before, 4);
}

}  // namespace
}  // namespace u5::indicator
