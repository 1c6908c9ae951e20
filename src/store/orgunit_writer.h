// Writes the org unit tables (orgunit, orgunit_closure, orgunit_successor) as
// src/orgunit/load.cpp parsed and closed them: rows only, in one transaction.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace u5::store {

struct OrgUnitRow {
  std::string id, code, scheme, kind, name;
  std::optional<std::string> division_type, parent_id, valid_from, valid_to;
  std::optional<int64_t> population;
  std::optional<double> area_km2;
};

struct OrgUnitSuccessorRow {
  std::string old_id, new_id;
  std::optional<std::string> note;
};

struct OrgUnitClosureRow {
  std::string ancestor, descendant;
  int depth = 0;
};

// Parents before children; closure rows in (ancestor, descendant) order write fastest.
struct OrgUnitSet {
  std::vector<OrgUnitRow> units;
  std::vector<OrgUnitSuccessorRow> successors;
  std::vector<OrgUnitClosureRow> closure;
};

using OrgUnitProgress = std::function<void(std::string_view stage, size_t done, size_t total)>;

class OrgUnitWriter {
 public:
  virtual ~OrgUnitWriter() = default;
  // Whether the orgunit table has rows (no write lock taken).
  virtual Status Loaded(bool* yes) = 0;
  // Writes the set in one transaction if the tables are still empty under the
  // write lock; *written false when another process loaded them meanwhile.
  // On any error nothing is left behind.
  virtual Status LoadIfEmpty(const OrgUnitSet& set, const OrgUnitProgress& progress, bool* written) = 0;
};

}  // namespace u5::store
