// What Targets::Seed decides for each target of the plans' data file, the
// same on every store: the stores only read the target's versions and append.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "store/targets.h"

namespace u5::store {

// Whether two versions set the same target (what a plan prints).
bool SameTarget(const TargetVersion& a, const TargetVersion& b);

// The "data" version to append for the file's target `f`, given the number of
// its latest version (0: none) and its latest "data" version; nullopt when
// the stored versions already hold the file's target. `at`: the time to stamp.
std::optional<TargetVersion> SeedVersion(const TargetVersion& f, int64_t latest, const std::optional<TargetVersion>& data,
                                         const std::string& at);

}  // namespace u5::store
