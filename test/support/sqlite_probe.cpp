#include "support/sqlite_probe.h"

#include <sqlite3.h>

#include <stdexcept>

namespace u5::test {

namespace {

struct Conn {
  sqlite3* db = nullptr;
  explicit Conn(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      std::string msg = db ? sqlite3_errmsg(db) : "open failed";
      sqlite3_close(db);
      throw std::runtime_error("cannot open " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db, 10000);
  }
  ~Conn() { sqlite3_close(db); }
};

}  // namespace

Rows Query(const std::string& db_path, const std::string& sql) {
  Conn c(db_path);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(c.db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error("prepare: " + std::string(sqlite3_errmsg(c.db)) + " in " + sql);
  Rows rows;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      const unsigned char* t = sqlite3_column_text(s, i);
      row.push_back(t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s, i)) : "<null>");
    }
    rows.push_back(std::move(row));
  }
  std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(c.db);
  sqlite3_finalize(s);
  if (!err.empty()) throw std::runtime_error("step: " + err + " in " + sql);
  return rows;
}

std::string QueryOne(const std::string& db_path, const std::string& sql) {
  Rows r = Query(db_path, sql);
  return r.empty() || r[0].empty() ? "" : r[0][0];
}

int64_t QueryInt(const std::string& db_path, const std::string& sql) { return std::stoll(QueryOne(db_path, sql)); }

void Exec(const std::string& db_path, const std::string& sql) {
  Conn c(db_path);
  char* err = nullptr;
  if (sqlite3_exec(c.db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error("exec: " + msg + " in " + sql);
  }
}

RegistryState ReadRegistryState(const std::string& db_path) {
  Rows r = Query(db_path,
                 "SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM event), "
                 "(SELECT coalesce(sum(version),0) FROM person) + (SELECT coalesce(sum(version),0) FROM event), "
                 "max(coalesce((SELECT max(updated_at) FROM person),''), coalesce((SELECT max(updated_at) FROM event),''))");
  RegistryState s;
  s.persons = std::stoll(r[0][0]);
  s.events = std::stoll(r[0][1]);
  s.version_sum = std::stoll(r[0][2]);
  s.last_update = r[0][3];
  return s;
}

std::string ToString(const RegistryState& s) {
  return "persons=" + std::to_string(s.persons) + " events=" + std::to_string(s.events) +
         " version_sum=" + std::to_string(s.version_sum) + " last_update=" + s.last_update;
}

}  // namespace u5::test

namespace u5::test {

std::string MiniOrgUnitsSql() {
  struct Unit { const char *id, *scheme, *kind, *parent; };
  const Unit units[] = {{"VN", "root", "country", nullptr},       {"12", "vn2025", "province", "VN"},
                        {"03390", "vn2025", "commune", "12"},     {"tyt:03390", "facility", "facility", "03390"},
                        {"03394", "vn2025", "commune", "12"},     {"01", "vn2025", "province", "VN"},
                        {"00004", "vn2025", "commune", "01"}};
  std::string sql = "BEGIN;";
  for (const Unit& u : units) {
    sql += std::string("INSERT INTO orgunit(id, code, scheme, kind, name, parent_id) VALUES ('") + u.id + "','" + u.id +
           "','" + u.scheme + "','" + u.kind + "','unit " + u.id + "'," + (u.parent ? "'" + std::string(u.parent) + "'" : "NULL") + ");";
  }
  // Closure: every unit with each of its ancestors (itself at depth 0).
  for (const Unit& u : units) {
    int depth = 0;
    for (const char* a = u.id; a; ++depth) {
      sql += std::string("INSERT INTO orgunit_closure VALUES ('") + a + "','" + u.id + "'," + std::to_string(depth) + ");";
      const char* parent = nullptr;
      for (const Unit& p : units)
        if (std::string(p.id) == a) parent = p.parent;
      a = parent;
    }
  }
  sql += "COMMIT;";
  return sql;
}

void SeedMiniOrgUnits(const std::string& db_path) { Exec(db_path, MiniOrgUnitsSql()); }

}  // namespace u5::test
