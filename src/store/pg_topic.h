// What the PostgreSQL topic implementations (pg_<topic>.cpp) share: reading
// a statement's rows, and the lock that stands in for SQLite's write lock
// where a write reads before it appends. Internal to src/store.
#pragma once
#include <string>

#include "store/pg.h"

namespace u5::store::pg {

// Runs `sql` with `params` and calls `row(result, i)` for each row, in order.
template <class Row>
Status ForRows(Conn& c, const std::string& sql, const Params& params, Row&& row) {
  Result r;
  U5_RETURN_IF_ERROR(c.Query(sql, params, &r));
  for (int i = 0; i < r.rows(); ++i) row(r, i);
  return Status::Ok();
}

// Takes a lock on `key` held until the caller's transaction ends: writers of
// the same key (an org unit's period, a publication) wait for each other, so
// the version or seq one read is still the latest when it appends.
inline Status LockKey(Conn& c, const std::string& key) {
  return c.Run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", {key});
}

}  // namespace u5::store::pg
