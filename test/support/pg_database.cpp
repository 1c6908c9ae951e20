#include "support/pg_database.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace u5::test {
namespace {

using PgConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

PgConnPtr Connect(const std::string& uri) {
  PgConnPtr c(PQconnectdb(uri.c_str()), &PQfinish);
  if (!c || PQstatus(c.get()) != CONNECTION_OK)
    throw std::runtime_error("cannot connect to the test PostgreSQL cluster (" + uri +
                             "): " + (c ? PQerrorMessage(c.get()) : "out of memory"));
  PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
  return c;
}

Rows Run(const std::string& uri, const std::string& sql) {
  PgConnPtr c = Connect(uri);
  PgResultPtr r(PQexec(c.get(), sql.c_str()), &PQclear);
  const ExecStatusType st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw std::runtime_error("postgres: " + std::string(PQresultErrorMessage(r.get())) + " in: " + sql);
  Rows rows;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    rows.emplace_back();
    for (int j = 0; j < PQnfields(r.get()); ++j)
      rows.back().push_back(PQgetisnull(r.get(), i, j) ? "<null>" : PQgetvalue(r.get(), i, j));
  }
  return rows;
}

// `uri` naming another database: the cluster's options with dbname replaced.
std::string WithDb(const std::string& uri, const std::string& name) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(uri.c_str(), &err);
  if (!opts) {
    std::string msg = err ? err : "?";
    PQfreemem(err);
    throw std::runtime_error("bad PostgreSQL URI " + uri + ": " + msg);
  }
  std::string out = "postgresql:///" + name;
  char sep = '?';
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val || !*o->val || std::string(o->keyword) == "dbname") continue;
    out += sep + std::string(o->keyword) + "=" + o->val;
    sep = '&';
  }
  PQconninfoFree(opts);
  return out;
}

}  // namespace

std::string TestPgClusterUri() {
  if (const char* env = std::getenv("U5_TEST_PG"); env && *env) return env;
  std::ifstream in(U5_PG_URI_FILE);
  std::string uri;
  if (!in || !std::getline(in, uri) || uri.empty())
    throw std::runtime_error(std::string("no PostgreSQL test cluster: set U5_TEST_PG or run the ctest fixture "
                                         "pg_cluster_start (it writes ") + U5_PG_URI_FILE + ")");
  return uri;
}

TestPgDatabase::TestPgDatabase() : TestPgDatabase("template0") {}

TestPgDatabase::TestPgDatabase(const std::string& template_db) : cluster_uri_(TestPgClusterUri()) {
  static std::atomic<int> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  name_ = "u5t_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(now % 1000000007);
  Run(cluster_uri_, "CREATE DATABASE " + name_ + " TEMPLATE " + template_db + " ENCODING 'UTF8'");
  uri_ = WithDb(cluster_uri_, name_);
}

std::string TestPgTemplate(const std::string& key, const std::function<void(const std::string& uri)>& build) {
  const std::string cluster = TestPgClusterUri();
  // Held for the whole build: a session lock, released when the connection closes (also when the process dies).
  PgConnPtr lock = Connect(cluster);
  auto exec = [&](const std::string& sql) {
    PgResultPtr r(PQexec(lock.get(), sql.c_str()), &PQclear);
    const ExecStatusType st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      throw std::runtime_error("postgres: " + std::string(PQresultErrorMessage(r.get())) + " in: " + sql);
    std::vector<std::string> col;
    for (int i = 0; i < PQntuples(r.get()); ++i) col.push_back(PQgetvalue(r.get(), i, 0));
    return col;
  };
  // Named after the server's start: a cluster kept between ctest runs (the
  // fixture restarts it) gets a new template for a build whose schema or org unit data may have changed.
  const std::string prefix = "u5tpl_" + key + "_";
  const std::string name = prefix + exec("SELECT extract(epoch FROM pg_postmaster_start_time())::bigint")[0];
  exec("SELECT pg_advisory_lock(hashtext('u5 test template " + key + "'))");
  if (!exec("SELECT 1 FROM pg_database WHERE datname = '" + name + "'").empty()) return name;
  // Templates of earlier starts and a build killed half way.
  for (const std::string& old : exec("SELECT datname FROM pg_database WHERE starts_with(datname, '" + prefix + "')"))
    exec("DROP DATABASE " + old + " WITH (FORCE)");
  const std::string building = name + "_b";
  exec("CREATE DATABASE " + building + " TEMPLATE template0 ENCODING 'UTF8'");
  try {
    build(WithDb(cluster, building));
    // A closed connection's server process may still be ending; neither a
    // rename nor a copy may start while one is there.
    for (int i = 0; !exec("SELECT pid FROM pg_stat_activity WHERE datname = '" + building + "'").empty(); ++i) {
      if (i == 100) throw std::runtime_error("connections to " + building + " stay open after its build");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // Only a finished build gets the name that others copy.
    exec("ALTER DATABASE " + building + " RENAME TO " + name);
  } catch (...) {
    exec("DROP DATABASE IF EXISTS " + building + " WITH (FORCE)");
    throw;
  }
  return name;
}

TestPgDatabase::~TestPgDatabase() {
  // FORCE: a store's connections on other threads may still be open.
  try {
    Run(cluster_uri_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // A test that lost the cluster has already failed; the cluster is dropped with its folder.
  }
}

void TestPgDatabase::Exec(const std::string& sql) const { Run(uri_, sql); }
Rows TestPgDatabase::Query(const std::string& sql) const { return Run(uri_, sql); }

std::string TestPgDatabase::QueryOne(const std::string& sql) const {
  Rows rows = Query(sql);
  if (rows.empty() || rows[0].empty()) throw std::runtime_error("no row: " + sql);
  return rows[0][0];
}

int64_t TestPgDatabase::QueryInt(const std::string& sql) const { return std::stoll(QueryOne(sql)); }

void SeedMiniOrgUnits(const TestPgDatabase& db) { db.Exec(MiniOrgUnitsSql()); }

Rows PgQuery(const std::string& uri, const std::string& sql) { return Run(uri, sql); }

}  // namespace u5::test
