// Every command names its store with exactly one of --db and --pg: the same
// commands on either store, and a clear error (exit code 2, both flags
// named) for none or both.
#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/pg_migrations.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

std::vector<std::string> With(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

struct StoreFlags : ::testing::TestWithParam<StoreKind> {
  TempDir dir;
  std::unique_ptr<TestStoreLocation> where;
  void SetUp() override { where = std::make_unique<TestStoreLocation>(GetParam(), dir.path()); }
};

TEST_P(StoreFlags, MigrateThenTheSameCommandsOnEitherStore) {
  RunResult up = RunUnder5(With({"migrate"}, where->StoreArgs()));
  ASSERT_EQ(up.exit_code, 0) << up.err;
  // PostgreSQL has versions of its own besides SQLite's (docs/postgres.md).
  const int version = GetParam() == StoreKind::postgres ? store::PgMigrations().back().version
                                                        : store::Migrations().back().version;
  const std::string latest = "schema version " + std::to_string(version);
  EXPECT_NE(up.err.find(latest), std::string::npos) << up.err;
  AddUser(where->StoreArgs(), "po1", "mat-khau-2030", "province_officer", "12");
  RunResult ind = RunUnder5(With({"indicators", "--orgunit", "12", "--period", "2026", "--format", "json"}, where->StoreArgs()));
  EXPECT_EQ(ind.exit_code, 0) << ind.err;
  EXPECT_NE(ind.out.find("neonatal_mortality_rate"), std::string::npos) << ind.out.substr(0, 300);
  RunResult verify = RunUnder5(With({"audit", "verify"}, where->StoreArgs()));
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.err.find("audit verify ok"), std::string::npos) << verify.err;
}

// A version outside the store's range is refused, naming --to, and nothing is migrated.
TEST_P(StoreFlags, MigrateToAVersionTheStoreHasNotIsRefused) {
  const bool pg = GetParam() == StoreKind::postgres;
  const int latest = pg ? store::PgMigrations().back().version : store::Migrations().back().version;
  std::vector<std::string> bad = {std::to_string(latest + 1)};
  if (pg) bad.push_back(std::to_string(store::PgMigrations().front().version - 1));  // below the baseline
  for (const std::string& to : bad) {
    SCOPED_TRACE(to);
    RunResult r = RunUnder5(With({"migrate", "--to", to}, where->StoreArgs()));
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("--to"), std::string::npos) << r.err;
  }
  RunResult up = RunUnder5(With({"migrate"}, where->StoreArgs()));
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.err.find("schema version " + std::to_string(latest)), std::string::npos) << up.err;
}

// Before any store is opened, so one store kind is enough.
TEST(StoreFlagsCli, NoneOrBothIsAnErrorNamingTheFlags) {
  TempDir dir;
  for (const std::string& cmd : {"indicators", "migrate", "serve", "export"}) {
    SCOPED_TRACE(cmd);
    RunResult none = RunUnder5({cmd, "--orgunit", "12", "--period", "2026"});
    if (cmd != "indicators") none = RunUnder5({cmd});
    EXPECT_EQ(none.exit_code, 2) << none.err;
    EXPECT_NE(none.err.find("--db FILE"), std::string::npos) << none.err;
    EXPECT_NE(none.err.find("--pg URI"), std::string::npos) << none.err;
  }
  RunResult both = RunUnder5(With({"export", "--db", dir.File("x.db")}, {"--pg", "postgresql:///x"}));
  EXPECT_EQ(both.exit_code, 2) << both.err;
  EXPECT_NE(both.err.find("--db and --pg both given"), std::string::npos) << both.err;
}

U5_ON_BOTH_STORES(StoreFlags);

}  // namespace
}  // namespace u5::test
