#include "http/api.h"
#include "http/reply.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <unordered_set>

#include "auth/demo_accounts.h"
#include "auth/roles.h"
#include "auth/scope.h"
#include "auth/throttle.h"
#include "core/date.h"
#include "core/log.h"
#include "core/text.h"
#include "care/http_routes.h"
#include "http/audit_sink.h"
#include "http/growth_chart.h"
#include "http/rate_limit.h"
#include "http/routes.h"
#include "http/users_api.h"
#include "indicator/http_routes.h"
#include "report/http_routes.h"
#include "registry/json_record.h"
#include "registry/schema.h"
#include "registry/validate.h"
#include "store/schema.h"

namespace u5::http {
namespace {

using nlohmann::json;

// URL collection name <-> record type.
const std::vector<std::pair<std::string, std::string>>& Collections() {
  static const std::vector<std::pair<std::string, std::string>> k = {
      {"persons", "person"},           {"pregnancies", "pregnancy"},     {"anc-visits", "anc_visit"},
      {"deliveries", "delivery"},      {"newborns", "newborn"},          {"postnatal-visits", "postnatal_visit"},
      {"immunizations", "immunization"}, {"growth-measurements", "growth"}, {"vitamin-a", "vitamin_a"},
      {"illnesses", "illness"},        {"injuries", "injury"},           {"referrals", "referral"},
      {"deaths", "death"}};
  return k;
}

std::string TypeOfCollection(const std::string& c) {
  for (const auto& [coll, type] : Collections())
    if (coll == c) return type;
  return {};
}

constexpr auto& JsonResponse = JsonReply;
constexpr auto& Error = ErrorReply;

Response RecordResponse(int status, const store::Record& r) {
  Response resp = JsonResponse(status, registry::ToJson(r));
  resp.headers["ETag"] = "\"" + std::to_string(r.version) + "\"";
  return resp;
}

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

// Parses an If-Match header ("3", "\"3\"", W/"3") or a body "version".
std::optional<int64_t> ExpectedVersion(const Request& req, const json& body) {
  std::string v = req.if_match;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (!v.empty()) {
    try {
      size_t used = 0;
      long long n = std::stoll(v, &used);
      if (used == v.size()) return n;
    } catch (...) {
    }
    return std::nullopt;
  }
  if (body.is_object() && body.contains("version") && body["version"].is_number_integer()) return body["version"].get<int64_t>();
  return std::nullopt;
}

// A body "version" of another type than a whole number is refused naming it, not mistaken for a missing If-Match.
Status CheckBodyVersion(const json& body) {
  auto it = body.find("version");
  if (it == body.end() || it->is_null() || it->is_number_integer()) return Status::Ok();
  return Status::Invalid("version", "version must be a whole number (the record's version)");
}

// What the client may offer the user (menus); the server still checks each request.
json PermissionsOf(const std::string& role) {
  json out = json::array();
  if (const auth::Role* r = auth::Roles::Current().Find(role))
    for (const auto& p : r->permissions) out.push_back(p);
  return out;
}

}  // namespace

struct Api::Impl {
  store::Store& store;
  auth::Sessions sessions;
  ApiOptions opts;
  AuditSink reads;
  auth::LoginThrottle throttle;
  RateLimit bulk_rate;
  Impl(store::Store& s, ApiOptions o)
      : store(s), sessions(s, o.sessions), opts(o), reads(s), throttle(o.login_throttle),
        bulk_rate(o.bulk_burst, o.bulk_per_minute) {}

  // Demo mode spares only the accounts `under5 demo` creates with the password
  // it prints (auth/demo_accounts.h); a user created on a demo server still
  // replaces the initial password handed out.
  bool MustChange(const auth::Principal& who) const {
    return who.must_change_password && !(opts.demo_mode && auth::IsDemoAccount(who.username));
  }

  // The client address of the request being handled on this thread (requests
  // are handled synchronously, one per thread at a time).
  static inline thread_local std::string remote;
  static inline thread_local std::string method;  // of the same request

  static audit::Entry Entry(const auth::Principal& who, std::string action) {
    audit::Entry e;
    e.user_id = who.user_id;
    e.username = who.username;
    e.remote = remote;
    e.action = std::move(action);
    return e;
  }

  // The user of the request being handled on this thread, once authenticated.
  static inline thread_local std::optional<auth::Principal> current;

  // The one entry of an answer that carries an AuditNote (Api::Handle). Reads
  // and refusals are group-committed; anything else commits before the reply.
  void AuditAnswer(AuditNote n) {
    if (!current) return;
    audit::Entry e = Entry(*current, std::move(n.action));
    e.at = NowIso();
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
    e.detail = d.dump();
    if (e.action == "read" || e.action.ends_with("_denied")) {
      reads.Add(std::move(e));
    } else if (Status st = store.AppendAudit({e}); !st.ok()) {
      log::Error("audit_append_failed", {{"action", e.action}, {"error", st.ToString()}});
    }
  }

  // A request refused because the record or org unit lies outside the user's scope.
  void AuditDenied(const auth::Principal& who, const std::string& type, const std::string& id,
                   const std::string& orgunit) {
    audit::Entry e = Entry(who, method == "GET" ? "read_denied" : "write_denied");
    e.record_type = type;
    e.record_id = id;
    e.orgunit_id = orgunit;
    reads.Add(std::move(e));
  }

  // One audit entry per person-level record read.
  void AuditRead(const auth::Principal& who, const store::Record& r, const char* via) {
    audit::Entry e = Entry(who, "read");
    e.record_type = r.type;
    e.record_id = r.id;
    e.orgunit_id = r.orgunit_id;
    e.detail = json({{"via", via}}).dump();
    reads.Add(std::move(e));
  }

  // One rule for every module (auth/scope.h), country-wide roles included.
  bool CanSee(const auth::Principal& who, const std::string& orgunit) { return auth::CanSee(store, who, orgunit); }

  Status CheckPersonLevel(const auth::Principal& who, bool write) {
    const auth::Roles& roles = auth::Roles::Current();
    if (!roles.Has(who.role, auth::kPersonRead))
      return Status::Forbidden("role " + who.role + " has no access to person-level records");
    if (write && !roles.Has(who.role, auth::kPersonWrite)) return Status::Forbidden("role " + who.role + " may not write records");
    return Status::Ok();
  }

  // The route table (routes.h) decides which paths exist and which
  // permission each needs; handlers below still check scope.
  Status CheckRoute(const auth::Principal& who, const Request& req, bool* found, const Route** route) {
    const std::vector<const Route*> matches = MatchRoutes(req.path);
    *found = !matches.empty();
    for (const Route* r : matches) {
      if (req.method != r->method) continue;
      if (*r->permission && !auth::Roles::Current().Has(who.role, r->permission))
        return Status::Forbidden("role " + who.role + " lacks permission " + r->permission);
      *route = r;
      return Status::Ok();
    }
    return Status::Ok();  // a listed path with another method: its handler answers 405
  }

  // Cookies ride along on cross-site requests, so a cookie-authenticated
  // request that changes state must come from our own origin. Browsers send
  // Origin on every POST/PUT/DELETE; bearer tokens are never sent by a
  // browser on its own, so they need no such check.
  static bool CsrfSafe(const Request& req, bool via_cookie) {
    if (!via_cookie || req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS") return true;
    if (req.origin.empty() || req.host.empty()) return false;
    return req.origin == "http://" + req.host || req.origin == "https://" + req.host;
  }

  Response ChangePassword(const auth::Principal& who, const Request& req, const std::string& token) {
    json b;
    if (Status st = ParseBody(req, &b); !st.ok()) return Error(st);
    if (!b.contains("old_password") || !b["old_password"].is_string()) return Error(Status::Invalid("old_password", "old_password is required"));
    if (!b.contains("new_password") || !b["new_password"].is_string()) return Error(Status::Invalid("new_password", "new_password is required"));
    Status st = sessions.ChangePassword(who, b["old_password"], b["new_password"], token);
    audit::Entry e = Entry(who, st.ok() ? "password_change" : "password_change_failed");
    e.at = NowIso();
    e.record_type = "user";
    e.record_id = who.user_id;
    // The user's org unit places the entry in the scope of the officers who manage them.
    if (!who.orgunits.empty()) e.orgunit_id = who.orgunits.front();
    if (Status a = store.AppendAudit({e}); !a.ok()) return Error(a);
    if (!st.ok()) return Error(st);
    return JsonResponse(200, {{"status", "password changed"}});
  }

  // What the store answers for an id it does not have; a record outside the
  // caller's scope gets the same answer, so ids cannot be probed.
  static Status Missing(const std::string& type, const std::string& id) {
    return Status::NotFound(type + " " + id + " not found", "id");
  }

  // A record is visible when its org unit, and for events its person's, is in the user's scope.
  // A refusal leaves an audit entry.
  Status CheckRecordScope(const auth::Principal& who, const store::Record& r) {
    Status st;
    if (!CanSee(who, r.orgunit_id)) st = Missing(r.type, r.id);
    if (st.ok() && !r.is_person()) {
      store::Record p;
      if (store.Get("person", r.person_id, &p).ok() && !CanSee(who, p.orgunit_id)) st = Missing(r.type, r.id);
    }
    if (!st.ok()) AuditDenied(who, r.type, r.id, r.orgunit_id);
    return st;
  }

  // The person's handbook (person and live events) when the caller may see it;
  // otherwise the answer of an unknown id, deleted or not.
  Status VisibleHandbook(const auth::Principal& who, const std::string& id, store::Record* person,
                         std::vector<store::Record>* events, store::Record* mother) {
    Status st = store.Handbook(id, person, events, mother);
    if (st.ok() && CanSee(who, person->orgunit_id)) return st;
    if (st.ok() || st.code() == Code::not_found) {
      store::Record p;
      if (!store.Get("person", id, &p).ok()) return Missing("person", id);
      if (!CanSee(who, p.orgunit_id)) {
        AuditDenied(who, "person", id, p.orgunit_id);
        return Missing("person", id);
      }
    }
    return st;
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

  // A body is JSON only when it says so: a form post or text/plain body is
  // what a cross-site page can send without a preflight, and the handlers
  // read nothing else. `fhir` is for the FHIR routes to come (application/fhir+json).
  static bool JsonContentType(const Request& req, bool fhir = false) {
    std::string t = req.content_type.substr(0, req.content_type.find(';'));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(0, 1);
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t == "application/json" || (fhir && t == "application/fhir+json");
  }

  static Response UnsupportedMediaType() {
    Response r = JsonResponse(415, {{"error", "unsupported_media_type"},
                                    {"message", "request bodies must be sent as Content-Type: application/json"},
                                    {"field", "Content-Type"}});
    r.headers["Accept"] = "application/json";
    return r;
  }

  std::string TokenOf(const Request& req) {
    if (req.authorization.rfind("Bearer ", 0) == 0) return req.authorization.substr(7);
    return CookieValue(req.cookie, "u5_session");
  }

  Response Handle(const Request& req) {
    remote = req.remote;
    method = req.method;
    current.reset();
    if (req.body.size() > opts.max_body_bytes)
      return Error(Status::TooLarge("body larger than " + std::to_string(opts.max_body_bytes) + " bytes"));
    const std::string& p = req.path;
    if (p == "/api/v1/health" && req.method == "GET")
      return JsonResponse(200, {{"status", "ok"}, {"schema_version", store::LatestSchemaVersion()}});
    if (p == "/api/v1/auth/login") {
      if (req.method != "POST") return MethodNotAllowed();
      if (!req.body.empty() && !JsonContentType(req)) return UnsupportedMediaType();
      return Login(req);
    }
    if (p.rfind("/api/v1/", 0) != 0) return Error(Status::NotFound("no such endpoint: " + p));

    auth::Principal who;
    const std::string token = TokenOf(req);
    if (Status st = sessions.Authenticate(token, &who); !st.ok()) return Error(st);
    current = who;
    if (!CsrfSafe(req, req.authorization.rfind("Bearer ", 0) != 0))
      return Error(Status::Forbidden("cross-site request refused: Origin does not match this server"));
    if (MustChange(who) && p != "/api/v1/auth/password" && p != "/api/v1/auth/logout" &&
        p != "/api/v1/auth/me") {
      Response r = JsonResponse(403, {{"error", "password_change_required"},
                                      {"message", "change the initial password first (POST /api/v1/auth/password)"}});
      return r;
    }
    bool route_found = false;
    const Route* route = nullptr;
    if (Status st = CheckRoute(who, req, &route_found, &route); !st.ok()) return Error(st);
    if (!route_found) return Error(Status::NotFound("no such endpoint: " + p));
    if (route && route->bulk) {
      if (int64_t wait = bulk_rate.Take(who.user_id, sessions.Now()); wait > 0) {
        Response r = JsonResponse(429, {{"error", "too_many_requests"},
                                        {"message", "too many list or export requests; slow down"}});
        r.headers["Retry-After"] = std::to_string((wait + 999) / 1000);
        return r;
      }
    }
    // An empty POST (logout, disable, enable) carries nothing to misread.
    if (!req.body.empty() && !JsonContentType(req)) return UnsupportedMediaType();

    if (p == "/api/v1/auth/logout" && req.method == "POST") {
      sessions.Logout(token);
      Response r = JsonResponse(200, {{"status", "logged out"}});
      r.headers["Set-Cookie"] = std::string("u5_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0") + (req.secure ? "; Secure" : "");
      return r;
    }
    if (p == "/api/v1/auth/me" && req.method == "GET")
      return JsonResponse(200, {{"id", who.user_id}, {"username", who.username}, {"role", who.role}, {"orgunits", who.orgunits},
                                {"permissions", PermissionsOf(who.role)},
                                {"must_change_password", MustChange(who)}});
    if (p == "/api/v1/auth/password") {
      if (req.method != "POST") return MethodNotAllowed();
      return ChangePassword(who, req, token);
    }
    if (p == "/api/v1/schema" && req.method == "GET") return Schema();
    if (p == "/api/v1/audit") {
      if (req.method != "GET") return MethodNotAllowed();
      return Audit(who, req);
    }

    // Users, roles, org unit names (src/http/users_api.cpp).
    if (auto r = HandleUserRoute(req, who, store, sessions, Entry(who, ""))) return *r;

    // Indicators and plans: aggregates only (src/indicator/http_routes.cpp).
    if (auto r = indicator::HandleIndicatorRoute(req, who, store)) return *r;
    // Care due: worklists, alerts, a person's due list (src/care/http_routes.cpp).
    if (auto r = care::HandleCareRoute(req, who, store)) return *r;
    // Reports and sign-off (src/report/http_routes.cpp).
    if (auto r = report::HandleReportRoute(req, who, store)) return *r;

    // /api/v1/<collection>[/<id>[/<sub>]]
    std::vector<std::string> parts;
    for (size_t i = 8; i <= p.size();) {
      size_t j = p.find('/', i);
      if (j == std::string::npos) j = p.size();
      parts.push_back(p.substr(i, j - i));
      i = j + 1;
    }
    if (!parts.empty() && parts.back().empty()) parts.pop_back();
    if (parts.empty()) return Error(Status::NotFound("no such endpoint: " + p));
    const std::string type = TypeOfCollection(parts[0]);
    if (type.empty()) return Error(Status::NotFound("no such endpoint: " + p));
    const bool write = req.method != "GET";
    if (Status st = CheckPersonLevel(who, write); !st.ok()) return Error(st);

    if (parts.size() == 1) {
      if (req.method == "GET") return List(who, type, req);
      if (req.method == "POST") return Create(who, type, req);
      return MethodNotAllowed();
    }
    if (type == "person" && parts[1] == "search" && parts.size() == 2) {
      if (req.method != "GET") return MethodNotAllowed();
      return Search(who, req);
    }
    const std::string& id = parts[1];
    if (parts.size() == 3 && type == "person" && parts[2] == "handbook" && req.method == "GET") return Handbook(who, id);
    if (parts.size() == 3 && type == "person" && parts[2] == "growth" && req.method == "GET") return Growth(who, id);
    if (parts.size() != 2) return Error(Status::NotFound("no such endpoint: " + p));
    if (req.method == "GET") return Get(who, type, id);
    if (req.method == "PUT") return Update(who, type, id, req);
    if (req.method == "DELETE") return Delete(who, type, id, req);
    return MethodNotAllowed();
  }

  // The audit trail, for administrators (everything, without changed values)
  // and province officers (entries of records within their org units).
  Response Audit(const auth::Principal& who, const Request& req) {
    const auth::Role* role = auth::Roles::Current().Find(who.role);
    if (!role || !role->permissions.count(auth::kAuditRead))
      return Error(Status::Forbidden("role " + who.role + " may not read the audit trail"));
    auto get = [&](const char* k) { auto it = req.query.find(k); return it == req.query.end() ? std::string() : it->second; };
    store::AuditQuery q;
    q.username = get("user");
    q.record_id = get("record");
    q.from = get("from");
    q.to = get("to");
    if (!role->all_orgunits) q.orgunits = who.orgunits;
    // Changed values are health data: only for roles that may read persons.
    const bool values = role->permissions.count(auth::kPersonRead) > 0;
    if (std::string c = get("cursor"); !c.empty()) {
      if (c.size() > 18 || c.find_first_not_of("0123456789") != std::string::npos) return Error(Status::Invalid("cursor", "cursor must be a number"));
      q.after_seq = std::stoll(c);
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
      if (!values && detail.is_object() && detail.contains("changed")) {
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

  Response MethodNotAllowed() {
    Response r = JsonResponse(405, {{"error", "method_not_allowed"}, {"message", "method not allowed on this path"}});
    return r;
  }

  Response Schema() {
    json types = json::array();
    for (const auto& [coll, type] : Collections()) {
      const auto* t = registry::Schema::Builtin().Type(type);
      json fields = json::array();
      for (const auto& f : t->fields) {
        json fj = {{"name", f.name}, {"required", f.required}, {"derived", f.derived}};
        if (!f.values.empty()) fj["values"] = f.values;
        if (f.min) fj["min"] = *f.min;
        if (f.max) fj["max"] = *f.max;
        fields.push_back(fj);
      }
      types.push_back({{"type", type}, {"collection", coll}, {"label", {{"vi", t->label_vi}, {"en", t->label_en}}}, {"fields", fields}});
    }
    return JsonResponse(200, {{"version", registry::Schema::Builtin().version()}, {"types", types}});
  }

  Status ParseBody(const Request& req, json* out) { return ParseJsonObject(req.body, out); }

  Response Create(const auth::Principal& who, const std::string& type, const Request& req) {
    json in;
    if (Status st = ParseBody(req, &in); !st.ok()) return Error(st);
    registry::StoreLookup lookup(store);
    store::Record r;
    if (Status st = registry::Validate(type, in, lookup, Today(), &r); !st.ok()) return Error(st);
    if (!CanSee(who, r.orgunit_id)) {
      AuditDenied(who, r.type, r.id, r.orgunit_id);
      return Error(Status::Forbidden("orgunit " + r.orgunit_id + " is outside your org units"));
    }
    if (!r.is_person()) {
      store::Record person;
      store.Get("person", r.person_id, &person);
      // The registry's answer for an unknown person (validate.cpp), so persons of other communes cannot be probed.
      if (!CanSee(who, person.orgunit_id)) {
        AuditDenied(who, r.type, r.id, r.orgunit_id);
        return Error(Status::Invalid("person_id", "person_id: no person with id " + r.person_id));
      }
    }
    r.version = 1;
    r.created_at = r.updated_at = NowIso();
    const audit::Entry entry = Entry(who, "create");
    if (Status st = store.Insert(r, &entry); !st.ok()) return Error(st);
    log::Info("record_created", {{"type", type}, {"id", r.id}, {"user", who.username}});
    Response resp = RecordResponse(201, r);
    resp.headers["Location"] = "/api/v1/" + CollectionOf(type) + "/" + r.id;
    return resp;
  }

  static std::string CollectionOf(const std::string& type) {
    for (const auto& [coll, t] : Collections())
      if (t == type) return coll;
    return type;
  }

  Response Get(const auth::Principal& who, const std::string& type, const std::string& id) {
    store::Record r;
    if (Status st = store.Get(type, id, &r); !st.ok()) return Error(st);
    if (Status st = CheckRecordScope(who, r); !st.ok()) return Error(st);
    AuditRead(who, r, "get");
    return RecordResponse(200, r);
  }

  Response Update(const auth::Principal& who, const std::string& type, const std::string& id, const Request& req) {
    json in;
    if (Status st = ParseBody(req, &in); !st.ok()) return Error(st);
    if (Status st = CheckBodyVersion(in); !st.ok()) return Error(st);
    auto expected = ExpectedVersion(req, in);
    if (!expected) return Error(Status::Invalid("If-Match", "If-Match header (the record's version) is required to update"));
    store::Record cur;
    if (Status st = store.Get(type, id, &cur); !st.ok()) return Error(st);
    if (Status st = CheckRecordScope(who, cur); !st.ok()) return Error(st);
    if (in.contains("id") && in["id"] != id) return Error(Status::Invalid("id", "id in the body differs from the URL"));
    in["id"] = id;
    if (!cur.is_person() && in.contains("person_id") && in["person_id"] != cur.person_id)
      return Error(Status::Invalid("person_id", "person_id of an event cannot change"));
    registry::StoreLookup lookup(store);
    store::Record r;
    if (Status st = registry::Validate(type, in, lookup, Today(), &r); !st.ok()) return Error(st);
    if (!CanSee(who, r.orgunit_id)) {
      AuditDenied(who, r.type, r.id, r.orgunit_id);
      return Error(Status::Forbidden("orgunit " + r.orgunit_id + " is outside your org units"));
    }
    const audit::Entry entry = Entry(who, "update");
    if (Status st = store.Update(r, *expected, &entry); !st.ok()) return Error(st);
    log::Info("record_updated", {{"type", type}, {"id", id}, {"user", who.username}, {"version", r.version}});
    return RecordResponse(200, r);
  }

  Response Delete(const auth::Principal& who, const std::string& type, const std::string& id, const Request& req) {
    json in = json::object();
    if (!req.body.empty()) {
      if (Status st = ParseBody(req, &in); !st.ok()) return Error(st);
    }
    if (Status st = CheckBodyVersion(in); !st.ok()) return Error(st);
    if (in.contains("reason") && !in["reason"].is_null() && !in["reason"].is_string())
      return Error(Status::Invalid("reason", "reason must be text"));
    std::string reason = in.contains("reason") && in["reason"].is_string() ? in["reason"].get<std::string>() : "";
    if (reason.empty()) {
      auto q = req.query.find("reason");
      if (q != req.query.end()) reason = q->second;
    }
    if (reason.empty() || !text::IsValidUtf8(reason)) return Error(Status::Invalid("reason", "reason for deletion is required"));
    auto expected = ExpectedVersion(req, in);
    if (!expected) return Error(Status::Invalid("If-Match", "If-Match header (the record's version) is required to delete"));
    store::Record cur;
    if (Status st = store.Get(type, id, &cur); !st.ok()) return Error(st);
    if (Status st = CheckRecordScope(who, cur); !st.ok()) return Error(st);
    store::Record out;
    const audit::Entry entry = Entry(who, "delete");
    if (Status st = store.SoftDelete(type, id, *expected, text::Nfc(reason), &out, &entry); !st.ok()) return Error(st);
    log::Info("record_deleted", {{"type", type}, {"id", id}, {"user", who.username}});
    return RecordResponse(200, out);
  }

  Status ScopeFor(const auth::Principal& who, const Request& req, std::string* orgunit) {
    auto it = req.query.find("orgunit");
    const std::string asked = it == req.query.end() ? std::string() : it->second;
    Status st = auth::ResolveOrgUnit(store, who, asked, orgunit);
    if (st.code() == Code::forbidden) AuditDenied(who, "", "", asked);
    return st;
  }

  Response List(const auth::Principal& who, const std::string& type, const Request& req) {
    store::ListQuery q;
    q.type = type;
    if (Status st = ScopeFor(who, req, &q.orgunit); !st.ok()) return Error(st);
    auto get = [&](const char* k) { auto it = req.query.find(k); return it == req.query.end() ? std::string() : it->second; };
    q.from = get("from");
    q.to = get("to");
    if (!q.from.empty() && !ParseDate(q.from)) return Error(Status::Invalid("from", "from must be a date YYYY-MM-DD"));
    if (!q.to.empty() && !ParseDate(q.to)) return Error(Status::Invalid("to", "to must be a date YYYY-MM-DD"));
    q.person_id = get("person_id");
    q.after = get("cursor");
    if (std::string l = get("limit"); !l.empty()) {
      if (l.size() > 4 || l.find_first_not_of("0123456789") != std::string::npos || std::stoi(l) < 1 || std::stoi(l) > 1000)
        return Error(Status::Invalid("limit", "limit must be a whole number from 1 to 1000"));
      q.limit = std::stoi(l);
    }
    std::vector<store::Record> rs;
    if (Status st = store.List(q, &rs); !st.ok()) return Error(st);
    json items = json::array();
    AuditNote note{.via = "list", .record_type = type, .orgunit = q.orgunit};
    for (const auto& r : rs) {
      note.records.push_back(r.id);
      items.push_back(registry::ToJson(r));
    }
    json out = {{"items", items}, {"next_cursor", nullptr}};
    if (static_cast<int>(rs.size()) == q.limit) out["next_cursor"] = rs.back().id;
    Response resp = JsonResponse(200, out);
    resp.audit = std::move(note);
    return resp;
  }

  Response Search(const auth::Principal& who, const Request& req) {
    store::SearchQuery q;
    if (Status st = ScopeFor(who, req, &q.orgunit); !st.ok()) return Error(st);
    auto get = [&](const char* k) { auto it = req.query.find(k); return it == req.query.end() ? std::string() : it->second; };
    std::string name = get("q");
    if (!text::IsValidUtf8(name)) return Error(Status::BadRequest("q is not valid UTF-8", "q"));
    q.name_folded = text::Fold(name);
    q.phone = get("phone");
    q.citizen_id = get("citizen_id");
    if (q.name_folded.empty() && q.phone.empty() && q.citizen_id.empty())
      return Error(Status::Invalid("q", "give q (name), phone or citizen_id"));
    std::vector<store::Record> rs;
    if (Status st = store.SearchPersons(q, &rs); !st.ok()) return Error(st);
    // Vietnamese alphabetical order of the matches.
    std::vector<std::pair<std::string, size_t>> keys;
    for (size_t i = 0; i < rs.size(); ++i) keys.emplace_back(text::VietnameseSortKey(rs[i].full_name), i);
    std::sort(keys.begin(), keys.end());
    json items = json::array();
    AuditNote note{.via = "search", .record_type = "person", .orgunit = q.orgunit};
    for (const auto& [k, i] : keys) {
      note.records.push_back(rs[i].id);
      items.push_back(registry::ToJson(rs[i]));
    }
    Response resp = JsonResponse(200, {{"items", items}});
    resp.audit = std::move(note);
    return resp;
  }

  Response Growth(const auth::Principal& who, const std::string& id) {
    store::Record person;
    std::vector<store::Record> events;
    if (Status st = VisibleHandbook(who, id, &person, &events, nullptr); !st.ok()) return Error(st);
    AuditRead(who, person, "growth");
    return JsonResponse(200, GrowthChart(person, events));
  }

  Response Handbook(const auth::Principal& who, const std::string& id) {
    store::Record person, mother;
    std::vector<store::Record> events;
    if (Status st = VisibleHandbook(who, id, &person, &events, &mother); !st.ok()) return Error(st);
    AuditRead(who, person, "handbook");
    // Spliced as text: the handbook is the most read page, and re-parsing every body costs more than the query.
    Response r;
    r.body.reserve(512 + events.size() * 400);
    r.body += "{\"person\":";
    registry::AppendJsonText(person, r.body);
    if (!mother.id.empty()) r.body += ",\"mother\":" + json({{"id", mother.id}, {"full_name", mother.full_name}}).dump();
    r.body += ",\"events\":[";
    for (size_t i = 0; i < events.size(); ++i) {
      if (i) r.body += ',';
      registry::AppendJsonText(events[i], r.body);
    }
    r.body += "]}";
    return r;
  }

};

Api::Api(store::Store& store, ApiOptions opts) : impl_(std::make_unique<Impl>(store, opts)), opts_(opts) {}
Api::~Api() = default;
void Api::FlushAudit() { impl_->reads.Flush(); }

Response Api::Handle(const Request& req) {
  try {
    Response r = impl_->Handle(req);
    if (r.audit) impl_->AuditAnswer(std::move(*r.audit));  // one entry per answer that carries a note
    r.audit.reset();
    return r;
  } catch (const nlohmann::json::exception& e) {
    // A handler read a JSON value as a type it does not have: the request's fault, not ours.
    log::Error("request_json_type", {{"path", req.path}, {"what", e.what()}});
    return Error(Status::BadRequest("a field of the request has the wrong JSON type", "body"));
  } catch (const std::exception& e) {
    log::Error("request_failed", {{"path", req.path}, {"what", e.what()}});
    return Error(Status::Internal("internal error"));
  }
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
