// SQL straight on a test store's database, beside the store under test: the
// SQLite file through the SQLite C API (sqlite_probe.h) or the PostgreSQL
// database through libpq (pg_database.h). For what only raw access can do or
// see: tampering as an attacker with the database would, a file's or
// database's size, rows an older program wrote. Statements both dialects read
// alike are passed as they are; the few that differ are methods here.
#pragma once
#include <cstdint>
#include <string>

#include "store/open.h"
#include "support/sqlite_probe.h"

namespace u5::test {

class RawDb {
 public:
  explicit RawDb(const store::Location& where) : where_(where) {}
  bool postgres() const { return where_.postgres(); }

  // Throw on an SQL error; NULL reads as "<null>".
  Rows Query(const std::string& sql) const;
  std::string QueryOne(const std::string& sql) const;
  int64_t QueryInt(const std::string& sql) const;
  void Exec(const std::string& sql) const;

  // Drops one of the append-only triggers (audit_log_no_update, audit_log_no_delete).
  void DropTrigger(const std::string& trigger, const std::string& table) const;
  // The bytes the database takes on disk (SQLite: pages; PostgreSQL: pg_database_size).
  int64_t SizeBytes() const;
  // Waits (up to 30 s; false if they stay) until no other session is open on
  // the database. After a client is killed, PostgreSQL's backend for it still
  // finishes the command it was running, a COMMIT included, so what the client
  // wrote is final only once that backend has gone. SQLite: nothing to wait
  // for, the file's locks went with the process.
  bool AwaitOtherSessionsGone() const;
  // What is inconsistent, one line each: events without their person, bodies
  // that are not JSON, and on SQLite the file's integrity_check and
  // foreign_key_check. Empty when all holds.
  std::string Inconsistencies() const;

 private:
  store::Location where_;
};

// `text` as an SQL string literal, the same in both dialects (standard_conforming_strings).
std::string SqlQuote(const std::string& text);

// ReadRegistryState (sqlite_probe.h) on either store.
RegistryState ReadRegistryState(const RawDb& db);

}  // namespace u5::test
