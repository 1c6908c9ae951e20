// The `worklist` subcommand (logic; flags are in src/cli/main.cpp).
#pragma once
#include <ostream>
#include <string>

#include "store/store.h"

namespace u5::care {

struct CliOptions {
  std::string engines_dir, data_dir, orgunit, date, village, kind, list = "current", format = "csv";
  int days = 7;
};

int RunWorklistCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err);

}  // namespace u5::care
