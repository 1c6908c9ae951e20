// The one list of routes: each module exports its routes as data (method, path
// pattern, permission, audit kind) carrying their handlers; `cli` assembles
// the list and the Router matches a request once, checks its permission once
// and calls the handler with the request's context. Tests walk the same list
// that dispatches.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/entry.h"
#include "auth/session.h"
#include "http/message.h"
#include "store/attached.h"
#include "store/store.h"

namespace u5::http {

// What a route's answer discloses or changes, so that the dispatcher can hold
// every handler to the audit rule (docs/security.md).
enum class Audit {
  none,         // no person-level data: aggregates, org unit names, the caller's own session
  person_read,  // person-level data: the handler's AuditNote names the records; one entry per answer
  write,        // changes stored data: the store write carries the entry of Call::Stamp, in its transaction
};

// The context of one request, handed to its handler.
struct Call {
  const Request& req;
  const auth::Principal& who;  // empty for a public route
  store::Store& store;
  std::vector<std::string> params;  // the segments the pattern's "{name}" parts matched, in order
  std::string token;                // the session token (logout, password change)
  bool stamped = false;             // Stamp was called: the handler wrote with an audit entry

  // An audit entry for a write of this call (user id and name, address, time).
  audit::Entry Stamp(std::string action);
  // The service of type T attached to the store (indicator, care engines), or
  // null when it does not run in this process.
  template <class T>
  T* service() const {
    return store::Attached<T>::For(store);
  }
  const std::string& param(size_t i) const { return params.at(i); }
  std::string query(const char* key) const { return QueryParam(req, key); }
};

using Handler = std::function<Response(Call&)>;

struct Route {
  std::string method;
  std::string pattern;     // segments after /api/v1/, or a whole path from '/' ("/fhir/{type}"); "{name}" matches any one non-empty segment
  std::string permission;  // auth/roles.h; "" = any signed-in user
  Audit audit = Audit::none;
  Handler handler;
  bool is_public = false;  // answers without a session (health, login)
  // Answers many records at once (lists, searches, exports): counted against
  // the user's rate (ApiOptions::bulk_*), so one user cannot pull the registry in seconds.
  bool bulk = false;
  bool before_password_change = false;  // also answers a user who must first change an initial password
};

using Routes = std::vector<Route>;

class Router {
 public:
  explicit Router(Routes routes);

  struct Match {
    const Route* route = nullptr;     // null: no route for this method (see allow)
    std::vector<std::string> params;  // when route is set
    std::string allow;                // the path exists with these methods only ("GET, POST"); empty: no such path
    bool public_path = false;         // one of the path's routes answers without a session
  };
  // A literal segment wins over "{name}", leftmost first: persons/search before persons/{id}.
  Match Find(const std::string& method, const std::string& path) const;

  // Find, the permission, then the handler: 404, 405 with Allow, 403. The
  // answer keeps its AuditNote (Api writes it; module tests read it).
  Response Dispatch(const Request& req, const auth::Principal& who, store::Store& store) const;
  // The matched route's permission check and handler.
  static Response Invoke(const Match& m, Call& call);

  const Routes& routes() const { return routes_; }

 private:
  Routes routes_;
  std::vector<std::vector<std::string>> patterns_;  // each route's pattern, split
};

// A request refused because the record or org unit lies outside the caller's
// scope: the error, with the audit note of the refusal (read_denied for a GET,
// write_denied otherwise).
Response Refused(const Call& call, const Status& st, const std::string& record_type, const std::string& record_id,
                 const std::string& orgunit);

Response NotFoundReply(const std::string& path);
Response MethodNotAllowedReply(const std::string& allow);
// Forbidden unless the role holds the route's permission.
Status CheckPermission(const Route& r, const auth::Principal& who);

}  // namespace u5::http
