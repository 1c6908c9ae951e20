// Reports in English (lang=en) beside the Vietnamese default: each printed
// format read back by an independent reader (XLSX unzipped and parsed in
// Python, PDF through pdftotext -bbox, CSV through Python's csv module). The
// English file must carry the template's English title, English column
// headers and status words, and exactly the figures of the Vietnamese file.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "demo_db.h"
#include "report/cli.h"
#include "report/http_routes.h"
#include "report/model.h"
#include "report/render.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace u5::report {
namespace {

using nlohmann::json;
using test::Shell;

const Date kAsOf = *ParseDate("2026-11-26");

// What the reader of each language expects, written here independently of
// the labels table under test.
const std::map<std::string, std::string> kStatusVi = {
    {"achieved", "Đạt"}, {"on_track", "Đúng tiến độ"}, {"at_risk", "Có nguy cơ không đạt"}, {"off_track", "Không đạt tiến độ"}};
const std::map<std::string, std::string> kStatusEn = {
    {"achieved", "Achieved"}, {"on_track", "On track"}, {"at_risk", "At risk"}, {"off_track", "Off track"}};

struct Pair {
  Template t;
  Report vi, en;
};

void BuildBoth(const std::string& province, const std::string& tmpl, const std::string& period, Pair* p) {
  test::DemoProvince& d = test::Demo(province);
  ASSERT_TRUE(LoadTemplate(test::DataDir(), tmpl, &p->t).ok());
  Status st = BuildReport(*d.svc, *d.store, p->t, BuildOptions{"", period, kAsOf, Lang::vi}, &p->vi);
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = BuildReport(*d.svc, *d.store, p->t, BuildOptions{"", period, kAsOf, Lang::en}, &p->en);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

const indicator::Indicator& Ind(const std::string& province, const std::string& id) {
  const indicator::Indicator* i = test::Demo(province).svc->catalogue().Find(id);
  EXPECT_NE(i, nullptr) << id;
  static indicator::Indicator none;
  return i ? *i : none;
}

json ReadXlsx(const std::string& path) {
  std::string out;
  EXPECT_EQ(Shell("python3 " U5_REPORT_TEST_DIR "/read_xlsx.py '" + path + "'", &out), 0) << out;
  return json::parse(out, nullptr, false);
}

// Every numeric cell of a sheet, by reference.
std::map<std::string, double> Numbers(const json& sheet) {
  std::map<std::string, double> n;
  for (auto it = sheet["cells"].begin(); it != sheet["cells"].end(); ++it)
    if (it.value()["t"] == "n") n[it.key()] = it.value()["v"].get<double>();
  return n;
}

std::string Cell(const json& sheet, const std::string& ref) {
  const json& c = sheet["cells"];
  return c.contains(ref) && c[ref]["v"].is_string() ? c[ref]["v"].get<std::string>() : std::string();
}

std::string Collapse(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r') {
      if (!o.empty() && o.back() != ' ') o += ' ';
    } else {
      o += c;
    }
  }
  return o;
}

TEST(ReportLang, EnglishXlsxHasEnglishWordsAndTheVietnameseFigures) {
  Pair p;
  ASSERT_NO_FATAL_FAILURE(BuildBoth("12", "lai_chau_6m", "2026S1", &p));
  const std::string vi_path = test::OutDir() + "/lang_lai_chau_6m_vi.xlsx", en_path = test::OutDir() + "/lang_lai_chau_6m_en.xlsx";
  ASSERT_TRUE(WriteXlsx(p.vi, vi_path).ok());
  ASSERT_TRUE(WriteXlsx(p.en, en_path).ok());
  const json vi = ReadXlsx(vi_path), en = ReadXlsx(en_path);
  ASSERT_TRUE(vi.is_object() && en.is_object());

  std::vector<std::string> order = {"report", "headline"};
  for (const auto& s : p.t.sections) order.push_back(s.id);
  order.push_back("signoff");
  EXPECT_EQ(en["order"].get<std::vector<std::string>>(), order);
  order[0] = "bao_cao";
  EXPECT_EQ(vi["order"].get<std::vector<std::string>>(), order);

  const json& cover = en["sheets"]["report"];
  EXPECT_EQ(Cell(cover, "A5"), p.t.title_en);
  EXPECT_EQ(Cell(cover, "B1"), "SOCIALIST REPUBLIC OF VIET NAM");
  EXPECT_EQ(Cell(cover, "B2"), "Independence - Freedom - Happiness");
  EXPECT_EQ(Cell(cover, "B3"), p.t.place_vi + ", 26 November 2026");
  EXPECT_EQ(Cell(cover, "A1"), p.t.issuing_parent_en);
  EXPECT_EQ(Cell(vi["sheets"]["bao_cao"], "A5"), p.t.title_vi);

  // Headline sheet: English column titles and indicator names, English status words.
  const json& hl = en["sheets"]["headline"];
  EXPECT_EQ(Cell(hl, "A1"), "Headline indicators against targets");
  for (const auto& [ref, want] : std::map<std::string, std::string>{
           {"A4", "Code"}, {"B4", "Indicator"}, {"C5", "Numerator"}, {"D5", "Denominator"}, {"E5", "Value"}, {"I5", "Status"}})
    EXPECT_EQ(Cell(hl, ref), want) << ref;
  int statuses = 0;
  for (size_t i = 0; i < p.en.headline.size(); ++i) {
    const HeadlineItem& h = p.en.headline[i];
    const std::string row = std::to_string(6 + i);
    EXPECT_EQ(Cell(hl, "B" + row), Ind("12", h.indicator).name_en);
    auto w = kStatusEn.find(h.status);
    if (w == kStatusEn.end()) continue;
    ++statuses;
    EXPECT_EQ(Cell(hl, "I" + row), w->second) << h.indicator;
    EXPECT_EQ(Cell(vi["sheets"]["headline"], "I" + row), kStatusVi.at(h.status)) << h.indicator;
  }
  EXPECT_GT(statuses, 0) << "the plan evaluation gives a status to some headline indicator";

  // Section sheets: the indicator's English name over its columns.
  for (const auto& sec : p.t.sections) {
    const json& sh = en["sheets"][sec.id];
    EXPECT_EQ(Cell(sh, "A1"), sec.title_en);
    EXPECT_EQ(Cell(sh, "C4"), Ind("12", sec.indicators[0]).name_en) << sec.id;
    EXPECT_EQ(Cell(sh, "C5"), "Numerator");
    EXPECT_EQ(Cell(sh, "E5"), "Value (" + Ind("12", sec.indicators[0]).unit + ")");
    EXPECT_EQ(Cell(vi["sheets"][sec.id], "C5"), "Tử số");
  }

  // Figures: every numeric cell of every sheet is the same, at the same place.
  size_t numbers = 0;
  for (size_t s = 0; s < order.size(); ++s) {
    const json& a = vi["sheets"][vi["order"][s].get<std::string>()];
    const json& b = en["sheets"][en["order"][s].get<std::string>()];
    const auto na = Numbers(a);
    EXPECT_EQ(na, Numbers(b)) << "sheet " << order[s];
    numbers += na.size();
  }
  EXPECT_GT(numbers, 100u);
}

struct PdfRow {
  std::string code;
  std::vector<std::string> figures;
};

std::vector<PdfRow> PdfRows(const std::string& path) {
  std::string out;
  EXPECT_EQ(Shell("python3 " U5_REPORT_TEST_DIR "/read_pdf_rows.py '" + path + "'", &out), 0) << out;
  std::vector<PdfRow> rows;
  json j = json::parse(out, nullptr, false);
  if (!j.is_array()) return rows;
  for (const auto& r : j) rows.push_back({r["code"], r["figures"].get<std::vector<std::string>>()});
  return rows;
}

int Pages(const std::string& path) {
  std::string info;
  EXPECT_EQ(Shell("pdfinfo '" + path + "'", &info), 0);
  std::smatch m;
  return std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)")) ? std::stoi(m[1]) : 0;
}

void CheckPdfPair(const std::string& province, const Pair& p, const std::string& stem) {
  const std::string vi_path = test::OutDir() + "/" + stem + "_vi.pdf", en_path = test::OutDir() + "/" + stem + "_en.pdf";
  ASSERT_TRUE(WritePdf(p.vi, vi_path, DefaultFontDir()).ok());
  ASSERT_TRUE(WritePdf(p.en, en_path, DefaultFontDir()).ok());
  std::string text;
  ASSERT_EQ(Shell("pdftotext -enc UTF-8 '" + en_path + "' -", &text), 0);
  const std::string flat = Collapse(text);
  const int pages = Pages(en_path);
  for (const std::string& s : {p.t.title_en, p.t.issuing_parent_en, std::string("SOCIALIST REPUBLIC OF VIET NAM"),
                               std::string("Independence - Freedom - Happiness"), p.t.place_vi + ", 26 November 2026",
                               std::string("HEADLINE INDICATORS AGAINST TARGETS"), std::string("Numerator"), std::string("Denominator"),
                               std::string("Recipients:"), "Page 1 of " + std::to_string(pages),
                               "Page " + std::to_string(pages) + " of " + std::to_string(pages)})
    EXPECT_NE(flat.find(s), std::string::npos) << "missing in the English PDF: " << s;
  for (const auto& l : p.t.legal_basis_en) EXPECT_NE(flat.find(l), std::string::npos) << l;
  int statuses = 0;
  for (const auto& h : p.en.headline) {
    EXPECT_NE(flat.find(Collapse(Ind(province, h.indicator).name_en)), std::string::npos) << h.indicator;
    if (h.value) {
      EXPECT_NE(flat.find(FormatNumber(Lang::en, *h.value, 1) + " " + h.unit), std::string::npos) << h.indicator;
    }
    if (auto w = kStatusEn.find(h.status); w != kStatusEn.end()) {
      ++statuses;
      EXPECT_NE(flat.find(w->second), std::string::npos) << w->second;
    }
  }
  EXPECT_GT(statuses, 0);
  // The Vietnamese words of the frame are gone (org unit names stay Vietnamese).
  for (const char* s : {"Tử số", "Mẫu số", "Nơi nhận", "CỘNG HÒA", "Kỳ báo cáo", "Mục tiêu", "tiếp theo", "Đánh giá"})
    EXPECT_EQ(flat.find(s), std::string::npos) << "Vietnamese left in the English PDF: " << s;
  EXPECT_FALSE(std::regex_search(flat, std::regex("Trang \\d+/\\d+"))) << "Vietnamese page numbers";

  // Figures: table by table, row by row, the same numbers in both files.
  const auto vi_rows = PdfRows(vi_path), en_rows = PdfRows(en_path);
  size_t model_rows = 0;
  for (const auto& t : p.vi.tables) model_rows += t.rows.size();
  ASSERT_EQ(vi_rows.size(), model_rows) << "every table row read back from the Vietnamese PDF";
  ASSERT_EQ(en_rows.size(), model_rows) << "every table row read back from the English PDF";
  size_t figures = 0;
  for (size_t i = 0; i < vi_rows.size(); ++i) {
    EXPECT_EQ(en_rows[i].code, vi_rows[i].code) << "row " << i;
    EXPECT_EQ(en_rows[i].figures, vi_rows[i].figures) << "row " << i << " (" << vi_rows[i].code << ")";
    figures += vi_rows[i].figures.size();
  }
  // The reader sees the figures themselves: the province's total row of the first section.
  const Table& sec = p.vi.tables[1];
  const Row& total = sec.rows.back();
  size_t at = p.vi.tables[0].rows.size() + sec.rows.size() - 1;
  std::vector<std::string> want;
  for (const auto& c : total.cells)
    if (c.num) want.push_back(FormatNumber(Lang::en, *c.num, c.decimals));
  EXPECT_EQ(en_rows[at].figures, want) << "the total row of " << sec.id;
  EXPECT_GT(figures, 100u);
  ASSERT_EQ(Shell("pdftoppm -r 60 -png -f 1 -l 2 '" + en_path + "' '" + test::OutDir() + "/" + stem + "_en'"), 0);
}

TEST(ReportLang, EnglishPdfLaiChauSixMonth) {
  Pair p;
  ASSERT_NO_FATAL_FAILURE(BuildBoth("12", "lai_chau_6m", "2026S1", &p));
  CheckPdfPair("12", p, "lang_lai_chau_6m");
}

TEST(ReportLang, EnglishPdfHaiPhongAnnual) {
  Pair p;
  ASSERT_NO_FATAL_FAILURE(BuildBoth("31", "hai_phong_annual", "2026", &p));
  CheckPdfPair("31", p, "lang_hai_phong_annual");
}

json ReadCsv(const std::string& path, const std::string& text) {
  test::WriteFile(path, text);
  std::string out;
  EXPECT_EQ(Shell("python3 " U5_REPORT_TEST_DIR "/read_csv.py '" + path + "'", &out), 0) << out;
  return json::parse(out, nullptr, false);
}

TEST(ReportLang, EnglishCsvHasEnglishIndicatorNamesAndTheSameFigures) {
  Pair p;
  ASSERT_NO_FATAL_FAILURE(BuildBoth("12", "lai_chau_6m", "2026S1", &p));
  const json vi = ReadCsv(test::OutDir() + "/lang_vi.csv", ToCsv(p.vi, true));
  const json en = ReadCsv(test::OutDir() + "/lang_en.csv", ToCsv(p.en, true));
  ASSERT_TRUE(vi.is_array() && en.is_array());
  ASSERT_EQ(en.size(), vi.size());
  ASSERT_GT(vi.size(), 10u);
  // Column names are for programs: the same in both languages.
  EXPECT_EQ(en[0], vi[0]);
  EXPECT_EQ(en[0][6], "indicator_name");
  for (size_t i = 1; i < vi.size(); ++i) {
    ASSERT_EQ(en[i].size(), 13u) << "line " << i;  // ten figures columns, then ci_low, ci_high, small
    const indicator::Indicator& ind = Ind("12", vi[i][5]);
    EXPECT_EQ(en[i][6], ind.name_en) << "line " << i;
    EXPECT_EQ(vi[i][6], ind.name_vi) << "line " << i;
    EXPECT_NE(ind.name_en, ind.name_vi);
    for (size_t c : {0u, 1u, 2u, 3u, 5u, 7u, 8u, 9u}) EXPECT_EQ(en[i][c], vi[i][c]) << "line " << i << " column " << c;
    if (en[i][3] == p.vi.orgunit) {
      EXPECT_EQ(en[i][4], p.vi.orgunit_name + " (total)");
      EXPECT_EQ(vi[i][4], "Toàn " + p.vi.orgunit_name);
    } else {
      EXPECT_EQ(en[i][4], vi[i][4]) << "org unit names stay as they are";
    }
  }
}

TEST(ReportLang, VietnameseIsTheDefault) {
  test::DemoProvince& d = test::Demo("12");
  Template t;
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "lai_chau_6m", &t).ok());
  BuildOptions o;
  o.period = "2026S1";
  o.as_of = kAsOf;
  Report def, vi;
  ASSERT_TRUE(BuildReport(*d.svc, *d.store, t, o, &def).ok());
  o.lang = Lang::vi;
  ASSERT_TRUE(BuildReport(*d.svc, *d.store, t, o, &vi).ok());
  EXPECT_EQ(def.lang, Lang::vi);
  EXPECT_EQ(ToCsv(def, false), ToCsv(vi, false));
  const std::string a = test::OutDir() + "/lang_default.pdf", b = test::OutDir() + "/lang_vi.pdf";
  ASSERT_TRUE(WritePdf(def, a, DefaultFontDir()).ok());
  ASSERT_TRUE(WritePdf(vi, b, DefaultFontDir()).ok());
  std::string ta, tb;
  ASSERT_EQ(Shell("pdftotext -enc UTF-8 '" + a + "' -", &ta), 0);
  ASSERT_EQ(Shell("pdftotext -enc UTF-8 '" + b + "' -", &tb), 0);
  EXPECT_EQ(ta, tb);
  for (const std::string& s : {t.title_vi, std::string("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), std::string("Tử số"),
                               std::string("Nơi nhận:"), std::string("Trang 1/")})
    EXPECT_NE(Collapse(ta).find(s), std::string::npos) << s;
  EXPECT_EQ(ta.find("Numerator"), std::string::npos);

  Lang l = Lang::en;
  EXPECT_TRUE(ParseLang("", "lang", &l).ok());
  EXPECT_EQ(l, Lang::vi);
  Status st = ParseLang("fr", "lang", &l);
  EXPECT_EQ(st.field(), "lang");
  EXPECT_EQ(ParseLang("EN", "--lang", &l).field(), "--lang") << "codes are lower case, as in the web app";
}

// A template without English header texts prints its Vietnamese ones rather than nothing.
TEST(ReportLang, MissingEnglishTemplateTextsFallBackToVietnamese) {
  test::DemoProvince& d = test::Demo("12");
  Template t;
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "lai_chau_6m", &t).ok());
  t.issuing_parent_en.clear();
  t.title_en.clear();
  t.recipients_en.clear();
  Report r;
  ASSERT_TRUE(BuildReport(*d.svc, *d.store, t, BuildOptions{"", "2026S1", kAsOf, Lang::en}, &r).ok());
  const std::string path = test::OutDir() + "/lang_fallback.pdf";
  ASSERT_TRUE(WritePdf(r, path, DefaultFontDir()).ok());
  std::string text;
  ASSERT_EQ(Shell("pdftotext -enc UTF-8 '" + path + "' -", &text), 0);
  const std::string flat = Collapse(text);
  for (const std::string& s : {t.issuing_parent_vi, t.title_vi, t.recipients_vi[0], std::string("Recipients:")})
    EXPECT_NE(flat.find(s), std::string::npos) << s;
}

TEST(ReportLang, CliLangFlag) {
  test::DemoProvince& d = test::Demo("12");
  const std::vector<std::string> base = {"report", "--db", d.path, "--template", "lai_chau_6m", "--period", "2026S1", "--format", "csv"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return test::RunUnder5(a);
  };
  test::RunResult def = with({}), vi = with({"--lang", "vi"}), en = with({"--lang", "en"});
  ASSERT_EQ(def.exit_code, 0) << def.err;
  ASSERT_EQ(vi.exit_code, 0) << vi.err;
  ASSERT_EQ(en.exit_code, 0) << en.err;
  EXPECT_EQ(def.out, vi.out);
  EXPECT_NE(en.out.find(Ind("12", "neonatal_mortality_rate").name_en), std::string::npos);
  EXPECT_EQ(vi.out.find(Ind("12", "neonatal_mortality_rate").name_en), std::string::npos);
  test::RunResult bad = with({"--lang", "fr"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--lang"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("vi or en"), std::string::npos) << bad.err;
  EXPECT_TRUE(bad.out.empty());
}

TEST(ReportLang, HttpLangParameter) {
  test::DemoProvince& d = test::Demo("12");
  indicator::Service::Attach(*d.store, d.svc.get());
  const http::Router router(Routes({test::DataDir(), ""}));
  const auth::Principal province{"u2", "tinh", "province_officer", {"12"}};
  auto call = [&](std::map<std::string, std::string> q) {
    q["period"] = "2026S1";
    http::Request req{"GET", "/api/v1/reports/lai_chau_6m", std::move(q), "", "", "", "", "", "", "", "127.0.0.1"};
    return router.Dispatch(req, province, *d.store);
  };
  for (const char* bad : {"fr", "EN", "vi,en"}) {
    auto r = call({{"lang", bad}, {"format", "pdf"}});
    EXPECT_EQ(r.status, 422) << bad;
    json e = json::parse(r.body, nullptr, false);
    EXPECT_EQ(e.value("field", ""), "lang") << r.body;
    EXPECT_FALSE(e.value("error", "").empty()) << r.body;
    EXPECT_NE(e.value("message", "").find("vi or en"), std::string::npos) << r.body;
  }
  auto vi = json::parse(call({}).body), en = json::parse(call({{"lang", "en"}}).body);
  EXPECT_EQ(vi["lang"], "vi");
  EXPECT_EQ(en["lang"], "en");
  ASSERT_EQ(vi["tables"].size(), en["tables"].size());
  const json& hv = vi["tables"][0]["rows"];
  const json& he = en["tables"][0]["rows"];
  ASSERT_EQ(hv.size(), he.size());
  for (size_t i = 0; i < hv.size(); ++i) {
    for (size_t c = 0; c < 3; ++c) EXPECT_EQ(he[i]["cells"][c], hv[i]["cells"][c]) << "figures do not depend on the language";
    const std::string sv = hv[i]["cells"][6], se = he[i]["cells"][6];
    for (const auto& [k, w] : kStatusVi)
      if (sv == w) {
        EXPECT_EQ(se, kStatusEn.at(k));
      }
  }
  auto pdf = call({{"lang", "en"}, {"format", "pdf"}});
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
  EXPECT_EQ(pdf.headers["Content-Disposition"], "attachment; filename=\"lai_chau_6m_12_2026S1_en.pdf\"");
  EXPECT_EQ(call({{"format", "csv"}}).headers["Content-Disposition"], "attachment; filename=\"lai_chau_6m_12_2026S1.csv\"");
}

}  // namespace
}  // namespace u5::report
