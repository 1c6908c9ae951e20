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
#include "support/http_client.h"
#include "support/process.h"
#include "support/raw_db.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

// As an attacker with the database would: drop the append-only triggers,
// change entry `seq`, and recompute every hash from there so the chain holds
// again. Raw SQL both stores read alike.
void RewriteAndRechain(const RawDb& db, int64_t seq) {
  db.DropTrigger("audit_log_no_update", "audit_log");
  db.DropTrigger("audit_log_no_delete", "audit_log");
  db.Exec("UPDATE audit_log SET detail='{\"username\":\"nobody\"}' WHERE seq=" + std::to_string(seq));
  std::vector<audit::Entry> es;
  for (const auto& r : db.Query("SELECT seq, at, user_id, username, remote, action, record_type, record_id, orgunit_id, "
                                "detail, prev_hash FROM audit_log WHERE seq >= " + std::to_string(seq) + " ORDER BY seq")) {
    audit::Entry e;
    e.seq = std::stoll(r[0]);
    e.at = r[1];
    e.user_id = r[2];
    e.username = r[3];
    e.remote = r[4];
    e.action = r[5];
    e.record_type = r[6];
    e.record_id = r[7];
    e.orgunit_id = r[8];
    e.detail = r[9];
    e.prev_hash = r[10];
    es.push_back(e);
  }
  ASSERT_FALSE(es.empty());
  std::string prev = es.front().prev_hash;
  for (audit::Entry& e : es) {
    e.prev_hash = prev;
    e.hash = audit::ComputeHash(e);
    prev = e.hash;
    db.Exec("UPDATE audit_log SET prev_hash=" + SqlQuote(e.prev_hash) + ", hash=" + SqlQuote(e.hash) +
            " WHERE seq=" + std::to_string(e.seq));
  }
}

// The database is SQLite's file or a PostgreSQL database, the key and heads
// files beside it (store::Location::Beside). What the store's log decides
// (intact, rewritten, cut, the server's heads) on both stores, AuditHeadsStore;
// what only the heads file and keys decide on SQLite, AuditHeads.
template <class Base>
struct AuditHeadsOn : Base {
  TempDir dir;
  std::unique_ptr<TestStoreLocation> where;
  std::unique_ptr<RawDb> raw;
  // The files beside the store: db + ".audit-key" and so on.
  std::string db;
  virtual StoreKind Kind() const = 0;

  // Five entries (three users added, two exports), each command signing its head.
  void SetUp() override {
    where = std::make_unique<TestStoreLocation>(Kind(), dir.path());
    raw = std::make_unique<RawDb>(where->location());
    db = where->location().Beside("");
    AddUser(where->StoreArgs(), "cw_a", "mat-khau-2030", "commune_worker", "03390");
    AddUser(where->StoreArgs(), "cw_b", "mat-khau-2030", "commune_worker", "03394");
    AddUser(where->StoreArgs(), "prov", "mat-khau-2030", "province_officer", "12");
    for (int i = 0; i < 2; ++i) ASSERT_EQ(Export().exit_code, 0);
    ASSERT_EQ(raw->QueryInt("SELECT count(*) FROM audit_log"), 5);
  }
  RunResult Export(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"export", "--out", dir.File("x.jsonl")};
    for (const auto& a : where->StoreArgs()) args.push_back(a);
    args.insert(args.end(), extra.begin(), extra.end());
    return RunUnder5(args);
  }
  RunResult Verify(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"audit", "verify"};
    for (const auto& a : where->StoreArgs()) args.push_back(a);
    args.insert(args.end(), extra.begin(), extra.end());
    return RunUnder5(args);
  }
};

struct AuditHeads : AuditHeadsOn<::testing::Test> {
  StoreKind Kind() const override { return StoreKind::sqlite; }
};
struct AuditHeadsStore : AuditHeadsOn<::testing::TestWithParam<StoreKind>> {
  StoreKind Kind() const override { return GetParam(); }
};

TEST_P(AuditHeadsStore, IntactLogVerifiesWithEveryHead) {
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

TEST_P(AuditHeadsStore, RewrittenAndRechainedLogIsDetected) {
  RewriteAndRechain(*raw, 3);
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("audit entry 3 no longer matches its signed head"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("entries 3 to 3"), std::string::npos) << r.err;
}

TEST_P(AuditHeadsStore, TruncatedTailIsDetected) {
  raw->DropTrigger("audit_log_no_delete", "audit_log");
  raw->Exec("DELETE FROM audit_log WHERE seq > 3");
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("entries 4 to 5 are missing"), std::string::npos) << r.err;
  // A later command signs the shortened log, and the log grows past the cut:
  // the old heads no longer match the new entries at their seqs.
  for (int i = 0; i < 2; ++i) ASSERT_EQ(Export().exit_code, 0);
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
  RewriteAndRechain(*raw, 2);
  const std::string key = dir.File("mallory.key"), heads = dir.File("mallory.heads");
  ASSERT_EQ(Export({"--audit-key", key, "--audit-heads", heads}).exit_code, 0);
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
TEST_P(AuditHeadsStore, TheServerSignsTheHeadEveryInterval) {
  ServerProcess server;
  server.extra_args = {"--audit-sign-interval", "1"};
  std::string why;
  ASSERT_TRUE(server.Start(where->StoreArgs(), dir.File("server.log"), &why)) << why;
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

U5_ON_BOTH_STORES(AuditHeadsStore);

}  // namespace
}  // namespace u5::test
