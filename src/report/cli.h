// The `report` and `signoff` subcommands (logic; flags are in src/cli/main.cpp).
#pragma once
#include <ostream>
#include <string>

#include "store/store.h"

namespace u5::report {

struct CliOptions {
  std::string engines_dir, data_dir, template_id, orgunit, period, format = "pdf", out, as_of, font_dir, lang = "vi";
  bool bom = false;
  // signoff
  std::string action, user, reason;
};

int RunReportCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err);
int RunSignoffCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err);
// The fonts folder: U5_FONT_DIR, else Debian's fonts-liberation2.
std::string DefaultFontDir();

}  // namespace u5::report
