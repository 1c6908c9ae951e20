// Signed heads of the audit chain (src/audit/signed_heads.h) against an
// attacker who holds the database file: `under5 audit verify` must catch a
// log rewritten and rechained, a log whose newest entries were cut off, a
// deleted heads file, and heads signed with another key. Each command below
// that appends an audit entry (user add, export) signs the head at its end.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "audit/entry.h"
#include "store/sqlite.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/server_process.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::test {
namespace {

// As an attacker with the file would: drop the append-only triggers, change
// entry `seq`, and recompute every hash from there so the chain holds again.
void RewriteAndRechain(const std::string& db_path, int64_t seq) {
  store::Db db;
  ASSERT_TRUE(store::Db::Open(db_path, &db).ok());
  ASSERT_TRUE(db.Exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete").ok());
  ASSERT_TRUE(db.Exec("UPDATE audit_log SET detail='{\"username\":\"nobody\"}' WHERE seq=" + std::to_string(seq)).ok());
  store::Stmt s;
  ASSERT_TRUE(db.Prepare("SELECT seq, at, user_id, username, remote, action, record_type, record_id, orgunit_id, detail, "
                         "prev_hash FROM audit_log WHERE seq >= ?1 ORDER BY seq",
                         &s)
                  .ok());
  s.Bind(1, seq);
  std::vector<audit::Entry> es;
  while (s.Step()) {
    audit::Entry e;
    e.seq = s.Int(0);
    e.at = s.Text(1);
    e.user_id = s.Text(2);
    e.username = s.Text(3);
    e.remote = s.Text(4);
    e.action = s.Text(5);
    e.record_type = s.Text(6);
    e.record_id = s.Text(7);
    e.orgunit_id = s.Text(8);
    e.detail = s.Text(9);
    e.prev_hash = s.Text(10);
    es.push_back(e);
  }
  std::string prev = es.front().prev_hash;
  for (audit::Entry& e : es) {
    e.prev_hash = prev;
    e.hash = audit::ComputeHash(e);
    prev = e.hash;
    store::Stmt u;
    ASSERT_TRUE(db.Prepare("UPDATE audit_log SET detail=?2, prev_hash=?3, hash=?4 WHERE seq=?1", &u).ok());
    u.Bind(1, e.seq).Bind(2, e.detail).Bind(3, e.prev_hash).Bind(4, e.hash);
    ASSERT_TRUE(u.Run().ok());
  }
}

struct AuditHeads : ::testing::Test {
  TempDir dir;
  std::string db = dir.File("u5.db");

  // Five entries (three users added, two exports), each command signing its head.
  void SetUp() override {
    AddUser(db, "cw_a", "mat-khau-2030", "commune_worker", "03390");
    AddUser(db, "cw_b", "mat-khau-2030", "commune_worker", "03394");
    AddUser(db, "prov", "mat-khau-2030", "province_officer", "12");
    for (int i = 0; i < 2; ++i) ASSERT_EQ(RunUnder5({"export", "--db", db, "--out", dir.File("x.jsonl")}).exit_code, 0);
    ASSERT_EQ(QueryInt(db, "SELECT count(*) FROM audit_log"), 5);
  }
  RunResult Verify(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"audit", "verify", "--db", db};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunUnder5(args);
  }
};

TEST_F(AuditHeads, IntactLogVerifiesWithEveryHead) {
  EXPECT_TRUE(std::filesystem::exists(db + ".audit-key"));
  EXPECT_TRUE(std::filesystem::exists(db + ".audit-key.pub"));
  EXPECT_EQ(std::filesystem::status(db + ".audit-key").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("5 entries, chain intact; 5 signed heads verified"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the last at entry 5"), std::string::npos) << r.err;
  // The public key alone is enough to verify.
  std::filesystem::rename(db + ".audit-key.pub", dir.File("elsewhere.pub"));
  std::filesystem::remove(db + ".audit-key");
  RunResult p = Verify({"--audit-pub", dir.File("elsewhere.pub")});
  EXPECT_EQ(p.exit_code, 0) << p.err;
}

TEST_F(AuditHeads, RewrittenAndRechainedLogIsDetected) {
  RewriteAndRechain(db, 3);
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("audit entry 3 no longer matches its signed head"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("entries 3 to 3"), std::string::npos) << r.err;
}

TEST_F(AuditHeads, TruncatedTailIsDetected) {
  Exec(db, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 3");
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("entries 4 to 5 are missing"), std::string::npos) << r.err;
  // A later command signs the shortened log, and the log grows past the cut:
  // the old heads no longer match the new entries at their seqs.
  for (int i = 0; i < 2; ++i) ASSERT_EQ(RunUnder5({"export", "--db", db, "--out", dir.File("x.jsonl")}).exit_code, 0);
  RunResult g = Verify();
  EXPECT_EQ(g.exit_code, 3) << g.err;
  EXPECT_NE(g.err.find("audit entry 4 no longer matches its signed head"), std::string::npos) << g.err;
}

TEST_F(AuditHeads, DeletedOrEmptiedHeadsFileIsDetected) {
  std::filesystem::copy_file(db + ".audit-heads", dir.File("heads.bak"));
  std::filesystem::remove(db + ".audit-heads");
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("no signed heads: " + db + ".audit-heads is missing"), std::string::npos) << r.err;
  WriteFile(db + ".audit-heads", "");
  RunResult e = Verify();
  EXPECT_EQ(e.exit_code, 3) << e.err;
  EXPECT_NE(e.err.find("is empty"), std::string::npos) << e.err;
  // A file given elsewhere is used.
  RunResult k = Verify({"--audit-heads", dir.File("heads.bak")});
  EXPECT_EQ(k.exit_code, 0) << k.err;
}

TEST_F(AuditHeads, HeadsSignedWithAnotherKeyAreRejected) {
  // The attacker rewrites the log and signs it afresh with a key of their own
  // (here through the same commands, as anyone with the program could); the
  // verifier holds the real public key elsewhere.
  std::filesystem::copy_file(db + ".audit-key.pub", dir.File("real.pub"));
  RewriteAndRechain(db, 2);
  const std::string key = dir.File("mallory.key"), heads = dir.File("mallory.heads");
  ASSERT_EQ(RunUnder5({"export", "--db", db, "--out", dir.File("x.jsonl"), "--audit-key", key, "--audit-heads", heads})
                .exit_code,
            0);
  ASSERT_TRUE(std::filesystem::exists(key));
  RunResult r = Verify({"--audit-heads", heads, "--audit-pub", dir.File("real.pub")});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("does not verify with the public key"), std::string::npos) << r.err;
  // With the attacker's own key the forged heads verify: the defence is keeping the public key apart.
  EXPECT_EQ(Verify({"--audit-heads", heads, "--audit-pub", key + ".pub"}).exit_code, 0);
  // An edited head (same key) is rejected too.
  std::string text = ReadFile(db + ".audit-heads");
  const size_t at = text.find("\"seq\":1");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 7, "\"seq\":9");
  WriteFile(dir.File("edited.heads"), text);
  RunResult ed = Verify({"--audit-heads", dir.File("edited.heads"), "--audit-pub", dir.File("real.pub")});
  EXPECT_EQ(ed.exit_code, 3) << ed.err;
  EXPECT_NE(ed.err.find("line 1"), std::string::npos) << ed.err;
}

// The server signs the head as it goes, not only when it stops: after a kill
// (no shutdown), the heads cover everything but the last interval.
TEST_F(AuditHeads, TheServerSignsTheHeadEveryInterval) {
  ServerProcess server;
  server.extra_args = {"--audit-sign-interval", "1"};
  std::string why;
  ASSERT_TRUE(server.Start(db, dir.File("server.log"), &why)) << why;
  HttpClient c(server.port());
  ASSERT_TRUE(c.Login("cw_a", "mat-khau-2030"));
  auto last_signed = [&] {
    const std::string heads = ReadFile(db + ".audit-heads");
    const size_t start = heads.rfind('\n', heads.size() - 2);
    return nlohmann::json::parse(heads.substr(start == std::string::npos ? 0 : start + 1)).value("seq", 0);
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (last_signed() < 6 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(last_signed(), 6);  // the five entries of SetUp and the login
  server.Kill9();
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("the last at entry 6"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace u5::test
