// Tests of the Store interface run on both stores: TEST_P over a StoreTest
// fixture, instantiated with kStoreKinds and named by StoreKindName, so each
// test is there twice, ending /sqlite and /postgres (the latter needs the
// ctest fixture `pg`, a private cluster, and fails without it).
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/orgunit_writer.h"
#include "store/store.h"
#include "support/pg_database.h"
#include "support/temp_dir.h"

namespace u5::test {

enum class StoreKind { sqlite, postgres };
inline const auto kStoreKinds = ::testing::Values(StoreKind::sqlite, StoreKind::postgres);
std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info);

// The mini org unit tree of sqlite_probe.h (VN > 12 > 03390 > tyt:03390,
// 12 > 03394, VN > 01 > 00004) written through the store, on either kind.
void SeedMiniOrgUnits(store::Store& s);
// Its rows, for a test that adds units of its own before the one load.
store::OrgUnitSet MiniOrgUnits();

// Opens a fresh, empty (migrated) store of the kind under test.
class StoreTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override;
  store::Store& store() { return *store_; }
  // Another fresh, empty store of the same kind (its own file or database).
  std::unique_ptr<store::Store> OpenEmpty();
  // Runs `sql` on store()'s database beside the store (raw SQLite or libpq):
  // whether it succeeded. For what the schema itself must refuse.
  bool RawSqlSucceeds(const std::string& sql);

 private:
  TempDir dir_;
  std::vector<std::unique_ptr<TestPgDatabase>> databases_;
  std::unique_ptr<store::Store> store_;
  int opened_ = 0;
};

}  // namespace u5::test
