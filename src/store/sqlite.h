// Thin RAII wrapper over the SQLite C API: a connection (Db) and prepared
// statements (Stmt). Errors come back as Status, never as exceptions.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace u5::store {

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept { std::swap(s_, o.s_); return *this; }
  Stmt(const Stmt&) = delete;
  ~Stmt() { if (s_) sqlite3_finalize(s_); }

  Stmt& Bind(int i, std::string_view v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); return *this; }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  // Binds without copying: `v` must outlive the statement's next reset (Cached() resets
  // and clears bindings), as a record being inserted does.
  Stmt& BindStatic(int i, std::string_view v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC); return *this; }
  Stmt& BindStatic(int i, const std::string& v) { return BindStatic(i, std::string_view(v)); }
  Stmt& BindStatic(int i, const std::optional<std::string>& v) { return v ? BindStatic(i, *v) : BindNull(i); }
  Stmt& Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); return *this; }
  Stmt& Bind(int i, int v) { sqlite3_bind_int64(s_, i, v); return *this; }
  Stmt& Bind(int i, double v) { sqlite3_bind_double(s_, i, v); return *this; }
  Stmt& BindNull(int i) { sqlite3_bind_null(s_, i); return *this; }
  Stmt& Bind(int i, const std::optional<std::string>& v) { return v ? Bind(i, *v) : BindNull(i); }
  // Returns true when a row is available, false when done; error in *st.
  bool Step(Status* st = nullptr);
  // Runs to completion; Status names the SQLite error.
  Status Run();
  void Reset() { sqlite3_reset(s_); sqlite3_clear_bindings(s_); }

  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  double Real(int col) const { return sqlite3_column_double(s_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::string Text(int col) const;
  std::string_view TextView(int col) const;
  std::optional<std::string> OptText(int col) const { if (IsNull(col)) return std::nullopt; return Text(col); }
  sqlite3_stmt* raw() const { return s_; }
  explicit operator bool() const { return s_ != nullptr; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

class Db {
 public:
  Db() = default;
  Db(Db&& o) noexcept : db_(o.db_), cache_(o.cache_) { o.db_ = nullptr; o.cache_ = nullptr; }
  Db& operator=(Db&& o) noexcept { std::swap(db_, o.db_); std::swap(cache_, o.cache_); return *this; }
  Db(const Db&) = delete;
  ~Db();

  // Opens (creating if asked) with WAL, foreign keys, synchronous=FULL and a busy timeout.
  static Status Open(const std::string& path, Db* out, bool create = true, bool read_only = false);
  // Closes now (statements prepared on it must be finalized first); the destructor then does nothing.
  void Close();
  Status Exec(std::string_view sql);
  // Asks for a journal mode ("wal", "delete") without waiting for locks; the
  // mode in force afterwards is in *now (SQLite keeps the old one when another
  // connection is in the way).
  Status SetJournalMode(std::string_view mode, std::string* now);
  Status Prepare(std::string_view sql, Stmt* out);
  // Prepared once per connection and reused (the statement is reset before return).
  Stmt& Cached(const char* sql);
  // The same for SQL built at run time, keyed by its text: for queries whose
  // few shapes depend on their filters (name search). Errors are returned.
  Status CachedText(const std::string& sql, Stmt** out);
  int64_t Changes() const { return sqlite3_changes64(db_); }
  sqlite3* raw() const { return db_; }
  Status Error(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  struct Cache;
  Cache* cache_ = nullptr;
};

// RAII transaction: BEGIN IMMEDIATE on construction, ROLLBACK unless Commit().
class Tx {
 public:
  explicit Tx(Db& db);
  ~Tx();
  Status status() const { return begin_; }
  Status Commit();

 private:
  Db& db_;
  Status begin_;
  bool done_ = false;
};

// RAII read snapshot: the reads between construction and destruction see one
// state of the database. Inside a transaction already open it does nothing.
class ReadTx {
 public:
  explicit ReadTx(Db& db);
  ~ReadTx();
  Status status() const { return begin_; }

 private:
  Db& db_;
  Status begin_;
  bool open_ = false;
};

}  // namespace u5::store
