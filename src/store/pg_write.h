// A write transaction that survives a failover (docs/postgres.md, "Failover"):
// tried again when its connection is lost before COMMIT was sent, and, when it
// is lost while COMMIT was in flight, resolved by looking up the transaction's
// token on the server reached afterwards, never guessed; and a read, run again
// when its connection is lost. Internal to src/store.
#pragma once
#include <chrono>
#include <functional>

#include "core/status.h"
#include "store/pg.h"

namespace u5::store::pg {

// How long and how often a write is tried again. The bound covers a Patroni
// failover (ttl 6 s, then the promotion) with room to spare.
struct RetryPolicy {
  std::chrono::milliseconds bound{30000};
  std::chrono::milliseconds first_pause{50};
  std::chrono::milliseconds max_pause{1000};
};

// Runs `body` inside BEGIN ... COMMIT on the connection `conn` gives (the
// calling thread's, reopened after a loss), with a fresh token in table
// write_token. Ok only when the transaction committed on the server that
// answers afterwards; an error of `body` that is not a lost connection, a
// serialization failure or a read-only server is returned at once; past the
// bound, a Conflict with field kRetryField. `body` may run more than once: it
// starts from nothing each time.
Status RunWrite(const std::function<Status(Conn**)>& conn, const std::function<Status(Conn&)>& body,
                const RetryPolicy& policy = {});

// For a write transaction the store cannot run again itself (a bulk load,
// fed record by record by its caller): MarkWrite puts a fresh token into its
// open transaction on `c`; after a COMMIT whose answer was lost with the
// connection, ResolveCommit looks the token up on the primary reached (as
// RunWrite does, within the policy's bound): Ok when the transaction
// committed; otherwise a Conflict with field kRetryField saying whether it
// did not commit or whether that is unknown. `conn` must not hand out the
// connection the transaction ran on.
Status MarkWrite(Conn& c, int64_t* token);
Status ResolveCommit(const std::function<Status(Conn**)>& conn, int64_t token, const RetryPolicy& policy = {});

// Runs the read `body` on the connection `conn` gives and, when that
// connection was lost under it (or none could be opened: a failover), runs it
// again on a reopened one, within the policy's bound: a read is safe to
// repeat. Inside a transaction the caller holds (a write's guard) it runs once
// and the caller's write decides. Any other error is returned at once. `body`
// may run more than once: it starts from nothing each time (clears what it
// fills).
Status RunRead(const std::function<Status(Conn**)>& conn, const std::function<Status(Conn&)>& body,
               const RetryPolicy& policy = {});

}  // namespace u5::store::pg
