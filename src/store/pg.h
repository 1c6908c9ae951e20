// Thin RAII wrapper over libpq, as store/sqlite.h is over SQLite: a
// connection (Conn), a query's rows (Result) and transactions (Tx, ReadTx).
// Parameters and results travel in text format. Errors come back as Status,
// never as exceptions; SQLSTATEs map to the codes SQLite's wrapper gives
// (docs/postgres.md, "Errors").
#pragma once
#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace u5::store::pg {

// The field of a Status::Conflict that is worth retrying as a whole
// transaction: a serialization failure or deadlock (40001, 40P01), a server
// that became read-only under us (a failover), or a connection lost inside a
// transaction, before its COMMIT was acknowledged (it may or may not have
// committed: never reported as a success).
inline constexpr const char* kRetryField = "retry";
inline bool Retryable(const Status& st) { return st.code() == Code::conflict && st.field() == kRetryField; }

// Text-format parameters, $1, $2, ... in order; std::nullopt is NULL.
class Params {
 public:
  Params() = default;
  template <class... A>
  Params(const A&... a) {  // NOLINT: implicit, so calls read Query(sql, {id, version}, &r)
    values_.reserve(sizeof...(a));
    (Add(a), ...);
  }
  Params& Add(std::string_view v) { values_.emplace_back(std::string(v)); return *this; }
  Params& Add(const std::string& v) { values_.emplace_back(v); return *this; }
  Params& Add(const char* v) { values_.emplace_back(std::string(v)); return *this; }
  Params& Add(int64_t v) { values_.emplace_back(std::to_string(v)); return *this; }
  Params& Add(int v) { values_.emplace_back(std::to_string(v)); return *this; }
  Params& Add(size_t v) { values_.emplace_back(std::to_string(v)); return *this; }
  Params& Add(bool v) { values_.emplace_back(v ? "1" : "0"); return *this; }
  Params& Add(double v);
  Params& Add(const std::optional<std::string>& v) { values_.push_back(v); return *this; }
  Params& AddNull() { values_.emplace_back(std::nullopt); return *this; }
  size_t size() const { return values_.size(); }
  const std::optional<std::string>& operator[](size_t i) const { return values_[i]; }

 private:
  std::vector<std::optional<std::string>> values_;
};

class Result {
 public:
  Result() = default;
  explicit Result(PGresult* r) : r_(r) {}
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&& o) noexcept { std::swap(r_, o.r_); return *this; }
  Result(const Result&) = delete;
  ~Result() { if (r_) PQclear(r_); }

  int rows() const { return r_ ? PQntuples(r_) : 0; }
  int cols() const { return r_ ? PQnfields(r_) : 0; }
  bool IsNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string_view TextView(int row, int col) const {
    return {PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col))};
  }
  std::string Text(int row, int col) const { return std::string(TextView(row, col)); }
  std::optional<std::string> OptText(int row, int col) const {
    if (IsNull(row, col)) return std::nullopt;
    return Text(row, col);
  }
  // 0 for NULL or text that is no integer, as SQLite's sqlite3_column_int64.
  int64_t Int(int row, int col) const;
  double Real(int row, int col) const;
  // Rows an INSERT, UPDATE, DELETE or COPY touched.
  int64_t affected() const;
  PGresult* raw() const { return r_; }

 private:
  PGresult* r_ = nullptr;
};

class Conn {
 public:
  Conn() = default;
  Conn(Conn&& o) noexcept;
  Conn& operator=(Conn&& o) noexcept;
  Conn(const Conn&) = delete;
  ~Conn();

  // Connects to a libpq URI or key=value string (a multi-host URI with
  // target_session_attrs=read-write finds the primary).
  static Status Open(const std::string& uri, Conn* out);
  void Close();
  // False once the server is gone: the owner opens another connection.
  bool alive() const { return c_ && PQstatus(c_) == CONNECTION_OK; }
  // alive(), after reading what the server sent meanwhile: a server that ended
  // the session (a restart, pg_terminate_backend) is noticed before the next
  // statement rather than by it. Outside a transaction only.
  bool Usable();
  // Inside BEGIN ... COMMIT/ROLLBACK (as far as the last command told).
  bool in_transaction() const { return in_tx_; }

  // One or more statements without parameters (simple query protocol).
  Status Exec(std::string_view sql);
  // A statement with parameters, prepared once per connection (keyed by its
  // SQL text) and executed with `params`; rows in *out when given.
  Status Query(const std::string& sql, const Params& params, Result* out);
  // The same for a statement whose rows are not wanted; rows touched in *affected.
  Status Run(const std::string& sql, const Params& params, int64_t* affected = nullptr);

  // COPY ... FROM STDIN (text format): CopyBegin, then rows (each built with
  // AppendCopyField/AppendCopyNull and ended with '\n') streamed by CopyData,
  // then CopyEnd. An error ends the COPY and aborts the transaction.
  Status CopyBegin(const std::string& copy_sql);
  Status CopyData(std::string_view rows);
  Status CopyEnd(int64_t* rows = nullptr);
  static void AppendCopyField(std::string* line, std::string_view v);
  static void AppendCopyNull(std::string* line) { line->append("\\N"); }
  // A text[] parameter's text ({"a","b"}), for `= ANY($1)`.
  static std::string ArrayLiteral(const std::vector<std::string>& values);

  PGconn* raw() const { return c_; }

 private:
  // The Status of a failed command (`r` may be null) from its SQLSTATE.
  Status Error(const PGresult* r, std::string_view what);
  Status Check(PGresult* r, std::string_view what, Result* out);
  void NoteTxState();
  PGconn* c_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  int64_t statements_ = 0;                                 // names given so far
  bool in_tx_ = false;
  bool copying_ = false;
  std::string copy_buf_;
};

// BEGIN on construction, ROLLBACK unless Commit(). On a connection inside a
// transaction already (a caller's), it neither begins nor ends anything.
class Tx {
 public:
  explicit Tx(Conn& c, std::string_view begin = "BEGIN");
  ~Tx();
  Status status() const { return begin_; }
  // A COMMIT whose acknowledgement is lost with the connection is retryable
  // (kRetryField), never Ok.
  Status Commit();
  // Ends the transaction now rather than at destruction: the connection serves
  // the thread's next call even while the owner of the failed write lives on.
  void Rollback();

 private:
  Conn& c_;
  Status begin_;
  bool open_ = false;
};

// A read snapshot: the reads between construction and destruction see one
// state of the database (REPEATABLE READ READ ONLY). Inside a transaction
// already open it does nothing.
class ReadTx {
 public:
  explicit ReadTx(Conn& c);
  ~ReadTx();
  Status status() const { return begin_; }

 private:
  Conn& c_;
  Status begin_;
  bool open_ = false;
};

// `uri` with its database replaced by `dbname` (other options kept), as a URI.
Status WithDatabase(const std::string& uri, const std::string& dbname, std::string* out);
// A name quoted as an SQL identifier ("a""b").
std::string QuoteIdent(std::string_view name);

}  // namespace u5::store::pg
