#include "http/route.h"

#include "auth/roles.h"
#include "core/date.h"

namespace u5::http {
namespace {

constexpr std::string_view kPrefix = "/api/v1/";

// "a/b/c" -> {"a","b","c"}; a trailing slash is ignored.
template <class S>
std::vector<S> Split(std::string_view s) {
  std::vector<S> parts;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find('/', i);
    if (j == std::string_view::npos) j = s.size();
    parts.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  if (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

bool IsParam(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

// Matches and, when it does, ranks: bit i (from the left) set when segment i is literal.
bool Matches(const std::vector<std::string>& pat, const std::vector<std::string_view>& path, uint64_t* rank) {
  if (pat.size() != path.size()) return false;
  uint64_t r = 0;
  for (size_t i = 0; i < pat.size(); ++i) {
    r <<= 1;
    if (IsParam(pat[i])) {
      if (path[i].empty()) return false;
    } else if (pat[i] != path[i]) {
      return false;
    } else {
      r |= 1;
    }
  }
  *rank = r;
  return true;
}

}  // namespace

audit::Entry Call::Stamp(std::string action) {
  stamped = true;
  audit::Entry e;
  e.user_id = who.user_id;
  e.username = who.username;
  e.remote = req.remote;
  e.at = NowIso();
  e.action = std::move(action);
  return e;
}

Router::Router(Routes routes) : routes_(std::move(routes)) {
  for (const Route& r : routes_)
    patterns_.push_back(Split<std::string>(std::string_view(r.pattern).substr(r.pattern.starts_with('/') ? 1 : 0)));
}

Router::Match Router::Find(const std::string& method, const std::string& path) const {
  Match m;
  // Patterns are under /api/v1/, or whole paths when they start with '/' (FHIR's /fhir/...).
  const bool api = path.rfind(kPrefix, 0) == 0;
  if (!api && !path.starts_with('/')) return m;
  const std::vector<std::string_view> parts =
      Split<std::string_view>(std::string_view(path).substr(api ? kPrefix.size() : 1));
  // The most specific pattern that matches the path names it; its methods are the ones allowed.
  uint64_t best = 0;
  bool any = false;
  std::vector<size_t> same;
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].pattern.starts_with('/') == api) continue;
    uint64_t rank;
    if (!Matches(patterns_[i], parts, &rank)) continue;
    if (!any || rank > best) {
      best = rank;
      same.clear();
      any = true;
    }
    if (rank == best) same.push_back(i);
  }
  for (size_t i : same) {
    m.public_path = m.public_path || routes_[i].is_public;
    if (routes_[i].method != method) {
      if (m.allow.find(routes_[i].method) == std::string::npos) m.allow += (m.allow.empty() ? "" : ", ") + routes_[i].method;
      continue;
    }
    m.route = &routes_[i];
    for (size_t k = 0; k < parts.size(); ++k)
      if (IsParam(patterns_[i][k])) m.params.emplace_back(parts[k]);
    m.allow.clear();
    return m;
  }
  return m;
}

Status CheckPermission(const Route& r, const auth::Principal& who) {
  if (r.permission.empty() || auth::Roles::Current().Has(who.role, r.permission)) return Status::Ok();
  return Status::Forbidden("role " + who.role + " lacks permission " + r.permission);
}

Response Router::Invoke(const Match& m, Call& call) {
  if (!m.route->is_public)
    if (Status st = CheckPermission(*m.route, call.who); !st.ok()) return ErrorReply(st);
  call.params = m.params;
  return m.route->handler(call);
}

Response Router::Dispatch(const Request& req, const auth::Principal& who, store::Store& store) const {
  Match m = Find(req.method, req.path);
  if (!m.route) return m.allow.empty() ? NotFoundReply(req.path) : MethodNotAllowedReply(m.allow);
  Call call{req, who, store, {}, {}};
  return Invoke(m, call);
}

Response Refused(const Call& call, const Status& st, const std::string& record_type, const std::string& record_id,
                 const std::string& orgunit) {
  Response r = ErrorReply(st);
  r.audit = AuditNote{.action = call.req.method == "GET" ? "read_denied" : "write_denied",
                      .record_type = record_type, .record_id = record_id, .orgunit = orgunit};
  return r;
}

Response NotFoundReply(const std::string& path) { return ErrorReply(Status::NotFound("no such endpoint: " + path)); }

Response MethodNotAllowedReply(const std::string& allow) {
  Response r = JsonReply(405, {{"error", "method_not_allowed"}, {"message", "this path answers " + allow + " only"}});
  r.headers["Allow"] = allow;
  return r;
}

}  // namespace u5::http
