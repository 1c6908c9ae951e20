#include <gtest/gtest.h>

#include <string>
#include <vector>

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


// ---- names ------------------------------------------------------------------

// Every way Vietnamese names are written stays accepted.
TEST(NameProblem, VietnameseNamesPass) {
  for (const char* n : {"Nguyễn Thị Ánh Tuyết", "Lò Văn Pằng", "Hoàng Thị Mỷ", "Giàng A Páo", "H'Hen Niê", "Y Moan Ênuôl",
                        "Trần Nguyễn-Hoàng Minh", "Đặng Thị Lan", "Sùng A Lử", "Mùa Thị Dợ", "Lý Thị Hoa", "Ksor H'Bơ",
                        "Nông Đức Mạnh", "Phạm Ngọc Thạch", "Bùi Thị Ngọc Ánh", "Ưng Hoàng Phúc", "A", "Hà Thị Ơn",
                        "Rơ Mah H’Yuôn", "Bản Nậm Cang", "Thôn 3", "Bệnh viện Đa khoa tỉnh Lai Châu", "John Smith",
                        "Иван Петров", "李小龍", "Lý 李 Long"})
    EXPECT_EQ(text::NameProblem(n), "") << n;
}

// Control, format, unassigned and look-alike characters, and scripts mixed
// into a Latin name, are refused, each with a reason.
TEST(NameProblem, SpoofsAndInvisiblesAreRefused) {
  struct Case {
    const char* what;
    std::string name;
  };
  const std::vector<Case> cases = {
      {"zero-width space", "Nguyễn\u200BThị Mai"},
      {"zero-width joiner", "Lò\u200D Mai"},
      {"zero-width non-joiner", "Lò\u200C Mai"},
      {"word joiner", "Lò\u2060Mai"},
      {"byte order mark", "\uFEFFLò Thị Mai"},
      {"right-to-left override", "Lò \u202Eiam"},
      {"left-to-right isolate", "Lò \u2066Mai"},
      {"soft hyphen", "Lò Th\u00ADị Mai"},
      {"combining mark alone", "\u0301"},
      {"begins with a combining mark", "\u0300Lò Mai"},
      {"noncharacter U+FFFF", "Lò Mai\xEF\xBF\xBF"},
      {"unassigned U+0378", "Lò Mai\u0378"},
      {"private use", "Lò Mai\uE000"},
      {"DEL", "Lò\x7FMai"},
      {"C1 control", "Lò\u0085Mai"},
      {"no-break space", "Lò\u00A0Mai"},
      {"ideographic space", "Lò\u3000Mai"},
      {"line separator", "Lò\u2028Mai"},
      {"digits only", "12345"},
      {"punctuation only", "'-."},
      {"Cyrillic a in a Vietnamese name", "Nguy\u0435n Th\u0456 Mai"},
      {"Cyrillic capital A", "Lò Thị \u0410nh"},
      {"Greek omicron", "H\u03BF\u00E0ng Văn Nam"},
      {"full-width letters", "\uFF2C\uFF4F Mai"},
      {"mathematical bold", "\U0001D40B\U0001D428 Mai"},
      {"mathematical italic", "Lò \U0001D440ai"},
      {"ligature fi", "\uFB01nh"},
      {"superscript", "Mai\u00B2"},
      {"repeated combining mark", "Lo\u0300\u0300 Mai"},
  };
  for (const Case& c : cases) EXPECT_NE(text::NameProblem(c.name), "") << c.what;
}

TEST(TextProblem, FreeTextLosesOnlyWhatHidesOrReorders) {
  EXPECT_EQ(text::TextProblem("Mẹ đưa bé lên trạm.\nGọi lại sau 2 ngày\t(đã hẹn)"), "");
  EXPECT_EQ(text::TextProblem("sốt 39°C, ho 3 ngày 😷"), "");
  EXPECT_NE(text::TextProblem("ghi chú \u202Eđảo ngược"), "");
  EXPECT_NE(text::TextProblem("ghi chú\xEF\xBF\xBF"), "");
  EXPECT_NE(text::TextProblem("ghi chú\x7F"), "");
  EXPECT_NE(text::TextProblem("ghi chú\uE000"), "");
}

}  // namespace
}  // namespace u5::text
