#include "store/pg_change_log.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <unordered_set>

namespace u5::store {

Status PgLogChangeIn(pg::Conn& conn, const std::string* person_id) {
  if (!conn.in_transaction()) return Status::Internal("the change log is appended inside a write transaction");
  U5_RETURN_IF_ERROR(conn.Run("SELECT pg_advisory_xact_lock($1)", {kChangeLogLock}));
  pg::Result r;
  // The position goes to the listeners of other servers (delivered at the
  // commit, so a rolled-back write wakes nobody) and onto the person, or as
  // the last marker, for the sync feed (migration 25, docs/sync.md).
  U5_RETURN_IF_ERROR(conn.Query(
      "WITH c AS (INSERT INTO change_log(person_id) VALUES ($1) RETURNING seq) "
      "SELECT seq, pg_notify('" + std::string(kChangesChannel) + "', seq::text) FROM c",
      {person_id ? std::optional<std::string>(*person_id) : std::nullopt}, &r));
  const int64_t seq = r.Int(0, 0);
  if (person_id) return conn.Run("UPDATE person SET sync_seq = $1 WHERE id = $2", {seq, *person_id});
  return conn.Run("UPDATE change_log_state SET everything_seq = $1 WHERE one = 1", {seq});
}

namespace {
// The head inside an open read: db_id, trimmed_to and the last seq.
Status ReadState(pg::Conn& conn, ChangeLogHead* head, int64_t* trimmed_to) {
  pg::Result r;
  U5_RETURN_IF_ERROR(conn.Query(
      "SELECT db_id, trimmed_to, (SELECT COALESCE(MAX(seq), 0) FROM change_log) FROM change_log_state WHERE one = 1", {},
      &r));
  if (r.rows() == 0) return Status::Internal("change_log_state has no row");
  head->db_id = r.Text(0, 0);
  *trimmed_to = r.Int(0, 1);
  // An emptied log keeps its position: the identity never hands out a seq twice,
  // and trimmed_to remembers where the rows went.
  head->seq = std::max(r.Int(0, 2), *trimmed_to);
  return Status::Ok();
}
}  // namespace

Status PgReadChangeHead(pg::Conn& conn, ChangeLogHead* out) {
  int64_t trimmed_to = 0;
  return ReadState(conn, out, &trimmed_to);
}

Status PgReadChangesAfter(pg::Conn& conn, int64_t seq, ChangesAfter* out) {
  out->persons.clear();
  out->everything = false;
  pg::ReadTx snapshot(conn);
  U5_RETURN_IF_ERROR(snapshot.status());
  ChangeLogHead head;
  int64_t trimmed_to = 0;
  U5_RETURN_IF_ERROR(ReadState(conn, &head, &trimmed_to));
  if (seq < trimmed_to || seq > head.seq) {
    // Rows the caller needs were dropped, or the caller saw a log this one never had (a restored copy).
    out->everything = true;
    return Status::Ok();
  }
  pg::Result r;
  U5_RETURN_IF_ERROR(conn.Query("SELECT person_id FROM change_log WHERE seq > $1 ORDER BY seq", {seq}, &r));
  std::unordered_set<std::string> seen;
  for (int i = 0; i < r.rows(); ++i) {
    if (r.IsNull(i, 0)) {
      out->everything = true;
      out->persons.clear();
      break;
    }
    std::string id = r.Text(i, 0);
    if (seen.insert(id).second) out->persons.push_back(std::move(id));
  }
  return Status::Ok();
}

Status PgTrimChangeLog(pg::Conn& conn, int64_t up_to_seq) {
  if (!conn.in_transaction()) return Status::Internal("the change log is trimmed inside a write transaction");
  // Under the append lock: never past the last row, and no seq drawn meanwhile below the mark.
  U5_RETURN_IF_ERROR(conn.Run("SELECT pg_advisory_xact_lock($1)", {kChangeLogLock}));
  ChangeLogHead head;
  int64_t trimmed_to = 0;
  U5_RETURN_IF_ERROR(ReadState(conn, &head, &trimmed_to));
  up_to_seq = std::min(up_to_seq, head.seq);
  U5_RETURN_IF_ERROR(conn.Run("DELETE FROM change_log WHERE seq <= $1", {up_to_seq}));
  return conn.Run("UPDATE change_log_state SET trimmed_to = GREATEST(trimmed_to, $1) WHERE one = 1", {up_to_seq});
}

Status PgChangeWaiter::Wait(int64_t after_seq, std::chrono::milliseconds timeout, bool* woken) {
  std::lock_guard lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  *woken = false;
  Status st = WaitUntil(after_seq, deadline, woken);
  if (!st.ok()) {
    // The next wait starts over on a new connection (a restart, a failover);
    // until then the caller's fallback interval bounds the delay.
    conn_.reset();
    std::this_thread::sleep_until(deadline);
  }
  return st;
}

bool PgChangeWaiter::Drain(int64_t after_seq) {
  bool after = false;
  while (PGnotify* n = PQnotifies(conn_->raw())) {
    if (std::strtoll(n->extra, nullptr, 10) > after_seq) after = true;
    PQfreemem(n);
  }
  return after;
}

Status PgChangeWaiter::WaitUntil(int64_t after_seq, std::chrono::steady_clock::time_point deadline, bool* woken) {
  if (!conn_ || !conn_->Usable()) {
    auto c = std::make_unique<pg::Conn>();
    U5_RETURN_IF_ERROR(pg::Conn::Open(uri_, c.get()));
    U5_RETURN_IF_ERROR(c->Exec("LISTEN " + std::string(kChangesChannel)));
    conn_ = std::move(c);
    // Commits before the LISTEN sent nothing this connection hears: ask the
    // head once. From here on every commit's notification queues up here,
    // also while the caller runs its round, so no later one is missed.
    ChangeLogHead head;
    U5_RETURN_IF_ERROR(PgReadChangeHead(*conn_, &head));
    if (head.seq > after_seq) {
      *woken = true;
      return Status::Ok();
    }
  }
  if (Drain(after_seq)) {
    *woken = true;
    return Status::Ok();
  }
  while (true) {
    // At least one look at the socket, also with no time left: a wait of 0 ms
    // (the handbook cache's catch-up) takes what has arrived without waiting.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{PQsocket(conn_->raw()), POLLIN, 0};
    const int rc = poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return Status::Internal(std::string("postgres: poll on the change listener: ") + std::strerror(errno));
    if (rc == 0) {
      if (left.count() <= 0) return Status::Ok();
      continue;
    }
    if (PQconsumeInput(conn_->raw()) == 0 || !conn_->alive())
      return Status::Internal(std::string("postgres: change listener: ") + PQerrorMessage(conn_->raw()));
    if (Drain(after_seq)) {
      *woken = true;
      return Status::Ok();
    }
  }
}

}  // namespace u5::store
