// The libpq wrapper (store/pg.h) on a fresh database of the test cluster.
#include <gtest/gtest.h>

#include <thread>

#include "store/pg.h"
#include "support/pg_database.h"

namespace u5::store::pg {
namespace {

Conn Open(const test::TestPgDatabase& db) {
  Conn c;
  Status st = Conn::Open(db.uri(), &c);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return c;
}

TEST(Pg, ParamsResultsAndNulls) {
  test::TestPgDatabase db;
  Conn c = Open(db);
  ASSERT_TRUE(c.Exec("CREATE TABLE t(id TEXT PRIMARY KEY, n BIGINT, x DOUBLE PRECISION, s TEXT)").ok());
  int64_t affected = 0;
  ASSERT_TRUE(c.Run("INSERT INTO t VALUES ($1, $2, $3, $4)", {"a", int64_t{1} << 40, 0.1, std::optional<std::string>()},
                    &affected).ok());
  EXPECT_EQ(affected, 1);
  // The same text again uses the statement prepared the first time.
  ASSERT_TRUE(c.Run("INSERT INTO t VALUES ($1, $2, $3, $4)", {"b", 2, 2.5, std::string("tiếng Việt\ttab")}).ok());
  Result r;
  ASSERT_TRUE(c.Query("SELECT id, n, x, s FROM t ORDER BY id", {}, &r).ok());
  ASSERT_EQ(r.rows(), 2);
  EXPECT_EQ(r.Text(0, 0), "a");
  EXPECT_EQ(r.Int(0, 1), int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(r.Real(0, 2), 0.1);
  EXPECT_TRUE(r.IsNull(0, 3));
  EXPECT_FALSE(r.OptText(0, 3).has_value());
  EXPECT_EQ(r.OptText(1, 3), std::optional<std::string>("tiếng Việt\ttab"));
  ASSERT_TRUE(c.Run("UPDATE t SET n = n + 1", {}, &affected).ok());
  EXPECT_EQ(affected, 2);
  EXPECT_EQ(c.Exec("NOT SQL").code(), Code::internal);
}

TEST(Pg, ConstraintErrorsReadAsSqlites) {
  test::TestPgDatabase db;
  Conn c = Open(db);
  ASSERT_TRUE(c.Exec("CREATE TABLE p(id TEXT PRIMARY KEY); CREATE TABLE e(id TEXT PRIMARY KEY, p TEXT REFERENCES p(id),"
                     " k TEXT CHECK (k IN ('a','b')))").ok());
  ASSERT_TRUE(c.Run("INSERT INTO p VALUES ($1)", {"x"}).ok());
  Status dup = c.Run("INSERT INTO p VALUES ($1)", {"x"});
  EXPECT_EQ(dup.code(), Code::conflict);
  EXPECT_NE(dup.message().find("UNIQUE constraint failed: p.p_pkey"), std::string::npos) << dup.message();
  EXPECT_FALSE(Retryable(dup));
  Status fk = c.Run("INSERT INTO e VALUES ($1, $2, $3)", {"e1", "nobody", "a"});
  EXPECT_EQ(fk.code(), Code::conflict);
  EXPECT_NE(fk.message().find("FOREIGN KEY constraint failed"), std::string::npos) << fk.message();
  Status check = c.Run("INSERT INTO e VALUES ($1, $2, $3)", {"e1", "x", "z"});
  EXPECT_NE(check.message().find("CHECK constraint failed"), std::string::npos) << check.message();
}

TEST(Pg, TxRollsBackUnlessCommittedAndAbortedTxDoesNotCommit) {
  test::TestPgDatabase db;
  Conn c = Open(db);
  ASSERT_TRUE(c.Exec("CREATE TABLE t(x BIGINT PRIMARY KEY)").ok());
  {
    Tx tx(c);
    ASSERT_TRUE(tx.status().ok());
    ASSERT_TRUE(c.Run("INSERT INTO t VALUES ($1)", {1}).ok());
  }
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM t"), 0);
  {
    Tx tx(c);
    ASSERT_TRUE(c.Run("INSERT INTO t VALUES ($1)", {1}).ok());
    // A nested Tx is part of the outer one: its Commit ends nothing.
    {
      Tx inner(c);
      ASSERT_TRUE(c.Run("INSERT INTO t VALUES ($1)", {2}).ok());
      ASSERT_TRUE(inner.Commit().ok());
    }
    EXPECT_TRUE(c.in_transaction());
    ASSERT_TRUE(tx.Commit().ok());
  }
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM t"), 2);
  {
    Tx tx(c);
    ASSERT_TRUE(c.Run("INSERT INTO t VALUES ($1)", {3}).ok());
    EXPECT_FALSE(c.Run("INSERT INTO t VALUES ($1)", {3}).ok());
    // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK, no error: Commit must not say Ok.
    EXPECT_FALSE(tx.Commit().ok());
  }
  EXPECT_FALSE(c.in_transaction());
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM t"), 2);
}

TEST(Pg, ReadTxIsOneSnapshot) {
  test::TestPgDatabase db;
  Conn reader = Open(db), writer = Open(db);
  ASSERT_TRUE(writer.Exec("CREATE TABLE t(x BIGINT); INSERT INTO t VALUES (1)").ok());
  Result r;
  {
    ReadTx snap(reader);
    ASSERT_TRUE(snap.status().ok());
    ASSERT_TRUE(reader.Query("SELECT count(*) FROM t", {}, &r).ok());
    EXPECT_EQ(r.Int(0, 0), 1);
    ASSERT_TRUE(writer.Exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(reader.Query("SELECT count(*) FROM t", {}, &r).ok());
    EXPECT_EQ(r.Int(0, 0), 1);
    EXPECT_FALSE(reader.Exec("INSERT INTO t VALUES (3)").ok());  // read only
  }
  ASSERT_TRUE(reader.Query("SELECT count(*) FROM t", {}, &r).ok());
  EXPECT_EQ(r.Int(0, 0), 2);
}

TEST(Pg, CopyStreamsRowsWithEscapesAllOrNothing) {
  test::TestPgDatabase db;
  Conn c = Open(db);
  ASSERT_TRUE(c.Exec("CREATE TABLE t(id BIGINT PRIMARY KEY, s TEXT)").ok());
  const std::string odd = "back\\slash\ttab\nnew line\r ờ";
  {
    Tx tx(c);
    ASSERT_TRUE(c.CopyBegin("COPY t(id, s) FROM STDIN").ok());
    for (int i = 0; i < 5000; ++i) {  // more than one 64 KiB buffer
      std::string line = std::to_string(i) + "\t";
      if (i == 7) Conn::AppendCopyNull(&line);
      else Conn::AppendCopyField(&line, odd + std::to_string(i) + std::string(20, 'x'));
      line.push_back('\n');
      ASSERT_TRUE(c.CopyData(line).ok());
    }
    int64_t rows = 0;
    ASSERT_TRUE(c.CopyEnd(&rows).ok());
    EXPECT_EQ(rows, 5000);
    ASSERT_TRUE(tx.Commit().ok());
  }
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM t"), 5000);
  EXPECT_EQ(db.QueryOne("SELECT s FROM t WHERE id = 3"), odd + "3" + std::string(20, 'x'));
  EXPECT_EQ(db.QueryOne("SELECT s FROM t WHERE id = 7"), "<null>");
  {
    Tx tx(c);
    ASSERT_TRUE(c.CopyBegin("COPY t(id, s) FROM STDIN").ok());
    ASSERT_TRUE(c.CopyData("9000\tnew\n1\tduplicate\n").ok());
    Status st = c.CopyEnd();
    EXPECT_EQ(st.code(), Code::conflict) << st.ToString();
  }
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM t"), 5000);
}

TEST(Pg, SerializationFailureIsRetryable) {
  test::TestPgDatabase db;
  Conn a = Open(db), b = Open(db);
  ASSERT_TRUE(a.Exec("CREATE TABLE t(id BIGINT PRIMARY KEY, n BIGINT); INSERT INTO t VALUES (1, 0)").ok());
  Tx ta(a, "BEGIN ISOLATION LEVEL REPEATABLE READ");
  ASSERT_TRUE(a.Exec("SELECT * FROM t").ok());  // takes the snapshot
  ASSERT_TRUE(b.Exec("UPDATE t SET n = 1").ok());
  Status st = a.Exec("UPDATE t SET n = 2");
  EXPECT_TRUE(Retryable(st)) << st.ToString();
}

TEST(Pg, LostConnectionIsInternalOutsideATxAndRetryableInside) {
  test::TestPgDatabase db;
  Conn c = Open(db), admin = Open(db);
  ASSERT_TRUE(c.Exec("CREATE TABLE t(x BIGINT)").ok());
  auto kill = [&] {
    Result pid;
    ASSERT_TRUE(c.Query("SELECT pg_backend_pid()", {}, &pid).ok());
    ASSERT_TRUE(admin.Run("SELECT pg_terminate_backend($1::int)", {pid.Text(0, 0)}).ok());
  };
  kill();
  Status st = c.Exec("SELECT 1");
  EXPECT_EQ(st.code(), Code::internal) << st.ToString();
  EXPECT_NE(st.message().find("lost"), std::string::npos) << st.message();
  EXPECT_FALSE(c.alive());

  c = Open(db);
  {
    Tx tx(c);
    ASSERT_TRUE(c.Run("INSERT INTO t VALUES ($1)", {1}).ok());
    kill();
    Status commit = tx.Commit();
    EXPECT_TRUE(Retryable(commit)) << commit.ToString();
  }
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM t"), 0);
}

TEST(Pg, WithDatabaseKeepsTheOtherOptions) {
  std::string out;
  ASSERT_TRUE(WithDatabase("postgresql:///postgres?host=/tmp/a b&user=u5&target_session_attrs=read-write", "db 1", &out).ok());
  EXPECT_EQ(out, "postgresql:///db%201?user=u5&host=/tmp/a%20b&target_session_attrs=read-write");
  EXPECT_EQ(WithDatabase("postgresql://[bad", "x", &out).code(), Code::invalid);
  EXPECT_EQ(QuoteIdent("a\"b"), "\"a\"\"b\"");
}

}  // namespace
}  // namespace u5::store::pg
