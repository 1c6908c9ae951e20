// The JSON API, independent of the socket layer: a Request in, a Response
// out. The Beast server (server.h) and the tests both drive it.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "auth/session.h"
#include "auth/throttle.h"
#include "store/store.h"

namespace u5::http {

struct Request {
  std::string method;   // "GET", "POST", ...
  std::string path;     // without the query string, percent-decoded
  std::map<std::string, std::string> query;
  std::string authorization, cookie, if_match, content_type, origin;
  std::string host;     // the Host header, for the cookie sessions' Origin check
  std::string body;
  std::string remote;   // client address
  bool secure = false;  // reached over TLS, directly or through a trusted proxy: cookies get Secure
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
};

struct ApiOptions {
  size_t max_body_bytes = 1 << 20;
  auth::SessionOptions sessions;
  auth::ThrottleOptions login_throttle;  // failed logins per (user name, address), address, user name
  // Per user on the routes marked `bulk` in routes.cpp (lists, searches, exports).
  int bulk_burst = 60;
  int bulk_per_minute = 120;
  // Demo mode lets the printed demo passwords be used without changing them first.
  bool demo_mode = false;
};

class Api {
 public:
  Api(store::Store& store, ApiOptions opts = {});
  ~Api();
  Response Handle(const Request& req);
  // Writes the buffered audit entries of reads now (at shutdown).
  void FlushAudit();
  const ApiOptions& options() const { return opts_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ApiOptions opts_;
};

// Splits "a=1&b=x%20y" into a map (percent- and plus-decoded).
std::map<std::string, std::string> ParseQuery(std::string_view q);
std::string PercentDecode(std::string_view s, bool plus_is_space = false);

}  // namespace u5::http
