// Report templates as data (data/reports/<id>.json, docs/reports.md): which
// indicators, which sections, the legal header block of the report, and its
// reporting calendar (the due date of each period).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "indicator/period.h"

namespace u5::report {

// A column of a line list: which value (line_list.h) and its title.
struct ListColumn {
  std::string id, title_vi, title_en;
};

struct SectionSpec {
  std::string id, title_vi, title_en;
  std::vector<std::string> indicators;
};

// A row of a Ministry statistics form (kind "statistics_form"): the count it
// prints is the numerator or denominator of a catalogue indicator (the one
// place a count is defined); a row with no indicator is one the records do not
// hold, printed empty with its note, never a made-up number.
struct FormRow {
  std::string id, label_vi, label_en;
  std::string indicator;            // empty: not recorded
  bool denominator = false;         // counts the indicator's denominator, not its numerator
  std::string note_vi, note_en;     // why a row is not recorded, or how it is counted
};

// A template's kind: "indicators" (the plan's indicators by org unit) or
// "line_list" (one row per person, e.g. CV 2854's deaths of women 15-49): a
// line list names persons, so it needs `permission` and every export is
// audited as a read of them; or "statistics_form" (a form of the Ministry's
// statistics reporting regime, TT 37/2019 then TT 23/2025: counts per form
// row for a commune, or by commune with the total for a province).
struct Template {
  std::string kind = "indicators";
  std::string list;        // line_list: which list (kLineLists in line_list.h)
  std::string permission;  // line_list: the permission it needs besides aggregate.read
  // line_list: the period runs from 1 January of its year to its end (the
  // 3-, 6-, 9- and 12-month reports of CV 2854 for 2026Q1 … 2026Q4).
  bool cumulative = false;
  bool line_list() const { return kind == "line_list"; }
  bool statistics_form() const { return kind == "statistics_form"; }
  // statistics_form: its rows, whether the counts are also split by sex, the
  // level of the unit that files it (commune or province), the period kinds
  // it is filed for, and the days its regime is in force (inclusive; unset: open).
  std::vector<FormRow> rows;
  bool by_sex = false;
  std::string level;
  std::vector<std::string> period_kinds;
  std::optional<Date> effective_from, effective_to;
  // Due N working days after the period's last day (0: by before_month/day).
  int due_working_days = 0;
  std::vector<ListColumn> columns;  // line_list: the columns after "No." and the name, in order
  // line_list: the words of its cells ("yes", "pregnant", ...) as {vi, en}.
  std::map<std::string, std::pair<std::string, std::string>> words;
  std::string id, plan, orgunit, period_kind, dataset_code;
  // Due "before day D of month M" of the period's year + year_offset: on time
  // means confirmed on a day strictly before that date.
  int due_month = 12, due_day = 31, due_year_offset = 0;
  std::string issuing_parent_vi, issuing_body_vi, number_vi, place_vi, title_vi, title_en;
  // Optional English texts; an English report prints the Vietnamese where one is missing (report::Pick).
  std::string issuing_parent_en, issuing_body_en, number_en;
  std::vector<std::string> legal_basis_vi, legal_basis_en, recipients_vi, recipients_en;
  std::vector<std::string> headline;
  std::vector<SectionSpec> sections;

  // The first day that is late for a period of `year`.
  Date DueBefore(int year) const;
  bool AcceptsPeriod(indicator::PeriodKind k) const;
};

// The last day on which a report of template `t` for period `p` is on time:
// the N-th working day after the period (calendar.h) for a template due in
// working days, else the day before DueBefore(p.year). The one function that
// computes a template's due date.
Date DueDate(const Template& t, const indicator::Period& p);

Status ParseTemplate(const std::string& json_text, Template* out);
// <data_dir>/reports/<id>.json
Status LoadTemplate(const std::string& data_dir, const std::string& id, Template* out);
// Ids of every template in <data_dir>/reports, sorted.
std::vector<std::string> ListTemplates(const std::string& data_dir);

}  // namespace u5::report
