#pragma once
#include "core/status.h"
#include "store/sqlite.h"

namespace u5::store {

// Schema version of an open database (PRAGMA user_version).
int SchemaVersion(Db& db);
// Applies every migration above the current version, up to `target`
// (default: the latest), each in its own transaction.
Status Migrate(Db& db, int target = -1);
int LatestSchemaVersion();

}  // namespace u5::store
