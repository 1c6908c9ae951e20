// Registry records for the store-level tests: a person (of commune 03390,
// which SeedMiniOrgUnits creates) and an event of theirs, version 1, each
// with a fresh UUIDv7 id and a small body.
#pragma once
#include <string>

#include "store/record.h"

namespace u5::test {

store::Record PersonRecord(const std::string& name, const std::string& birth = "1996-04-12",
                           const std::string& orgunit = "03390");
store::Record EventRecord(const store::Record& person, const std::string& type, const std::string& date);

}  // namespace u5::test
