// Reads a database directly with the SQLite C API, independent of the store
// code under test, to see what was really written.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace u5::test {

using Rows = std::vector<std::vector<std::string>>;

// Every row of `sql` as text (NULL as "<null>"); throws on an SQL error.
Rows Query(const std::string& db_path, const std::string& sql);
std::string QueryOne(const std::string& db_path, const std::string& sql);
int64_t QueryInt(const std::string& db_path, const std::string& sql);
void Exec(const std::string& db_path, const std::string& sql);

// What a bad request must not change: row counts and the sum of versions of
// the registry tables, and the latest update time.
struct RegistryState {
  int64_t persons = 0, events = 0, version_sum = 0;
  std::string last_update;
  bool operator==(const RegistryState&) const = default;
};
RegistryState ReadRegistryState(const std::string& db_path);
std::string ToString(const RegistryState& s);

}  // namespace u5::test

namespace u5::test {

// A handful of org units (VN > 12 > 03390 > tyt:03390, 12 > 03394, VN > 01 > 00004)
// with their closure rows, for tests that need no full administrative data.
void SeedMiniOrgUnits(const std::string& db_path);
// The same units as one SQL script both SQLite and PostgreSQL run (support/pg_database.h).
std::string MiniOrgUnitsSql();

}  // namespace u5::test
