// Every label the server sends comes in both languages (docs/api.md "Languages"):
// walks the data files (schedules, indicator catalogue and plans, roles, forms,
// report templates) and the loaded schedule. Each `<field>_vi` has its
// `<field>_en`, each {vi, en} object both; English has no Vietnamese letters and
// Vietnamese no English words in parentheses ("Viêm gan B sơ sinh (birth)").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "care/schedule.h"

namespace u5::care {
namespace {

using nlohmann::json;

// Code points of a UTF-8 string (the data files are valid UTF-8: other tests check that).
std::vector<char32_t> CodePoints(const std::string& s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

// Latin letters with marks (ă â đ ê ô ơ ư and the tone marks live in these blocks).
bool MarkedLetter(char32_t c) { return (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1EA0 && c <= 0x1EFF); }

bool HasVietnameseLetter(const std::string& s) {
  for (char32_t c : CodePoints(s))
    if (MarkedLetter(c)) return true;
  return false;
}

// A parenthesis holding an English word: no marked letter and a lower-case
// ASCII word of three letters or more. Abbreviations Vietnamese uses as they
// are ("(BCG)", "(VAT/Td)") and citations ("(TT 23/2017)") pass.
bool EnglishParenthesis(const std::string& s) {
  for (size_t open = s.find('('); open != std::string::npos; open = s.find('(', open + 1)) {
    const size_t close = s.find(')', open);
    if (close == std::string::npos) return false;
    const std::string inside = s.substr(open + 1, close - open - 1);
    if (HasVietnameseLetter(inside)) continue;
    int run = 0;
    for (char c : inside) {
      run = (c >= 'a' && c <= 'z') ? run + 1 : 0;
      if (run >= 3) return true;
    }
  }
  return false;
}

// Fields whose English holds a proper noun with its marks ("Hải Phòng (city)",
// "LAI CHÂU PROVINCIAL PEOPLE'S COMMITTEE"), and Vietnamese-only fields: the
// place line of a Vietnamese letterhead ("Lai Châu, ngày …"), which an English
// report does not print.
const std::set<std::string> kProperNounEnglish = {"province_en", "issuing_parent_en"};
const std::set<std::string> kVietnameseOnly = {"place_vi"};

struct Finding {
  std::vector<std::string> problems;
  int pairs = 0;
  void Walk(const json& j, const std::string& where) {
    if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) Walk(j[i], where + "[" + std::to_string(i) + "]");
      return;
    }
    if (!j.is_object()) return;
    for (const auto& [k, v] : j.items()) {
      const std::string at = where + "." + k;
      if (!v.is_string()) {
        Walk(v, at);
        continue;
      }
      const std::string text = v.get<std::string>();
      const bool vi = k == "vi" || k.ends_with("_vi") || (k == "printed" && j.contains("printed_en"));
      const bool en = k == "en" || k.ends_with("_en");
      if (vi) {
        const std::string twin = k == "vi" ? "en" : k == "printed" ? "printed_en" : k.substr(0, k.size() - 3) + "_en";
        if (!kVietnameseOnly.contains(k)) {
          ++pairs;
          if (!j.contains(twin) || !j[twin].is_string() || j[twin].get<std::string>().empty())
            problems.push_back(at + ": no English " + twin);
        }
        if (EnglishParenthesis(text)) problems.push_back(at + ": English in parentheses: " + text);
      }
      if (en && !kProperNounEnglish.contains(k) && HasVietnameseLetter(text))
        problems.push_back(at + ": Vietnamese in English: " + text);
    }
  }
};

TEST(Labels, EveryDataFileLabelHasBothLanguages) {
  Finding f;
  int files = 0;
  for (const char* dir : {"schedules", "indicators", "roles", "forms", "reports"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(std::filesystem::path(U5_DATA_DIR) / dir)) {
      if (e.path().extension() != ".json") continue;
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      f.Walk(json::parse(ss.str()), e.path().filename().string());
      ++files;
    }
  EXPECT_GE(files, 9);
  EXPECT_GT(f.pairs, 200) << "doses, rules, indicators, targets, roles, record types, report texts";
  for (const auto& p : f.problems) ADD_FAILURE() << p;
}

TEST(Labels, EveryTargetOfEveryPlanIsPrintedInEnglish) {
  std::ifstream in(std::string(U5_DATA_DIR) + "/indicators/catalogue.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const json catalogue = json::parse(ss.str());
  int targets = 0;
  for (const auto& p : catalogue["plans"])
    for (const auto& t : p["targets"]) {
      ++targets;
      EXPECT_FALSE(t.value("printed_en", "").empty()) << p["id"] << " " << t.dump();
    }
  EXPECT_GT(targets, 50);
}

// What the routes send: each care item's label as the loaded schedule gives it.
TEST(Labels, ScheduleItemsAreNamedInBothLanguages) {
  const Schedule& s = Schedule::Builtin();
  std::vector<std::string> ids;
  for (const auto& x : s.series())
    for (const auto& d : x.doses) ids.push_back(d.id);
  for (const auto& r : s.rules()) ids.push_back(r.id);
  ASSERT_GT(ids.size(), 30u);
  for (const auto& id : ids) {
    const std::string vi(s.Label(id)), en(s.LabelEn(id));
    EXPECT_NE(vi, id) << "no Vietnamese label for " << id;
    EXPECT_NE(en, id) << "no English label for " << id;
    EXPECT_NE(vi, en) << id;
    EXPECT_FALSE(EnglishParenthesis(vi)) << id << ": " << vi;
    EXPECT_FALSE(HasVietnameseLetter(en)) << id << ": " << en;
  }
  EXPECT_EQ(s.Label("epi.hepb.birth"), "Viêm gan B sơ sinh");
  EXPECT_EQ(s.LabelEn("epi.dtp.booster"), "DTP booster");
}

// The checks themselves catch what issue 20 found.
TEST(Labels, TheChecksCatchMixedLanguages) {
  EXPECT_TRUE(EnglishParenthesis("Viêm gan B sơ sinh (birth)"));
  EXPECT_TRUE(EnglishParenthesis("DPT (booster)"));
  EXPECT_FALSE(EnglishParenthesis("Lao (BCG)"));
  EXPECT_FALSE(EnglishParenthesis("Tiêm phòng uốn ván (VAT/Td)"));
  EXPECT_FALSE(EnglishParenthesis("Khám sức khỏe định kỳ (TT 23/2017)"));
  EXPECT_TRUE(HasVietnameseLetter("Tăng 15% so với năm 2020"));
  EXPECT_FALSE(HasVietnameseLetter("below 1.5‰ – ≥ 90%"));
  Finding f;
  f.Walk(json::parse(R"j({"a": {"label_vi": "Sởi (MR dose)"}, "b": {"vi": "Xã", "en": "Xã"}, "c": {"printed": "5", "printed_en": ""}})j"), "t");
  EXPECT_EQ(f.problems.size(), 4u) << ::testing::PrintToString(f.problems);
}

}  // namespace
}  // namespace u5::care
