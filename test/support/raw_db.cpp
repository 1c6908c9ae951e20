#include "support/raw_db.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "support/pg_database.h"

namespace u5::test {

Rows RawDb::Query(const std::string& sql) const {
  return postgres() ? PgQuery(where_.target, sql) : ::u5::test::Query(where_.target, sql);
}

std::string RawDb::QueryOne(const std::string& sql) const {
  Rows r = Query(sql);
  return r.empty() || r[0].empty() ? "" : r[0][0];
}

int64_t RawDb::QueryInt(const std::string& sql) const { return std::stoll(QueryOne(sql)); }

void RawDb::Exec(const std::string& sql) const {
  if (postgres()) {
    PgQuery(where_.target, sql);
  } else {
    ::u5::test::Exec(where_.target, sql);
  }
}

void RawDb::DropTrigger(const std::string& trigger, const std::string& table) const {
  Exec("DROP TRIGGER " + trigger + (postgres() ? " ON " + table : ""));
}

int64_t RawDb::SizeBytes() const {
  if (postgres()) return QueryInt("SELECT pg_database_size(current_database())");
  return QueryInt("PRAGMA page_count") * QueryInt("PRAGMA page_size");
}

bool RawDb::AwaitOtherSessionsGone() const {
  if (!postgres()) return true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (QueryInt("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") > 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::string RawDb::Inconsistencies() const {
  std::string out;
  if (!postgres()) {
    if (const std::string ic = QueryOne("PRAGMA integrity_check"); ic != "ok") out += "integrity_check: " + ic + "\n";
    if (!Query("PRAGMA foreign_key_check").empty()) out += "foreign_key_check found rows\n";
  }
  if (const int64_t n = QueryInt("SELECT count(*) FROM event e LEFT JOIN person p ON p.id = e.person_id WHERE p.id IS NULL"))
    out += std::to_string(n) + " events without their person\n";
  // PostgreSQL 15 has no IS JSON: the cast throws on the first body that is not JSON.
  const std::string bad_json = postgres()
      ? "SELECT (SELECT count(*) FROM event WHERE body::jsonb IS NULL) + (SELECT count(*) FROM person WHERE body::jsonb IS NULL)"
      : "SELECT (SELECT count(*) FROM event WHERE json_valid(body) = 0) + (SELECT count(*) FROM person WHERE json_valid(body) = 0)";
  if (const int64_t n = QueryInt(bad_json)) out += std::to_string(n) + " bodies that are not JSON\n";
  return out;
}

std::string SqlQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

RegistryState ReadRegistryState(const RawDb& db) {
  // One statement (one connection on PostgreSQL): a table of bad inputs reads it around every case.
  const Rows r = db.Query(
      "SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM event), "
      "(SELECT coalesce(sum(version), 0) FROM person) + (SELECT coalesce(sum(version), 0) FROM event), "
      "(SELECT coalesce(max(updated_at), '') FROM person), (SELECT coalesce(max(updated_at), '') FROM event)");
  RegistryState s;
  s.persons = std::stoll(r[0][0]);
  s.events = std::stoll(r[0][1]);
  s.version_sum = std::stoll(r[0][2]);
  s.last_update = std::max(r[0][3], r[0][4]);
  return s;
}

}  // namespace u5::test
