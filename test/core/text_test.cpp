#include <gtest/gtest.h>

#include "core/text.h"

namespace u5::text {
namespace {

TEST(Fold, VietnameseNames) {
  EXPECT_EQ(Fold("Nguyễn Văn Đức"), "nguyen van duc");
  EXPECT_EQ(Fold("ĐẶNG"), "dang");
  EXPECT_EQ(Fold("Lò Thị Mai"), "lo thi mai");
  EXPECT_EQ(Fold("Giàng Thị Sua"), "giang thi sua");
  EXPECT_EQ(Fold("Hoàng Ngọc Ánh"), "hoang ngoc anh");
  EXPECT_EQ(Fold("ƯỚC Ơ"), "uoc o");
  EXPECT_EQ(Fold("  Lê   Thị\tHà  "), "le thi ha");
  EXPECT_EQ(Fold("PLAIN ascii"), "plain ascii");
}

TEST(Fold, DecomposedInputFoldsAsComposed) {
  // "Nguyễn" with e + circumflex + tilde as combining marks (NFD), "Đức" with u + horn + acute.
  const std::string nfd = "Nguye\xcc\x82\xcc\x83n \xc4\x90u\xcc\x9b\xcc\x81" "c";
  EXPECT_EQ(Fold(nfd), "nguyen duc");
  EXPECT_EQ(Fold(nfd), Fold("Nguyễn Đức"));
}

TEST(Nfc, ComposesDecomposed) {
  const std::string nfd = "Nguye\xcc\x82\xcc\x83n";
  EXPECT_EQ(Nfc(nfd), "Nguyễn");
  EXPECT_EQ(Nfc("Nguyễn"), "Nguyễn");
  EXPECT_NE(nfd, "Nguyễn");
  EXPECT_EQ(NormalizeName("  Lò \n Thị  Mai "), "Lò Thị Mai");
  EXPECT_EQ(NormalizeName("  Lo\xcc\x80  Thi\xcc\xa3 "), "Lò Thị");
}

TEST(Utf8, AcceptsValid) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("ascii"));
  EXPECT_TRUE(IsValidUtf8("Đặng Thị Lan"));
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
}

TEST(Utf8, RejectsBadSequences) {
  for (const char* s : {"\xff", "\xfe", "\x80", "abc\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf",  // overlong
                        "\xed\xa0\x80",                                                               // surrogate
                        "\xf4\x90\x80\x80",                                                           // > U+10FFFF
                        "\xe1\xba", "L\xe1\xba",                                                      // truncated
                        "\xc3\x28", "\xe2\x28\xa1", "\xf0\x9f\x98"}) {
    EXPECT_FALSE(IsValidUtf8(s)) << testing::PrintToString(std::string(s));
  }
}

TEST(Collation, VietnameseOrder) {
  // Vietnamese alphabet: a < ă < â < b < ... < d < đ < e; binary UTF-8 order gets đ wrong.
  EXPECT_LT(VietnameseSortKey("Dung"), VietnameseSortKey("Đặng"));
  EXPECT_LT(VietnameseSortKey("Đặng"), VietnameseSortKey("Em"));
  EXPECT_LT(VietnameseSortKey("An"), VietnameseSortKey("Ăn"));
  EXPECT_LT(VietnameseSortKey("Ăn"), VietnameseSortKey("Ân"));
  EXPECT_LT(VietnameseSortKey("Ân"), VietnameseSortKey("Bình"));
}

}  // namespace
}  // namespace u5::text
