// The signing side of audit/signed_heads.h on its own: a head equal to the
// last one is not signed again, the periodic signer signs what moved and once
// more at Stop, a line cut short by a crash is dropped before the next head,
// and the checks name what they found.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "audit/signed_heads.h"
#include "support/temp_dir.h"

namespace u5::audit {
namespace {

std::string H(char c) { return std::string(64, c); }

TEST(SignedHeads, SignsOnlyWhatMovedAndVerifiesWithThePublicKey) {
  test::TempDir dir;
  const std::string key = dir.File("k"), heads = dir.File("h");
  {
    HeadSigner s(key, heads);
    bool appended = true;
    ASSERT_TRUE(s.Sign(0, kGenesis, &appended).ok());  // an empty log: nothing, not even a key
    EXPECT_FALSE(appended);
    struct stat st;
    EXPECT_NE(::stat(key.c_str(), &st), 0);
    ASSERT_TRUE(s.Sign(3, H('a'), &appended).ok());
    EXPECT_TRUE(appended);
    ASSERT_TRUE(s.Sign(3, H('a'), &appended).ok());
    EXPECT_FALSE(appended);
    ASSERT_TRUE(::stat(key.c_str(), &st) == 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  {
    HeadSigner again(key, heads);  // a new process knows the last head from the file
    bool appended = true;
    ASSERT_TRUE(again.Sign(3, H('a'), &appended).ok());
    EXPECT_FALSE(appended);
    ASSERT_TRUE(again.Sign(5, H('b'), &appended).ok());
    EXPECT_TRUE(appended);
  }
  std::vector<Head> hs;
  ASSERT_TRUE(ReadHeads(heads, &hs).ok());
  ASSERT_EQ(hs.size(), 2u);
  EXPECT_EQ(hs[1].seq, 5);
  EXPECT_EQ(hs[1].count, 5);
  EXPECT_EQ(hs[1].line, 2);
  std::string pub, from_secret;
  ASSERT_TRUE(LoadPublicKey(key + ".pub", &pub).ok());
  ASSERT_TRUE(LoadPublicKey(key, &from_secret).ok());
  EXPECT_EQ(pub, from_secret);
  for (const Head& h : hs) EXPECT_TRUE(VerifySignature(h, pub));
  Head forged = hs[1];
  forged.hash = H('c');
  EXPECT_FALSE(VerifySignature(forged, pub));
  std::string other;
  {
    HeadSigner s(dir.File("k2"), dir.File("h2"));
    ASSERT_TRUE(s.Sign(1, H('a')).ok());
    ASSERT_TRUE(LoadPublicKey(dir.File("k2.pub"), &other).ok());
  }
  EXPECT_FALSE(VerifySignature(hs[1], other));
}

TEST(SignedHeads, ATornLastLineIsDroppedBeforeTheNextHead) {
  test::TempDir dir;
  const std::string key = dir.File("k"), heads = dir.File("h");
  { ASSERT_TRUE(HeadSigner(key, heads).Sign(2, H('a')).ok()); }
  const std::string good = test::ReadFile(heads);
  test::WriteFile(heads, good + "{\"at\":\"2026-");  // power cut in the middle of a line
  std::vector<Head> hs;
  EXPECT_EQ(ReadHeads(heads, &hs).field(), "audit-heads");
  { ASSERT_TRUE(HeadSigner(key, heads).Sign(4, H('b')).ok()); }
  ASSERT_TRUE(ReadHeads(heads, &hs).ok());
  ASSERT_EQ(hs.size(), 2u);
  EXPECT_EQ(hs[1].seq, 4);
}

TEST(SignedHeads, PeriodicSignerSignsWhatMovedAndAtStop) {
  test::TempDir dir;
  HeadSigner signer(dir.File("k"), dir.File("h"));
  std::atomic<int64_t> seq{1};
  PeriodicHeadSigner p(
      signer, [&](int64_t* s, std::string* h) { *s = seq.load(); *h = H('a' + static_cast<char>(*s % 20)); return Status::Ok(); },
      std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  seq = 2;
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  seq = 3;
  ASSERT_TRUE(p.Stop().ok());
  std::vector<Head> hs;
  ASSERT_TRUE(ReadHeads(dir.File("h"), &hs).ok());
  ASSERT_EQ(hs.size(), 3u);  // 1 and 2 by the thread, each once; 3 at Stop
  EXPECT_EQ(hs[0].seq, 1);
  EXPECT_EQ(hs[1].seq, 2);
  EXPECT_EQ(hs[2].seq, 3);
}

TEST(SignedHeads, ChecksNameTheChangedRangeAndTheMissingTail) {
  std::vector<Head> hs(3);
  hs[0] = {.seq = 2, .hash = H('a'), .count = 2, .at = "t1", .line = 1};
  hs[1] = {.seq = 4, .hash = H('b'), .count = 4, .at = "t2", .line = 2};
  hs[2] = {.seq = 6, .hash = H('c'), .count = 6, .at = "t3", .line = 3};
  HeadsCheck check(hs);
  auto entry = [](int64_t seq, char c) { Entry e; e.seq = seq; e.hash = H(c); return e; };
  EXPECT_TRUE(check.Visit(entry(1, 'x')).ok());
  EXPECT_TRUE(check.Visit(entry(2, 'a')).ok());
  EXPECT_TRUE(check.Visit(entry(3, 'x')).ok());
  Status st = check.Visit(entry(4, 'z'));
  EXPECT_EQ(st.field(), "signed_head");
  EXPECT_NE(st.message().find("audit entry 4 no longer matches its signed head (heads line 2, signed t2)"), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("entries 3 to 4"), std::string::npos) << st.message();
  HeadsCheck whole(hs);
  Status cut = whole.Finish(5);
  EXPECT_EQ(cut.field(), "count");
  EXPECT_NE(cut.message().find("entries 6 to 6 are missing"), std::string::npos) << cut.message();
  EXPECT_TRUE(whole.Finish(6).ok());
}

}  // namespace
}  // namespace u5::audit
