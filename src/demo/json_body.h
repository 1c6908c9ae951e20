// Writes a record body exactly as the registry validator stores it:
// nlohmann::json's dump() of an object, i.e. keys in byte order, no spaces,
// integers as integers and "number" fields as doubles (52.0, not 52).
// Building the text directly is what makes bulk generation fast; the demo
// tests re-validate generated records and compare bodies byte for byte.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace u5::demo {

class JsonBody {
 public:
  JsonBody& Str(std::string_view key, std::string_view v);
  JsonBody& Int(std::string_view key, long long v);
  JsonBody& Num(std::string_view key, double v);
  JsonBody& Bool(std::string_view key, bool v);
  JsonBody& StrList(std::string_view key, const std::vector<std::string_view>& v);
  // A value already in JSON text form.
  JsonBody& Raw(std::string_view key, std::string text);
  bool Has(std::string_view key) const;
  // The object text; the builder is left empty for reuse.
  std::string Finish();

 private:
  struct Field {
    std::string_view key;
    uint32_t off, len;  // value text in arena_
  };
  void Begin(std::string_view key) { fields_.push_back({key, static_cast<uint32_t>(arena_.size()), 0}); }
  void End() { fields_.back().len = static_cast<uint32_t>(arena_.size()) - fields_.back().off; }
  std::vector<Field> fields_;
  std::string arena_;
};

// nlohmann's rendering of a double (shortest round-trip digits, ".0" when integral).
std::string FormatDouble(double v);

}  // namespace u5::demo
