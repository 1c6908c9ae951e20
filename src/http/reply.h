// JSON replies shared by every module's routes (api.cpp, and the indicator,
// care and report routes, which link no part of the server): one shape for
// errors everywhere — {"error": code, "message": ..., "field": ...}.
#pragma once
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/text.h"
#include "http/api.h"

namespace u5::http {

inline Response JsonReply(int status, const nlohmann::json& j) {
  Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

inline Response ErrorReply(const Status& st) {
  nlohmann::json j = {{"error", st.code_name()}, {"message", st.message()}};
  if (!st.field().empty()) j["field"] = st.field();
  return JsonReply(st.http_status(), j);
}

namespace detail {

// Finds the top-level key under which a JSON text fails (a number that
// overflows a double, nesting too deep), so the error can name the field.
struct KeyOfFailure : nlohmann::json_sax<nlohmann::json> {
  size_t depth = 0, max_depth = 0;
  std::string top_key, failed_key;
  bool too_deep = false;
  bool Open() {
    if (++depth > max_depth) {
      too_deep = true;
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
inline size_t JsonDepth(std::string_view s) {
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

}  // namespace detail

// Request bodies nest no deeper than this: no form or route needs more, and
// deeper values would cost recursion wherever they are dumped or compared.
inline constexpr size_t kMaxJsonDepth = 32;

// Parses a request body that must be one JSON object. Malformed JSON, invalid
// UTF-8 or another shape is 400 with field "body"; a number beyond a double
// (1e400) or nesting deeper than kMaxJsonDepth is 422 naming the top-level
// field it is in. Never throws.
inline Status ParseJsonObject(std::string_view body, nlohmann::json* out) {
  using nlohmann::json;
  if (body.empty()) return Status::BadRequest("request body is empty; a JSON object is expected", "body");
  if (!text::IsValidUtf8(body)) return Status::BadRequest("request body is not valid UTF-8", "body");
  auto locate = [&](const char* what) {
    detail::KeyOfFailure k;
    k.max_depth = kMaxJsonDepth;
    json::sax_parse(body, &k);
    if (k.failed_key.empty()) return Status::BadRequest(std::string("request body ") + what, "body");
    return Status::Invalid(k.failed_key, k.failed_key + " " + what);
  };
  if (detail::JsonDepth(body) > kMaxJsonDepth)
    return locate(("nests deeper than " + std::to_string(kMaxJsonDepth) + " levels").c_str());
  try {
    *out = json::parse(body);
  } catch (const json::parse_error& e) {
    return Status::BadRequest(std::string("malformed JSON: ") + e.what(), "body");
  } catch (const json::exception&) {
    // nlohmann refuses numbers that overflow a double (out_of_range 406).
    return locate("holds a number that is not finite or too large");
  }
  if (!out->is_object()) return Status::BadRequest("request body must be a JSON object", "body");
  return Status::Ok();
}

// Reads b[k] as text: absent or null leaves *out as it is; any other type is
// 422 naming the field.
inline Status OptionalText(const nlohmann::json& b, const char* k, std::string* out) {
  auto it = b.find(k);
  if (it == b.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Status::Invalid(k, std::string(k) + " must be a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

// Reads b[k] as a finite number: absent or null leaves *out empty; any other
// type is 422 naming the field.
inline Status OptionalNumber(const nlohmann::json& b, const char* k, std::optional<double>* out) {
  auto it = b.find(k);
  if (it == b.end() || it->is_null()) return Status::Ok();
  if (!it->is_number()) return Status::Invalid(k, std::string(k) + " must be a number");
  const double d = it->get<double>();
  if (!std::isfinite(d)) return Status::Invalid(k, std::string(k) + " must be a finite number");
  *out = d;
  return Status::Ok();
}

// The query parameter, or "" when absent.
inline std::string QueryParam(const Request& req, const char* key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

}  // namespace u5::http
