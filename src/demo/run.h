// The `under5 demo` subcommand's options and its run with a progress bar.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "demo/generator.h"

namespace u5::demo {

struct CliArgs {
  std::vector<std::string> provinces;  // codes or plan province names; default Lai Châu
  int from_year = 0, to_year = 0;
  int64_t children = 0;
  uint64_t seed = 2030;
};

void AddCliOptions(CLI::App* cmd, CliArgs* args);
// Generates into the database at db_path (org units already loaded) and
// returns the first province's code in *first_province and a commune of it
// for the demo user in *user_commune (03390 when Lai Châu is generated).
Status RunFromCli(store::Store& store, const std::string& db_path, const CliArgs& args, std::string* first_province,
                  std::string* user_commune);

}  // namespace u5::demo
