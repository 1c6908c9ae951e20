// Data-driven cases from test/growth/cases.csv (see make_cases.py for how the
// table was written and the `source` column for where each expectation comes from).

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "growth/csv_reader.h"
#include "growth/zscore.h"
#include "who_csv.h"

using namespace u5::growth;

namespace {

using Case = std::map<std::string, std::string>;

std::vector<Case> load_cases() {
  std::ifstream in(std::string(U5_GROWTH_TEST_DIR) + "/cases.csv", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  CsvReader reader(text);
  std::vector<std::string> header, f;
  long line = 0;
  std::string err;
  std::vector<Case> out;
  if (!reader.next(header, line, err)) return out;
  while (reader.next(f, line, err)) {
    Case c;
    for (std::size_t i = 0; i < header.size() && i < f.size(); ++i) c[header[i]] = f[i];
    c["_line"] = std::to_string(line);
    out.push_back(c);
  }
  return out;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> c = load_cases();
  return c;
}

// Input value: empty = missing, "@table:z[r]" = value on the WHO SD line.
std::optional<double> value(const Case& c, const std::string& col) {
  const std::string& v = c.at(col);
  if (v.empty()) return std::nullopt;
  if (v[0] != '@') return std::stod(v);
  const auto colon = v.find(':');
  const std::string table = v.substr(1, colon - 1);
  std::string zs = v.substr(colon + 1);
  const bool restricted = !zs.empty() && zs.back() == 'r';
  if (restricted) zs.pop_back();
  const double z = std::stod(zs);
  double key;
  if (!c.at("key").empty())
    key = std::stod(c.at("key"));
  else if (growth_test::is_length_table(table))
    key = std::stod(c.at("lenhei_cm"));
  else
    key = std::stod(c.at("age_days"));
  const auto p = growth_test::lms_at(table, std::stoi(c.at("sex")), key);
  return restricted ? growth_test::restricted_value(p, z) : growth_test::sd_line(p, z);
}

Measurement measurement(const Case& c) {
  Measurement m;
  m.sex = c.at("sex").empty() ? 0 : std::stoi(c.at("sex"));
  m.age_days = value(c, "age_days");
  m.weight_kg = value(c, "weight_kg");
  m.lenhei_cm = value(c, "lenhei_cm");
  m.headc_cm = value(c, "headc_cm");
  m.muac_cm = value(c, "muac_cm");
  m.triceps_mm = value(c, "triceps_mm");
  m.subscap_mm = value(c, "subscap_mm");
  const std::string& meas = c.at("measure");
  m.measure = meas == "l" ? Measure::lying : meas == "h" ? Measure::standing : Measure::unknown;
  m.oedema = c.at("oedema") == "y";
  return m;
}

const std::optional<Score>* score(const ZResult& r, const std::string& name) {
  static const std::map<std::string, std::optional<Score> ZResult::*> m = {
      {"len", &ZResult::zlen}, {"wei", &ZResult::zwei}, {"wfl", &ZResult::zwfl},
      {"bmi", &ZResult::zbmi}, {"hc", &ZResult::zhc},   {"ac", &ZResult::zac},
      {"ts", &ZResult::zts},   {"ss", &ZResult::zss}};
  auto it = m.find(name);
  return it == m.end() ? nullptr : &(r.*(it->second));
}

void expect_number(const std::optional<double>& got, const std::string& expect) {
  if (expect == "NA") {
    EXPECT_FALSE(got.has_value()) << "got " << got.value_or(0);
  } else if (expect == "*") {
    EXPECT_TRUE(got.has_value());
  } else {
    ASSERT_TRUE(got.has_value()) << "expected " << expect;
    EXPECT_NEAR(*got, std::stod(expect), 1e-9);
  }
}

class WhoCase : public ::testing::TestWithParam<std::size_t> {};

TEST_P(WhoCase, Matches) {
  const Case& c = cases().at(GetParam());
  SCOPED_TRACE("cases.csv line " + c.at("_line") + " case " + c.at("case") + ": " +
               c.at("note") + " [" + c.at("source") + "]");
  const ZResult r = compute(measurement(c));
  const std::string& check = c.at("check");
  const std::string& expect = c.at("expect");

  if (check == "clenhei") return expect_number(r.clenhei, expect);
  if (check == "cbmi") return expect_number(r.cbmi, expect);
  if (check == "csex")
    return expect_number(r.csex ? std::optional<double>(r.csex) : std::nullopt, expect);
  if (check == "c9mo_flag") {
    EXPECT_EQ(r.c9mo_flag ? "1" : "0", expect);
    return;
  }
  if (check == "cmeasure") {
    const char* got = r.cmeasure == Measure::lying ? "l" : r.cmeasure == Measure::standing ? "h" : "";
    EXPECT_EQ(got, expect);
    return;
  }
  if (check == "wfl_table") {
    ASSERT_TRUE(r.wfl_table.has_value());
    EXPECT_EQ(*r.wfl_table == Indicator::weight_for_length ? "wfl" : "wfh", expect);
    return;
  }
  const auto* s = score(r, check.substr(1));
  ASSERT_NE(s, nullptr) << "unknown check " << check;
  if (check[0] == 'z') {
    expect_number(*s ? std::optional<double>((*s)->z) : std::nullopt, expect);
  } else if (check[0] == 'f') {
    if (expect == "NA") {
      EXPECT_FALSE(s->has_value());
    } else {
      ASSERT_TRUE(s->has_value());
      EXPECT_EQ((*s)->flag ? "1" : "0", expect);
    }
  } else {
    FAIL() << "unknown check " << check;
  }
}

std::vector<std::size_t> indices() {
  std::vector<std::size_t> v(cases().size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = i;
  return v;
}

INSTANTIATE_TEST_SUITE_P(CasesCsv, WhoCase, ::testing::ValuesIn(indices()),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return "case" + cases().at(info.param).at("case");
                         });

TEST(CasesCsv, HasEnoughCases) { EXPECT_GE(cases().size(), 200u); }

}  // namespace
