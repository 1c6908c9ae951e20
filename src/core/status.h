// Status: the outcome of an operation that can fail, LevelDB style.
// A failed Status carries a machine code (used as the API's "error" field),
// a human message and, for validation errors, the offending field.
#pragma once
#include <string>
#include <utility>

namespace u5 {

enum class Code {
  ok,
  invalid,        // 422: a value breaks a rule (bad type, out of bounds, impossible date)
  bad_request,    // 400: the request itself is malformed (JSON syntax, encoding)
  unauthenticated,// 401
  forbidden,      // 403
  not_found,      // 404
  conflict,       // 409: duplicate id or stale version
  too_large,      // 413
  throttled,      // 429
  internal,       // 500
};

class Status {
 public:
  Status() = default;
  static Status Ok() { return {}; }
  static Status Invalid(std::string field, std::string msg) { return {Code::invalid, std::move(msg), std::move(field)}; }
  static Status BadRequest(std::string msg, std::string field = {}) { return {Code::bad_request, std::move(msg), std::move(field)}; }
  static Status Unauthenticated(std::string msg) { return {Code::unauthenticated, std::move(msg), {}}; }
  static Status Forbidden(std::string msg, std::string field = {}) { return {Code::forbidden, std::move(msg), std::move(field)}; }
  static Status NotFound(std::string msg, std::string field = {}) { return {Code::not_found, std::move(msg), std::move(field)}; }
  static Status Conflict(std::string msg, std::string field = {}) { return {Code::conflict, std::move(msg), std::move(field)}; }
  static Status TooLarge(std::string msg) { return {Code::too_large, std::move(msg), {}}; }
  static Status Internal(std::string msg) { return {Code::internal, std::move(msg), {}}; }

  bool ok() const { return code_ == Code::ok; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }
  // Machine-readable name of the code, e.g. "invalid", "conflict".
  const char* code_name() const;
  int http_status() const;
  std::string ToString() const;

 private:
  Status(Code c, std::string m, std::string f) : code_(c), message_(std::move(m)), field_(std::move(f)) {}
  Code code_ = Code::ok;
  std::string message_;
  std::string field_;
};

#define U5_RETURN_IF_ERROR(expr)        \
  do {                                  \
    ::u5::Status _st = (expr);          \
    if (!_st.ok()) return _st;          \
  } while (0)

}  // namespace u5
