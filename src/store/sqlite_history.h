// Store::ForEachHistory for SQLite, for sqlite_store.cpp only.
#pragma once
#include "store/history.h"
#include "store/sqlite.h"

namespace u5::store {

// Holds at most about `budget_bytes` of event text (SqliteOptions).
Status SqliteForEachHistory(Db& db, const HistoryQuery& q, const HistoryFn& fn, size_t budget_bytes);

}  // namespace u5::store
