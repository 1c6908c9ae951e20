// The JSON API with a logged-in commune worker: the first line of the input
// is "METHOD /api/v1/path?query", the rest is the request body. Any answer is
// fine; a crash, leak or undefined behaviour is not.
#include <cstdint>
#include <string>

#include "auth/session.h"
#include "fuzz/fuzz_store.h"
#include "app/routes.h"
#include "http/api.h"

using namespace u5;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static http::Api* api = nullptr;
  static std::string token;
  if (!api) {
    store::Store& s = fuzz::SharedStore();
    if (!auth::AddUser(s, "cw1", "password-123", "commune_worker", {"03390", "00004"}).ok()) std::abort();
    http::ApiOptions o;
    o.max_body_bytes = 64 * 1024;
    o.login_throttle = auth::ThrottleOptions::Unlimited();  // the fuzzer may log in as often as it likes
    api = new http::Api(s, app::Routes({}), o);
    http::Request login;
    login.method = "POST";
    login.path = "/api/v1/auth/login";
    login.body = R"({"username":"cw1","password":"password-123"})";
    login.content_type = "application/json";
    http::Response r = api->Handle(login);
    size_t at = r.body.find("\"token\":\"");
    if (r.status != 200 || at == std::string::npos) std::abort();
    token = r.body.substr(at + 9, 64);
  }
  std::string in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string first = in.substr(0, nl);
  http::Request req;
  size_t sp = first.find(' ');
  req.method = first.substr(0, sp);
  std::string target = sp == std::string::npos ? "/api/v1/persons" : first.substr(sp + 1);
  size_t q = target.find('?');
  req.path = http::PercentDecode(target.substr(0, q));
  if (q != std::string::npos) req.query = http::ParseQuery(target.substr(q + 1));
  req.body = nl == std::string::npos ? "" : in.substr(nl + 1);
  // Logging out or changing the password would leave the rest of the run at 401.
  if (req.path.find("logout") != std::string::npos || req.path.find("password") != std::string::npos) req.method = "GET";
  req.authorization = "Bearer " + token;
  req.if_match = "\"1\"";
  req.content_type = "application/json";
  req.remote = "fuzz";
  api->Handle(req);
  return 0;
}
