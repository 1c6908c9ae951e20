// `under5 publish`: the publish API's checks and files from the command line.
#pragma once
#include <ostream>
#include <string>

#include "store/store.h"

namespace u5::publish {

struct CliOptions {
  std::string engines_dir, data_dir, orgunit, period, user, public_dir;  // public_dir: given by the caller
};

// 0 published; 2 bad input (orgunit, period, user); 1 not signed off or failed.
int RunPublishCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err);

}  // namespace u5::publish
