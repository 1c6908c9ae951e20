// The PostgreSQL schema's migrations, as store/migrations.h's are SQLite's:
// forward only, each in one transaction, the version in table schema_version.
// PostgreSQL starts at a baseline equal to SQLite's schema at version 24;
// each later version is written in both dialects under the same number, but
// 27 (write_token, pg_write.h) is PostgreSQL's alone.
#pragma once
#include <vector>

#include "store/migrations.h"
#include "store/pg.h"

namespace u5::store {

const std::vector<Migration>& PgMigrations();
// 0 for a database with no schema yet.
Status PgSchemaVersion(pg::Conn& conn, int* version);
// Applies every migration above the current version up to `target` (-1: the
// latest). Serialized across servers by an advisory lock: two servers opening
// one new database at once migrate it once.
Status PgMigrate(pg::Conn& conn, int target = -1);

}  // namespace u5::store
