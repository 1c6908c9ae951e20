// The periodic child health check (TT 23/2017/TT-BYT, QĐ 2246/QĐ-BYT 2024):
// its age bands and their development milestones, read from the compiled-in
// data/schedules/milestones.json, and the rules of a health_check record.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace u5::registry {

struct MilestoneBand {
  std::string id;                       // "m2_3": the record's age_band
  int from_months = 0, to_months = 0;   // completed months, to_months excluded
  std::vector<std::string> milestones;  // ids of the band's milestones, in the file's order
};

// The bands in age order, from the copy of milestones.json compiled into the binary.
const std::vector<MilestoneBand>& MilestoneBands();
// The band holding a child of `completed_months`, or null outside every band.
const MilestoneBand* BandAt(int completed_months);

// Derives age_band and the growth z-scores of a check made on `date`, and
// checks that it falls in a band and that its milestones are the band's.
Status HealthCheckRules(nlohmann::json& body, const std::string& sex, Date birth, Date date);

}  // namespace u5::registry
