// Publication rows (table publication, migration 22): one row per publication
// of a province's period, the record of what was published; the files in the
// public dir are the product (src/publish, docs/publication.md). The store
// keeps the rows and writes each with its audit entry in one transaction.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "core/status.h"

namespace u5::store {

struct PublicationRow {
  std::string orgunit, period;
  int64_t version = 0;  // set by the store: 1 + the latest of (orgunit, period)
  std::string username, at, sha256;  // who, when (ISO 8601 UTC), SHA-256 of the JSON file
  std::string signed_off_at;         // the sign-off it publishes
  std::string body;                  // the publication JSON as written
};

class Publications {
 public:
  virtual ~Publications() = default;
  // The latest row of each period of `orgunit` (every province when empty),
  // newest first (by `at`).
  virtual Status List(const std::string& orgunit, std::vector<PublicationRow>* out) = 0;
  // Appends `row` with the next version of its (orgunit, period) and `audit`
  // in one transaction; `write_files(version)` runs inside it, after the
  // version is known and before the commit, so the files are in place when
  // the row lands and no row lands when they fail.
  virtual Status Append(PublicationRow* row, const audit::Entry& audit,
                        const std::function<Status(const PublicationRow&)>& write_files) = 0;
};

}  // namespace u5::store
