// XLSX through libxlsxwriter: a cover sheet with the legal header block of a
// Vietnamese administrative report, then one sheet per table with real
// numbers, number formats and a frozen header.
#include <xlsxwriter.h>

#include <set>

#include "report/render.h"

namespace u5::report {
namespace {

// Excel sheet names: at most 31 characters, none of []:*?/\ and unique.
std::string SheetName(const std::string& id, std::set<std::string>* used) {
  std::string n;
  for (char c : id)
    if (std::string("[]:*?/\\").find(c) == std::string::npos) n += c;
  if (n.size() > 28) n.resize(28);
  std::string u = n;
  for (int i = 2; used->count(u); ++i) u = n + "_" + std::to_string(i);
  used->insert(u);
  return u;
}

}  // namespace

Status WriteXlsx(const Report& r, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return Status::Internal("cannot create " + path);
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* centre_bold = workbook_add_format(wb);
  format_set_bold(centre_bold);
  format_set_align(centre_bold, LXW_ALIGN_CENTER);
  lxw_format* centre_italic = workbook_add_format(wb);
  format_set_italic(centre_italic);
  format_set_align(centre_italic, LXW_ALIGN_CENTER);
  lxw_format* head = workbook_add_format(wb);
  format_set_bold(head);
  format_set_text_wrap(head);
  format_set_border(head, LXW_BORDER_THIN);
  format_set_align(head, LXW_ALIGN_CENTER);
  format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
  format_set_bg_color(head, 0xDDEBF7);
  lxw_format* int_fmt = workbook_add_format(wb);
  format_set_num_format(int_fmt, "#,##0");
  format_set_border(int_fmt, LXW_BORDER_THIN);
  lxw_format* dec_fmt = workbook_add_format(wb);
  format_set_num_format(dec_fmt, "#,##0.0");
  format_set_border(dec_fmt, LXW_BORDER_THIN);
  lxw_format* text_fmt = workbook_add_format(wb);
  format_set_border(text_fmt, LXW_BORDER_THIN);
  // A small-number value stays a number; its format prints the footnote mark.
  lxw_format* small_fmt = workbook_add_format(wb);
  format_set_num_format(small_fmt, "#,##0.0\" *\"");
  format_set_border(small_fmt, LXW_BORDER_THIN);
  lxw_format* grey_fmt = workbook_add_format(wb);
  format_set_border(grey_fmt, LXW_BORDER_THIN);
  format_set_font_color(grey_fmt, 0x767676);
  format_set_italic(grey_fmt);
  lxw_format* total_text = workbook_add_format(wb);
  format_set_bold(total_text);
  format_set_border(total_text, LXW_BORDER_THIN);

  const Lang L = r.lang;
  const Template& tp = *r.tmpl;
  std::set<std::string> used;
  // Cover: issuing body (left) and the national motto (right), number, place and date, title.
  lxw_worksheet* cover = workbook_add_worksheet(wb, SheetName(Tr(L, Label::cover_sheet), &used).c_str());
  worksheet_set_column(cover, 0, 0, 45, nullptr);
  worksheet_set_column(cover, 1, 1, 60, nullptr);
  worksheet_write_string(cover, 0, 0, Pick(L, tp.issuing_parent_vi, tp.issuing_parent_en).c_str(), centre_bold);
  worksheet_write_string(cover, 0, 1, Tr(L, Label::motto).c_str(), centre_bold);
  worksheet_write_string(cover, 1, 0, Pick(L, tp.issuing_body_vi, tp.issuing_body_en).c_str(), centre_bold);
  worksheet_write_string(cover, 1, 1, Tr(L, Label::independence).c_str(), centre_bold);
  worksheet_write_string(cover, 2, 0, Pick(L, tp.number_vi, tp.number_en).c_str(), centre_italic);
  worksheet_write_string(cover, 2, 1, PlaceAndDate(r).c_str(), centre_italic);
  worksheet_write_string(cover, 4, 0, Pick(L, tp.title_vi, tp.title_en).c_str(), bold);
  worksheet_write_string(cover, 5, 0, Tr(L, Label::cover_period, {r.period.text, FormatDate(r.period.from), FormatDate(r.period.to)}).c_str(),
                         nullptr);
  worksheet_write_string(cover, 6, 0, Tr(L, Label::cover_orgunit, {r.orgunit_name, r.orgunit}).c_str(), nullptr);
  // A line list has no due date nor sign-off completeness.
  if (!r.line_list) worksheet_write_string(cover, 7, 0, Tr(L, Label::cover_due, {FormatDate(r.due_before)}).c_str(), nullptr);
  lxw_row_t row = 9;
  for (const auto& l : Pick(L, tp.legal_basis_vi, tp.legal_basis_en)) worksheet_write_string(cover, row++, 0, l.c_str(), nullptr);
  row++;
  // A statistics form is one unit's figures: no completeness of the units below.
  if (!r.line_list && !tp.statistics_form()) {
    worksheet_write_string(cover, row, 0, Tr(L, Label::cover_completeness).c_str(), nullptr);
    worksheet_write_number(cover, row++, 1, r.completeness.completeness_pct(), dec_fmt);
    worksheet_write_string(cover, row, 0, Tr(L, Label::cover_timeliness).c_str(), nullptr);
    worksheet_write_number(cover, row++, 1, r.completeness.timeliness_pct(), dec_fmt);
  }

  for (const auto& t : r.tables) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, SheetName(t.id, &used).c_str());
    // The title in the report's language, the other language below it.
    worksheet_write_string(ws, 0, 0, t.Title(L).c_str(), bold);
    worksheet_write_string(ws, 1, 0, (L == Lang::en ? t.title_vi : t.title_en).c_str(), nullptr);
    // Row 3: indicator names over their three columns; row 4: column titles.
    const lxw_row_t hdr = 3;
    worksheet_set_column(ws, 0, 0, 12, nullptr);
    worksheet_set_column(ws, 1, 1, 36, nullptr);
    worksheet_set_column(ws, 2, static_cast<lxw_col_t>(t.columns.size() + 1), 14, nullptr);
    worksheet_set_row(ws, hdr, 45, nullptr);
    worksheet_set_row(ws, hdr + 1, 30, nullptr);
    const std::string code_title = t.code_title_vi.empty() ? Tr(L, Label::col_code) : Pick(L, t.code_title_vi, t.code_title_en);
    const std::string name_title = !t.name_title_vi.empty() ? Pick(L, t.name_title_vi, t.name_title_en)
                                   : Tr(L, t.id == "headline" ? Label::col_indicator : Label::col_orgunit);
    worksheet_write_string(ws, hdr, 0, code_title.c_str(), head);
    worksheet_write_string(ws, hdr + 1, 0, "", head);
    worksheet_write_string(ws, hdr, 1, name_title.c_str(), head);
    worksheet_write_string(ws, hdr + 1, 1, "", head);
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c + 2);
      const Column& cc = t.columns[c];
      const std::string& group = cc.Group(L);
      const bool group_start = !group.empty() && (c == 0 || t.columns[c - 1].Group(L) != group);
      if (group_start) {
        size_t span = 1;
        while (c + span < t.columns.size() && t.columns[c + span].Group(L) == group) ++span;
        if (span > 1)
          worksheet_merge_range(ws, hdr, col, hdr, static_cast<lxw_col_t>(col + span - 1), group.c_str(), head);
        else
          worksheet_write_string(ws, hdr, col, group.c_str(), head);
      } else if (group.empty()) {
        worksheet_write_string(ws, hdr, col, "", head);
      }
      worksheet_write_string(ws, hdr + 1, col, cc.Title(L).c_str(), head);
    }
    lxw_row_t rr = hdr + 2;
    for (const auto& rw : t.rows) {
      worksheet_write_string(ws, rr, 0, rw.orgunit.c_str(), rw.total ? total_text : text_fmt);
      worksheet_write_string(ws, rr, 1, rw.name.c_str(), rw.total ? total_text : text_fmt);
      for (size_t c = 0; c < rw.cells.size(); ++c) {
        const Cell& cl = rw.cells[c];
        const auto col = static_cast<lxw_col_t>(c + 2);
        if (cl.num)
          worksheet_write_number(ws, rr, col, *cl.num, cl.small ? small_fmt : cl.decimals ? dec_fmt : int_fmt);
        else
          worksheet_write_string(ws, rr, col, cl.text.c_str(), cl.grey ? grey_fmt : text_fmt);  // grey: footnote "(?)"
      }
      ++rr;
    }
    // The footnotes under each table that has a mark.
    if (t.id != "signoff") {
      ++rr;
      for (const auto& note : Footnotes(r)) worksheet_write_string(ws, rr++, 0, note.c_str(), nullptr);
    }
    worksheet_freeze_panes(ws, hdr + 2, 2);
  }
  lxw_error e = workbook_close(wb);
  if (e != LXW_NO_ERROR) return Status::Internal(std::string("xlsx: ") + lxw_strerror(e));
  return Status::Ok();
}

}  // namespace u5::report
