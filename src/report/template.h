// Report templates as data (data/reports/<id>.json, docs/reports.md): which
// indicators, which sections, the legal header block of the report, and its
// reporting calendar (the due date of each period).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace u5::report {

// A column of a line list: which value (line_list.h) and its title.
struct ListColumn {
  std::string id, title_vi, title_en;
};

struct SectionSpec {
  std::string id, title_vi, title_en;
  std::vector<std::string> indicators;
};

// A template's kind: "indicators" (the plan's indicators by org unit) or
// "line_list" (one row per person, e.g. CV 2854's deaths of women 15-49): a
// line list names persons, so it needs `permission` and every export is
// audited as a read of them.
struct Template {
  std::string kind = "indicators";
  std::string list;        // line_list: which list (kLineLists in line_list.h)
  std::string permission;  // line_list: the permission it needs besides aggregate.read
  // line_list: the period runs from 1 January of its year to its end (the
  // 3-, 6-, 9- and 12-month reports of CV 2854 for 2026Q1 … 2026Q4).
  bool cumulative = false;
  bool line_list() const { return kind == "line_list"; }
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
};

Status ParseTemplate(const std::string& json_text, Template* out);
// <data_dir>/reports/<id>.json
Status LoadTemplate(const std::string& data_dir, const std::string& id, Template* out);
// Ids of every template in <data_dir>/reports, sorted.
std::vector<std::string> ListTemplates(const std::string& data_dir);

}  // namespace u5::report
