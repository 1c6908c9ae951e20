// The Ministry's statistics forms (TT 37/2019, TT 23/2025) filled from a small
// hand-built registry: the Lai Châu population of test/indicator/lai_chau.cpp
// (every record written through the registry validator), plus three edits made
// here so the tetanus, caesarean and complication rows count something:
//   A12 gets tetanus dose 1 and A13 tetanus dose 2 (W1's pregnancy P1, delivered D1 on 2025-12-05);
//   D3 (W3's twins, 2025-03-10, filed under the old commune 03412, now in 03390) becomes a
//   caesarean with a haemorrhage.
// Each expected cell below is worked out from those records by hand (the
// comment beside it says which records), not from running the code.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "lai_chau.h"
#include "demo_db.h"
#include "report/calendar.h"
#include "report/cli.h"
#include "report/http_routes.h"
#include "report/model.h"
#include "report/render.h"
#include "report/template.h"
#include "support/process.h"

namespace u5::report {
namespace {

constexpr int E = -1;  // an empty cell: the row is not recorded
using Cells = std::vector<int>;

class StatisticsForms : public test::OnEachStore {
 protected:
  // Built once for each store and shared by the suite's tests, which only read it.
  void SetUp() override {
    if (pop_ && pop_->kind() == GetParam()) return;
    delete pop_;
    pop_ = new test::Population(GetParam());
    test::BuildLaiChau(*pop_);
    pop_->Update("A12", {{"tetanus_dose", 1}});
    pop_->Update("A13", {{"tetanus_dose", 2}});
    pop_->Update("D3", {{"mode", "caesarean"}, {"complications", nlohmann::json::array({"haemorrhage"})}});
  }
  static void TearDownTestSuite() {
    delete pop_;
    pop_ = nullptr;
  }
  static Status Build(const std::string& id, const std::string& orgunit, const std::string& period, Report* r,
                      Template* t, Lang lang = Lang::vi) {
    U5_RETURN_IF_ERROR(LoadTemplate(test::DataDir(), id, t));
    return BuildReport(pop_->service(), pop_->store(), *t, BuildOptions{orgunit, period, *ParseDate("2026-01-20"), lang}, r);
  }
  static int Value(const Cell& c) { return c.num ? static_cast<int>(*c.num) : E; }
  // A commune form: the first `width` cells of each row (total, then male and female).
  static std::vector<Cells> CommuneCells(const Report& r, size_t width) {
    std::vector<Cells> out;
    for (const auto& row : r.tables.at(0).rows) {
      Cells c;
      for (size_t i = 0; i < width; ++i) c.push_back(Value(row.cells.at(i)));
      out.push_back(c);
    }
    return out;
  }
  // A province form: the row of one org unit (a commune, or the province's total).
  static Cells ProvinceRow(const Report& r, const std::string& orgunit) {
    for (const auto& row : r.tables.at(0).rows)
      if (row.orgunit == orgunit) {
        Cells c;
        for (const auto& cell : row.cells) c.push_back(Value(cell));
        return c;
      }
    ADD_FAILURE() << "no row " << orgunit;
    return {};
  }
  static test::Population* pop_;
};
test::Population* StatisticsForms::pop_ = nullptr;

// Rows of A2.1: BCG, HepB ≤24 h, HepB >24 h, DPT-VGB-Hib 1-3, OPV 3, IPV, measles 1, fully
// immunized, DPT 4, measles 2; columns total, male, female. Immunizations are filed where the
// child's records are: C4 (girl, twin, old commune 03412 = 03390 now), C5 (boy, 03388); the
// HepB ≤24 h row counts newborn records: N1 (C1, boy, born in 03390), N5 (C5, boy, 03388).
TEST_P(StatisticsForms, ImmunizationSummaryA21ByCommuneAndSex) {
  const struct {
    const char* tmpl;
    const char* orgunit;
    const char* period;
    std::vector<Cells> want;
    const char* why;
  } cases[] = {
      {"tt23_a2_1_commune", "03390", "2025",
       {{1, 0, 1}, {1, 1, 0}, {E, E, E}, {1, 0, 1}, {1, 0, 1}, {1, 0, 1}, {1, 0, 1}, {1, 0, 1}, {1, 0, 1}, {1, 0, 1}, {0, 0, 0}, {0, 0, 0}},
       "C4: I1 BCG, I2-I4 DPT 1-3 (I9 a duplicate dose 3, once), I7 OPV3, I8 IPV, I10 measles at 9 months, complete "
       "on 10 Dec; N1 HepB within 24 h (C1, a boy); no booster"},
      {"tt23_a2_1_commune", "03388", "2025",
       {{1, 1, 0}, {1, 1, 0}, {E, E, E}, {1, 1, 0}, {1, 1, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}},
       "C5: I51 BCG, I52 and I53 DPT 1-2; N5 HepB within 24 h"},
      {"tt23_a2_1_commune", "03388", "2025-07",
       {{1, 1, 0}, {1, 1, 0}, {E, E, E}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}},
       "July: I51 on 07-02 and N5 on 07-01; DPT 1 is in September"},
      {"tt23_a2_1_commune", "03390", "2025-12",
       {{0, 0, 0}, {1, 1, 0}, {E, E, E}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {1, 0, 1}, {1, 0, 1}, {0, 0, 0}, {0, 0, 0}},
       "December: N1 (C1 born 12-05, HepB within 24 h); C4's measles dose I10 on 12-10 completes her schedule"},
      {"tt37_a2_1_commune", "03390", "2025-03",
       {{1, 0, 1}, {0, 0, 0}, {E, E, E}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}},
       "March 2025, TT 37's form: I1 on 03-11; the twins' newborn records have no HepB dose"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.tmpl) + " " + c.orgunit + " " + c.period + ": " + c.why);
    Template t;
    Report r;
    Status st = Build(c.tmpl, c.orgunit, c.period, &r, &t);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(CommuneCells(r, 3), c.want);
  }
}

// A3 rows: registered, visits, women giving birth, ≥3 visits, ≥4 in 3 trimesters, first
// trimester, tetanus. A4 rows: women giving birth, at a facility, skilled, caesarean,
// complication, live births, weighed, < 2500 g, stillbirths, home postnatal visit in week 1.
// Deaths and child health: neonatal, under 1, under 5, maternal, children weighed, underweight.
TEST_P(StatisticsForms, AntenatalDeliveriesAndDeathsByCommune) {
  const struct {
    const char* tmpl;
    const char* orgunit;
    const char* period;
    Cells want;
    const char* why;
  } cases[] = {
      {"tt23_a3_commune", "03390", "2025", {1, 6, 2, 2, 2, 2, 1},
       "P1 registered 2025-03-20; visits A11-A14, A33, A34; D1 and D3 each with 4 visits in 3 trimesters "
       "(A11 and A31 in the first); D1's P1 has tetanus dose 2 (A13)"},
      {"tt23_a3_commune", "03388", "2025", {0, 0, 2, 0, 0, 1, 0}, "D4 (no ANC) and D5 (A51 in 2024, first trimester)"},
      {"tt23_a4_commune", "03390", "2025", {2, 2, 2, 1, 1, 3, 3, 1, 0, 0},
       "D1 (midwife) and D3 (doctor, caesarean, haemorrhage) at a facility; live births 1 + twins; N1, N3, N4 "
       "weighed, N3 2300 g; V1 on day 15 is not week 1"},
      {"tt23_a4_commune", "03388", "2025", {2, 2, 2, 0, 0, 1, 1, 0, 1, 0},
       "D4 (stillbirth SB4, midwife) and D5 (nurse, N5 3000 g); V5 on day 4 visited the mother but the "
       "indicator asks for mother and child"},
      {"tt37_a4_commune", "03388", "2025-06", {1, 1, 1, 0, 0, 0, 0, 0, 1, 0}, "June, TT 37's form: D4 and SB4 on 30 June"},
      {"tt23_child_health_commune", "03390", "2025", {1, 2, 3, 0, 1, 0},
       "X2 (day 27), X3 (day 28), X7 (2 years); C4 weighed (G42, not underweight)"},
      {"tt23_child_health_commune", "03388", "2025", {1, 1, 1, 1, 0, 0}, "X1 (day 15, C1 moved here), maternal X6"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.tmpl) + " " + c.orgunit + " " + c.period + ": " + c.why);
    Template t;
    Report r;
    Status st = Build(c.tmpl, c.orgunit, c.period, &r, &t);
    ASSERT_TRUE(st.ok()) << st.ToString();
    std::vector<Cells> want;
    for (int v : c.want) want.push_back({v});
    EXPECT_EQ(CommuneCells(r, 1), want);
    EXPECT_EQ(r.tables.at(0).columns.size(), 2u) << "total and note: these forms are not split by sex";
  }
}

// The province's form: one row per commune and the total, a column per form row.
TEST_P(StatisticsForms, ProvinceFormsByCommuneWithTheTotal) {
  Template t;
  Report r;
  ASSERT_TRUE(Build("tt23_a2_1_province", "12", "2025", &r, &t).ok());
  EXPECT_EQ(ProvinceRow(r, "03390"), (Cells{1, 1, E, 1, 1, 1, 1, 1, 1, 1, 0, 0}));
  EXPECT_EQ(ProvinceRow(r, "03388"), (Cells{1, 1, E, 1, 1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(ProvinceRow(r, "12"), (Cells{2, 2, E, 2, 2, 1, 1, 1, 1, 1, 0, 0})) << "the sum of the two communes";
  EXPECT_TRUE(r.tables.at(0).rows.back().total);
  ASSERT_TRUE(Build("tt23_a4_province", "12", "2025", &r, &t).ok());
  EXPECT_EQ(ProvinceRow(r, "12"), (Cells{4, 4, 4, 1, 1, 4, 4, 1, 1, 0})) << "D1, D3, D4, D5; 4 live births; N3 low; SB4";
  ASSERT_TRUE(Build("tt23_child_health_province", "12", "2025", &r, &t).ok());
  EXPECT_EQ(ProvinceRow(r, "12"), (Cells{2, 3, 4, 1, 1, 0})) << "X1 X2; + X3; + X7; X6; G42";
  // The other communes have no records: zeros, not empty cells (the records hold these rows).
  size_t others = 0;
  for (const auto& row : r.tables.at(0).rows) {
    if (row.orgunit == "03390" || row.orgunit == "03388" || row.total) continue;
    ++others;
    for (const auto& c : row.cells) EXPECT_EQ(Value(c), 0) << row.orgunit;
  }
  EXPECT_GT(others, 0u);
  // The second table says how each row is counted, naming the indicator or why not.
  ASSERT_TRUE(Build("tt23_a2_1_province", "12", "2025", &r, &t, Lang::en).ok());
  const Table& how = r.tables.at(1);
  EXPECT_EQ(how.id, "rows");
  ASSERT_EQ(how.rows.size(), 12u);
  EXPECT_NE(how.rows[0].cells[0].text.find("imm_bcg_under1"), std::string::npos) << how.rows[0].cells[0].text;
  EXPECT_EQ(how.rows[2].cells[0].text.rfind("Not recorded: ", 0), 0u) << how.rows[2].cells[0].text;
}

// The row the records cannot count stays empty with its note, in the table and in the CSV.
TEST_P(StatisticsForms, UnrecordedRowIsEmptyWithItsNote) {
  Template t;
  Report r;
  ASSERT_TRUE(Build("tt23_a2_1_commune", "03390", "2025", &r, &t).ok());
  const Row& row = r.tables.at(0).rows.at(2);
  EXPECT_EQ(row.name, "Viêm gan B sơ sinh > 24 giờ");
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(row.cells[i].num.has_value());
    EXPECT_TRUE(row.cells[i].text.empty());
  }
  EXPECT_EQ(row.cells[3].text.rfind("Sổ điện tử không ghi nhận", 0), 0u) << row.cells[3].text;
  const std::string csv = ToCsv(r, false);
  EXPECT_NE(csv.find("tt23_a2_1_commune,2025,03390,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",bcg,BCG,1,0,1,\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",hepb_after_24h,Viêm gan B sơ sinh > 24 giờ,,,,\"Sổ điện tử không ghi nhận: phiếu sơ sinh"), std::string::npos) << csv;
}

// An annual-only indicator (its denominator is a year's population) answers 0
// for a month; a form row on it leaves the month's cell empty instead.
TEST_P(StatisticsForms, AnnualOnlyIndicatorLeavesAMonthEmpty) {
  Template t;
  ASSERT_TRUE(ParseTemplate(R"({"id":"x","kind":"statistics_form","level":"commune","period_kinds":["month","year"],"title_vi":"T",
    "issuing_body_vi":"B","due":{"working_days_after":5},
    "rows":[{"id":"full","label_vi":"TCĐĐ","label_en":"Full","indicator":"full_immunization_admin"}]})", &t).ok());
  Report r;
  const Date as_of = *ParseDate("2026-01-20");
  ASSERT_TRUE(BuildReport(pop_->service(), pop_->store(), t, BuildOptions{"03390", "2025-12", as_of}, &r).ok());
  EXPECT_EQ(CommuneCells(r, 1), (std::vector<Cells>{{E}})) << "December: not 0";
  ASSERT_TRUE(BuildReport(pop_->service(), pop_->store(), t, BuildOptions{"03390", "2025", as_of}, &r).ok());
  EXPECT_EQ(CommuneCells(r, 1), (std::vector<Cells>{{1}})) << "the year: C4";
}

TEST_P(StatisticsForms, PeriodsLevelsAndRegimesAreChecked) {
  Template t;
  Report r;
  const struct {
    const char* tmpl;
    const char* orgunit;
    const char* period;
    const char* field;
    const char* why;
  } bad[] = {
      {"tt23_a3_commune", "03390", "2025S2", "period", "half years are not a form's period"},
      {"tt23_a3_commune", "03390", "2025-06", "period", "June 2025 is TT 37's (TT 23 from 1 July 2025)"},
      {"tt37_a3_commune", "03390", "2025", "period", "the year 2025 ends under TT 23"},
      {"tt23_a3_commune", "12", "2025", "orgunit", "a province does not file the commune form"},
      {"tt23_a3_province", "03390", "2025", "orgunit", "nor a commune the province's"},
      {"tt23_a3_commune", "", "2025", "orgunit", "the commune must be named"},
  };
  for (const auto& b : bad) {
    SCOPED_TRACE(std::string(b.tmpl) + " " + b.orgunit + " " + b.period + ": " + b.why);
    Status st = Build(b.tmpl, b.orgunit, b.period, &r, &t);
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(st.field(), b.field) << st.ToString();
  }
}

// Due: N working days after the period's last day; working days are Monday to
// Friday without Vietnam's public holidays (data/reports/holidays_vn.json).
TEST(StatisticsFormDue, WorkingDaysAcrossWeekendsHolidaysAndTet) {
  Template commune37, commune23, province23;
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "tt37_a2_1_commune", &commune37).ok());
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "tt23_a2_1_commune", &commune23).ok());
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "tt23_a4_province", &province23).ok());
  const struct {
    const Template* t;
    const char* period;
    const char* due;
    const char* why;
  } cases[] = {
      {&commune23, "2026-06", "2026-07-07", "ends Tue 30 Jun: Wed 1, Thu 2, Fri 3, (weekend), Mon 6, Tue 7"},
      {&commune23, "2026-01", "2026-02-06", "ends Sat 31 Jan: Mon 2 to Fri 6 Feb"},
      {&province23, "2026-01", "2026-03-13",
       "25 working days from Mon 2 Feb: 2-6, 9-13 (10), Tết 16-20 Feb skipped, 23-27 (15), 2-6 Mar (20), 9-13 Mar (25)"},
      {&commune23, "2025", "2026-01-08", "ends Wed 31 Dec; Thu 1 Jan is New Year: Fri 2, Mon 5, Tue 6, Wed 7, Thu 8"},
      {&commune37, "2025-03", "2025-04-08", "ends Mon 31 Mar: Tue 1 - Fri 4 Apr (4), Mon 7 Apr Hùng Kings' day, Tue 8"},
      {&commune37, "2025-04", "2025-05-09", "30 Apr, 1 May holidays, Fri 2 May bridged: Mon 5 to Fri 9 May"},
      {&commune37, "2024-12", "2025-01-08", "ends Tue 31 Dec 2024; Wed 1 Jan: Thu 2, Fri 3, Mon 6, Tue 7, Wed 8"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.t->id) + " " + c.period + ": " + c.why);
    indicator::Period p;
    ASSERT_TRUE(indicator::ParsePeriod(c.period, &p).ok());
    EXPECT_EQ(FormatDate(DueDate(*c.t, p)), c.due);
  }
  const WorkCalendar& cal = WorkCalendar::Builtin();
  EXPECT_EQ(FormatDate(cal.AddWorkingDays(*ParseDate("2026-02-13"), 5)), "2026-02-27") << "Fri before Tết: 23-27 Feb after it";
  EXPECT_EQ(FormatDate(cal.AddWorkingDays(*ParseDate("2026-02-13"), 1)), "2026-02-23");
  EXPECT_TRUE(cal.IsWorkingDay(*ParseDate("2025-04-26"))) << "Saturday worked for the 2 May 2025 bridge";
  EXPECT_FALSE(cal.IsWorkingDay(*ParseDate("2025-04-27"))) << "a Sunday";
  EXPECT_FALSE(cal.IsWorkingDay(*ParseDate("2027-09-02"))) << "National Day, a fixed holiday in any year";
  // The indicator templates keep their dates: the last day on time is the day before "due before".
  Template lc;
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "lai_chau_6m", &lc).ok());
  indicator::Period s1;
  ASSERT_TRUE(indicator::ParsePeriod("2026S1", &s1).ok());
  EXPECT_EQ(FormatDate(DueDate(lc, s1)), "2026-06-09");
}

TEST(StatisticsFormDue, HolidayFileErrorsNameTheField) {
  WorkCalendar c;
  EXPECT_EQ(WorkCalendar::Parse(R"({"fixed":[{"month":13,"day":1}]})", &c).field(), "fixed");
  EXPECT_EQ(WorkCalendar::Parse(R"({"years":{"2026":{"days":["2026-02-30"]}}})", &c).field(), "days");
  EXPECT_TRUE(WorkCalendar::Parse(R"({"fixed":[],"years":{}})", &c).ok());
}

TEST(StatisticsFormTemplate, BrokenFormsNameTheField) {
  const std::string ok = R"({"id":"x","kind":"statistics_form","level":"commune","period_kinds":["month"],"title_vi":"T",
    "issuing_body_vi":"B","due":{"working_days_after":5},"rows":[{"id":"a","label_vi":"A","label_en":"A","indicator":"imm_dtp4"}]})";
  Template t;
  ASSERT_TRUE(ParseTemplate(ok, &t).ok());
  EXPECT_EQ(t.due_working_days, 5);
  auto field = [](std::string s, const std::string& from, const std::string& to) {
    Template t;
    return ParseTemplate(s.replace(s.find(from), from.size(), to), &t).field();
  };
  EXPECT_EQ(field(ok, "\"commune\"", "\"district\""), "level");
  EXPECT_EQ(field(ok, "[\"month\"]", "[\"week\"]"), "period_kinds");
  EXPECT_EQ(field(ok, "\"working_days_after\":5", "\"working_days_after\":0"), "due");
  EXPECT_EQ(field(ok, "\"indicator\":\"imm_dtp4\"", "\"count\":\"numerator\""), "rows") << "no indicator and no note";
  EXPECT_EQ(field(ok, "\"indicator\":\"imm_dtp4\"", "\"indicator\":\"imm_dtp4\",\"count\":\"both\""), "rows");
  EXPECT_EQ(field(ok, "\"title_vi\"", "\"effective_from\":\"2025-13-01\",\"title_vi\""), "effective_from");
}

// XLSX and PDF read back by the independent readers: the commune form's cells
// where the model has them, the register and the due date in the header.
TEST_P(StatisticsForms, XlsxAndPdfCarryTheFormsCells) {
  Template t;
  Report r;
  ASSERT_TRUE(Build("tt23_a2_1_commune", "03390", "2025", &r, &t).ok());
  std::filesystem::create_directories(test::OutDir());
  const std::string xlsx = test::OutDir() + "/tt23_a2_1_commune_03390_2025.xlsx";
  ASSERT_TRUE(WriteXlsx(r, xlsx).ok());
  std::string out;
  ASSERT_EQ(test::Shell("python3 " U5_REPORT_TEST_DIR "/read_xlsx.py '" + xlsx + "'", &out), 0) << out;
  const nlohmann::json x = nlohmann::json::parse(out);
  EXPECT_EQ(x["order"], nlohmann::json::array({"bao_cao", "tt23_a2_1_commune", "rows"}));
  const nlohmann::json& cover = x["sheets"]["bao_cao"]["cells"];
  EXPECT_EQ(cover["A3"]["v"], "Tổng hợp từ sổ A2.1/CSYT");
  EXPECT_EQ(cover["A8"]["v"], "Hạn báo cáo: trước ngày 2026-01-09") << "5 working days after 31 Dec 2025: Thu 8 Jan";
  const nlohmann::json& cells = x["sheets"]["tt23_a2_1_commune"]["cells"];
  // Row 6 is BCG (total, male, female): C4, a girl.
  EXPECT_EQ(cells["B6"]["v"], "BCG");
  EXPECT_EQ(cells["C6"]["t"], "n");
  EXPECT_EQ(cells["C6"]["v"], 1);
  EXPECT_EQ(cells["D6"]["v"], 0);
  EXPECT_EQ(cells["E6"]["v"], 1);
  // Row 8, HepB > 24 h: no number anywhere, the note in the last column.
  for (const char* c : {"C8", "D8", "E8"})
    EXPECT_TRUE(!cells.contains(c) || cells[c]["v"] == "") << c << " " << cells[c].dump();
  EXPECT_EQ(cells["F8"]["v"].get<std::string>().rfind("Sổ điện tử không ghi nhận", 0), 0u);
  const std::string pdf = test::OutDir() + "/tt23_a2_1_commune_03390_2025.pdf";
  ASSERT_TRUE(WritePdf(r, pdf, DefaultFontDir()).ok());
  std::string text;
  ASSERT_EQ(test::Shell("pdftotext -enc UTF-8 '" + pdf + "' -", &text), 0);
  for (const char* want : {"Tổng hợp từ sổ A2.1/CSYT", "Hạn báo cáo: trước ngày 2026-01-09", "Thông tư số 23/2025/TT-BYT",
                           "Viêm gan B sơ sinh > 24 giờ", "DPT-VGB-Hib 3"})
    EXPECT_NE(text.find(want), std::string::npos) << want;
  EXPECT_EQ(text.find("Đơn vị đã xác nhận"), std::string::npos) << "no completeness line on a unit's own form";
}

// Over HTTP: a form answers JSON, CSV, XLSX and PDF; ADX carries indicators, not form rows.
TEST_P(StatisticsForms, HttpAnswersTheFormAndRefusesAdx) {
  http::Router router{Routes({test::DataDir(), ""})};
  auth::Principal province{"u2", "tinh", "province_officer", {"12"}};
  auto get = [&](std::map<std::string, std::string> q) {
    http::Request req{"GET", "/api/v1/reports/tt23_a4_province", std::move(q), "", "", "", "", "", "", "", "127.0.0.1"};
    return router.Dispatch(req, province, pop_->store());
  };
  if (!indicator::Service::For(pop_->store())) indicator::Service::Attach(pop_->store(), &pop_->service());
  auto j = get({{"orgunit", "12"}, {"period", "2025"}});
  ASSERT_EQ(j.status, 200) << j.body;
  const nlohmann::json body = nlohmann::json::parse(j.body);
  EXPECT_EQ(body["due_before"], "2026-02-06")
      << "25 working days after Wed 31 Dec 2025 (Thu 1 Jan a holiday): Fri 2 Jan (1) ... Fri 30 Jan (21), Thu 5 Feb (25)";
  auto own = get({{"period", "2025"}});
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(nlohmann::json::parse(own.body)["orgunit"], "12") << "without orgunit: the officer's own province";
  auto csv = get({{"orgunit", "12"}, {"period", "2025"}, {"format", "csv"}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("tt23_a4_province,2025,12,"), std::string::npos);
  auto adx = get({{"orgunit", "12"}, {"period", "2025"}, {"format", "adx"}});
  EXPECT_EQ(adx.status, 422);
  EXPECT_NE(adx.body.find("\"format\""), std::string::npos) << adx.body;
  auto bad = get({{"orgunit", "12"}, {"period", "2025S1"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("\"period\""), std::string::npos) << bad.body;
}

U5_ON_BOTH_STORES(StatisticsForms);

}  // namespace
}  // namespace u5::report
