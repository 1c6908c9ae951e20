// Snapshot files: what is written is read back; every byte of a file is
// covered, so any flipped byte or cut is refused; a failed write leaves the
// previous file whole.
#include "snapshot/file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace u5::snapshot {
namespace {

struct Pair {
  int32_t a;
  int64_t b;
};

Header Head() { return Header{"indicators", 3, "hash-of-catalogue", "db-1", 42}; }

std::string WriteSample(const std::string& path) {
  std::unique_ptr<Writer> w;
  EXPECT_TRUE(Writer::Create(path, Head(), &w).ok());
  Encoder e;
  e.U32(7);
  e.I64(-5);
  e.Str("Nguyễn Thị Mai");
  e.Pod(std::vector<Pair>{{1, 2}, {3, 4}});
  EXPECT_TRUE(w->Section("people", e.bytes()).ok());
  EXPECT_TRUE(w->Section("empty", "").ok());
  EXPECT_EQ(w->Section("people", "x").code(), Code::internal) << "names are unique";
  EXPECT_TRUE(w->Commit().ok());
  return test::ReadFile(path);
}

TEST(SnapshotFile, RoundTrip) {
  test::TempDir dir;
  const std::string path = dir.File("s.snap");
  WriteSample(path);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::unique_ptr<Reader> r;
  ASSERT_TRUE(Reader::Open(path, &r).ok());
  EXPECT_EQ(r->header().kind, "indicators");
  EXPECT_EQ(r->header().format, 3u);
  EXPECT_EQ(r->header().inputs, "hash-of-catalogue");
  EXPECT_EQ(r->header().db_id, "db-1");
  EXPECT_EQ(r->header().seq, 42);
  std::string_view bytes;
  ASSERT_TRUE(r->Section("people", &bytes).ok());
  Decoder d(bytes);
  uint32_t u = 0;
  int64_t i = 0;
  std::string s;
  std::vector<Pair> pairs;
  EXPECT_TRUE(d.U32(&u) && d.I64(&i) && d.Str(&s) && d.Pod(&pairs));
  EXPECT_TRUE(d.done());
  EXPECT_EQ(u, 7u);
  EXPECT_EQ(i, -5);
  EXPECT_EQ(s, "Nguyễn Thị Mai");
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[1].a, 3);
  EXPECT_EQ(pairs[1].b, 4);
  ASSERT_TRUE(r->Section("empty", &bytes).ok());
  EXPECT_TRUE(bytes.empty());
  EXPECT_EQ(r->Section("absent", &bytes).code(), Code::not_found);
}

TEST(SnapshotFile, EveryFlippedByteAndEveryCutIsRefused) {
  test::TempDir dir;
  const std::string path = dir.File("s.snap");
  const std::string good = WriteSample(path);
  const std::string bad = dir.File("bad.snap");
  for (size_t i = 0; i < good.size(); ++i) {
    std::string b = good;
    b[i] ^= 0x20;
    test::WriteFile(bad, b);
    std::unique_ptr<Reader> r;
    Status st = Reader::Open(bad, &r);
    EXPECT_EQ(st.code(), Code::invalid) << "byte " << i << " flipped was accepted";
    EXPECT_EQ(st.field(), "snapshot");
  }
  for (size_t n = 0; n < good.size(); ++n) {
    test::WriteFile(bad, good.substr(0, n));
    std::unique_ptr<Reader> r;
    EXPECT_EQ(Reader::Open(bad, &r).code(), Code::invalid) << "cut at " << n << " was accepted";
  }
  test::WriteFile(bad, good + "x");
  std::unique_ptr<Reader> r;
  EXPECT_EQ(Reader::Open(bad, &r).code(), Code::invalid) << "trailing bytes";
  EXPECT_EQ(Reader::Open(dir.File("none.snap"), &r).code(), Code::not_found);
}

TEST(SnapshotFile, AnUncommittedWriteLeavesThePreviousFile) {
  test::TempDir dir;
  const std::string path = dir.File("s.snap");
  const std::string before = WriteSample(path);
  {
    std::unique_ptr<Writer> w;
    ASSERT_TRUE(Writer::Create(path, Header{"indicators", 3, "other", "db-1", 43}, &w).ok());
    ASSERT_TRUE(w->Section("people", "half").ok());
    EXPECT_TRUE(std::filesystem::exists(path + ".tmp"));
  }  // dropped: as a process killed mid-write
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(test::ReadFile(path), before);
  std::unique_ptr<Reader> r;
  ASSERT_TRUE(Reader::Open(path, &r).ok());
  EXPECT_EQ(r->header().seq, 42);
}

TEST(SnapshotFile, DecoderRefusesImpossibleLengths) {
  Encoder e;
  e.I64(1'000'000);  // a string or array claiming more than there is
  e.U32(1);
  std::string s;
  Decoder d(e.bytes());
  EXPECT_FALSE(d.Str(&s));
  EXPECT_FALSE(d.ok());
  std::vector<Pair> v;
  Decoder d2(e.bytes());
  EXPECT_FALSE(d2.Pod(&v));
  Encoder neg;
  neg.I64(-1);
  Decoder d3(neg.bytes());
  EXPECT_FALSE(d3.Pod(&v));
  Decoder d4(e.bytes());
  int64_t n = 0;
  EXPECT_TRUE(d4.I64(&n));
  EXPECT_FALSE(d4.done()) << "bytes left over";
}

}  // namespace
}  // namespace u5::snapshot
