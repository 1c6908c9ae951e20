// A record as JSON text (registry/json_record.h): the envelope's values are
// written byte for byte as nlohmann writes them, plain ASCII taken as it is and
// anything else (quotes, control bytes, UTF-8, invalid bytes) escaped alike.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "registry/json_record.h"

namespace u5::registry {
namespace {

std::string Nlohmann(const std::string& v) {
  return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(JsonRecord, EnvelopeValuesAreWrittenAsNlohmannWritesThem) {
  for (const std::string v : {std::string("2026-01-01T00:00:00.000Z"), std::string("say \"no\""), std::string("a\\b"),
                              std::string("tab\there\nnew\b\f\x01\x1f"), std::string("del\x7f"), std::string("Lò Thị Mai"),
                              std::string("bad \xff\xfe byte"), std::string()}) {
    store::Record r;
    r.type = "growth";
    r.id = "e1";
    r.body = R"({"id":"e1","weight_kg":4.1})";
    r.version = 3;
    r.created_at = r.updated_at = "2026-01-01T00:00:00.000Z";
    r.deleted_at = v;
    r.delete_reason = v;
    const std::string text = ToJsonText(r);
    EXPECT_EQ(text, R"({"id":"e1","weight_kg":4.1,"type":"growth","version":3,"created_at":"2026-01-01T00:00:00.000Z",)"
                    R"("updated_at":"2026-01-01T00:00:00.000Z","deleted_at":)" +
                        Nlohmann(v) + ",\"delete_reason\":" + Nlohmann(v) + "}");
    EXPECT_TRUE(nlohmann::json::accept(text)) << text;
  }
}

TEST(JsonRecord, StringsAreWrittenAsNlohmannWritesThem) {
  for (const std::string v : {std::string("Lò Thị Mai"), std::string("Đặng \"Lan\""), std::string("x\\y\x7f"),
                              std::string("a\bb\fc\x01\x1f\n"), std::string("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
                              std::string()}) {
    std::string lax, strict;
    AppendJsonString(v, lax);
    AppendJsonString(v, strict, true);
    EXPECT_EQ(lax, Nlohmann(v));
    EXPECT_EQ(strict, nlohmann::json(v).dump());
  }
  std::string out;
  AppendJsonString("bad \xff", out);
  EXPECT_EQ(out, Nlohmann("bad \xff"));
  EXPECT_THROW(AppendJsonString("bad \xff", out, true), nlohmann::json::type_error) << "as dump() throws";
}

}  // namespace
}  // namespace u5::registry
