#include "store/pg.h"

#include <poll.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace u5::store::pg {

Params& Params::Add(double v) {
  // Shortest text that reads back as the same double (%.17g would add noise digits).
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  values_.emplace_back(std::string(buf, ec == std::errc() ? end : buf));
  return *this;
}

int64_t Result::Int(int row, int col) const {
  std::string_view v = TextView(row, col);
  int64_t n = 0;
  std::from_chars(v.data(), v.data() + v.size(), n);
  return n;
}

double Result::Real(int row, int col) const {
  if (IsNull(row, col)) return 0;
  return std::strtod(PQgetvalue(r_, row, col), nullptr);
}

int64_t Result::affected() const {
  const char* n = r_ ? PQcmdTuples(r_) : "";
  return *n ? std::strtoll(n, nullptr, 10) : 0;
}

Conn::Conn(Conn&& o) noexcept
    : c_(o.c_), prepared_(std::move(o.prepared_)), in_tx_(o.in_tx_), copying_(o.copying_), copy_buf_(std::move(o.copy_buf_)) {
  o.c_ = nullptr;
}

Conn& Conn::operator=(Conn&& o) noexcept {
  std::swap(c_, o.c_);
  std::swap(prepared_, o.prepared_);
  std::swap(in_tx_, o.in_tx_);
  std::swap(copying_, o.copying_);
  std::swap(copy_buf_, o.copy_buf_);
  return *this;
}

Conn::~Conn() { Close(); }

void Conn::Close() {
  if (c_) PQfinish(c_);
  c_ = nullptr;
  prepared_.clear();
  in_tx_ = copying_ = false;
}

bool Conn::Usable() {
  if (!alive()) return false;
  if (in_tx_ || copying_) return true;
  // An idle session has nothing to read unless the server is ending it: it then
  // sends its FATAL message and closes, and libpq marks the connection bad once
  // it has read both (a read a call).
  pollfd p{PQsocket(c_), POLLIN, 0};
  for (int i = 0; i < 3 && alive() && poll(&p, 1, 0) > 0; ++i) (void)PQconsumeInput(c_);
  return alive();
}

Status Conn::Open(const std::string& uri, Conn* out) {
  PGconn* c = PQconnectdb(uri.c_str());
  if (!c) return Status::Internal("postgres: out of memory connecting");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(c);
    return Status::Internal("postgres: cannot connect: " + msg);
  }
  // Notices (a ROLLBACK with nothing open, IF NOT EXISTS skips) are not errors; the log does not want them.
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  Conn conn;
  conn.c_ = c;
  // Text is UTF-8 both ways whatever the server's or the environment's defaults.
  U5_RETURN_IF_ERROR(conn.Exec("SET client_encoding = 'UTF8'"));
  *out = std::move(conn);
  return Status::Ok();
}

Status Conn::Error(const PGresult* r, std::string_view what) {
  std::string msg = r ? PQresultErrorMessage(r) : "";
  if (msg.empty() && c_) msg = PQerrorMessage(c_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  const bool was_in_tx = in_tx_;
  const bool lost = !c_ || PQstatus(c_) == CONNECTION_BAD || (sqlstate.rfind("08", 0) == 0 && sqlstate != "08P01") || sqlstate == "57P01" ||
                    sqlstate == "57P02" || sqlstate == "57P03";
  if (lost) {
    in_tx_ = false;
    prepared_.clear();
    if (was_in_tx)
      return Status::Conflict("postgres: the connection was lost inside a transaction, which may not have committed: "
                              "retry (" + msg + ")", kRetryField);
    return Status::Internal("postgres: the connection to the database server was lost (" + std::string(what) + "): " + msg);
  }
  // After an error inside a transaction everything up to its ROLLBACK fails; the transaction is over in effect.
  if (sqlstate == "40001" || sqlstate == "40P01")
    return Status::Conflict("postgres: the transaction conflicted with another and was rolled back: retry (" + msg + ")",
                            kRetryField);
  // The server became a standby (a failover): the new primary is elsewhere.
  if (sqlstate == "25006")
    return Status::Conflict("postgres: the server is read-only (a standby): retry on the primary (" + msg + ")", kRetryField);
  // Constraint failures read as SQLite's ("constraint: UNIQUE constraint failed ..."): the store's
  // callers tell a duplicate from a missing reference by these words, whichever the store.
  auto constraint = [&](const char* kind) {
    const char* name = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : nullptr;
    const char* table = r ? PQresultErrorField(r, PG_DIAG_TABLE_NAME) : nullptr;
    std::string where = std::string(table ? table : "") + (name ? std::string(table ? "." : "") + name : "");
    return Status::Conflict("constraint: " + std::string(kind) + " constraint failed: " + where + " (" + msg + ")");
  };
  if (sqlstate == "23505") return constraint("UNIQUE");
  if (sqlstate == "23503") return constraint("FOREIGN KEY");
  if (sqlstate == "23514") return constraint("CHECK");
  if (sqlstate == "23502") return constraint("NOT NULL");
  // The append-only triggers (u5_refuse) raise 23000 with their message, as SQLite's RAISE(ABORT) does.
  if (sqlstate.rfind("23", 0) == 0) return Status::Conflict("constraint: " + msg);
  return Status::Internal("postgres: " + std::string(what) + ": " + msg + (sqlstate.empty() ? "" : " [" + sqlstate + "]"));
}

Status Conn::Check(PGresult* r, std::string_view what, Result* out) {
  Result res(r);
  const ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_COPY_IN) {
    Status st = Error(r, what);
    NoteTxState();
    return st;
  }
  NoteTxState();
  if (out) *out = std::move(res);
  return Status::Ok();
}

void Conn::NoteTxState() {
  // While a command's results are still being read the state is ACTIVE, which says nothing; it is
  // read again once they are all in.
  if (!c_ || PQstatus(c_) != CONNECTION_OK) return;
  const PGTransactionStatusType t = PQtransactionStatus(c_);
  if (t == PQTRANS_ACTIVE) return;
  in_tx_ = t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

Status Conn::Exec(std::string_view sql) {
  if (!c_) return Status::Internal("postgres: not connected");
  std::string s(sql);
  // A batch of several statements gives the result of the last; an error stops it.
  if (!PQsendQuery(c_, s.c_str())) return Error(nullptr, "exec");
  Status st;
  while (PGresult* r = PQgetResult(c_)) {
    Status one = Check(r, "exec", nullptr);
    if (st.ok() && !one.ok()) st = one;
  }
  if (st.ok() && PQstatus(c_) != CONNECTION_OK) return Error(nullptr, "exec");
  NoteTxState();
  return st;
}

Status Conn::Query(const std::string& sql, const Params& params, Result* out) {
  if (!c_) return Status::Internal("postgres: not connected");
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    // A bound on shapes nobody foresaw (queries built from filters): past it the statements start again.
    if (prepared_.size() >= 512) {
      U5_RETURN_IF_ERROR(Exec("DEALLOCATE ALL"));
      prepared_.clear();
    }
    std::string name = "u5_" + std::to_string(++statements_);
    Result prep;
    U5_RETURN_IF_ERROR(Check(PQprepare(c_, name.c_str(), sql.c_str(), 0, nullptr), "prepare", &prep));
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size()), formats(params.size(), 0);
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i]) {
      values[i] = params[i]->c_str();
      lengths[i] = static_cast<int>(params[i]->size());
    }
  }
  return Check(PQexecPrepared(c_, it->second.c_str(), static_cast<int>(params.size()), values.data(), lengths.data(),
                              formats.data(), 0),
               "query", out);
}

Status Conn::Run(const std::string& sql, const Params& params, int64_t* affected) {
  Result r;
  U5_RETURN_IF_ERROR(Query(sql, params, &r));
  if (affected) *affected = r.affected();
  return Status::Ok();
}

Status Conn::CopyBegin(const std::string& copy_sql) {
  if (!c_) return Status::Internal("postgres: not connected");
  Result r;
  U5_RETURN_IF_ERROR(Check(PQexec(c_, copy_sql.c_str()), "copy", &r));
  if (PQresultStatus(r.raw()) != PGRES_COPY_IN) return Status::Internal("postgres: not a COPY FROM STDIN: " + copy_sql);
  copying_ = true;
  copy_buf_.clear();
  return Status::Ok();
}

Status Conn::CopyData(std::string_view rows) {
  if (!copying_) return Status::Internal("postgres: no COPY in progress");
  copy_buf_.append(rows);
  // Whole buffers of rows go to libpq at a time: a call per row would cost more than the row.
  if (copy_buf_.size() < (size_t{1} << 16)) return Status::Ok();
  if (PQputCopyData(c_, copy_buf_.data(), static_cast<int>(copy_buf_.size())) != 1) {
    copying_ = false;
    return Error(nullptr, "copy data");
  }
  copy_buf_.clear();
  return Status::Ok();
}

Status Conn::CopyEnd(int64_t* rows) {
  if (!copying_) return Status::Internal("postgres: no COPY in progress");
  copying_ = false;
  if (!copy_buf_.empty() && PQputCopyData(c_, copy_buf_.data(), static_cast<int>(copy_buf_.size())) != 1)
    return Error(nullptr, "copy data");
  copy_buf_.clear();
  if (PQputCopyEnd(c_, nullptr) != 1) return Error(nullptr, "copy end");
  Status st;
  int64_t n = 0;
  while (PGresult* r = PQgetResult(c_)) {
    Result res;
    Status one = Check(r, "copy", &res);
    if (one.ok()) n += res.affected();
    if (st.ok() && !one.ok()) st = one;
  }
  if (rows) *rows = n;
  return st;
}

void Conn::AppendCopyField(std::string* line, std::string_view v) {
  // COPY's text format: backslash escapes for the characters that delimit fields and rows.
  for (char ch : v) {
    switch (ch) {
      case '\\': line->append("\\\\"); break;
      case '\t': line->append("\\t"); break;
      case '\n': line->append("\\n"); break;
      case '\r': line->append("\\r"); break;
      default: line->push_back(ch);
    }
  }
}

std::string Conn::ArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char ch : values[i]) {
      if (ch == '"' || ch == '\\') out.push_back('\\');
      out.push_back(ch);
    }
    out.push_back('"');
  }
  return out + "}";
}

Tx::Tx(Conn& c, std::string_view begin) : c_(c) {
  if (c_.in_transaction()) return;
  begin_ = c_.Exec(begin);
  open_ = begin_.ok();
}

Tx::~Tx() { Rollback(); }

void Tx::Rollback() {
  if (open_ && c_.alive()) (void)c_.Exec("ROLLBACK");
  open_ = false;
}

Status Tx::Commit() {
  if (!open_) return begin_;
  open_ = false;
  // COMMIT of a transaction a failed statement aborted answers "ROLLBACK", not an error.
  if (c_.alive() && PQtransactionStatus(c_.raw()) == PQTRANS_INERROR) {
    (void)c_.Exec("ROLLBACK");
    return Status::Internal("postgres: the transaction was aborted by an earlier error");
  }
  const bool was_in_tx = c_.in_transaction();
  Status st = c_.Exec("COMMIT");
  if (!st.ok()) return st;
  if (!c_.alive() && was_in_tx)
    return Status::Conflict("postgres: the connection was lost before the commit was acknowledged: retry", kRetryField);
  return Status::Ok();
}

ReadTx::ReadTx(Conn& c) : c_(c) {
  if (c_.in_transaction()) return;
  begin_ = c_.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  open_ = begin_.ok();
}

ReadTx::~ReadTx() {
  if (open_ && c_.alive()) (void)c_.Exec("COMMIT");
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  return out + "\"";
}

Status WithDatabase(const std::string& uri, const std::string& dbname, std::string* out) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(uri.c_str(), &err);
  if (!opts) {
    std::string msg = err ? err : "out of memory";
    PQfreemem(err);
    return Status::Invalid("pg", "not a PostgreSQL connection string: " + msg);
  }
  auto encode = [](std::string_view v) {
    std::string e;
    for (unsigned char ch : v) {
      if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || ch == '/' || ch == ',') {
        e.push_back(static_cast<char>(ch));
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", ch);
        e += buf;
      }
    }
    return e;
  };
  std::string q;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val || !*o->val || std::strcmp(o->keyword, "dbname") == 0) continue;
    q += (q.empty() ? "?" : "&") + std::string(o->keyword) + "=" + encode(o->val);
  }
  PQconninfoFree(opts);
  *out = "postgresql:///" + encode(dbname) + q;
  return Status::Ok();
}

}  // namespace u5::store::pg
