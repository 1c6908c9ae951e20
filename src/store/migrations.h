#pragma once
#include <string>
#include <vector>

namespace u5::store {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// All migrations in version order (1..N, no gaps).
const std::vector<Migration>& Migrations();

}  // namespace u5::store
