// Reading the administrative units: the unit rows, the primary parent links,
// the closure of both schemes and the pre-2025 -> 2025 successor links (see
// orgunit/load.h for the id scheme). Reached from Store::orgunits(); every
// call uses the calling thread's connection, so the reader is thread-safe.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace u5::store {

struct OrgUnit {
  std::string id;
  std::string code;
  std::string scheme;  // root | vn2025 | pre2025 | facility
  std::string kind;    // country | province | district | commune | facility
  std::string name;
  std::optional<std::string> division_type;
  std::optional<std::string> parent_id;
  std::optional<std::string> valid_from;  // ISO date, nullopt = since ever
  std::optional<std::string> valid_to;    // last valid day, nullopt = still valid
  std::optional<int64_t> population;
  std::optional<double> area_km2;
};

class OrgUnitReader {
 public:
  virtual ~OrgUnitReader() = default;

  // NotFound (field "orgunit") when the id does not exist.
  virtual Status Get(std::string_view id, OrgUnit* out) = 0;
  // Direct children by parent_id, ordered by id. NotFound if the parent does not exist.
  virtual Status Children(std::string_view parent_id, std::vector<OrgUnit>* out) = 0;
  // Primary parent chain, nearest first (commune, province, VN for a facility).
  // Does not follow old->new successor links. NotFound if the id does not exist.
  virtual Status Ancestors(std::string_view id, std::vector<OrgUnit>* out) = 0;
  // 2025 communes a pre-2025 commune was merged into (ids, sorted). Empty for
  // units with no successor. NotFound if old_id does not exist.
  virtual Status Successors(std::string_view old_id, std::vector<std::string>* out) = 0;

  // The closure (both schemes; a pre-2025 commune is also below each 2025
  // commune it went into). Ids appended to *out, in no particular order, the
  // unit itself included; nothing for an unknown unit.
  virtual Status ClosureDescendants(std::string_view id, std::vector<std::string>* out) = 0;
  virtual Status ClosureAncestors(std::string_view id, std::vector<std::string>* out) = 0;
  // The pre-2025 districts and provinces of the pre-2025 communes below `id`
  // (closure, the unit itself excluded), appended to *out: where a 2025 unit's
  // records counted before the reform.
  virtual Status FormerAncestors(std::string_view id, std::vector<std::string>* out) = 0;
};

}  // namespace u5::store
