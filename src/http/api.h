// The JSON API, independent of the socket layer: a Request in, a Response
// out. The Beast server (server.h) and the tests both drive it. Api owns the
// sessions and the audit of answers; the routes it serves are its own (health,
// sign-in, the audit trail, users) and those the caller assembles from the
// modules (src/app).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "auth/session.h"
#include "auth/throttle.h"
#include "http/message.h"
#include "http/route.h"
#include "store/store.h"

namespace u5::http {

struct ApiOptions {
  size_t max_body_bytes = 1 << 20;
  auth::SessionOptions sessions;
  auth::ThrottleOptions login_throttle;  // failed logins per (user name, address), address, user name
  // Per user on the routes marked `bulk` (lists, searches, exports).
  int bulk_burst = 60;
  int bulk_per_minute = 120;
  // Demo mode lets the printed demo passwords be used without changing them first.
  bool demo_mode = false;
};

class Api {
 public:
  Api(store::Store& store, Routes routes, ApiOptions opts = {});
  ~Api();
  Response Handle(const Request& req);
  // Writes the buffered audit entries of reads now (at shutdown).
  void FlushAudit();
  const ApiOptions& options() const { return opts_; }
  // Every route served, in matching order: the list that dispatches.
  const Routes& routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ApiOptions opts_;
};

// Splits "a=1&b=x%20y" into a map (percent- and plus-decoded).
std::map<std::string, std::string> ParseQuery(std::string_view q);
std::string PercentDecode(std::string_view s, bool plus_is_space = false);

}  // namespace u5::http
