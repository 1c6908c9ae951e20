#include <cctype>
#include <cmath>
#include <cstdio>

#include "report/render.h"

namespace u5::report {

std::string PlaceAndDate(const Report& r) { return r.tmpl->place_vi + ", " + LongDate(r.lang, r.as_of); }

std::string FormatVi(double v, int decimals) { return FormatNumber(Lang::vi, v, decimals); }

std::string DataElementCode(const std::string& indicator, const char* part) {
  std::string c = "U5_";
  for (char ch : indicator) c += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return c + "_" + part;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

namespace {

std::string Plain(const Cell& c) {
  if (!c.num) return c.text;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", c.decimals, *c.num);
  return buf;
}

std::string Opt(const std::optional<double>& v) {
  if (!v) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", *v);
  return buf;
}

}  // namespace

// A statistics form: one line per org unit and form row; male and female
// only where the commune form splits by sex; the note says why a row is empty.
std::string FormCsv(const Report& r, bool bom) {
  const Template& t = *r.tmpl;
  std::string o = bom ? "\xEF\xBB\xBF" : "";
  o += "report,period,orgunit,orgunit_name,row,row_label,total,male,female,note\r\n";
  const Table& tb = r.tables.front();
  auto line = [&](const std::string& ou, const std::string& ou_name, const FormRow& fr, const std::string& total,
                  const std::string& male, const std::string& female) {
    const std::string note = fr.indicator.empty() ? Tr(r.lang, Label::form_not_recorded, {Pick(r.lang, fr.note_vi, fr.note_en)}) : "";
    o += t.id + "," + r.period.text + "," + CsvField(ou) + "," + CsvField(ou_name) + "," + fr.id + "," +
         CsvField(Pick(r.lang, fr.label_vi, fr.label_en)) + "," + total + "," + male + "," + female + "," + CsvField(note) + "\r\n";
  };
  if (t.level == "commune") {
    for (size_t i = 0; i < tb.rows.size() && i < t.rows.size(); ++i) {
      const auto& c = tb.rows[i].cells;
      line(r.orgunit, r.orgunit_name, t.rows[i], Plain(c[0]), t.by_sex ? Plain(c[1]) : "", t.by_sex ? Plain(c[2]) : "");
    }
  } else {
    for (const auto& row : tb.rows)
      for (size_t i = 0; i < t.rows.size() && i < row.cells.size(); ++i) line(row.orgunit, row.name, t.rows[i], Plain(row.cells[i]), "", "");
  }
  return o;
}

std::string ToCsv(const Report& r, bool bom) {
  if (r.tmpl->statistics_form()) return FormCsv(r, bom);
  std::string o = bom ? "\xEF\xBB\xBF" : "";
  // The interval and the small-number mark last, so older readers keep their columns.
  o += "report,period,section,orgunit,orgunit_name,indicator,indicator_name,numerator,denominator,value,ci_low,ci_high,small\r\n";
  for (const auto& t : r.tables) {
    if (t.id == "headline" || t.id == "signoff") continue;
    for (const auto& row : t.rows)
      for (size_t c = 0; c + 2 < t.columns.size() + 0 && c + 2 < row.cells.size(); c += 3) {
        o += r.tmpl->id + "," + r.period.text + "," + t.id + "," + CsvField(row.orgunit) + "," + CsvField(row.name) + "," +
             t.columns[c].indicator + "," + CsvField(t.columns[c].Group(r.lang)) + "," + Plain(row.cells[c]) + "," +
             Plain(row.cells[c + 1]) + "," + Plain(row.cells[c + 2]) + "," + Opt(row.cells[c + 2].ci_low) + "," +
             Opt(row.cells[c + 2].ci_high) + "," + (row.cells[c + 2].small ? "true" : "false") + "\r\n";
      }
  }
  return o;
}

}  // namespace u5::report
