#include "support/orgunit_store.h"

#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "orgunit/load.h"
#include "store/pg_store.h"
#include "store/sqlite.h"
#include "support/sqlite_probe.h"

namespace u5::test {
namespace {

void Check(const Status& st) {
  if (!st.ok()) throw std::runtime_error(st.ToString());
}

// SQLite: one template file per test process, removed when the process exits.
const std::string& SqliteTemplate() {
  static std::string path;
  static std::once_flag once;
  static std::unique_ptr<TempDir> dir;
  std::call_once(once, [] {
    dir = std::make_unique<TempDir>();
    path = dir->File("template.db");
    std::unique_ptr<store::Store> s;
    Check(store::OpenSqliteStore(path, &s));
    Check(orgunit::LoadOrgUnits(*s, U5_DATA_DIR));
    // Everything in the main file, so that a copy of the file alone is whole.
    store::Db db;
    Check(store::Db::Open(path, &db));
    Check(db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  });
  return path;
}

const std::string& PgTemplate() {
  static std::string name;
  static std::once_flag once;
  std::call_once(once, [] {
    name = TestPgTemplate("orgunits", [](const std::string& uri) {
      std::unique_ptr<store::Store> s;
      Check(store::OpenPgStore(uri, store::PgOptions{}, &s));
      Check(orgunit::LoadOrgUnits(*s, U5_DATA_DIR));
      // This thread's connection would otherwise outlive the store and keep the template from being copied.
      s->ReleaseConnection();
    });
  });
  return name;
}

}  // namespace

std::string OrgUnitPgTemplate() { return PgTemplate(); }

OrgUnitStore::OrgUnitStore(StoreKind kind) : kind_(kind) {
  if (kind == StoreKind::sqlite) {
    db_path_ = dir_.File("u5.db");
    std::filesystem::copy_file(SqliteTemplate(), db_path_);
    Check(store::OpenSqliteStore(db_path_, &store_));
  } else {
    pg_ = std::make_unique<TestPgDatabase>(PgTemplate());
    Check(store::OpenPgStore(pg_->uri(), store::PgOptions{}, &store_));
  }
}

// The store's connections go before its database.
OrgUnitStore::~OrgUnitStore() { store_.reset(); }

void OrgUnitStore::Exec(const std::string& sql) const { pg_ ? pg_->Exec(sql) : test::Exec(db_path_, sql); }
std::string OrgUnitStore::QueryOne(const std::string& sql) const {
  return pg_ ? pg_->QueryOne(sql) : test::QueryOne(db_path_, sql);
}
int64_t OrgUnitStore::QueryInt(const std::string& sql) const {
  return pg_ ? pg_->QueryInt(sql) : test::QueryInt(db_path_, sql);
}

void OrgUnitStore::RefuseInserts(const std::string& table) const {
  if (pg_)
    pg_->Exec("CREATE OR REPLACE FUNCTION u5_test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
              "$$BEGIN RAISE EXCEPTION 'refused by the test'; END$$; "
              "CREATE TRIGGER " + table + "_refused BEFORE INSERT ON " + table +
              " FOR EACH ROW EXECUTE FUNCTION u5_test_refuse()");
  else
    test::Exec(db_path_, "CREATE TRIGGER " + table + "_refused BEFORE INSERT ON " + table +
                             " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
}

void OrgUnitStore::AllowInserts(const std::string& table) const {
  Exec("DROP TRIGGER " + table + "_refused" + (pg_ ? " ON " + table : std::string()));
}

}  // namespace u5::test
