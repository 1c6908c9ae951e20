// Entered aggregate values (table indicator_value): figures that registry
// records cannot give, per element, org unit, period and source. The store
// keeps rows; what an element or a period is, and the bounds, are checked by
// src/indicator before a write.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "core/status.h"

namespace u5::store {

struct AggregateValue {
  std::string element, orgunit, period, source, note, entered_by, entered_at;
  std::string document;  // the survey or document the figure comes from (e.g. "MICS 2020-2021")
  bool deleted = false;  // a version of the history: the value was deleted (the reason in `note`)
  std::optional<double> value, numerator, denominator;
};

class Aggregates {
 public:
  virtual ~Aggregates() = default;
  // Inserts or replaces the value of (element, orgunit, period, source),
  // appends it as a version to the history and appends `audit`, in one
  // transaction. entered_at is set by the store.
  // Invalid("orgunit") when the org unit does not exist.
  virtual Status Put(const AggregateValue& v, const audit::Entry& audit) = 0;
  // Removes the current value of (element, orgunit, period, source) of `key`
  // and appends a deleted version (key.entered_by, `reason` as its note) and
  // `audit`, in one transaction. NotFound when there is no such value.
  virtual Status Delete(const AggregateValue& key, const std::string& reason, const audit::Entry& audit) = 0;
  // Values of an org unit and period, by element then source; every element when `element` is empty.
  virtual Status List(const std::string& orgunit, const std::string& period, const std::string& element,
                      std::vector<AggregateValue>* out) = 0;
  // Every version ever stored of an element's value for an org unit and
  // period, newest first (all sources; versions are never changed).
  virtual Status History(const std::string& element, const std::string& orgunit, const std::string& period,
                         std::vector<AggregateValue>* out) = 0;
};

}  // namespace u5::store
