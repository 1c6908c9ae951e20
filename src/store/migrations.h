#pragma once
#include <string>
#include <vector>

namespace u5::store {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// All migrations in ascending version order. A version may be skipped (reserved
// for a branch that did not need it); user_version then jumps over it.
const std::vector<Migration>& Migrations();

}  // namespace u5::store
