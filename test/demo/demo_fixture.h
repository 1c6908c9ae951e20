// Shared by the demo tests: fresh databases with the org units loaded.
#pragma once
#include <memory>
#include <string>

#include "store/sqlite.h"
#include "store/store.h"

namespace u5::demo::testing {

// A new database file under the test's temporary folder, org units loaded.
std::string NewDbWithOrgUnits(const std::string& name);
// One shared store over a database with the org units.
store::Store& OrgUnits();

}  // namespace u5::demo::testing
