#include "core/json_body.h"

#include <algorithm>
#include <string>

#include "core/text.h"

namespace u5 {
namespace {

// Finds the top-level key under which a JSON text fails (a number that
// overflows a double, nesting too deep), so the error can name the field.
struct KeyOfFailure : nlohmann::json_sax<nlohmann::json> {
  size_t depth = 0, max_depth = 0;
  std::string top_key, failed_key;
  bool Open() {
    if (++depth > max_depth) {
      failed_key = top_key;
      return false;
    }
    return true;
  }
  bool Close() {
    --depth;
    return true;
  }
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Open(); }
  bool key(string_t& k) override {
    if (depth == 1) top_key = k;
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    failed_key = top_key;
    return false;
  }
};

// Deepest nesting of arrays and objects, outside strings.
size_t JsonDepth(std::string_view s) {
  size_t depth = 0, max = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max = std::max(max, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return max;
}
}  // namespace

Status ParseJsonObject(std::string_view text, nlohmann::json* out) {
  using nlohmann::json;
  if (text.empty()) return Status::BadRequest("request body is empty; a JSON object is expected", "body");
  if (!text::IsValidUtf8(text)) return Status::BadRequest("request body is not valid UTF-8", "body");
  auto locate = [&](const char* what) {
    KeyOfFailure k;
    k.max_depth = kMaxJsonDepth;
    json::sax_parse(text, &k);
    if (k.failed_key.empty()) return Status::BadRequest(std::string("request body ") + what, "body");
    return Status::Invalid(k.failed_key, k.failed_key + " " + what);
  };
  if (JsonDepth(text) > kMaxJsonDepth)
    return locate(("nests deeper than " + std::to_string(kMaxJsonDepth) + " levels").c_str());
  try {
    *out = json::parse(text);
  } catch (const json::parse_error& e) {
    return Status::BadRequest(std::string("malformed JSON: ") + e.what(), "body");
  } catch (const json::exception&) {
    // nlohmann refuses numbers that overflow a double (out_of_range 406).
    return locate("holds a number that is not finite or too large");
  }
  if (!out->is_object()) return Status::BadRequest("request body must be a JSON object", "body");
  return Status::Ok();
}

}  // namespace u5
