// The words a rendered report prints around its figures, in Vietnamese (the
// default: reports go to Vietnamese authorities) and English (for partners).
// All of them live in one table in labels.cpp so a translation is reviewed in
// one place; the template's own texts have their _vi/_en fields
// (data/reports/*.json) and indicator names come from the catalogue.
#pragma once
#include <initializer_list>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace u5::report {

enum class Lang { vi, en };

// `field` names the parameter in the error ("lang" for the API, "--lang" for the CLI).
Status ParseLang(const std::string& s, const std::string& field, Lang* out);
const char* LangCode(Lang l);

enum class Label {
  motto,          // national motto, first line
  independence,   // national motto, second line
  signer,         // above the signature
  recipients,     // "Nơi nhận:"
  page,           // "Trang {}/{}"
  period_line,    // PDF: period, its dates and the unit
  due_line,       // PDF: due date, completeness and timeliness
  chart_title,
  chart_target,   // "Mục tiêu {year}: {target}"
  chart_legend,
  continued,      // a table's title on the pages it continues on
  col_code,
  col_indicator,
  col_orgunit,
  col_numerator,
  col_denominator,
  col_value,
  col_value_unit,  // "Kết quả ({unit})"
  col_unit,
  col_target,
  col_target_year,
  col_status,
  signoff_state,
  col_confirmed_by,
  col_confirmed_on,
  col_on_time,
  col_changed_since,
  headline_title,
  signoff_title,
  total_row,       // "Toàn {unit name}"
  completeness_row,
  status_achieved,
  status_on_track,
  status_at_risk,
  status_off_track,
  status_unknown,
  signoff_confirmed,
  signoff_not_confirmed,
  signoff_reopened,
  yes,
  no,
  cover_sheet,     // XLSX sheet name of the cover (ASCII, ≤ 31 characters)
  cover_period,
  cover_orgunit,
  cover_due,
  cover_completeness,
  cover_timeliness,
  target_increase_pct,  // a target "increase by {}% compared with {}"
  unit_count,
  unit_per_100k,
  col_ci,          // "KTC 95%"
  small_note,      // footnote of the small-number mark "*"
  uncertain_note,  // footnote of a grey "(?)" verdict
  form_no,         // statistics forms (statistics_form.h): "STT"
  form_item,
  form_total,
  form_male,
  form_female,
  form_note,
  form_not_recorded,  // a row the records cannot count
  form_rows_title,    // the table saying how each row is counted
  form_counted_as,    // "{part} of {indicator}"
  form_numerator,
  form_denominator,
  count_  // not a label: the number of labels
};

const std::string& Tr(Lang l, Label k);
// Tr(l, k) with each "{}" replaced by the next argument.
std::string Tr(Lang l, Label k, std::initializer_list<std::string> args);

// "ngày 26 tháng 11 năm 2026" / "26 November 2026".
std::string LongDate(Lang l, Date d);
// 12.3 -> "12,3" (Vietnamese decimal comma) or "12.3".
std::string FormatNumber(Lang l, double v, int decimals);
// An indicator's unit as printed: "%" and "‰" as they are, "count" and
// "per 100,000" in words of the language.
std::string UnitLabel(Lang l, const std::string& unit);
// The word for a plan evaluation status (achieved, on_track, ...).
const std::string& StatusLabel(Lang l, const std::string& status);

// The English text when asked for and present, else the Vietnamese.
inline const std::string& Pick(Lang l, const std::string& vi, const std::string& en) {
  return l == Lang::en && !en.empty() ? en : vi;
}
inline const std::vector<std::string>& Pick(Lang l, const std::vector<std::string>& vi, const std::vector<std::string>& en) {
  return l == Lang::en && !en.empty() ? en : vi;
}

}  // namespace u5::report
