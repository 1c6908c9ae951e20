// What PgStore lends the PostgreSQL implementations of its topic interfaces
// (pg_<topic>.cpp), as SqliteHost does for SQLite's: the calling thread's
// connection, and the audit append inside a write transaction already open
// on it. Internal to src/store.
#pragma once
#include <functional>
#include <memory>

#include "audit/entry.h"
#include "core/status.h"
#include "store/pg.h"
#include "store/store.h"  // the topic interfaces' declarations

namespace u5::store {

class PgHost {
 public:
  virtual ~PgHost() = default;
  // The calling thread's connection (opened on first use, reopened after it was lost).
  virtual Status Conn(pg::Conn** out) = 0;
  // Appends `e` to the hash chain inside the caller's write transaction on `conn`
  // (seq, prev_hash, hash and, when empty, `at` are filled in). Takes the chain's
  // lock, held until that transaction ends: appends are serialized.
  virtual Status AppendAuditIn(pg::Conn& conn, audit::Entry& e) = 0;

  // Runs `body` in a write transaction on the calling thread's connection that
  // survives a failover (pg_write.h): `body` may run more than once.
  virtual Status WriteTx(const std::function<Status(pg::Conn&)>& body) = 0;

  // Runs the read `body` on the calling thread's connection, again on a
  // reopened one when the connection is lost under it (pg_write.h, RunRead):
  // `body` may run more than once. Inside a write transaction it runs once.
  virtual Status Read(const std::function<Status(pg::Conn&)>& body) = 0;

  // Runs `write(conn)` and appends `audit` in one write transaction (WriteTx):
  // both land or neither does.
  template <class Write>
  Status WriteAudited(const audit::Entry& audit, Write&& write) {
    return WriteTx([&](pg::Conn& c) {
      U5_RETURN_IF_ERROR(write(c));
      audit::Entry e = audit;
      return AppendAuditIn(c, e);
    });
  }
};

std::unique_ptr<Aggregates> NewPgAggregates(PgHost& host);
std::unique_ptr<Targets> NewPgTargets(PgHost& host);
std::unique_ptr<Signoffs> NewPgSignoffs(PgHost& host);
std::unique_ptr<CareAcks> NewPgCareAcks(PgHost& host);
std::unique_ptr<Emergencies> NewPgEmergencies(PgHost& host);
std::unique_ptr<Publications> NewPgPublications(PgHost& host);
std::unique_ptr<OrgUnitWriter> NewPgOrgUnitWriter(PgHost& host);
std::unique_ptr<National> NewPgNational(PgHost& host);

}  // namespace u5::store
