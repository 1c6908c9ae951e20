#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <thread>

#include "core/date.h"
#include "core/id.h"

namespace u5 {
namespace {

TEST(Uuid7, Format) {
  const std::regex v7("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuid7();
    ASSERT_TRUE(std::regex_match(id, v7)) << id;
    ASSERT_TRUE(IsUuid(id));
  }
}

TEST(Uuid7, TimestampIsNow) {
  const int64_t before = NowMillis();
  const std::string id = NewUuid7();
  const int64_t after = NowMillis();
  const std::string hex = id.substr(0, 8) + id.substr(9, 4);
  const int64_t ms = std::stoll(hex, nullptr, 16);
  EXPECT_GE(ms, before);
  EXPECT_LE(ms, after);
}

TEST(Uuid7, MonotonicAndUnique) {
  std::string prev = NewUuid7();
  std::set<std::string> seen{prev};
  for (int i = 0; i < 20000; ++i) {
    std::string id = NewUuid7();
    ASSERT_LT(prev, id) << "ids must increase within a process";
    ASSERT_TRUE(seen.insert(id).second);
    prev = id;
  }
}

TEST(Uuid7, UniqueAcrossThreads) {
  std::vector<std::vector<std::string>> per(4);
  std::vector<std::thread> ts;
  for (auto& v : per)
    ts.emplace_back([&v] {
      for (int i = 0; i < 5000; ++i) v.push_back(NewUuid7());
    });
  for (auto& t : ts) t.join();
  std::set<std::string> all;
  for (const auto& v : per) {
    for (size_t i = 1; i < v.size(); ++i) ASSERT_LT(v[i - 1], v[i]);
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), 20000u);
}

TEST(IsUuid, Cases) {
  EXPECT_TRUE(IsUuid("0190a5c4-7b2e-7c1d-9f00-123456789abc"));
  EXPECT_FALSE(IsUuid("0190A5C4-7B2E-7C1D-9F00-123456789ABC"));  // canonical form is lower case
  EXPECT_FALSE(IsUuid("0190a5c4-7b2e-7c1d-9f00-123456789ab"));
  EXPECT_FALSE(IsUuid("0190a5c47b2e7c1d9f00123456789abcdef0"));
  EXPECT_FALSE(IsUuid("0190a5c4-7b2e-7c1d-9f00-123456789abg"));
  EXPECT_FALSE(IsUuid(""));
}

TEST(RandomHex, LengthAndAlphabet) {
  std::string a = RandomHex(32), b = RandomHex(32);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

// RFC 9562, appendix A.6, the UUIDv7 example: unix_ts_ms 0x017F22E279B0,
// rand_a 0xCC3, rand_b 0x18C4DC0C0C07398F.
TEST(Id, FormatUuid7MatchesTheRfcExample) {
  EXPECT_EQ(FormatUuid7(0x017F22E279B0ULL, 0xCC3, 0x18C4DC0C0C07398FULL), "017f22e2-79b0-7cc3-98c4-dc0c0c07398f");
  // Version and variant win over the caller's bits.
  const std::string all_ones = FormatUuid7(~0ULL, 0xFFFF, ~0ULL);
  EXPECT_EQ(all_ones, "ffffffff-ffff-7fff-bfff-ffffffffffff");
  EXPECT_TRUE(IsUuid(all_ones));
}

}  // namespace
}  // namespace u5

// FIPS 180-2 test vectors (appendix B): "abc" and the empty string.
TEST(Id, Sha256HexMatchesTheStandardsVectors) {
  EXPECT_EQ(u5::Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(u5::Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
