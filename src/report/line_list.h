// Line-list reports (Template kind "line_list"): one row per person instead of
// figures per org unit. CV 2854/BYT-BM-TE 2015 asks each district for the list
// of deaths of women aged 15-49 by reporting period (3, 6, 9, 12 months) for
// the province's maternal death review board. The rows name persons, so the
// API gives them only to a role holding the template's permission and audits
// every export as a read of those persons (report/http_routes.cpp).
#pragma once
#include <nlohmann/json.hpp>

#include "core/status.h"
#include "indicator/period.h"
#include "report/model.h"
#include "report/template.h"
#include "store/store.h"

namespace u5::report {

struct LineListOptions {
  std::string orgunit;
  indicator::Period period;  // with Template::cumulative, the list starts on 1 January of its year
  Lang lang = Lang::vi;
  Date as_of;
  // The labels of places of death ({place: {vi, en}}: the catalogue's death_analysis labels).
  nlohmann::json place_labels;
};

// The deaths of women aged 15-49 (completed years at death) filed under the
// org unit's subtree and dated in the period, by date of death; each with the
// pregnancy status derived from her records, the cause as notified, when it
// was notified and whether a complete review names it.
Status BuildDeathsOfWomen(store::Store& store, const Template& t, const LineListOptions& o, Report* out);

// CSV of a line list: one line per person, the columns' ids as header.
std::string LineListCsv(const Report& r, bool bom);

}  // namespace u5::report
