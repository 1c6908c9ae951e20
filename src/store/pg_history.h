// Store::ForEachHistory for PostgreSQL, for pg_store.cpp only.
#pragma once
#include "store/history.h"
#include "store/pg.h"

namespace u5::store {

// Every living person with their live events of the asked types (store/history.h),
// all from one snapshot: the caller holds a pg::ReadTx on `conn` or it opens one.
Status PgForEachHistory(pg::Conn& conn, const HistoryQuery& q, const HistoryFn& fn);

}  // namespace u5::store
