// Report templates as data (data/reports/<id>.json, docs/reports.md): which
// indicators, which sections, the legal header block of the report, and its
// reporting calendar (the due date of each period).
#pragma once
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace u5::report {

struct SectionSpec {
  std::string id, title_vi, title_en;
  std::vector<std::string> indicators;
};

struct Template {
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
