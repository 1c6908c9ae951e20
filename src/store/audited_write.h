// SqliteHost's audited write: `write` and the audit entry in one transaction
// on the calling thread's connection, both landing or neither (PgHost's runs
// the same inside a transaction retried across a failover, pg_host.h).
// Internal to src/store.
#pragma once
#include "audit/entry.h"
#include "core/status.h"

namespace u5::store {

// Host: Conn(ConnT**) and AppendAuditIn(ConnT&, audit::Entry&); TxT: a
// transaction on a ConnT with status() and Commit().
template <class ConnT, class TxT, class Host, class Write>
Status AuditedWrite(Host& host, const audit::Entry& audit, Write&& write) {
  ConnT* conn;
  U5_RETURN_IF_ERROR(host.Conn(&conn));
  TxT tx(*conn);
  U5_RETURN_IF_ERROR(tx.status());
  U5_RETURN_IF_ERROR(write(*conn));
  audit::Entry e = audit;
  U5_RETURN_IF_ERROR(host.AppendAuditIn(*conn, e));
  return tx.Commit();
}

}  // namespace u5::store
