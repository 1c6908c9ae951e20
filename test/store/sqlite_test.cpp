#include <gtest/gtest.h>

#include "store/schema.h"
#include "store/sqlite.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::store {
namespace {

TEST(Sqlite, OpenSetsPragmasAndTxRollsBack) {
  test::TempDir dir;
  Db db;
  ASSERT_TRUE(Db::Open(dir.File("a.db"), &db).ok());
  EXPECT_EQ(test::QueryOne(dir.File("a.db"), "PRAGMA journal_mode"), "wal");
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x INTEGER PRIMARY KEY)").ok());
  {
    Tx tx(db);
    ASSERT_TRUE(tx.status().ok());
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES (1)").ok());
  }  // no Commit: rolled back
  EXPECT_EQ(test::QueryInt(dir.File("a.db"), "SELECT count(*) FROM t"), 0);
  {
    Tx tx(db);
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  EXPECT_EQ(test::QueryInt(dir.File("a.db"), "SELECT count(*) FROM t"), 1);
  Stmt s;
  ASSERT_TRUE(db.Prepare("INSERT INTO t VALUES (?1)", &s).ok());
  s.Bind(1, 1);
  EXPECT_EQ(s.Run().code(), Code::conflict);
  EXPECT_FALSE(db.Exec("NOT SQL").ok());
}

TEST(Sqlite, MigrateIsIdempotentAndRefusesNewerSchema) {
  test::TempDir dir;
  Db db;
  ASSERT_TRUE(Db::Open(dir.File("a.db"), &db).ok());
  ASSERT_TRUE(Migrate(db, 1).ok());
  EXPECT_EQ(SchemaVersion(db), 1);
  ASSERT_TRUE(Migrate(db).ok());
  EXPECT_EQ(SchemaVersion(db), LatestSchemaVersion());
  ASSERT_TRUE(Migrate(db).ok());
  ASSERT_TRUE(db.Exec("PRAGMA user_version=" + std::to_string(LatestSchemaVersion() + 1)).ok());
  EXPECT_FALSE(Migrate(db).ok());
}

}  // namespace
}  // namespace u5::store
