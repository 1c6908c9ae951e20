#include "http/api.h"

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "auth/demo_accounts.h"
#include "auth/roles.h"
#include "auth/throttle.h"
#include "core/date.h"
#include "core/log.h"
#include "core/text.h"
#include "http/audit_sink.h"
#include "http/rate_limit.h"
#include "http/users_api.h"
#include "registry/schema.h"
#include "store/schema.h"

namespace u5::http {
namespace {

using nlohmann::json;

constexpr auto& JsonResponse = JsonReply;
constexpr auto& Error = ErrorReply;

std::string CookieValue(const std::string& cookie, const std::string& name) {
  size_t pos = 0;
  while (pos < cookie.size()) {
    size_t end = cookie.find(';', pos);
    if (end == std::string::npos) end = cookie.size();
    std::string part = cookie.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return {};
}

// What the client may offer the user (menus); the server still checks each request.
json PermissionsOf(const std::string& role) {
  json out = json::array();
  if (const auth::Role* r = auth::Roles::Current().Find(role))
    for (const auto& p : r->permissions) out.push_back(p);
  return out;
}

// Cookies ride along on cross-site requests, so a cookie-authenticated
// request that changes state must come from our own origin. Browsers send
// Origin on every POST/PUT/DELETE; bearer tokens are never sent by a
// browser on its own, so they need no such check.
bool CsrfSafe(const Request& req, bool via_cookie) {
  if (!via_cookie || req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS") return true;
  if (req.origin.empty() || req.host.empty()) return false;
  return req.origin == "http://" + req.host || req.origin == "https://" + req.host;
}

// A body is JSON only when it says so: a form post or text/plain body is
// what a cross-site page can send without a preflight, and the handlers
// read nothing else. FHIR's paths also take application/fhir+json.
bool JsonContentType(const Request& req, bool fhir = false) {
  std::string t = req.content_type.substr(0, req.content_type.find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(0, 1);
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t == "application/json" || (fhir && t == "application/fhir+json");
}

Response UnsupportedMediaType(bool fhir = false) {
  const std::string types = fhir ? "application/fhir+json or application/json" : "application/json";
  Response r = JsonResponse(415, {{"error", "unsupported_media_type"},
                                  {"message", "request bodies must be sent as Content-Type: " + types},
                                  {"field", "Content-Type"}});
  r.headers["Accept"] = fhir ? "application/fhir+json, application/json" : "application/json";
  return r;
}

std::string TokenOf(const Request& req) {
  if (req.authorization.rfind("Bearer ", 0) == 0) return req.authorization.substr(7);
  return CookieValue(req.cookie, "u5_session");
}

bool Success(const Response& r) { return r.status >= 200 && r.status < 300; }

// FHIR's paths (docs/fhir.md): /fhir and below.
bool FhirPath(const std::string& path) { return path == "/fhir" || path.rfind("/fhir/", 0) == 0; }

// A FHIR path's answer in FHIR's media type; an error the API or a shared
// helper wrote as JSON ({error, message, field, errors}) becomes the
// OperationOutcome it means, each faulty field an issue naming its element.
void AsFhir(Response& r) {
  if (r.content_type != "application/json") return;
  r.content_type = "application/fhir+json";
  if (Success(r)) return;
  const json j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || j.contains("resourceType") || !j.contains("message")) return;
  std::vector<std::pair<std::string, std::string>> issues;
  if (j.contains("errors") && j["errors"].is_array())
    for (const json& e : j["errors"]) issues.emplace_back(e.value("field", ""), e.value("reason", ""));
  else
    issues.emplace_back(j.value("field", ""), j.value("message", ""));
  r.body = FhirOutcome(r.status, issues).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

struct Api::Impl {
  store::Store& store;
  auth::Sessions sessions;
  ApiOptions opts;
  AuditSink reads;
  auth::LoginThrottle throttle;
  RateLimit bulk_rate;
  Router router;

  Impl(store::Store& s, Routes module_routes, ApiOptions o)
      : store(s), sessions(s, o.sessions), opts(o), reads(s), throttle(o.login_throttle),
        bulk_rate(o.bulk_burst, o.bulk_per_minute), router(AllRoutes(std::move(module_routes))) {}

  // The Api's own routes (they need its sessions and audit sink), then the modules'.
  Routes AllRoutes(Routes module_routes) {
    using A = http::Audit;
    Routes k = {
        {"GET", "health", "", A::none,
         [](Call&) { return JsonResponse(200, {{"status", "ok"}, {"schema_version", store::LatestSchemaVersion()}}); }, true},
        {"POST", "auth/login", "", A::none, [this](Call& c) { return Login(c.req); }, true},
        {"POST", "auth/logout", "", A::none, [this](Call& c) { return Logout(c); }, false, false, true},
        {"GET", "auth/me", "", A::none, [this](Call& c) { return Me(c.who); }, false, false, true},
        {"POST", "auth/password", "", A::write, [this](Call& c) { return ChangePassword(c); }, false, false, true},
        {"GET", "audit", auth::kAuditRead, A::none, [this](Call& c) { return AuditTrail(c); }, false, true},
    };
    for (Route& r : UserRoutes(sessions)) k.push_back(std::move(r));
    for (Route& r : module_routes) k.push_back(std::move(r));
    return k;
  }

  // Demo mode spares only the accounts `under5 demo` creates with the password
  // it prints (auth/demo_accounts.h): databases it made before issue 20 marked
  // them as holding an initial password. A user created on a demo server still
  // replaces the initial password handed out.
  bool MustChange(const auth::Principal& who) const {
    return who.must_change_password && !(opts.demo_mode && auth::IsDemoAccount(who.username));
  }

  // The one entry of an answer that carries an AuditNote. Reads and refusals
  // are group-committed; anything else commits before the reply.
  void AuditAnswer(const Call& c, AuditNote n) {
    audit::Entry e;
    e.user_id = c.who.user_id;
    e.username = c.who.username;
    e.remote = c.req.remote;
    e.at = NowIso();
    e.action = std::move(n.action);
    e.record_type = std::move(n.record_type);
    e.record_id = std::move(n.record_id);
    e.orgunit_id = std::move(n.orgunit);
    json d = json::object();
    if (!n.via.empty()) d["via"] = n.via;
    if (e.action == "read" && e.record_id.empty()) {
      std::vector<std::string> ids;  // each once, in the answer's order
      std::unordered_set<std::string> seen;
      for (std::string& id : n.records)
        if (seen.insert(id).second) ids.push_back(std::move(id));
      d["records"] = ids;
    }
    for (auto& [k, v] : n.detail) d[k] = v;
    e.detail = d.dump(-1, ' ', false, json::error_handler_t::replace);
    if (e.action == "read" || e.action.ends_with("_denied")) {
      reads.Add(std::move(e));
    } else if (Status st = store.AppendAudit({e}); !st.ok()) {
      log::Error("audit_append_failed", {{"action", e.action}, {"error", st.ToString()}});
    }
  }

  // Holds the handler to its route's audit kind: a person-level answer without
  // a note, or a write that stamped no entry, is still audited, and logged as a bug.
  void AuditCall(const Route& route, const Call& c, Response& r) {
    using A = http::Audit;
    if (!r.audit && Success(r) && route.audit != A::none && !(route.audit == A::write && c.stamped)) {
      log::Error("route_without_audit", {{"method", route.method}, {"pattern", route.pattern}});
      r.audit = AuditNote{.action = route.audit == A::write ? "write" : "read", .via = route.pattern};
    }
    if (r.audit) AuditAnswer(c, std::move(*r.audit));
    r.audit.reset();
  }

  Response Login(const Request& req) {
    json b;
    if (Status st = ParseJsonObject(req.body, &b); !st.ok()) return Error(st);
    if (!b.contains("username") || !b["username"].is_string()) return Error(Status::Invalid("username", "username is required"));
    if (!b.contains("password") || !b["password"].is_string()) return Error(Status::Invalid("password", "password is required"));
    const std::string username = b["username"];
    // Reserved before the password check, settled after it: concurrent
    // guesses are counted against the limits as they start (auth/throttle.h).
    auth::LoginThrottle::Attempt attempt;
    if (int64_t wait = throttle.Begin(username, req.remote, sessions.Now(), &attempt); wait > 0) {
      audit::Entry e;
      e.username = text::IsValidUtf8(username) ? username.substr(0, 64) : "?";
      e.remote = req.remote;
      e.action = "login_throttled";
      reads.Add(std::move(e));
      Response r = JsonResponse(429, {{"error", "too_many_requests"}, {"message", "too many failed logins; try again later"}});
      r.headers["Retry-After"] = std::to_string((wait + 999) / 1000);
      return r;
    }
    std::string token;
    auth::Principal who;
    Status st = sessions.Login(username, b["password"], &token, &who);
    if (st.ok()) attempt.Succeeded(sessions.Now());
    else if (st.code() == Code::unauthenticated) attempt.Failed(sessions.Now());
    log::Info("login", {{"username", b["username"]}, {"ok", st.ok()}, {"remote", req.remote}});
    audit::Entry e;
    e.user_id = who.user_id;
    e.username = text::IsValidUtf8(b["username"].get<std::string>()) ? b["username"].get<std::string>().substr(0, 64) : "?";
    e.remote = req.remote;
    e.action = st.ok() ? "login_ok" : "login_failed";
    if (st.ok() && !who.orgunits.empty()) e.orgunit_id = who.orgunits.front();
    reads.Add(std::move(e));
    if (!st.ok()) return Error(st);
    Response r = JsonResponse(200, {{"token", token},
                                    {"expires_in", sessions.ttl_ms() / 1000},
                                    {"must_change_password", MustChange(who)},
                                    {"user", {{"id", who.user_id}, {"username", who.username}, {"role", who.role}, {"orgunits", who.orgunits},
                                              {"permissions", PermissionsOf(who.role)},
                                              {"must_change_password", MustChange(who)}}}});
    r.headers["Set-Cookie"] = "u5_session=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                              std::to_string(sessions.ttl_ms() / 1000) + (req.secure ? "; Secure" : "");
    return r;
  }

  Response Logout(Call& c) {
    sessions.Logout(c.token);
    Response r = JsonResponse(200, {{"status", "logged out"}});
    r.headers["Set-Cookie"] = std::string("u5_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0") + (c.req.secure ? "; Secure" : "");
    return r;
  }

  Response Me(const auth::Principal& who) {
    return JsonResponse(200, {{"id", who.user_id}, {"username", who.username}, {"role", who.role}, {"orgunits", who.orgunits},
                              {"permissions", PermissionsOf(who.role)}, {"must_change_password", MustChange(who)}});
  }

  Response ChangePassword(Call& c) {
    const auth::Principal& who = c.who;
    json b;
    if (Status st = ParseJsonObject(c.req.body, &b); !st.ok()) return Error(st);
    if (!b.contains("old_password") || !b["old_password"].is_string()) return Error(Status::Invalid("old_password", "old_password is required"));
    if (!b.contains("new_password") || !b["new_password"].is_string()) return Error(Status::Invalid("new_password", "new_password is required"));
    Status st = sessions.ChangePassword(who, b["old_password"], b["new_password"], c.token);
    audit::Entry e = c.Stamp(st.ok() ? "password_change" : "password_change_failed");
    e.record_type = "user";
    e.record_id = who.user_id;
    // The user's org unit places the entry in the scope of the officers who manage them.
    if (!who.orgunits.empty()) e.orgunit_id = who.orgunits.front();
    if (Status a = store.AppendAudit({e}); !a.ok()) return Error(a);
    if (!st.ok()) return Error(st);
    return JsonResponse(200, {{"status", "password changed"}});
  }

  // The audit trail, for administrators (everything, without changed values)
  // and province officers (entries of records within their org units).
  Response AuditTrail(Call& c) {
    const auth::Principal& who = c.who;
    const auth::Role* role = auth::Roles::Current().Find(who.role);
    if (!role) return Error(Status::Forbidden("role " + who.role + " is not defined"));
    auto get = [&](const char* k) { return c.query(k); };
    store::AuditQuery q;
    q.username = get("user");
    q.record_id = get("record");
    q.from = get("from");
    q.to = get("to");
    if (!role->all_orgunits) q.orgunits = who.orgunits;
    q.newest_first = true;  // what happened last is what a reader looks for first
    // Changed values are health data: only for roles that may read persons.
    const bool values = role->permissions.count(auth::kPersonRead) > 0;
    if (std::string c = get("cursor"); !c.empty()) {
      if (c.size() > 18 || c.find_first_not_of("0123456789") != std::string::npos) return Error(Status::Invalid("cursor", "cursor must be a number"));
      q.before_seq = std::stoll(c);
    }
    if (std::string l = get("limit"); !l.empty()) {
      if (l.size() > 4 || l.find_first_not_of("0123456789") != std::string::npos || std::stoi(l) < 1 || std::stoi(l) > 1000)
        return Error(Status::Invalid("limit", "limit must be a whole number from 1 to 1000"));
      q.limit = std::stoi(l);
    }
    reads.Flush();  // so the caller sees the reads that led here
    std::vector<audit::Entry> es;
    if (Status st = store.ListAudit(q, &es); !st.ok()) return Error(st);
    json items = json::array();
    for (const auto& e : es) {
      json detail = json::parse(e.detail, nullptr, false);
      // A death review's values are the review board's alone, whoever else reads the trail.
      const std::string& confidential = registry::ReadPermission(e.record_type);
      const bool shown = values && (confidential.empty() || role->permissions.count(confidential) > 0);
      if (!shown && detail.is_object() && detail.contains("changed")) {
        json names = json::array();
        for (auto it = detail["changed"].begin(); it != detail["changed"].end(); ++it) names.push_back(it.key());
        detail["changed"] = names;  // no health data for administrators
      }
      items.push_back({{"seq", e.seq}, {"at", e.at}, {"user_id", e.user_id}, {"username", e.username}, {"remote", e.remote},
                       {"action", e.action}, {"record_type", e.record_type}, {"record_id", e.record_id},
                       {"orgunit", e.orgunit_id}, {"detail", detail}, {"hash", e.hash}});
    }
    json out = {{"items", items}, {"next_cursor", nullptr}};
    if (static_cast<int>(es.size()) == q.limit) out["next_cursor"] = std::to_string(es.back().seq);
    return JsonResponse(200, out);
  }

  Response Handle(const Request& req) {
    if (req.body.size() > opts.max_body_bytes)
      return Error(Status::TooLarge("body larger than " + std::to_string(opts.max_body_bytes) + " bytes"));
    const Router::Match m = router.Find(req.method, req.path);
    static const auth::Principal kNobody;
    const bool fhir = FhirPath(req.path);
    if (m.route && m.route->is_public) {
      if (!req.body.empty() && !JsonContentType(req, fhir)) return UnsupportedMediaType(fhir);
      Call call{req, kNobody, store, m.params, {}};
      return m.route->handler(call);
    }
    if (req.path.rfind("/api/v1/", 0) != 0 && !fhir) return NotFoundReply(req.path);
    if (!m.route && m.public_path) return MethodNotAllowedReply(m.allow);

    auth::Principal who;
    const std::string token = TokenOf(req);
    if (Status st = sessions.Authenticate(token, &who); !st.ok()) return Error(st);
    if (!CsrfSafe(req, req.authorization.rfind("Bearer ", 0) != 0))
      return Error(Status::Forbidden("cross-site request refused: Origin does not match this server"));
    if (MustChange(who) && !(m.route && m.route->before_password_change))
      return JsonResponse(403, {{"error", "password_change_required"},
                                {"message", "change the initial password first (POST /api/v1/auth/password)"}});
    if (!m.route) return m.allow.empty() ? NotFoundReply(req.path) : MethodNotAllowedReply(m.allow);
    const Route& route = *m.route;
    if (Status st = CheckPermission(route, who); !st.ok()) {
      // A role refused person-level data (a commune worker asking for a death review) leaves an
      // entry, as a refusal for scope does, so probing is seen in the trail.
      if (route.audit != Audit::none) {
        Call call{req, who, store, m.params, token};
        AuditAnswer(call, AuditNote{.action = req.method == "GET" ? "read_denied" : "write_denied", .via = route.pattern,
                                    .record_id = m.params.empty() ? std::string() : m.params.front()});
      }
      return Error(st);
    }
    if (route.bulk) {
      if (int64_t wait = bulk_rate.Take(who.user_id, sessions.Now()); wait > 0) {
        Response r = JsonResponse(429, {{"error", "too_many_requests"}, {"message", "too many list or export requests; slow down"}});
        r.headers["Retry-After"] = std::to_string((wait + 999) / 1000);
        return r;
      }
    }
    // An empty POST (logout, disable, enable) carries nothing to misread.
    if (!req.body.empty() && !JsonContentType(req, fhir)) return UnsupportedMediaType(fhir);
    Call call{req, who, store, m.params, token};
    Response r = route.handler(call);
    AuditCall(route, call, r);
    return r;
  }
};

Api::Api(store::Store& store, Routes routes, ApiOptions opts)
    : impl_(std::make_unique<Impl>(store, std::move(routes), opts)), opts_(opts) {}
Api::~Api() = default;
void Api::FlushAudit() { impl_->reads.Flush(); }
const Routes& Api::routes() const { return impl_->router.routes(); }

Response Api::Handle(const Request& req) {
  Response r;
  try {
    r = impl_->Handle(req);
    r.audit.reset();  // never sent
  } catch (const nlohmann::json::exception& e) {
    // A handler read a JSON value as a type it does not have: the request's fault, not ours.
    log::Error("request_json_type", {{"path", req.path}, {"what", e.what()}});
    r = Error(Status::BadRequest("a field of the request has the wrong JSON type", "body"));
  } catch (const std::exception& e) {
    log::Error("request_failed", {{"path", req.path}, {"what", e.what()}});
    r = Error(Status::Internal("internal error"));
  }
  if (FhirPath(req.path)) AsFhir(r);
  return r;
}

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
      int h = hex(s[i + 1]), l = hex(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push_back(static_cast<char>(h * 16 + l));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(std::string_view q) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i <= q.size() && !q.empty()) {
    size_t j = q.find('&', i);
    if (j == std::string_view::npos) j = q.size();
    std::string_view part = q.substr(i, j - i);
    size_t eq = part.find('=');
    if (!part.empty()) {
      if (eq == std::string_view::npos) out[PercentDecode(part, true)] = "";
      else out[PercentDecode(part.substr(0, eq), true)] = PercentDecode(part.substr(eq + 1), true);
    }
    i = j + 1;
    if (j == q.size()) break;
  }
  return out;
}

}  // namespace u5::http
