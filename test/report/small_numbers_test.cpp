// Issue 19 in the reports: a commune's report shows each headline value's
// 95 % interval, marks values on too few events with "*" and explains the
// mark in a footnote; a verdict whose interval holds the target is printed
// grey with "(?)". Read back through pdftotext and the XLSX reader.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "demo_db.h"
#include "indicator/interval.h"
#include "report/cli.h"
#include "report/model.h"
#include "report/render.h"
#include "support/process.h"

namespace u5::report {
namespace {

using nlohmann::json;
using test::Shell;

const Date kAsOf = *ParseDate("2026-11-26");

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

// The commune of Lai Châu's demo with the most live births in 2026S1 that
// still has fewer than 20 neonatal deaths: its rate is small by the catalogue.
std::string SmallCommune(test::DemoProvince& d, const indicator::Period& p) {
  std::vector<store::OrgUnit> kids;
  EXPECT_TRUE(d.store->orgunits().Children("12", &kids).ok());
  std::string best;
  int64_t best_den = 0;
  for (const auto& k : kids) {
    if (k.scheme == "facility") continue;
    indicator::IndicatorValue v;
    if (!d.svc->Value("neonatal_mortality_rate", k.id, p, &v).ok() || !v.value) continue;
    if (v.num < 20 && v.den > best_den) best = k.id, best_den = v.den;
  }
  return best;
}

struct Built {
  Template t;
  Report r;
};

void BuildCommune(Built* b) {
  test::DemoProvince& d = test::Demo("12");
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "lai_chau_6m", &b->t).ok());
  indicator::Period p;
  ASSERT_TRUE(indicator::ParsePeriod("2026S1", &p).ok());
  const std::string commune = SmallCommune(d, p);
  ASSERT_FALSE(commune.empty()) << "the demo has a commune with births and few neonatal deaths";
  Status st = BuildReport(*d.svc, *d.store, b->t, BuildOptions{commune, "2026S1", kAsOf}, &b->r);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

TEST(ReportSmallNumbers, ModelCarriesIntervalsAndMarksAsTheEngineComputesThem) {
  Built b;
  ASSERT_NO_FATAL_FAILURE(BuildCommune(&b));
  test::DemoProvince& d = test::Demo("12");
  const indicator::Catalogue& cat = d.svc->catalogue();
  bool small_seen = false;
  for (const auto& h : b.r.headline) {
    if (!h.value) continue;
    const indicator::Precision want = indicator::PrecisionOf(cat, *cat.Find(h.indicator), h.num, h.den);
    EXPECT_EQ(h.small, want.small) << h.indicator;
    EXPECT_EQ(h.ci_low, want.low) << h.indicator;
    EXPECT_EQ(h.ci_high, want.high) << h.indicator;
    small_seen |= h.small;
  }
  ASSERT_EQ(b.r.headline[0].indicator, "neonatal_mortality_rate");
  EXPECT_TRUE(b.r.headline[0].small) << "fewer than 20 deaths";
  EXPECT_TRUE(small_seen);
  EXPECT_TRUE(b.r.any_small);
  // The headline table's last column is the interval, as printed.
  const Table& hl = b.r.tables[0];
  ASSERT_EQ(hl.id, "headline");
  EXPECT_EQ(hl.columns.back().title_vi, "KTC 95%");
  const HeadlineItem& n = b.r.headline[0];
  EXPECT_EQ(hl.rows[0].cells.back().text, FormatVi(*n.ci_low, 1) + "–" + FormatVi(*n.ci_high, 1));
  EXPECT_TRUE(hl.rows[0].cells[2].small);
  // The CSV carries the interval and the mark beside each value.
  const std::string csv = ToCsv(b.r, false);
  EXPECT_NE(csv.find(",value,ci_low,ci_high,small\r\n"), std::string::npos);
  EXPECT_NE(csv.find(",true\r\n"), std::string::npos);
}

TEST(ReportSmallNumbers, PdfAndXlsxShowTheIntervalTheMarkAndAGreyVerdict) {
  Built b;
  ASSERT_NO_FATAL_FAILURE(BuildCommune(&b));
  // Whatever the demo's verdicts, the first headline verdict is made
  // uncertain here so the grey "(?)" and its footnote are rendered.
  Report& r = b.r;
  r.headline[0].uncertain = true;
  r.tables[0].rows[0].cells[6].text = "Không đạt tiến độ";
  r.tables[0].rows[0].cells[6].grey = true;
  r.any_uncertain = true;
  const std::string pdf = test::OutDir() + "/small_numbers_commune.pdf";
  ASSERT_TRUE(WritePdf(r, pdf, DefaultFontDir()).ok());
  std::string text;
  ASSERT_EQ(Shell("pdftotext -enc UTF-8 '" + pdf + "' -", &text), 0);
  const std::string flat = Collapse(text);
  const HeadlineItem& n = r.headline[0];
  // The chart: value, unit and the mark; the interval under it.
  EXPECT_NE(flat.find(FormatVi(*n.value, 1) + " ‰ *"), std::string::npos) << flat.substr(0, 3000);
  EXPECT_NE(flat.find("KTC 95%: " + FormatVi(*n.ci_low, 1) + "–" + FormatVi(*n.ci_high, 1)), std::string::npos);
  // The footnotes, with the catalogue's thresholds.
  EXPECT_NE(flat.find("* Số nhỏ: tỷ suất dựa trên dưới 20 ca tử vong hoặc tỷ lệ dựa trên dưới 30 người"), std::string::npos);
  EXPECT_NE(flat.find("(?) Đánh giá in màu xám"), std::string::npos);
  EXPECT_NE(flat.find("Không đạt tiến độ (?)"), std::string::npos);
  EXPECT_EQ(Shell("pdftoppm -r 60 -png -f 1 -l 2 '" + pdf + "' '" + test::OutDir() + "/small_numbers_commune'"), 0);

  const std::string xlsx = test::OutDir() + "/small_numbers_commune.xlsx";
  ASSERT_TRUE(WriteXlsx(r, xlsx).ok());
  std::string out;
  ASSERT_EQ(Shell("python3 " U5_REPORT_TEST_DIR "/read_xlsx.py '" + xlsx + "'", &out), 0) << out;
  const json x = json::parse(out);
  const json& cells = x["sheets"]["headline"]["cells"];
  // The value stays a number; the interval is the last column; the footnotes follow the table.
  EXPECT_EQ(cells["E6"]["t"], "n");
  EXPECT_EQ(cells["J5"]["v"], "KTC 95%");
  EXPECT_EQ(cells["J6"]["v"], FormatVi(*n.ci_low, 1) + "–" + FormatVi(*n.ci_high, 1));
  bool small_note = false, grey_note = false;
  for (const auto& [ref, c] : cells.items()) {
    if (ref[0] != 'A' || !c["v"].is_string()) continue;
    small_note |= c["v"].get<std::string>().rfind("* Số nhỏ", 0) == 0;
    grey_note |= c["v"].get<std::string>().rfind("(?) Đánh giá", 0) == 0;
  }
  EXPECT_TRUE(small_note);
  EXPECT_TRUE(grey_note);
  // The mark is in the number format of the value cell: read the styles.
  std::string styles;
  ASSERT_EQ(Shell("python3 -c \"import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read('xl/styles.xml').decode())\" '" +
                      xlsx + "'", &styles), 0);
  EXPECT_NE(styles.find("&quot; *&quot;"), std::string::npos) << "a number format that prints the mark";
}

}  // namespace
}  // namespace u5::report
