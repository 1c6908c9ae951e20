// The SQLite OrgUnitReader, for sqlite_store.cpp only.
#pragma once
#include <functional>
#include <memory>

#include "store/orgunits.h"
#include "store/sqlite.h"

namespace u5::store {

// `conn` hands out the calling thread's connection of the store.
std::unique_ptr<OrgUnitReader> NewSqliteOrgUnitReader(std::function<Status(Db**)> conn);

}  // namespace u5::store
