// Red-alert emergency cases (table emergency, migration 19): the emergency
// module's JSON document of each case with the columns its lists filter on.
// The store knows nothing of steps or levels; it keeps versions and audits.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "core/status.h"

namespace u5::store {

struct EmergencyRow {
  std::string id;
  int64_t version = 0;
  std::string status;        // open | closed
  std::string raised_at;     // ISO 8601 UTC
  std::string from_orgunit, to_orgunit;
  std::string body;          // the case as JSON (emergency/model.h)
};

class Emergencies {
 public:
  virtual ~Emergencies() = default;
  // A new case at version 1, `audit` in the same transaction; Conflict if the id exists.
  virtual Status Insert(const EmergencyRow& row, const audit::Entry& audit) = 0;
  // Many cases at once (the demo's history), with one audit entry, in one transaction.
  virtual Status InsertMany(const std::vector<EmergencyRow>& rows, const audit::Entry& audit) = 0;
  // Replaces the case when its stored version is `expected_version` (else
  // Conflict naming "version"), bumping it; `audit` in the same transaction.
  virtual Status Update(EmergencyRow& row, int64_t expected_version, const audit::Entry& audit) = 0;
  virtual Status Get(const std::string& id, EmergencyRow* out) = 0;
  // Every case raised from `from` (inclusive, ISO; empty = all), oldest first;
  // only the open ones when `open_only`.
  virtual Status List(bool open_only, const std::string& from, std::vector<EmergencyRow>* out) = 0;
};

}  // namespace u5::store
