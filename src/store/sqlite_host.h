// What SqliteStore lends the SQLite implementations of its topic interfaces
// (sqlite_<topic>.cpp): the calling thread's connection, and the audit append
// inside a write transaction already open on it. Internal to src/store.
#pragma once
#include <memory>
#include <utility>

#include "audit/entry.h"
#include "core/status.h"
#include "store/audited_write.h"
#include "store/sqlite.h"

namespace u5::store {

class Aggregates;
class CareAcks;
class Emergencies;
class National;
class OrgUnitWriter;
class Publications;
class Signoffs;
class Targets;

class SqliteHost {
 public:
  virtual ~SqliteHost() = default;
  // The calling thread's connection (opened on first use).
  virtual Status Conn(Db** out) = 0;
  // Appends `e` to the hash chain inside the caller's write transaction on `db`
  // (seq, prev_hash, hash and, when empty, `at` are filled in).
  virtual Status AppendAuditIn(Db& db, audit::Entry& e) = 0;

  // Runs `write(db)` and appends `audit` in one write transaction on the
  // calling thread's connection: both land or neither does.
  template <class Write>
  Status WriteAudited(const audit::Entry& audit, Write&& write) {
    return AuditedWrite<Db, Tx>(*this, audit, std::forward<Write>(write));
  }
};

std::unique_ptr<Aggregates> NewSqliteAggregates(SqliteHost& host);
std::unique_ptr<Targets> NewSqliteTargets(SqliteHost& host);
std::unique_ptr<Signoffs> NewSqliteSignoffs(SqliteHost& host);
std::unique_ptr<CareAcks> NewSqliteCareAcks(SqliteHost& host);
std::unique_ptr<Emergencies> NewSqliteEmergencies(SqliteHost& host);
std::unique_ptr<Publications> NewSqlitePublications(SqliteHost& host);
std::unique_ptr<OrgUnitWriter> NewSqliteOrgUnitWriter(SqliteHost& host);
std::unique_ptr<National> NewSqliteNational(SqliteHost& host);

}  // namespace u5::store
