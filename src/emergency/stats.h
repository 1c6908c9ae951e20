// Interval statistics of red-alert referrals: median and 90th percentile of
// alert→acknowledgement, alert→arrival and arrival→treatment (minutes), and
// the share of red alerts treated within their level's time, by group.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "emergency/config.h"
#include "emergency/model.h"

namespace u5::emergency {

// The value below which a share q of `v` lies, interpolated between order
// statistics (Hyndman & Fan type 7, R's and NumPy's default); nullopt for none.
std::optional<double> Quantile(std::vector<double> v, double q);

struct IntervalStats {
  std::string key, label;
  int n = 0;  // cases
  std::optional<double> ack_median, ack_p90, arrival_median, arrival_p90, treatment_median, treatment_p90;
  // Red alerts decided by `now` (treated, or past their treatment time
  // untreated) and the share of them treated within it.
  int red_n = 0;
  std::optional<double> red_treated_within_share;
};

IntervalStats Summarise(const std::vector<const Case*>& cases, const Config& cfg, int64_t now);
nlohmann::json StatsJson(const IntervalStats& s);

// A period as people write it: 2026, 2026S1, 2026Q3, 2026-05; [*from, *to) in
// unix seconds of Vietnam's days. 422 naming `period` otherwise.
Status ParsePeriod(const std::string& p, int64_t* from, int64_t* to);

}  // namespace u5::emergency
