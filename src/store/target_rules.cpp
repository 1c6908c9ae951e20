#include "store/target_rules.h"

namespace u5::store {

bool SameTarget(const TargetVersion& a, const TargetVersion& b) {
  return a.op == b.op && a.value == b.value && a.baseline_year == b.baseline_year && a.note == b.note;
}

std::optional<TargetVersion> SeedVersion(const TargetVersion& f, int64_t latest, const std::optional<TargetVersion>& data,
                                         const std::string& at) {
  const bool fresh = latest == 0;
  const bool file_changed = data && !SameTarget(*data, f);
  if (!fresh && !file_changed) return std::nullopt;
  TargetVersion v = f;
  v.version = latest + 1;
  v.origin = "data";
  v.by_id.clear();
  v.by = "data file";
  v.at = at;
  v.reason = fresh ? "the plan as printed" : "the plans' data file changed";
  return v;
}

}  // namespace u5::store
