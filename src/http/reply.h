// JSON replies shared by every module's routes (api.cpp, and the indicator,
// care and report routes, which link no part of the server): one shape for
// errors everywhere — {"error": code, "message": ..., "field": ...}.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
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

// The query parameter, or "" when absent.
inline std::string QueryParam(const Request& req, const char* key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

}  // namespace u5::http
