#include "core/status.h"

namespace u5 {

const char* Status::code_name() const {
  switch (code_) {
    case Code::ok: return "ok";
    case Code::invalid: return "invalid";
    case Code::bad_request: return "bad_request";
    case Code::unauthenticated: return "unauthenticated";
    case Code::forbidden: return "forbidden";
    case Code::not_found: return "not_found";
    case Code::conflict: return "conflict";
    case Code::too_large: return "too_large";
    case Code::throttled: return "throttled";
    case Code::internal: return "internal";
  }
  return "internal";
}

int Status::http_status() const {
  switch (code_) {
    case Code::ok: return 200;
    case Code::invalid: return 422;
    case Code::bad_request: return 400;
    case Code::unauthenticated: return 401;
    case Code::forbidden: return 403;
    case Code::not_found: return 404;
    case Code::conflict: return 409;
    case Code::too_large: return 413;
    case Code::throttled: return 429;
    case Code::internal: return 500;
  }
  return 500;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string s = code_name();
  if (!field_.empty()) s += " [" + field_ + "]";
  s += ": " + message_;
  return s;
}

}  // namespace u5
