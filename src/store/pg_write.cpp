#include "store/pg_write.h"

#include <atomic>
#include <random>
#include <thread>

namespace u5::store::pg {
namespace {

using Clock = std::chrono::steady_clock;

// Advisory locks on two int4 keys are a space apart from the one-bigint keys
// the store's other locks use; this class id is "u5" in ASCII.
constexpr int32_t kTokenLockClass = 0x7535;

int64_t NewToken() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  int64_t t;
  do t = static_cast<int64_t>(gen()); while (t == 0);
  return t;
}
int32_t LockKey(int64_t token) { return static_cast<int32_t>(token ^ (token >> 32)); }

// The transaction holds its token's lock to its very end, past COMMIT's wait
// for the synchronous standby; a lookup taking the same lock therefore waits
// for a commit still in flight on that server instead of missing it.
Status InsertToken(Conn& c, int64_t token) {
  return c.Run("WITH l AS (SELECT pg_advisory_xact_lock($2::int, $3::int)) INSERT INTO write_token(token) SELECT $1 FROM l",
               {token, kTokenLockClass, LockKey(token)});
}

// Tokens are needed only until a lost commit is resolved, seconds later; one
// write in a thousand clears those over an hour old.
Status MaybeTrimTokens(Conn& c) {
  static std::atomic<uint64_t> writes{0};
  if (++writes % 1000 != 0) return Status::Ok();
  return c.Run("DELETE FROM write_token WHERE at < now() - interval '1 hour'", {});
}

// Whether the transaction of `token` committed, asked of the primary reached
// now. False in *known while no server answers.
void LookUpToken(const std::function<Status(Conn**)>& conn, int64_t token, bool* known, bool* committed) {
  *known = false;
  Conn* c;
  if (!conn(&c).ok()) return;
  Tx tx(*c);
  if (!tx.status().ok()) return;
  // A standby (a URI without target_session_attrs=read-write) may not have replayed the commit yet.
  Result standby;
  if (!c->Query("SELECT pg_is_in_recovery()", {}, &standby).ok()) return;
  if (standby.Text(0, 0) == "t") {
    c->Close();
    return;
  }
  if (!c->Run("SELECT pg_advisory_xact_lock($1::int, $2::int)", {kTokenLockClass, LockKey(token)}).ok()) return;
  Result r;
  if (!c->Query("SELECT 1 FROM write_token WHERE token = $1", {token}, &r).ok()) return;
  if (!tx.Commit().ok()) return;
  *known = true;
  *committed = r.rows() > 0;
}

// Errors worth another attempt: the server went away (or is not the primary
// yet), or PostgreSQL asked for the transaction to be run again.
bool Transient(const Status& st, const Conn* c) { return Retryable(st) || c == nullptr || !c->alive(); }

}  // namespace

Status RunWrite(const std::function<Status(Conn**)>& conn, const std::function<Status(Conn&)>& body,
                const RetryPolicy& policy) {
  const Clock::time_point deadline = Clock::now() + policy.bound;
  auto pause = policy.first_pause;
  Status last;
  for (;;) {
    Conn* c = nullptr;
    Status st = conn(&c);
    if (!st.ok()) c = nullptr;
    // Inside a transaction the caller holds, its COMMIT decides, and its caller retries.
    if (c && c->in_transaction()) return body(*c);
    bool in_doubt = false;
    const int64_t token = NewToken();
    if (st.ok()) {
      Tx tx(*c);
      st = tx.status();
      if (st.ok()) st = InsertToken(*c, token);
      if (st.ok()) st = body(*c);
      if (st.ok()) st = MaybeTrimTokens(*c);
      if (st.ok()) {
        st = tx.Commit();
        if (st.ok()) return st;
        // COMMIT was sent: a lost connection now leaves the outcome open.
        in_doubt = !c->alive();
      }
    }
    if (!in_doubt && !Transient(st, c)) return st;
    last = st;
    // A server that turned read-only keeps the session open: the next attempt must look for the primary again.
    if (c && c->alive()) c->Close();
    while (in_doubt && Clock::now() < deadline) {
      bool known = false, committed = false;
      LookUpToken(conn, token, &known, &committed);
      if (known && committed) return Status::Ok();
      if (known) {  // it did not commit: run it again
        in_doubt = false;
        break;
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, policy.max_pause);
    }
    if (Clock::now() + pause >= deadline)
      return Status::Conflict("postgres: no primary took the write within " + std::to_string(policy.bound.count() / 1000) +
                                  " s" + (in_doubt ? " and whether it committed is unknown" : "") + ": retry (" +
                                  last.message() + ")",
                              kRetryField);
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, policy.max_pause);
  }
}

Status MarkWrite(Conn& c, int64_t* token) {
  *token = NewToken();
  return InsertToken(c, *token);
}

Status ResolveCommit(const std::function<Status(Conn**)>& conn, int64_t token, const RetryPolicy& policy) {
  const Clock::time_point deadline = Clock::now() + policy.bound;
  auto pause = policy.first_pause;
  for (;;) {
    bool known = false, committed = false;
    LookUpToken(conn, token, &known, &committed);
    if (known && committed) return Status::Ok();
    if (known) return Status::Conflict("postgres: the connection was lost before the commit landed: retry", kRetryField);
    if (Clock::now() + pause >= deadline)
      return Status::Conflict("postgres: no primary answered within " + std::to_string(policy.bound.count() / 1000) +
                                  " s and whether the commit landed is unknown: retry",
                              kRetryField);
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, policy.max_pause);
  }
}

Status RunRead(const std::function<Status(Conn**)>& conn, const std::function<Status(Conn&)>& body,
               const RetryPolicy& policy) {
  const Clock::time_point deadline = Clock::now() + policy.bound;
  auto pause = policy.first_pause;
  for (;;) {
    Conn* c = nullptr;
    Status st = conn(&c);
    if (st.ok()) {
      if (c->in_transaction()) return body(*c);
      st = body(*c);
      if (st.ok()) return st;
    } else {
      c = nullptr;
    }
    if (!Transient(st, c)) return st;
    // A session that is still open but failed (a standby in recovery conflict) looks for a server again.
    if (c && c->alive()) c->Close();
    if (Clock::now() + pause >= deadline) return st;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, policy.max_pause);
  }
}

}  // namespace u5::store::pg
