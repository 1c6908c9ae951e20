#include <gtest/gtest.h>

#include "http/api.h"

namespace u5::http {
namespace {

TEST(Query, PercentAndPlusDecoding) {
  auto q = ParseQuery("q=l%C3%B2+th%E1%BB%8B&limit=5&flag&empty=&a%20b=c%2Bd");
  EXPECT_EQ(q["q"], "lò thị");
  EXPECT_EQ(q["limit"], "5");
  EXPECT_EQ(q.count("flag"), 1u);
  EXPECT_EQ(q["empty"], "");
  EXPECT_EQ(q["a b"], "c+d");
  EXPECT_TRUE(ParseQuery("").empty());
}

TEST(Query, PercentDecodeKeepsBadEscapes) {
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz"), "%zz");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("%2F%2f"), "//");
}

}  // namespace
}  // namespace u5::http
