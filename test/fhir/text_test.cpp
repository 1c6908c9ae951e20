#include "fhir/text.h"

#include <gtest/gtest.h>

namespace u5::fhir {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendString(out, s);
  return out;
}

// Valid UTF-8 comes back unchanged through an independent parser (nlohmann's,
// which refuses invalid UTF-8 and bad escapes).
TEST(FhirText, StringsComeBackThroughAParser) {
  std::string controls;
  for (char c = 0; c < 0x20; ++c) controls += c;
  const std::string cases[] = {"",
                               "plain ascii",
                               "Nguyễn Thị Hoa",                   // Vietnamese, NFC
                               "Trạm Y tế xã Mường Tè",
                               "quote \" backslash \\ slash /",
                               controls,
                               "\x7f delete",
                               "emoji \xF0\x9F\x91\xB6 baby",       // 4 bytes
                               "\xEF\xBF\xBF last of the BMP",      // U+FFFF
                               "\xF4\x8F\xBF\xBF last code point",  // U+10FFFF
                               "\xED\x9F\xBF before surrogates"};   // U+D7FF
  for (const std::string& s : cases) {
    const std::string out = Quoted(s);
    json back;
    ASSERT_NO_THROW(back = json::parse(out)) << out;
    EXPECT_EQ(back.get<std::string>(), s) << out;
  }
  EXPECT_EQ(Quoted("a\"b\\c\nd\te\x01"), R"("a\"b\\c\nd\te\u0001")");
}

// Bytes that start no valid sequence become U+FFFD, one each, and the text stays valid JSON.
TEST(FhirText, InvalidUtf8IsReplaced) {
  const std::string r = "\xEF\xBF\xBD";
  const std::pair<std::string, std::string> cases[] = {
      {"a\xC3", "a" + r},                         // truncated at the end
      {"\xC3(", r + "("},                         // a lead byte then no continuation
      {"\x80x", r + "x"},                         // a lone continuation byte
      {"\xC0\xAF", r + r},                        // overlong '/'
      {"\xE0\x80\x80", r + r + r},                // overlong NUL in 3 bytes
      {"\xED\xA0\x80", r + r + r},                // a surrogate
      {"\xF4\x90\x80\x80", r + r + r + r},        // past U+10FFFF
      {"\xF5\x80", r + r},                        // not a lead byte
      {"ok \xE1\xBB\x85 \xFF", "ok \xE1\xBB\x85 " + r}};  // valid "ễ" kept beside an invalid byte
  for (const auto& [in, want] : cases) {
    const std::string out = Quoted(in);
    EXPECT_EQ(out, "\"" + want + "\"");
    EXPECT_NO_THROW(json::parse(out)) << out;
  }
}

TEST(FhirText, ValuesAsNlohmannReadsThem) {
  const json cases[] = {0, 42, -7, json(uint64_t{18446744073709551615u}), int64_t{-9223372036854775807 - 1}, 3.5, 0.1, 2.0,
                        true, false, nullptr, "Lai Châu", json::array({1, "x"}), json{{"a", {{"b", 1.25}}}}};
  for (const json& v : cases) {
    std::string out;
    AppendValue(out, v);
    EXPECT_EQ(json::parse(out), v) << out;
  }
  std::string out;
  AppendValue(out, 3);
  EXPECT_EQ(out, "3");  // an integer stays one: a weight of 3 kg is not 3.0
}

TEST(FhirText, ObjectsAndArraysInOrder) {
  EXPECT_EQ(Object().Close().text, "{}");
  EXPECT_EQ(Array().Close().text, "[]");
  Object o;
  EXPECT_TRUE(o.empty());
  o.Str("status", "final").Value("value", 3.25).Bool("done", false);
  EXPECT_FALSE(o.empty());
  EXPECT_EQ(o.members(), R"("status":"final","value":3.25,"done":false)");
  Array a;
  a.Str("x").Value(1).Add(Object().Str("k", "v").Close());
  o.Put("list", a.Close());
  const Element e = o.Close();
  EXPECT_EQ(e.text, R"({"status":"final","value":3.25,"done":false,"list":["x",1,{"k":"v"}]})");
  EXPECT_EQ(e.ToJson()["list"][2]["k"], "v");
}

}  // namespace
}  // namespace u5::fhir
