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

// Entered numbers are counts or values of an indicator: never negative, never
// above this (ten times Vietnam's population), so a typing slip such as 1e308
// cannot reach the sums.
inline constexpr double kMaxEnteredCount = 1e9;

bool IsKnownSource(const std::string& s);
// The largest value an indicator can take in its own unit (100 for a %, 1000 for ‰, ...).
double MaxIndicatorValue(const Indicator& i);
// Bounds of an entered value, numerator and denominator: finite, 0 to
// kMaxEnteredCount, a value within MaxIndicatorValue, a proportion's numerator
// not above its denominator. Invalid names the field.
Status CheckEnteredNumbers(const Catalogue& cat, const EnteredValue& v);
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
