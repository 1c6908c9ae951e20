// The store tests' fixture, run on each store (TEST_P, names ending /sqlite
// and /postgres): a fresh SQLite file or a fresh PostgreSQL database, opened
// through the Store interface and seeded with the mini org unit tree, and raw
// SQL on it beside the store to see what was really written.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "store/pg_store.h"
#include "store/store.h"
#include "support/pg_database.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::store {

enum class StoreKind { sqlite, postgres };

inline std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param == StoreKind::sqlite ? "sqlite" : "postgres";
}

class EachStoreTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    if (GetParam() == StoreKind::sqlite) {
      Status st = OpenSqliteStore(dir.File("t.db"), &s);
      ASSERT_TRUE(st.ok()) << st.ToString();
      test::SeedMiniOrgUnits(dir.File("t.db"));
    } else {
      pg.emplace();
      Status st = OpenPgStore(pg->uri(), PgOptions{}, &s);
      ASSERT_TRUE(st.ok()) << st.ToString();
      test::SeedMiniOrgUnits(*pg);
    }
  }
  void TearDown() override {
    // The store's connections go before its database.
    s.reset();
  }
  bool postgres() const { return GetParam() == StoreKind::postgres; }
  // Raw SQL beside the store; the same text where both dialects agree.
  void Exec(const std::string& sql) { postgres() ? pg->Exec(sql) : test::Exec(dir.File("t.db"), sql); }
  std::string QueryOne(const std::string& sql) { return postgres() ? pg->QueryOne(sql) : test::QueryOne(dir.File("t.db"), sql); }
  int64_t QueryInt(const std::string& sql) { return postgres() ? pg->QueryInt(sql) : test::QueryInt(dir.File("t.db"), sql); }

  test::TempDir dir;
  std::optional<test::TestPgDatabase> pg;
  std::unique_ptr<Store> s;
};

}  // namespace u5::store
