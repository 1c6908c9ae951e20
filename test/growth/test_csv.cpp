// run_zscore_csv: the batch CSV contract used by `under5 zscore`.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "growth/csv_reader.h"
#include "growth/zscore.h"
#include "growth/zscore_csv.h"

using namespace u5::growth;
namespace fs = std::filesystem;

namespace {

fs::path tmp_dir() {
  const fs::path d = fs::temp_directory_path() /
                     ("u5_growth_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                      "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::create_directories(d);
  return d;
}

void write_file(const fs::path& p, const std::string& s) {
  std::ofstream o(p, std::ios::binary);
  o << s;
}

std::string read_file(const fs::path& p) {
  std::ifstream i(p, std::ios::binary);
  std::stringstream ss;
  ss << i.rdbuf();
  return ss.str();
}

std::vector<std::vector<std::string>> parse(const std::string& text) {
  CsvReader r(text);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> f;
  long line;
  std::string err;
  while (r.next(f, line, err)) rows.push_back(f);
  return rows;
}

const std::vector<std::string> kOutHeader = {"id",   "clenhei", "cmeasure", "c9mo_flag",
                                             "cbmi", "csex",    "zlen",     "flen",
                                             "zwei", "fwei",    "zwfl",     "fwfl",
                                             "zbmi", "fbmi",    "zhc",      "fhc"};

std::string fmt2(const std::optional<Score>& s) {
  if (!s) return "";
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", s->z);
  return b;
}
std::string flag(const std::optional<Score>& s) { return s ? (s->flag ? "1" : "0") : ""; }

TEST(ZscoreCsv, TwentyThousandRows) {
  const fs::path d = tmp_dir();
  std::mt19937 gen(12345);
  std::uniform_real_distribution<double> age(0, 1900), z(-4, 4), u(0, 1);
  std::ostringstream in;
  in << "oedema,sex,extra,id,age_days,lenhei_cm,weight_kg,measure,headc_cm\n";  // any order
  std::vector<Measurement> ms;
  for (int i = 0; i < 20000; ++i) {
    Measurement m;
    m.sex = 1 + i % 2;
    m.age_days = std::round(age(gen) * 10) / 10;
    const double months = *m.age_days / 30.4375;
    m.lenhei_cm = std::round((50 + 1.6 * months - 0.008 * months * months + 3 * z(gen)) * 10) / 10;
    m.weight_kg = std::round((3.3 + 0.5 * months - 0.003 * months * months + z(gen)) * 100) / 100;
    m.headc_cm = std::round((35 + 0.35 * months - 0.003 * months * months + z(gen)) * 10) / 10;
    m.measure = *m.age_days < 731 ? Measure::lying : Measure::standing;
    if (u(gen) < 0.1) m.measure = u(gen) < 0.5 ? Measure::standing : Measure::unknown;
    m.oedema = u(gen) < 0.01;
    ms.push_back(m);
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s,%d,x,C%05d,%.1f,%.1f,%.2f,%s,%.1f\n", m.oedema ? "y" : "n",
                  m.sex, i, *m.age_days, *m.lenhei_cm, *m.weight_kg,
                  m.measure == Measure::lying ? "l" : m.measure == Measure::standing ? "h" : "",
                  *m.headc_cm);
    in << buf;
  }
  write_file(d / "in.csv", in.str());

  std::ostringstream err;
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = run_zscore_csv((d / "in.csv").string(), (d / "out.csv").string(), err);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(err.str(), "");
  EXPECT_LT(secs, 1.0);
  std::printf("20000 rows in %.1f ms\n", secs * 1000);

  const auto rows = parse(read_file(d / "out.csv"));
  ASSERT_EQ(rows.size(), 20001u);
  EXPECT_EQ(rows[0], kOutHeader);
  int with_zwfl = 0;
  for (std::size_t i = 0; i < ms.size(); i += 97) {
    const auto& row = rows[i + 1];
    ASSERT_EQ(row.size(), 16u);
    char id[32];
    std::snprintf(id, sizeof id, "C%05zu", i);
    EXPECT_EQ(row[0], id);
    const ZResult r = compute(ms[i]);
    EXPECT_EQ(row[5], std::to_string(r.csex));
    EXPECT_EQ(row[6], fmt2(r.zlen)) << id;
    EXPECT_EQ(row[7], flag(r.zlen)) << id;
    EXPECT_EQ(row[8], fmt2(r.zwei)) << id;
    EXPECT_EQ(row[9], flag(r.zwei)) << id;
    EXPECT_EQ(row[10], fmt2(r.zwfl)) << id;
    EXPECT_EQ(row[11], flag(r.zwfl)) << id;
    EXPECT_EQ(row[12], fmt2(r.zbmi)) << id;
    EXPECT_EQ(row[14], fmt2(r.zhc)) << id;
    EXPECT_EQ(row[15], flag(r.zhc)) << id;
    EXPECT_NEAR(std::stod(row[1]), *r.clenhei, 1e-9);
    if (r.cbmi) {
      EXPECT_NEAR(std::stod(row[4]), *r.cbmi, 1e-9 * *r.cbmi);
    }
    with_zwfl += r.zwfl.has_value();
  }
  EXPECT_GT(with_zwfl, 50);  // the generated data is mostly plausible
}

TEST(ZscoreCsv, MalformedRowsReportedAndKept) {
  const fs::path d = tmp_dir();
  write_file(d / "in.csv",
             "id,sex,age_days,weight_kg,lenhei_cm,measure,oedema,headc_cm\n"
             "a,1,400,9,75,l,n,46\n"
             "b,1,abc,9,75,l,n,46\n"        // line 3: bad age
             "c,1,400,9\n"                  // line 4: too few fields
             "d,2,400,9,75,x,n,46\n"        // line 5: bad measure
             "e,2,400,9,75,l,maybe,46\n"    // line 6: bad oedema
             "f,2,-3,9,75,l,n,46\n"         // line 7: negative age
             "g,q,400,9,75,l,n,46\n"        // line 8: bad sex
             "h,3,400,9,75,l,n,46\n"        // line 9: unknown sex: no error, no z
             "i,2,400,,,,,\n");             // line 10: all missing: fine
  std::ostringstream err;
  EXPECT_EQ(run_zscore_csv((d / "in.csv").string(), (d / "out.csv").string(), err), 0);
  const std::string e = err.str();
  EXPECT_NE(e.find("line 3: age_days: "), std::string::npos) << e;
  EXPECT_NE(e.find("line 4: row: expected 8 fields, found 4"), std::string::npos) << e;
  EXPECT_NE(e.find("line 5: measure: "), std::string::npos) << e;
  EXPECT_NE(e.find("line 6: oedema: "), std::string::npos) << e;
  EXPECT_NE(e.find("line 7: age_days: negative age"), std::string::npos) << e;
  EXPECT_NE(e.find("line 8: sex: "), std::string::npos) << e;
  EXPECT_EQ(e.find("line 9"), std::string::npos) << e;
  EXPECT_EQ(e.find("line 10"), std::string::npos) << e;
  EXPECT_EQ(e.find("line 2"), std::string::npos) << e;

  const auto rows = parse(read_file(d / "out.csv"));
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_FALSE(rows[1][8].empty());  // a: zwei computed
  for (std::size_t i = 2; i <= 7; ++i) {
    ASSERT_EQ(rows[i].size(), 16u);
    EXPECT_EQ(rows[i][0], std::string(1, static_cast<char>('a' + i - 1)));
    for (std::size_t c = 1; c < 16; ++c) EXPECT_EQ(rows[i][c], "") << i << "," << c;
  }
  EXPECT_EQ(rows[8][0], "h");
  EXPECT_EQ(rows[8][5], "");   // csex empty
  EXPECT_EQ(rows[8][8], "");   // no zwei
  EXPECT_EQ(rows[8][1], "75");  // clenhei still reported
  EXPECT_EQ(rows[9][0], "i");
  EXPECT_EQ(rows[9][5], "2");
  EXPECT_EQ(rows[9][6], "");
}

TEST(ZscoreCsv, QuotesCrlfBomAndCaseInsensitiveValues) {
  const fs::path d = tmp_dir();
  write_file(d / "in.csv",
             "\xEF\xBB\xBF\"ID\",Sex,\"age_days\",weight_kg,lenhei_cm,measure,oedema\r\n"
             "\"x, 1\",\"1\",400,9,75,L,Y\r\n"
             "\"multi\nline\",2, 400 ,9,75,H,N\r\n"
             "\r\n"
             "\"q\"\"uote\",2,1522,17,,,\r\n");
  std::ostringstream err;
  ASSERT_EQ(run_zscore_csv((d / "in.csv").string(), (d / "out.csv").string(), err), 0);
  EXPECT_EQ(err.str(), "");
  const auto rows = parse(read_file(d / "out.csv"));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][0], "x, 1");
  EXPECT_EQ(rows[1][2], "l");
  EXPECT_EQ(rows[1][8], "");  // oedema Y: no zwei
  EXPECT_FALSE(rows[1][6].empty());
  EXPECT_EQ(rows[2][0], "multi\nline");
  EXPECT_EQ(rows[2][1], "75.7");  // H under 731 days: +0.7
  EXPECT_EQ(rows[3][0], "q\"uote");
  EXPECT_EQ(rows[3][8], "0.24");  // anthro test-zscore-weight-for-age.R
  EXPECT_EQ(rows[3][9], "0");
}

// The two known properties of anthro (docs/growth.md), as whole output lines:
// a weight of 0 kg with a valid length gets cbmi 0, no weight-for-age and no
// BMI z (flags empty too), but a flagged weight-for-length z; 103.1 cm lying
// at 800 days interpolates towards the 102.5 cm row. Expected values are hand
// calculations with anthro's expressions (cases.csv, "hand calc" rows).
TEST(ZscoreCsv, KnownPropertiesOfTheReference) {
  const fs::path d = tmp_dir();
  write_file(d / "in.csv",
             "id,sex,age_days,weight_kg,lenhei_cm,measure\n"
             "w0,2,100,0,60,l\n"
             "w0h,1,1000,0,87,h\n"
             "w0x,2,100,0,40,l\n"
             "up,1,800,16,103.1,l\n");
  std::ostringstream err;
  ASSERT_EQ(run_zscore_csv((d / "in.csv").string(), (d / "out.csv").string(), err), 0);
  EXPECT_EQ(err.str(), "");
  const auto rows = parse(read_file(d / "out.csv"));
  ASSERT_EQ(rows.size(), 5u);
  auto line = [](const std::vector<std::string>& r) {
    std::string s;
    for (std::size_t i = 0; i < r.size(); ++i) s += (i ? "," : "") + r[i];
    return s;
  };
  // id,clenhei,cmeasure,c9mo_flag,cbmi,csex,zlen,flen,zwei,fwei,zwfl,fwfl,zbmi,fbmi,zhc,fhc
  EXPECT_EQ(line(rows[1]).substr(0, 14), "w0,60,l,0,0,2,");
  EXPECT_EQ(rows[1][8], "");   // zwei
  EXPECT_EQ(rows[1][9], "");   // fwei
  EXPECT_EQ(rows[1][10], "-14.41");
  EXPECT_EQ(rows[1][11], "1");
  EXPECT_EQ(rows[1][12], "");  // zbmi
  EXPECT_EQ(rows[1][13], "");  // fbmi
  EXPECT_EQ(rows[2][4], "0");
  EXPECT_EQ(rows[2][10], "-15.75");
  EXPECT_EQ(rows[2][11], "1");
  EXPECT_EQ(rows[3][10], "");  // 40 cm: outside the length table
  EXPECT_EQ(rows[3][11], "");
  EXPECT_EQ(rows[4][1], "102.4");  // %.12g of 102.39999999999999
  EXPECT_EQ(rows[4][10], "-0.06");
  EXPECT_EQ(rows[4][11], "0");
}

TEST(ZscoreCsv, LineNumbersCountPhysicalLines) {
  const fs::path d = tmp_dir();
  write_file(d / "in.csv",
             "id,sex,age_days\n"
             "\"two\nlines\",1,10\n"
             "b,1,zz\n");
  std::ostringstream err;
  EXPECT_EQ(run_zscore_csv((d / "in.csv").string(), (d / "out.csv").string(), err), 0);
  EXPECT_NE(err.str().find("line 4: age_days: not a number: 'zz'"), std::string::npos) << err.str();
}

TEST(ZscoreCsv, UnreadableInputIsAnError) {
  const fs::path d = tmp_dir();
  std::ostringstream err;
  EXPECT_NE(run_zscore_csv((d / "missing.csv").string(), (d / "out.csv").string(), err), 0);
  EXPECT_FALSE(err.str().empty());
  EXPECT_FALSE(fs::exists(d / "out.csv"));
  std::ostringstream err2;
  EXPECT_NE(run_zscore_csv(d.string(), (d / "out.csv").string(), err2), 0);  // a directory
}

TEST(ZscoreCsv, HeaderProblemsAreErrors) {
  const fs::path d = tmp_dir();
  for (const std::string& text : {std::string(""), std::string("id,age_days\n1,100\n"),
                                  std::string("sex,age_days\n1,100\n"),
                                  std::string("id,sex,sex\n1,1,1\n")}) {
    write_file(d / "in.csv", text);
    std::ostringstream err;
    EXPECT_NE(run_zscore_csv((d / "in.csv").string(), (d / "out.csv").string(), err), 0) << text;
    EXPECT_FALSE(err.str().empty()) << text;
  }
}

TEST(ZscoreCsv, UnwritableOutputIsAnError) {
  const fs::path d = tmp_dir();
  write_file(d / "in.csv", "id,sex\n1,1\n");
  std::ostringstream err;
  EXPECT_NE(run_zscore_csv((d / "in.csv").string(), (d / "no" / "such" / "out.csv").string(), err), 0);
  EXPECT_FALSE(err.str().empty());
}

}  // namespace
