// Every output format opened by an independent reader: XLSX unzipped and its
// XML parsed (numbers are numbers), PDF through pdftotext (and pdftoppm pages
// to look at), ADX through xmllint against data/reports/schema/adx.xsd,
// dataValueSets JSON through jsonschema. Figures are compared with the
// indicator engine's for the same org unit and period.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "demo_db.h"
#include "report/model.h"
#include "report/render.h"
#include "orgunit/orgunit.h"
#include "report/cli.h"
#include "support/process.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::report {
namespace {

using nlohmann::json;
using test::Shell;

const Date kAsOf = *ParseDate("2026-11-26");

struct Built {
  Template t;
  Report r;
};

void Build(const std::string& province, const std::string& tmpl, const std::string& period, Built* b) {
  test::DemoProvince& d = test::Demo(province);
  ASSERT_TRUE(LoadTemplate(test::DataDir(), tmpl, &b->t).ok());
  Status st = BuildReport(*d.svc, *d.store, b->t, BuildOptions{"", period, kAsOf}, &b->r);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

std::string Collapse(const std::string& s) {
  std::string o;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
    if (space) {
      if (!o.empty() && o.back() != ' ') o += ' ';
    } else {
      o += c;
    }
  }
  return o;
}

std::string Col(int c) {  // 0 -> A
  std::string s;
  for (++c; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
  return s;
}

// XLSX: every section sheet's numbers, read back, equal the engine's.
void CheckXlsx(const std::string& province, const Built& b, const std::string& path) {
  test::DemoProvince& d = test::Demo(province);
  ASSERT_TRUE(WriteXlsx(b.r, path).ok());
  std::string out;
  ASSERT_EQ(Shell("python3 " U5_REPORT_TEST_DIR "/read_xlsx.py '" + path + "'", &out), 0) << out;
  json x = json::parse(out);
  std::vector<std::string> want = {"bao_cao", "headline"};
  for (const auto& s : b.t.sections) want.push_back(s.id);
  want.push_back("signoff");
  EXPECT_EQ(x["order"].get<std::vector<std::string>>(), want);
  const json& cover = x["sheets"]["bao_cao"]["cells"];
  EXPECT_EQ(cover["A1"]["v"], b.t.issuing_parent_vi);
  EXPECT_EQ(cover["B1"]["v"], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  EXPECT_EQ(cover["A3"]["v"], b.t.number_vi);
  EXPECT_EQ(cover["B3"]["v"], b.t.place_vi + ", ngày 26 tháng 11 năm 2026");
  EXPECT_EQ(cover["A5"]["v"], b.t.title_vi);
  for (const auto& sec : b.t.sections) {
    const json& sh = x["sheets"][sec.id];
    EXPECT_EQ(sh["frozen"], "C6") << "header rows and the unit columns stay in view";
    const json& cells = sh["cells"];
    int row = 6;
    std::vector<int64_t> sum_num(sec.indicators.size()), total_num(sec.indicators.size());
    int units = 0;
    for (;; ++row) {
      const std::string a = "A" + std::to_string(row);
      if (!cells.contains(a)) break;
      const std::string ou = cells[a]["v"];
      const bool total = ou == b.r.orgunit;
      for (size_t i = 0; i < sec.indicators.size(); ++i) {
        indicator::IndicatorValue v;
        ASSERT_TRUE(d.svc->Value(sec.indicators[i], ou, b.r.period, &v).ok());
        const std::string r = std::to_string(row);
        const json& num = cells[Col(2 + 3 * i) + r];
        const json& den = cells[Col(3 + 3 * i) + r];
        ASSERT_EQ(num["t"], "n") << sec.id << " " << ou << ": numbers are numbers";
        ASSERT_EQ(den["t"], "n");
        EXPECT_EQ(num["v"].get<double>(), static_cast<double>(v.num)) << sec.indicators[i] << " " << ou;
        EXPECT_EQ(den["v"].get<double>(), static_cast<double>(v.den)) << sec.indicators[i] << " " << ou;
        const std::string vref = Col(4 + 3 * i) + r;
        if (v.value) {
          ASSERT_EQ(cells[vref]["t"], "n");
          EXPECT_DOUBLE_EQ(cells[vref]["v"].get<double>(), *v.value);
        } else {
          EXPECT_FALSE(cells.contains(vref) && cells[vref]["t"] == "n");
        }
        (total ? total_num[i] : sum_num[i]) += v.num;
      }
      if (!total) ++units;
    }
    EXPECT_GT(units, 3) << sec.id;
    EXPECT_EQ(sum_num, total_num) << sec.id << ": the communes add up to the province";
  }
}

// PDF: the legal header, the title, the headline figures and the page numbers
// as pdftotext reads them; PNG pages for people to look at.
void CheckPdf(const Built& b, const std::string& path, const std::string& png_prefix) {
  ASSERT_TRUE(WritePdf(b.r, path, DefaultFontDir()).ok());
  std::string text, info;
  ASSERT_EQ(Shell("pdftotext -enc UTF-8 '" + path + "' -", &text), 0);
  ASSERT_EQ(Shell("pdfinfo '" + path + "'", &info), 0);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)")));
  const int pages = std::stoi(m[1]);
  EXPECT_GE(pages, 2) << "tables continue across pages";
  const std::string flat = Collapse(text);
  for (const std::string& s : {b.t.title_vi, b.t.issuing_parent_vi, std::string("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                               std::string("Độc lập - Tự do - Hạnh phúc"), b.t.number_vi, PlaceAndDate(b.r),
                               "Trang 1/" + std::to_string(pages), "Trang " + std::to_string(pages) + "/" + std::to_string(pages)})
    EXPECT_NE(flat.find(s), std::string::npos) << "missing in the PDF text: " << s;
  for (const auto& h : b.r.headline) {
    EXPECT_NE(flat.find(Collapse(h.name_vi)), std::string::npos) << h.name_vi;
    if (h.value) EXPECT_NE(flat.find(FormatVi(*h.value, 1) + " " + h.unit), std::string::npos) << h.indicator;
  }
  // Every unit of the report's tables is named (rows that broke across pages too).
  for (const auto& row : b.r.tables[1].rows) EXPECT_NE(flat.find(Collapse(row.name)), std::string::npos) << row.name;
  for (int i = 1; i <= pages; ++i) std::filesystem::remove(png_prefix + "-" + std::to_string(i) + ".png");
  ASSERT_EQ(Shell("pdftoppm -r 60 -png '" + path + "' '" + png_prefix + "'"), 0);
  const std::string first = pages >= 10 ? png_prefix + "-01.png" : png_prefix + "-1.png";
  EXPECT_TRUE(std::filesystem::exists(first)) << first;
}

TEST(ReportFormats, LaiChauSixMonthXlsxAndPdf) {
  Built b;
  ASSERT_NO_FATAL_FAILURE(Build("12", "lai_chau_6m", "2026S1", &b));
  const std::string out = test::OutDir();
  CheckXlsx("12", b, out + "/lai_chau_6m_2026S1.xlsx");
  CheckPdf(b, out + "/lai_chau_6m_2026S1.pdf", out + "/lai_chau_6m_2026S1");
}

TEST(ReportFormats, HaiPhongAnnualXlsxAndPdf) {
  Built b;
  ASSERT_NO_FATAL_FAILURE(Build("31", "hai_phong_annual", "2026", &b));
  const std::string out = test::OutDir();
  CheckXlsx("31", b, out + "/hai_phong_annual_2026.xlsx");
  CheckPdf(b, out + "/hai_phong_annual_2026.pdf", out + "/hai_phong_annual_2026");
}

TEST(ReportFormats, HeadlineEqualsTheEngineAndThePlanTarget) {
  Built b;
  ASSERT_NO_FATAL_FAILURE(Build("12", "lai_chau_6m", "2026S1", &b));
  test::DemoProvince& d = test::Demo("12");
  ASSERT_EQ(b.r.headline.size(), b.t.headline.size());
  for (const auto& h : b.r.headline) {
    indicator::IndicatorValue v;
    ASSERT_TRUE(d.svc->Value(h.indicator, "12", b.r.period, &v).ok());
    EXPECT_EQ(h.num, v.num);
    EXPECT_EQ(h.den, v.den);
    EXPECT_EQ(h.value, v.value);
  }
  // Lai Châu's first target year not before 2026 is 2030: neonatal mortality < 5.8 ‰.
  EXPECT_EQ(b.r.headline[0].indicator, "neonatal_mortality_rate");
  EXPECT_EQ(b.r.headline[0].target_year, 2030);
  ASSERT_TRUE(b.r.headline[0].target.has_value());
  EXPECT_DOUBLE_EQ(*b.r.headline[0].target, 5.8);
}

TEST(ReportFormats, PdfRendersEveryVietnameseLetter) {
  Built b;
  ASSERT_NO_FATAL_FAILURE(Build("12", "lai_chau_6m", "2026S1", &b));
  // Each vowel with the five tone marks, lower and upper case, and đ/Đ.
  const std::vector<std::string> letters = {
      "aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "eèéẻẽẹ", "êềếểễệ", "iìíỉĩị", "oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ", "uùúủũụ", "ưừứửữự",
      "yỳýỷỹỵ", "ĂẰẮẲẴẶ", "ÂẦẤẨẪẬ", "ÊỀẾỂỄỆ", "ÔỒỐỔỖỘ", "ƠỜỚỞỠỢ", "ƯỪỨỬỮỰ", "đĐ"};
  Template t = b.t;
  t.legal_basis_vi = letters;
  b.r.tmpl = &t;
  const std::string path = test::OutDir() + "/vietnamese_letters.pdf";
  ASSERT_TRUE(WritePdf(b.r, path, DefaultFontDir()).ok());
  std::string text;
  ASSERT_EQ(Shell("pdftotext -enc UTF-8 '" + path + "' -", &text), 0);
  for (const auto& l : letters) EXPECT_NE(text.find(l), std::string::npos) << l;
  std::string fonts;
  ASSERT_EQ(Shell("pdffonts '" + path + "'", &fonts), 0);
  EXPECT_NE(fonts.find("LiberationSerif"), std::string::npos) << fonts;
  EXPECT_EQ(Shell("pdftoppm -r 60 -png -f 1 -l 1 '" + path + "' '" + test::OutDir() + "/vietnamese_letters'"), 0);
}

TEST(ReportFormats, AdxValidatesAgainstTheSchema) {
  Built b;
  ASSERT_NO_FATAL_FAILURE(Build("12", "lai_chau_6m", "2026S1", &b));
  const std::string path = test::OutDir() + "/lai_chau_6m_2026S1.adx.xml";
  const std::string adx = ToAdx(b.r, "2026-11-26T08:00:00Z");
  test::WriteFile(path, adx);
  const std::string xsd = test::DataDir() + "/reports/schema/adx.xsd";
  std::string out;
  EXPECT_EQ(Shell("xmllint --noout --schema '" + xsd + "' '" + path + "' 2>&1", &out), 0) << out;
  // One group per org unit row, period as an ISO 8601 interval.
  std::string n;
  ASSERT_EQ(Shell("xmllint --xpath 'count(//*[local-name()=\"group\"])' '" + path + "'", &n), 0);
  EXPECT_EQ(std::stoul(n), b.r.tables[1].rows.size());
  ASSERT_EQ(Shell("xmllint --xpath 'string(//*[local-name()=\"group\"][@orgUnit=\"12\"]/@period)' '" + path + "'", &n), 0);
  EXPECT_EQ(Collapse(n), "2026-01-01/P6M ");
  // The value of an element read back equals the engine's.
  indicator::IndicatorValue v;
  ASSERT_TRUE(test::Demo("12").svc->Value("neonatal_mortality_rate", "12", b.r.period, &v).ok());
  ASSERT_EQ(Shell("xmllint --xpath 'string(//*[local-name()=\"group\"][@orgUnit=\"12\"]/*[@dataElement=\"U5_NEONATAL_MORTALITY_RATE_DEN\"]/@value)' '" +
                      path + "'", &n), 0);
  EXPECT_EQ(Collapse(n), std::to_string(v.den) + " ");
  // The schema can fail: a value that is not a number, a period that is not an interval.
  std::string bad = adx;
  bad.replace(bad.find("value=\""), 7, "value=\"x");
  test::WriteFile(path + ".bad", bad);
  EXPECT_NE(Shell("xmllint --noout --schema '" + xsd + "' '" + path + ".bad' 2>/dev/null"), 0);
  bad = adx;
  bad.replace(bad.find("/P6M"), 4, "");
  test::WriteFile(path + ".bad", bad);
  EXPECT_NE(Shell("xmllint --noout --schema '" + xsd + "' '" + path + ".bad' 2>/dev/null"), 0);
}

TEST(ReportFormats, DataValueSetsValidatesAgainstTheSchema) {
  Built b;
  ASSERT_NO_FATAL_FAILURE(Build("31", "hai_phong_annual", "2026", &b));
  std::string s;
  ASSERT_TRUE(ToDataValueSets(b.r, &s).ok());
  const std::string path = test::OutDir() + "/hai_phong_annual_2026.dvs.json";
  test::WriteFile(path, s);
  const std::string schema = test::DataDir() + "/reports/schema/dataValueSets.schema.json";
  std::string out;
  EXPECT_EQ(Shell("python3 " U5_REPORT_TEST_DIR "/validate_json.py '" + schema + "' '" + path + "' 2>&1", &out), 0) << out;
  json j = json::parse(s);
  EXPECT_EQ(j["period"], "2026");
  EXPECT_EQ(j["dataSet"], "U5_HAI_PHONG_Y");
  size_t with_value = 0;
  for (const auto& v : b.r.values) with_value += v.value ? 1 : 0;
  EXPECT_EQ(j["dataValues"].size(), 2 * b.r.values.size() + with_value);
  // A number where DHIS2 wants a string fails the schema.
  j["dataValues"][0]["value"] = 3;
  test::WriteFile(path + ".bad", j.dump());
  EXPECT_NE(Shell("python3 " U5_REPORT_TEST_DIR "/validate_json.py '" + schema + "' '" + path + ".bad' 2>/dev/null"), 0);
  // A custom range has no DHIS2 period code.
  Report r = b.r;
  ASSERT_TRUE(indicator::ParsePeriod("2026-01-01..2026-05-31", &r.period).ok());
  EXPECT_EQ(ToDataValueSets(r, &s).field(), "period");
}

TEST(ReportFormats, CsvWithAndWithoutBom) {
  Built b;
  ASSERT_NO_FATAL_FAILURE(Build("12", "lai_chau_6m", "2026S1", &b));
  const std::string plain = ToCsv(b.r, false), bom = ToCsv(b.r, true);
  EXPECT_EQ(bom.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(bom.substr(3), plain);
  EXPECT_EQ(plain.rfind("report,period,section,orgunit", 0), 0u);
  size_t lines = std::count(plain.begin(), plain.end(), '\n');
  EXPECT_EQ(lines, 1 + b.r.values.size());
  // The province line of under-5 mortality equals the engine's.
  indicator::IndicatorValue v;
  ASSERT_TRUE(test::Demo("12").svc->Value("under5_mortality_rate", "12", b.r.period, &v).ok());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(plain, m, std::regex("\nlai_chau_6m,2026S1,mortality,12,[^,]*,under5_mortality_rate,[^,]*,(\\d+),(\\d+),")));
  EXPECT_EQ(std::stoll(m[1]), v.num);
  EXPECT_EQ(std::stoll(m[2]), v.den);
}

TEST(ReportCli, ReportAndSignoffCommands) {
  test::DemoProvince& d = test::Demo("12");
  test::RunResult r = test::RunUnder5({"report", "--db", d.path, "--template", "lai_chau_6m", "--period", "2026S1", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("report,period,section", 0), 0u);
  const std::string xlsx = test::OutDir() + "/cli.xlsx";
  r = test::RunUnder5({"report", "--db", d.path, "--template", "lai_chau_6m", "--period", "2026S1", "--format", "xlsx", "--out", xlsx});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::file_size(xlsx) > 1000);
  EXPECT_EQ(test::RunUnder5({"report", "--db", d.path, "--template", "lai_chau_6m", "--period", "2026", "--format", "csv"}).exit_code, 2)
      << "a year is not a six-month period";
  EXPECT_EQ(test::RunUnder5({"report", "--db", d.path, "--template", "nope", "--period", "2026S1"}).exit_code, 2);
  EXPECT_EQ(test::RunUnder5({"report", "--db", d.path, "--template", "lai_chau_6m", "--period", "2026S1", "--format", "doc", "--out", xlsx}).exit_code, 2);

  std::vector<orgunit::OrgUnit> kids;
  ASSERT_TRUE(d.store->orgunits().Children("12", &kids).ok());
  ASSERT_FALSE(kids.empty());
  const std::string ou = kids[0].id;
  // A sign-off is recorded under the user's id: an unknown user is refused.
  EXPECT_EQ(test::RunUnder5({"signoff", "close", "--db", d.path, "--orgunit", ou, "--period", "2023S2", "--user", "cw1"}).exit_code, 2);
  store::User cw1;
  cw1.id = "id-cw1";
  cw1.username = "cw1";
  cw1.password_hash = "x";
  cw1.role = "commune_worker";
  cw1.created_at = "2026-01-01T00:00:00.000Z";
  ASSERT_TRUE(d.store->CreateUser(cw1).ok());
  r = test::RunUnder5({"signoff", "close", "--db", d.path, "--orgunit", ou, "--period", "2023S2", "--user", "cw1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::QueryOne(d.path, "SELECT user_id || ' ' || username || ' ' || remote FROM audit_log WHERE action = 'period_close' "
                                   "ORDER BY seq DESC LIMIT 1"),
            "id-cw1 cw1 cli");
  EXPECT_NE(r.out.find(",2023S2,closed,cw1,"), std::string::npos) << r.out;
  EXPECT_NE(test::RunUnder5({"signoff", "close", "--db", d.path, "--orgunit", ou, "--period", "2023S2", "--user", "cw1"}).exit_code, 0);
  EXPECT_EQ(test::RunUnder5({"signoff", "reopen", "--db", d.path, "--orgunit", ou, "--period", "2023S2", "--user", "cw1"}).exit_code, 2);
  r = test::RunUnder5({"signoff", "reopen", "--db", d.path, "--orgunit", ou, "--period", "2023S2", "--user", "cw1", "--reason",
                       "thiếu phiếu tiêm chủng tháng 12"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(",2023S2,open,"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace u5::report
