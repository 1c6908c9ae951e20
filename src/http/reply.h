// JSON replies shared by every module's routes (api.cpp, and the indicator,
// care and report routes, which link no part of the server): one shape for
// errors everywhere — {"error": code, "message": ..., "field": ...}.
#pragma once
#include <cmath>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/json_body.h"
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

// The one parser of request bodies (core/json_body.h).
using ::u5::ParseJsonObject;

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
