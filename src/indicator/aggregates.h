// Entered values (store/aggregates.h) and plan targets (store/targets.h):
// their checks and their reading for the indicator service. Values that
// registry records cannot give are entered per org unit and period, with their
// source; targets are the plans' data file's, then each edit a new version.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "audit/entry.h"
#include "indicator/catalogue.h"
#include "indicator/figures.h"
#include "store/aggregates.h"
#include "store/store.h"
#include "store/targets.h"

namespace u5::indicator {

using EnteredValue = store::AggregateValue;

// Entered numbers are counts or values of an indicator: never negative, never
// above this (ten times Vietnam's population), so a typing slip such as 1e308
// cannot reach the sums.
inline constexpr double kMaxEnteredCount = 1e9;
// Bytes of an entered value's document or note: a survey's name and a remark, not a report.
inline constexpr size_t kMaxEnteredText = 500;

bool IsKnownSource(const std::string& s);
// The largest value an indicator can take in its own unit (100 for a %, 1000 for ‰, ...).
double MaxIndicatorValue(const Indicator& i);
// Bounds of an entered value, numerator and denominator: finite, 0 to
// kMaxEnteredCount, a value within MaxIndicatorValue, a proportion's numerator
// not above its denominator; an entered figure's value (figures.json) within
// its own max instead. Invalid names the field.
Status CheckEnteredNumbers(const Catalogue& cat, const EnteredValue& v, const FigureElement* fig = nullptr);
// Checks `v` (element of the catalogue or of `figures`, calendar period,
// source, numbers, text lengths) and stores it, a new version in its history,
// with `audit` in one transaction.
Status PutValue(store::Store& store, const Catalogue& cat, const Figures& figures, const EnteredValue& v,
                const audit::Entry& audit);
// Deletes the value of (element, orgunit, period, source) of `key`, keeping a
// deleted version with `reason` (required, at most kMaxEnteredText) and `audit`.
Status DeleteValue(store::Store& store, const EnteredValue& key, const std::string& reason, const audit::Entry& audit);
// Entered values for an org unit and period; every element when `element` is empty.
Status GetValues(store::Store& store, const std::string& orgunit, const std::string& period, const std::string& element,
                 std::vector<EnteredValue>* out);
// Value of an entered element, preferring routine, then survey, then estimates, then the yearbook.
std::optional<EnteredValue> BestValue(store::Store& store, const std::string& element, const std::string& orgunit,
                                      const std::string& period);

// Invalid naming the field unless `t` is a target of a known indicator with a
// known operator, a year in 2000-2100, the baseline year its operator needs and
// a value its indicator (or percentage) can take.
Status CheckTarget(const Catalogue& cat, const Target& t);
// Makes the catalogue's plan targets the first versions of the stored targets
// (store::Targets::Seed): what plan-eval and the API evaluate.
Status SeedTargets(store::Store& store, const Catalogue& cat);
// The current targets of a plan: the latest version of each, in the plan's
// order (targets added by an edit after them). An edited target is printed as
// "<as printed> (edited)", an added one as "(added)" (and in `printed_vi`
// "(đã sửa)", "(thêm mới)").
Status EffectiveTargets(store::Store& store, const Plan& plan, std::vector<Target>* out);
store::TargetVersion ToVersion(const Target& t);

}  // namespace u5::indicator
