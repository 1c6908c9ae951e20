// The Store on PostgreSQL 15 (docs/postgres.md): a province server's, or
// several app servers' on one database. Kept out of store/store.h so that
// code opening an SQLite store does not see libpq.
#pragma once
#include <memory>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace u5::store {

// PostgreSQL's own settings do what most of SqliteOptions does for SQLite.
struct PgOptions {
  // Handbooks (and children lists) kept in memory for the next read, as
  // SQLite's store keeps them; other servers' writes are learnt from the
  // change log's NOTIFY (docs/postgres.md). 0 turns the cache off.
  size_t handbook_cache_entries = 16384;
};

// Opens a store on the database `uri` names (a libpq URI or key=value string),
// bringing its schema to the latest version. One connection per thread.
Status OpenPgStore(const std::string& uri, const PgOptions& options, std::unique_ptr<Store>* out);
// `under5 migrate --pg`: brings the schema up to `to_version` (-1: the latest);
// the version reached in *now. The first version on PostgreSQL is the baseline 24.
Status MigratePg(const std::string& uri, int to_version, int* now);

}  // namespace u5::store
