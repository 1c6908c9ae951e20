// A fresh store of either kind that already holds every org unit of Vietnam
// (orgunit::LoadOrgUnits), for tests that need the real tree. Loading it takes
// seconds, so it is loaded once into a template and copied for each store:
// SQLite, a template file per test process; PostgreSQL, a template database
// per run of the test cluster, shared by every test process of a ctest run.
#pragma once
#include <memory>
#include <string>

#include "store/store.h"
#include "support/pg_database.h"
#include "support/store_kind.h"
#include "support/temp_dir.h"

namespace u5::test {

class OrgUnitStore {
 public:
  // Throws when the store cannot be made (no test cluster, a load error).
  explicit OrgUnitStore(StoreKind kind);
  ~OrgUnitStore();
  OrgUnitStore(const OrgUnitStore&) = delete;
  OrgUnitStore& operator=(const OrgUnitStore&) = delete;

  StoreKind kind() const { return kind_; }
  store::Store& store() { return *store_; }
  // A private folder for the local files a test keeps beside the store (engine snapshots).
  const TempDir& dir() const { return dir_; }
  // Raw SQL beside the store, on its file or database; for what only the
  // database shows (the dialects differ: callers write each kind's text).
  void Exec(const std::string& sql) const;
  std::string QueryOne(const std::string& sql) const;
  int64_t QueryInt(const std::string& sql) const;
  // A trigger (in the store's dialect) that makes every insert into `table`
  // fail, to show that a write whose audit entry cannot be stored leaves nothing; and its removal.
  void RefuseInserts(const std::string& table) const;
  void AllowInserts(const std::string& table) const;

 private:
  StoreKind kind_;
  TempDir dir_;
  std::string db_path_;
  std::unique_ptr<TestPgDatabase> pg_;
  std::unique_ptr<store::Store> store_;
};

// The name of the template database on the test cluster that OrgUnitStore
// copies (migrated, every org unit loaded): for a test whose commands fill a
// PostgreSQL database of their own and would otherwise load the units each time.
std::string OrgUnitPgTemplate();

}  // namespace u5::test
