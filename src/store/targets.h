// Plan targets, versioned (table plan_target, migration 14): the one place a
// target is read from. The plans' data file seeds each target as a version of
// origin "data"; every edit is a new version of origin "edit" with who, when
// and why. A target's current value is its latest version.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "core/status.h"

namespace u5::store {

struct TargetVersion {
  std::string plan, indicator, op, note;
  int year = 0;
  double value = 0;
  std::optional<int> baseline_year;
  int64_t version = 0;            // 1, 2, ... per (plan, indicator, year); set by the store
  std::string origin = "edit";    // "data" (the plans' file) or "edit" (a person, through the API)
  std::string by_id, by, at, reason;  // user id, user name, ISO time (set by the store), why
};

class Targets {
 public:
  virtual ~Targets() = default;
  // Makes the data file's targets versions, in one transaction: a target with
  // no version gets version 1; one whose latest "data" version differs from
  // the file gets a new "data" version (the file was changed). A target that
  // was only ever edited keeps its edits. Not audited: the file is versioned.
  virtual Status Seed(const std::vector<TargetVersion>& from_file) = 0;
  // Appends `t` as the next version of its target (t->version and t->at are
  // set) and `audit` in the same transaction.
  virtual Status Put(TargetVersion* t, const audit::Entry& audit) = 0;
  // The latest version of every target of a plan, by indicator and year.
  virtual Status Current(const std::string& plan, std::vector<TargetVersion>* out) = 0;
  // Every version of one target, oldest first.
  virtual Status History(const std::string& plan, const std::string& indicator, int year,
                         std::vector<TargetVersion>* out) = 0;
};

}  // namespace u5::store
