// The `indicators`, `plan-eval` and `mortality` subcommands (logic; flags are in src/cli/main.cpp).
#pragma once
#include <optional>
#include <ostream>
#include <string>

#include "store/store.h"

namespace u5::indicator {

struct CliOptions {
  std::string engines_dir, data_dir, orgunit, period, plan, format = "csv", ids, as_of;
  std::optional<int> year;
};

int RunIndicatorsCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err);
int RunPlanEvalCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err);
// Cohort (life-table) mortality of an org unit over the five years ending with
// o.year (default: the last full year), cut at o.as_of (default: today).
int RunMortalityCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err);

}  // namespace u5::indicator
