// The PostgreSQL OrgUnitReader, for pg_store.cpp only.
#pragma once
#include <functional>
#include <memory>

#include "store/orgunits.h"
#include "store/pg.h"

namespace u5::store {

// `conn` hands out the calling thread's connection of the store.
std::unique_ptr<OrgUnitReader> NewPgOrgUnitReader(std::function<Status(pg::Conn**)> conn);

}  // namespace u5::store
