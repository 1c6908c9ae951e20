// Where a store lives and how a command opens it: an SQLite file (`--db FILE`)
// or a PostgreSQL database (`--pg URI`), and the files a server keeps on its
// own disk beside it (engine snapshots, publications, audit key and heads,
// FHIR $export files).
#pragma once
#include <memory>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace u5::store {

struct Location {
  enum class Kind { sqlite, postgres };
  Kind kind = Kind::sqlite;
  std::string target;  // the SQLite file, or the libpq URI
  // The prefix of the local files named after the store: the SQLite file
  // itself, or for PostgreSQL the database's name in the current directory
  // (`<base>.engines`, `<base>.public`, `<base>.audit-key`, ...).
  std::string base;
  std::string engines_dir;  // the engines' snapshots (docs/snapshots.md)

  bool postgres() const { return kind == Kind::postgres; }
  // For logs and messages: the file, or the URI without its password.
  std::string Display() const;
  // The command line flag that names this store again ("--db FILE", "--pg URI").
  std::string Flag() const;
  // A local file or folder named after the store: Beside(".public").
  std::string Beside(const std::string& suffix) const { return base + suffix; }
};

// From the CLI: exactly one of `db` and `pg` non-empty (else Invalid naming
// both flags); `engines_dir` empty means `<base>.engines`.
Status ParseLocation(const std::string& db, const std::string& pg, const std::string& engines_dir, Location* out);
// The database name of a libpq URI or key=value string ("" when it names none).
std::string PgDatabaseName(const std::string& uri);
// The URI with any password replaced by "***".
std::string RedactPgUri(const std::string& uri);

// Opens (creating and migrating) the store.
Status OpenStore(const Location& where, std::unique_ptr<Store>* out);
// Before a command opens someone else's file (which migrates it): that `path`
// is an under5 SQLite database of a schema this program knows. Invalid
// (field "--from-db") naming what it is instead; its schema version in *version.
Status CheckSqliteDatabase(const std::string& path, int* version);
// `under5 migrate`: the schema up to `to_version` (-1: the latest); the version reached in *now.
Status Migrate(const Location& where, int to_version, int* now);

}  // namespace u5::store
