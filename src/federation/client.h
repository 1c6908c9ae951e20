// The push's HTTP client (Boost.Beast, plain HTTP/1.1, one connection a
// request so that a national server restarted between parts costs nothing).
// HTTPS is left to a TLS-terminating proxy on the province's side for now.
#pragma once
#include <string>

#include "core/status.h"

namespace u5::federation {

struct HttpReply {
  int status = 0;
  std::string body;
};

class Client {
 public:
  // `url`: http://host:port (a path after it is ignored).
  static Status Make(const std::string& url, Client* out);
  Status Request(const std::string& method, const std::string& target, const std::string& json_body, HttpReply* out) const;
  void set_token(std::string t) { token_ = std::move(t); }

 private:
  std::string host_, port_, token_;
};

}  // namespace u5::federation
