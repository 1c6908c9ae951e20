#include "store/open.h"

#include <cctype>
#include <filesystem>

#include "store/schema.h"
#include "store/sqlite.h"

#include "store/pg_store.h"

namespace u5::store {

namespace {

constexpr std::string_view kSchemes[] = {"postgresql://", "postgres://"};

std::string_view UriRest(std::string_view uri) {
  for (std::string_view s : kSchemes)
    if (uri.substr(0, s.size()) == s) return uri.substr(s.size());
  return {};
}

bool IsUri(std::string_view uri) { return !UriRest(uri).empty() || uri == "postgresql://" || uri == "postgres://"; }

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The value of `key` in a `k=v&k=v` query or a `k=v k=v` conninfo (quotes not
// unescaped: database names that need them are not ours to pick).
std::string Param(std::string_view text, std::string_view key, char sep) {
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find(sep, at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view kv = text.substr(at, end - at);
    while (!kv.empty() && kv.front() == ' ') kv.remove_prefix(1);
    if (const size_t eq = kv.find('='); eq != std::string_view::npos) {
      std::string_view k = kv.substr(0, eq);
      while (!k.empty() && k.back() == ' ') k.remove_suffix(1);
      if (k == key) {
        std::string_view v = kv.substr(eq + 1);
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
        return sep == '&' ? PercentDecode(v) : std::string(v);
      }
    }
    at = end + 1;
  }
  return "";
}

}  // namespace

std::string PgDatabaseName(const std::string& uri) {
  if (!IsUri(uri)) {
    std::string name = Param(uri, "dbname", ' ');
    return name.empty() ? Param(uri, "user", ' ') : name;
  }
  std::string_view rest = UriRest(uri);
  std::string_view query;
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (std::string name = Param(query, "dbname", '&'); !name.empty()) return name;
  const size_t slash = rest.find('/');
  if (slash != std::string_view::npos && slash + 1 < rest.size()) return PercentDecode(rest.substr(slash + 1));
  // libpq's default database is the user's name.
  if (std::string user = Param(query, "user", '&'); !user.empty()) return user;
  const std::string_view authority = rest.substr(0, slash);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    return PercentDecode(userinfo.substr(0, userinfo.find(':')));
  }
  return "";
}

std::string RedactPgUri(const std::string& uri) {
  if (!IsUri(uri)) {
    std::string out = uri;
    const std::string pw = Param(uri, "password", ' ');
    if (const size_t p = out.find("password"); p != std::string::npos && !pw.empty())
      if (const size_t v = out.find(pw, p); v != std::string::npos) out.replace(v, pw.size(), "***");
    return out;
  }
  std::string out = uri;
  const size_t start = uri.size() - UriRest(uri).size();
  const size_t end = std::min(uri.find_first_of("/?", start), uri.size());
  if (const size_t at = uri.rfind('@', end); at != std::string::npos && at >= start)
    if (const size_t colon = uri.find(':', start); colon != std::string::npos && colon < at)
      out.replace(colon + 1, at - colon - 1, "***");
  if (const size_t q = out.find('?'); q != std::string::npos)
    for (size_t p = out.find("password=", q); p != std::string::npos; p = out.find("password=", p + 1)) {
      const size_t v = p + 9, e = std::min(out.find('&', v), out.size());
      out.replace(v, e - v, "***");
    }
  return out;
}

std::string Location::Display() const { return postgres() ? RedactPgUri(target) : target; }

std::string Location::Flag() const { return (postgres() ? "--pg " : "--db ") + Display(); }

Status ParseLocation(const std::string& db, const std::string& pg, const std::string& engines_dir, Location* out) {
  if (db.empty() == pg.empty())
    return Status::Invalid("--db", db.empty() ? "give the store: --db FILE (SQLite) or --pg URI (PostgreSQL)"
                                              : "--db and --pg both given: give one store, not two");
  Location l;
  if (!db.empty()) {
    l.kind = Location::Kind::sqlite;
    l.target = db;
    l.base = db;
  } else {
    if (!IsUri(pg) && pg.find('=') == std::string::npos)
      return Status::Invalid("--pg", "not a PostgreSQL URI (postgresql://...) or key=value string: " + RedactPgUri(pg));
    l.kind = Location::Kind::postgres;
    l.target = pg;
    // A database's local files go in the current directory under its name, so
    // that two databases served from one directory keep apart (the change
    // log's db_id refuses another database's snapshot in any case).
    std::string name = PgDatabaseName(pg);
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
    if (name.empty() || name.front() == '.') name = "pg-" + name;
    l.base = name;
  }
  l.engines_dir = engines_dir.empty() ? l.base + ".engines" : engines_dir;
  *out = std::move(l);
  return Status::Ok();
}

Status OpenStore(const Location& where, std::unique_ptr<Store>* out) {
  if (where.postgres()) return OpenPgStore(where.target, PgOptions{}, out);
  if (where.target.find('/') != std::string::npos) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(where.target).parent_path(), ec);
  }
  return OpenSqliteStore(where.target, out);
}

Status CheckSqliteDatabase(const std::string& path, int* version) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Status::Invalid("--from-db", "no such file: " + path);
  Db db;
  if (Status st = Db::Open(path, &db, /*create=*/false, /*read_only=*/true); !st.ok())
    return Status::Invalid("--from-db", path + " is not an SQLite database (" + st.message() + ")");
  Stmt s;
  if (Status st = db.Prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('person','event','audit_log')", &s);
      !st.ok() || !s.Step())
    return Status::Invalid("--from-db", path + " is not an SQLite database" + (st.ok() ? "" : " (" + st.message() + ")"));
  const int64_t tables = s.Int(0);
  const int v = SchemaVersion(db);
  if (v <= 0 || tables < 3) return Status::Invalid("--from-db", path + " is not an under5 database (no registry tables)");
  if (v > LatestSchemaVersion())
    return Status::Invalid("--from-db", path + " has schema version " + std::to_string(v) + ", newer than this program's " +
                                            std::to_string(LatestSchemaVersion()) + ": copy it with a newer under5");
  *version = v;
  return Status::Ok();
}

Status Migrate(const Location& where, int to_version, int* now) {
  if (where.postgres()) return MigratePg(where.target, to_version, now);
  if (to_version > LatestSchemaVersion())
    return Status::Invalid("--to", "the latest schema version is " + std::to_string(LatestSchemaVersion()) + ", not " +
                                       std::to_string(to_version));
  return MigrateSqliteFile(where.target, to_version, now);
}

}  // namespace u5::store
