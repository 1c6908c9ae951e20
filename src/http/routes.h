// Every route the JSON API serves, as data: method, path pattern and the
// permission (auth/roles.h) it needs. Api::Handle answers 404 for a path no
// pattern matches and 403 when the role lacks the permission, so a new route
// must be listed here to be reachable at all; test/security walks this table
// and checks each route answers 401 without a session.
#pragma once
#include <string>
#include <vector>

namespace u5::http {

struct Route {
  const char* method;
  // Segments after /api/v1/; "{collection}" is any record collection, "{id}" any one segment.
  const char* pattern;
  const char* permission;  // "" = any logged-in user
  bool is_public = false;  // answers without a session (health, login)
  // Answers many records at once (lists, searches, exports): counted against
  // the user's rate (ApiOptions::bulk_*), so one user cannot pull the whole registry in seconds.
  bool bulk = false;
};

const std::vector<Route>& Routes();
// URL collection names ("persons", "anc-visits", ...).
const std::vector<std::string>& CollectionNames();
// The routes whose pattern matches `path` (any method); empty when none does.
std::vector<const Route*> MatchRoutes(const std::string& path);

}  // namespace u5::http
