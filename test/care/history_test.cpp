// A fact's field read as a whole number: what the stored JSON text holds, and
// "no number" (never an exception) for anything else.
#include <gtest/gtest.h>

#include "care/history.h"

namespace u5::care {
namespace {

std::optional<int> IntOf(const std::string& text) {
  Fact f;
  f.fields.emplace_back("dose", text);
  return f.Int("dose");
}

TEST(FactInt, ReadsWholeNumbersAndRefusesTheRest) {
  const struct {
    const char* text;
    std::optional<int> want;
  } cases[] = {
      {"0", 0}, {"3", 3}, {"-2", -2}, {"2147483647", 2147483647},
      {"2147483648", std::nullopt},   // past int: stoi threw here
      {"99999999999999999999", std::nullopt},
      {"-", std::nullopt}, {"", std::nullopt}, {"1.5", std::nullopt}, {"\"2\"", std::nullopt},
      {"true", std::nullopt}, {"2-", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(IntOf(c.text), c.want) << c.text;
  Fact none;
  EXPECT_EQ(none.Int("dose"), std::nullopt);
}

}  // namespace
}  // namespace u5::care
