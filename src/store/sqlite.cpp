#include "store/sqlite.h"

#include <stdexcept>
#include <unordered_map>

namespace u5::store {

struct Db::Cache {
  std::unordered_map<const char*, Stmt> stmts;
  std::unordered_map<std::string, Stmt> by_text;
};

bool Stmt::Step(Status* st) {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE && st) {
    sqlite3* db = sqlite3_db_handle(s_);
    *st = Status::Internal(std::string("sqlite: ") + sqlite3_errmsg(db));
    // Extended result codes are on, so a UNIQUE or FOREIGN KEY failure is not equal to SQLITE_CONSTRAINT itself.
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
      *st = Status::Conflict(std::string("constraint: ") + sqlite3_errmsg(db));
  }
  return false;
}

Status Stmt::Run() {
  Status st;
  while (Step(&st)) {
  }
  sqlite3_reset(s_);
  return st;
}

std::string Stmt::Text(int col) const { return std::string(TextView(col)); }

std::string_view Stmt::TextView(int col) const {
  const unsigned char* p = sqlite3_column_text(s_, col);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, col))};
}

Db::~Db() { Close(); }

void Db::Close() {
  delete cache_;  // finalize statements before closing
  cache_ = nullptr;
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Status Db::Open(const std::string& path, Db* out, bool create, bool read_only) {
  // Memory statistics take a global mutex on every allocation; we never read them.
  static const bool configured = [] { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK; }();
  (void)configured;
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0));
  flags |= SQLITE_OPEN_NOMUTEX;  // one connection per thread
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    if (db) sqlite3_close_v2(db);
    return Status::Internal("cannot open database " + path + ": " + msg);
  }
  Db d;
  d.db_ = db;
  d.cache_ = new Cache;
  sqlite3_busy_timeout(db, 10000);
  sqlite3_extended_result_codes(db, 1);
  if (!read_only) {
    // A bulk load into an empty file runs in rollback-journal mode (see
    // SqliteBulk); a connection opened meanwhile finds the file locked and
    // leaves the mode to the loader, which returns it to WAL when it ends.
    std::string mode;
    U5_RETURN_IF_ERROR(d.SetJournalMode("wal", &mode));
  }
  U5_RETURN_IF_ERROR(d.Exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536"));
  *out = std::move(d);
  return Status::Ok();
}

Status Db::Error(std::string_view what) const {
  return Status::Internal(std::string(what) + ": " + sqlite3_errmsg(db_));
}

Status Db::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::Internal("sqlite: " + msg);
  }
  return Status::Ok();
}

Status Db::SetJournalMode(std::string_view mode, std::string* now) {
  // Only the change itself is tried without waiting; preparing it reads the
  // schema, which may wait a moment (another connection recovering the log
  // after a crash), as any statement does.
  auto run = [&](const std::string& sql, int* rc, bool wait) -> Status {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return Error("prepare");
    if (!wait) sqlite3_busy_timeout(db_, 0);
    *rc = sqlite3_step(s);
    if (!wait) sqlite3_busy_timeout(db_, 10000);
    if (*rc == SQLITE_ROW) now->assign(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    sqlite3_finalize(s);
    return Status::Ok();
  };
  int rc;
  U5_RETURN_IF_ERROR(run("PRAGMA journal_mode=" + std::string(mode), &rc, false));
  if (rc == SQLITE_ROW) return Status::Ok();
  // Busy: another connection holds the file, and the mode stays as it was.
  if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) return Error("journal_mode");
  U5_RETURN_IF_ERROR(run("PRAGMA journal_mode", &rc, true));
  return rc == SQLITE_ROW ? Status::Ok() : Error("journal_mode");
}

Status Db::Prepare(std::string_view sql, Stmt* out) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
    return Error("prepare");
  *out = Stmt(s);
  return Status::Ok();
}

Stmt& Db::Cached(const char* sql) {
  auto it = cache_->stmts.find(sql);
  if (it == cache_->stmts.end()) {
    Stmt s;
    Status st = Prepare(sql, &s);
    if (!st.ok()) throw std::runtime_error(st.ToString() + " in: " + sql);  // programming error
    it = cache_->stmts.emplace(sql, std::move(s)).first;
  }
  it->second.Reset();
  return it->second;
}

Status Db::CachedText(const std::string& sql, Stmt** out) {
  auto it = cache_->by_text.find(sql);
  if (it == cache_->by_text.end()) {
    // A bound on shapes nobody foresaw: past it the statements start again.
    if (cache_->by_text.size() >= 256) cache_->by_text.clear();
    Stmt s;
    U5_RETURN_IF_ERROR(Prepare(sql, &s));
    it = cache_->by_text.emplace(sql, std::move(s)).first;
  }
  it->second.Reset();
  *out = &it->second;
  return Status::Ok();
}

Tx::Tx(Db& db) : db_(db) { begin_ = db_.Exec("BEGIN IMMEDIATE"); done_ = !begin_.ok(); }

Tx::~Tx() {
  if (!done_) db_.Exec("ROLLBACK");
}

Status Tx::Commit() {
  Status st = db_.Exec("COMMIT");
  if (st.ok()) done_ = true;
  return st;
}

ReadTx::ReadTx(Db& db) : db_(db) {
  if (!sqlite3_get_autocommit(db_.raw())) return;
  begin_ = db_.Cached("BEGIN").Run();
  open_ = begin_.ok();
}

ReadTx::~ReadTx() {
  if (open_) (void)db_.Cached("COMMIT").Run();
}

}  // namespace u5::store
