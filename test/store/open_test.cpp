// Opening a store from the CLI's flags: exactly one of --db and --pg, the
// database name and local file names of a PostgreSQL URI, passwords kept out
// of messages, and the check of a file before a copy opens it.
#include <gtest/gtest.h>

#include "store/open.h"
#include "store/sqlite.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::test {
namespace {

using store::Location;

TEST(Location, ExactlyOneStore) {
  Location l;
  Status none = store::ParseLocation("", "", "", &l);
  EXPECT_EQ(none.code(), Code::invalid);
  EXPECT_NE(none.message().find("--pg"), std::string::npos) << none.message();
  EXPECT_EQ(store::ParseLocation("a.db", "postgresql:///x", "", &l).code(), Code::invalid);
  Status bad = store::ParseLocation("", "under5", "", &l);
  EXPECT_EQ(bad.code(), Code::invalid);
  EXPECT_EQ(bad.field(), "--pg");
}

TEST(Location, SqliteFilesBesideTheDatabase) {
  Location l;
  ASSERT_TRUE(store::ParseLocation("var/commune.db", "", "", &l).ok());
  EXPECT_FALSE(l.postgres());
  EXPECT_EQ(l.engines_dir, "var/commune.db.engines");
  EXPECT_EQ(l.Beside(".public"), "var/commune.db.public");
  EXPECT_EQ(l.Flag(), "--db var/commune.db");
  ASSERT_TRUE(store::ParseLocation("var/commune.db", "", "/srv/snap", &l).ok());
  EXPECT_EQ(l.engines_dir, "/srv/snap");
}

TEST(Location, PostgresFilesNamedAfterTheDatabase) {
  Location l;
  ASSERT_TRUE(store::ParseLocation("", "postgresql://under5:s3cret@db1:5432/laichau?sslmode=require", "", &l).ok());
  EXPECT_TRUE(l.postgres());
  EXPECT_EQ(l.base, "laichau");
  EXPECT_EQ(l.engines_dir, "laichau.engines");
  EXPECT_EQ(l.Beside(".audit-key"), "laichau.audit-key");
  EXPECT_EQ(l.Display(), "postgresql://under5:***@db1:5432/laichau?sslmode=require");
  EXPECT_EQ(l.Flag().find("s3cret"), std::string::npos);
  // Two databases on one server keep apart; a name that is no file name is made one.
  ASSERT_TRUE(store::ParseLocation("", "postgresql://db1/dienbien", "", &l).ok());
  EXPECT_EQ(l.engines_dir, "dienbien.engines");
  ASSERT_TRUE(store::ParseLocation("", "postgresql:///../x?host=/run/pg", "", &l).ok());
  EXPECT_EQ(l.base.find('/'), std::string::npos) << l.base;
}

TEST(Location, DatabaseNameOfEveryUriForm) {
  EXPECT_EQ(store::PgDatabaseName("postgresql://h/u5"), "u5");
  EXPECT_EQ(store::PgDatabaseName("postgres://h:5432/u5%20prov"), "u5 prov");
  EXPECT_EQ(store::PgDatabaseName("postgresql:///u5?host=/tmp/pg"), "u5");
  EXPECT_EQ(store::PgDatabaseName("postgresql:///?host=/tmp/pg&dbname=t_123"), "t_123");
  EXPECT_EQ(store::PgDatabaseName("postgresql://h1:5432,h2:5432/u5?target_session_attrs=read-write"), "u5");
  EXPECT_EQ(store::PgDatabaseName("postgresql://anna@h"), "anna");  // libpq's default: the user's name
  EXPECT_EQ(store::PgDatabaseName("host=/tmp/pg dbname=u5 user=anna"), "u5");
  EXPECT_EQ(store::PgDatabaseName("host=/tmp/pg user=anna"), "anna");
}

TEST(Location, PasswordsAreRedacted) {
  EXPECT_EQ(store::RedactPgUri("postgresql://u:pw@h/d"), "postgresql://u:***@h/d");
  EXPECT_EQ(store::RedactPgUri("postgresql://h/d?user=u&password=pw&sslmode=require"),
            "postgresql://h/d?user=u&password=***&sslmode=require");
  EXPECT_EQ(store::RedactPgUri("host=h dbname=d password=pw"), "host=h dbname=d password=***");
  EXPECT_EQ(store::RedactPgUri("postgresql://u@h/d"), "postgresql://u@h/d");
}

TEST(CheckSqliteDatabase, RefusesWhatIsNotAnUnder5DatabaseOfAKnownSchema) {
  TempDir dir;
  int v = 0;
  EXPECT_EQ(store::CheckSqliteDatabase(dir.File("missing.db"), &v).code(), Code::invalid);
  WriteFile(dir.File("notes.txt"), "Không phải cơ sở dữ liệu, just a text file that is long enough to have a header\n");
  Status text = store::CheckSqliteDatabase(dir.File("notes.txt"), &v);
  EXPECT_EQ(text.code(), Code::invalid);
  EXPECT_NE(text.message().find("not an SQLite database"), std::string::npos) << text.message();
  {
    store::Db other;
    ASSERT_TRUE(store::Db::Open(dir.File("other.db"), &other).ok());
    ASSERT_TRUE(other.Exec("CREATE TABLE t(x)").ok());
  }
  Status other = store::CheckSqliteDatabase(dir.File("other.db"), &v);
  EXPECT_EQ(other.code(), Code::invalid);
  EXPECT_NE(other.message().find("not an under5 database"), std::string::npos) << other.message();
  int now = 0;
  ASSERT_TRUE(store::MigrateSqliteFile(dir.File("u5.db"), -1, &now).ok());
  ASSERT_TRUE(store::CheckSqliteDatabase(dir.File("u5.db"), &v).ok());
  EXPECT_EQ(v, now);
  Exec(dir.File("u5.db"), "PRAGMA user_version=" + std::to_string(now + 50));
  Status newer = store::CheckSqliteDatabase(dir.File("u5.db"), &v);
  EXPECT_EQ(newer.code(), Code::invalid);
  EXPECT_NE(newer.message().find("newer"), std::string::npos) << newer.message();
}

}  // namespace
}  // namespace u5::test
