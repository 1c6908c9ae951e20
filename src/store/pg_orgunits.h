// The PostgreSQL OrgUnitReader, for pg_store.cpp only.
#pragma once
#include <functional>
#include <memory>

#include "store/orgunits.h"
#include "store/pg.h"

namespace u5::store {

// Runs a read on the calling thread's connection of the store, again after a
// lost connection (PgHost::Read).
using PgReadFn = std::function<Status(const std::function<Status(pg::Conn&)>&)>;
std::unique_ptr<OrgUnitReader> NewPgOrgUnitReader(PgReadFn read);

}  // namespace u5::store
