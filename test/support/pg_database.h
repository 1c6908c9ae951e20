// A fresh PostgreSQL database per test on the test cluster (scripts/pg-cluster,
// started by the ctest fixture "pg"), dropped afterwards, so tests never share
// one. Raw libpq, independent of the store code under test, to see what was
// really written.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "support/sqlite_probe.h"

namespace u5::test {

// The cluster's URI: env U5_TEST_PG, else the file the fixture wrote
// (build/pg-cluster.uri). Throws when neither is there: a test that needs
// PostgreSQL fails without it, never skips.
std::string TestPgClusterUri();

class TestPgDatabase {
 public:
  // Creates a database with a unique name; throws (failing the test) when the cluster is unreachable.
  TestPgDatabase();
  // A copy of the database `template_db` (one TestPgTemplate made).
  explicit TestPgDatabase(const std::string& template_db);
  ~TestPgDatabase();
  TestPgDatabase(const TestPgDatabase&) = delete;
  TestPgDatabase& operator=(const TestPgDatabase&) = delete;
  const std::string& uri() const { return uri_; }
  const std::string& name() const { return name_; }

  // Raw SQL on the database; throw on an SQL error. NULL reads as "<null>".
  void Exec(const std::string& sql) const;
  Rows Query(const std::string& sql) const;
  std::string QueryOne(const std::string& sql) const;
  int64_t QueryInt(const std::string& sql) const;

 private:
  std::string name_, uri_, cluster_uri_;
};

// The name of a database on the test cluster that `build` filled (given its
// URI, closing every connection it opened), to copy with
// TestPgDatabase(template_db). Made once per start of the cluster by the
// first test process that asks, while the others wait (ctest runs several at
// once); `key` ([a-z0-9_]) names what it holds. A build that failed or was
// killed leaves nothing that a later call would take for a template.
std::string TestPgTemplate(const std::string& key, const std::function<void(const std::string& uri)>& build);

// The mini org unit tree of SeedMiniOrgUnits(db_path), on PostgreSQL.
void SeedMiniOrgUnits(const TestPgDatabase& db);

// Raw SQL (one or more statements) on the database `uri` names; the last
// statement's rows. Throws on an SQL error.
Rows PgQuery(const std::string& uri, const std::string& sql);

}  // namespace u5::test
