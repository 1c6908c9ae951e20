// Store::ForEachHistory for SQLite, for sqlite_store.cpp only.
#pragma once
#include "store/history.h"
#include "store/sqlite.h"

namespace u5::store {

Status SqliteForEachHistory(Db& db, const HistoryQuery& q, const HistoryFn& fn);

}  // namespace u5::store
