#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "demo/json_body.h"

namespace u5::demo {
namespace {

// The fast body writer must produce exactly what nlohmann::json::dump() gives.
TEST(JsonBody, MatchesNlohmannDump) {
  JsonBody b;
  b.Str("zeta", "Lò Thị \"Mai\"").Int("alpha", -3).Num("weight_kg", 52.0).Num("hb", 11.3).Bool("ok", true);
  b.StrList("risks", {"anaemia", "hiv"}).Num("tiny", 0.1).Num("w", 3.25);
  nlohmann::json j;
  j["zeta"] = "Lò Thị \"Mai\"";
  j["alpha"] = -3;
  j["weight_kg"] = 52.0;
  j["hb"] = 11.3;
  j["ok"] = true;
  j["risks"] = {"anaemia", "hiv"};
  j["tiny"] = 0.1;
  j["w"] = 3.25;
  EXPECT_EQ(b.Finish(), j.dump());
}

TEST(JsonBody, DoublesRoundTripLikeNlohmann) {
  for (int i = 5; i < 4000; ++i) {
    const double v = i / 10.0;
    EXPECT_EQ(FormatDouble(v), nlohmann::json(v).dump()) << v;
  }
}

}  // namespace
}  // namespace u5::demo
