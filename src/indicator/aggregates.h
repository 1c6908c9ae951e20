// Entered values (indicator_value) and edited targets (plan_target_edit),
// both added by migration 5. Values that registry records cannot give are
// entered here per org unit and period, with their source.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "indicator/catalogue.h"
#include "store/sqlite.h"

namespace u5::indicator {

struct EnteredValue {
  std::string element, orgunit, period, source, note, entered_by, entered_at;
  std::optional<double> value, numerator, denominator;
};

bool IsKnownSource(const std::string& s);
Status PutValue(store::Db& db, const Catalogue& cat, const EnteredValue& v);
// Entered values for an org unit and period; every element when `element` is empty.
Status GetValues(store::Db& db, const std::string& orgunit, const std::string& period, const std::string& element,
                 std::vector<EnteredValue>* out);
// Value of an entered element, preferring routine, then survey, then estimates, then the yearbook.
std::optional<EnteredValue> BestValue(store::Db& db, const std::string& element, const std::string& orgunit,
                                      const std::string& period);

Status PutTargetEdit(store::Db& db, const Target& t, const std::string& user);
// The catalogue's targets of a plan with the edits applied.
std::vector<Target> EffectiveTargets(store::Db& db, const Plan& plan);

}  // namespace u5::indicator
