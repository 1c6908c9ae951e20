#include "orgunit/csv.h"

#include <gtest/gtest.h>

namespace u5::orgunit {
namespace {

using Row = std::vector<std::string>;

std::vector<Row> Parse(std::string text, Status* st = nullptr) {
  CsvReader r(std::move(text), "t.csv");
  std::vector<Row> rows;
  Row row;
  while (r.Next(&row)) rows.push_back(row);
  if (st) *st = r.status();
  return rows;
}

TEST(Csv, PlainAndQuoted) {
  auto rows = Parse("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (Row{"a", "b", "c"}));
  EXPECT_EQ(rows[1], (Row{"1", "x, y", "say \"hi\""}));
}

TEST(Csv, EmbeddedNewlineBomCrlfAndEmptyFields) {
  Status st;
  auto rows = Parse("\xEF\xBB\xBFh1,h2\r\n\"Phường\nPhú Xuân\",19753\r\n,,\r\nlast,x", &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (Row{"h1", "h2"}));  // BOM stripped
  EXPECT_EQ(rows[1], (Row{"Phường\nPhú Xuân", "19753"}));
  EXPECT_EQ(rows[2], (Row{"", "", ""}));
  EXPECT_EQ(rows[3], (Row{"last", "x"}));  // no final newline
}

TEST(Csv, LineNumbersCountEmbeddedNewlines) {
  CsvReader r("\"a\nb\",1\nc,2\n", "t.csv");
  Row row;
  ASSERT_TRUE(r.Next(&row));
  EXPECT_EQ(r.line(), 1u);
  ASSERT_TRUE(r.Next(&row));
  EXPECT_EQ(r.line(), 3u);
  EXPECT_FALSE(r.Next(&row));
  EXPECT_TRUE(r.status().ok());
}

TEST(Csv, UnterminatedQuoteIsAnError) {
  Status st;
  Parse("a,b\n1,\"open\n2,3\n", &st);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("unterminated"), std::string::npos) << st.message();
}

TEST(Csv, TextAfterClosingQuoteIsAnError) {
  Status st;
  Parse("\"a\"b,c\n", &st);
  EXPECT_FALSE(st.ok());
}

}  // namespace
}  // namespace u5::orgunit
