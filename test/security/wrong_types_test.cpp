// Property: no request body makes any route answer 500. Every route of the
// table that takes a body (POST, PUT, DELETE) gets a valid baseline body (a
// table below; {collection} routes one per record type, with every field of
// the form definition), then that body with each field replaced by every JSON
// type, and a few bodies that are not objects at all. Each answer must be
// below 500, and a 400 or 422 must name a field; a value of another type than
// the baseline's must be refused naming that very field. The services every
// route needs (indicators, care, reports) run in process, as under `serve`.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "auth/throttle.h"
#include "core/id.h"
#include "registry/schema.h"
#include "security/records_fixture.h"

namespace u5::test {
namespace {

using nlohmann::json;

// Values put in place of a field, as JSON text (1e400 cannot be held by a json value).
const std::vector<std::string>& WrongValues() {
  static const std::vector<std::string> k = {
      "null", "true", "false", "0", "-1", "1.5", "1e308", "-1e308", "1e400", "-1e400", "18446744073709551616", "\"\"",
      "\"x\"", "\"1e400\"", "[]", "{}", "[1,\"x\",null]", "{\"a\":{\"b\":[1]}}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
      "\"" + std::string(5000, 'x') + "\""};
  return k;
}

// Whole bodies that are not a JSON object.
const std::vector<std::string>& WrongBodies() {
  static const std::vector<std::string> k = {"[]", "\"x\"", "1", "null", "true", "1e400", "{", "{\"a\":1e400}",
                                             std::string(20000, '[') + std::string(20000, ']'),
                                             "{\"a\":" + std::string(20000, '[') + std::string(20000, ']') + "}"};
  return k;
}

std::string TypeOf(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return "number";  // 1e400
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "boolean";
  if (j.is_number()) return "number";
  if (j.is_string()) return "string";
  if (j.is_array()) return "array";
  return "object";
}

std::string TypeOf(const json& j) { return TypeOf(j.dump()); }

// One request: path, user, headers and the baseline body, made fresh for each
// request so that a request never depends on an earlier one's success.
struct Target {
  std::string path, token, if_match;
  json body;
  std::vector<std::string> optional_fields;  // mutated too, though absent from the baseline
};

struct WrongTypes : OnBothStores<RecordsFixture> {
  std::string root, prov, pw_user, target_user;
  int serial = 0, signoffs = 0, publications = 0;

  void SetUp() override {
    http::ApiOptions o;
    o.login_throttle = auth::ThrottleOptions::Unlimited();  // the login route is sent wrong passwords on purpose
    OpenWithRecords(o);
    ASSERT_TRUE(auth::AddUser(*s, "pw.user", "password-123", "commune_worker", {"03390"}).ok());
    root = Login("root");
    prov = Login("prov");
    pw_user = Login("pw.user");
    ASSERT_FALSE(root.empty() || prov.empty() || pw_user.empty());
    http::Response u = Call("POST", "/api/v1/users", root,
                            json{{"username", "target.user"}, {"role", "commune_worker"}, {"orgunits", {"03390"}}}.dump());
    ASSERT_EQ(u.status, 201) << u.body;
    target_user = json::parse(u.body)["id"];
  }

  // Every input field of the collection's form, for mutation.
  std::vector<std::string> FormFields(const std::string& coll, const json& baseline) {
    std::vector<std::string> out;
    const registry::TypeSpec* t = registry::Schema::Builtin().Type(registry::TypeOfCollection(coll));
    EXPECT_NE(t, nullptr) << coll;
    if (!t) return out;
    for (const auto& f : t->fields)
      if (!f.derived && !baseline.contains(f.name) && f.name != "id") out.push_back(f.name);
    return out;
  }

  // The target of a route: where to send, as whom, from which baseline.
  std::optional<Target> For(const http::Route& r, const std::string& coll) {
    // Record routes, the same for every collection, are keyed by "{collection}".
    std::string pattern = r.pattern;
    if (!coll.empty()) pattern.replace(0, coll.size(), "{collection}");
    const std::string key = r.method + " " + pattern;
    const int n = ++serial;
    if (key == "POST auth/login") return Target{"/api/v1/auth/login", "", "", {{"username", "cw_b"}, {"password", "password-123"}}};
    if (key == "POST auth/logout") return Target{"/api/v1/auth/logout", Login("cw_b"), "", json::object()};
    if (key == "POST auth/password")
      return Target{"/api/v1/auth/password", pw_user, "", {{"old_password", "password-123"}, {"new_password", "mat-khau-moi-2030"}}};
    if (key == "POST users")
      return Target{"/api/v1/users", root, "",
                    {{"username", "u" + std::to_string(n)}, {"full_name", "Hoàng Thị Mỷ"}, {"role", "commune_worker"},
                     {"orgunits", {"03390"}}, {"password", "password-123"}}};
    if (key == "PUT users/{id}")
      return Target{"/api/v1/users/" + target_user, root, "",
                    {{"full_name", "Giàng A Páo"}, {"role", "commune_worker"}, {"orgunits", {"03390"}}}};
    if (key == "POST users/{id}/disable") return Target{"/api/v1/users/" + target_user + "/disable", root, "", json::object()};
    if (key == "POST users/{id}/enable") return Target{"/api/v1/users/" + target_user + "/enable", root, "", json::object()};
    if (key == "POST users/{id}/password")
      return Target{"/api/v1/users/" + target_user + "/password", root, "", {{"password", "mat-khau-2030-moi"}}};
    if (key == "PUT indicator-values" || key == "POST indicator-values")
      return Target{"/api/v1/indicator-values", prov, "",
                    {{"element", "stunting_under5"}, {"orgunit", "12"}, {"period", "2025"}, {"source", "survey"}, {"value", 20.5}},
                    {"numerator", "denominator", "note", "document"}};
    if (key == "DELETE indicator-values") {
      // A value of its own for each request, to delete.
      const std::string period = std::to_string(2000 + n % 100);
      const json v = {{"element", "stunting_under5"}, {"orgunit", "12"}, {"period", period}, {"source", "survey"}, {"value", 20.5}};
      Send("PUT", Target{"/api/v1/indicator-values", prov, "", v}, v.dump());
      return Target{"/api/v1/indicator-values", prov, "",
                    {{"element", "stunting_under5"}, {"orgunit", "12"}, {"period", period}, {"source", "survey"}, {"reason", "nhập nhầm"}}};
    }
    if (key == "PUT plans/{id}/targets" || key == "POST plans/{id}/targets")
      return Target{"/api/v1/plans/lai_chau_u5_2030/targets", prov, "",
                    {{"indicator", "neonatal_mortality_rate"}, {"year", 2025}, {"op", "<"}, {"value", 6}, {"reason", "test"}},
                    {"baseline_year", "note"}};
    if (key == "POST signoffs") {
      // A period of its own for each request: a closed period is not closed twice.
      const int k = ++signoffs;
      const std::string period = std::to_string(2000 + k / 12) + "-" + (k % 12 < 9 ? "0" : "") + std::to_string(k % 12 + 1);
      return Target{"/api/v1/signoffs", cw, "", {{"orgunit", "03390"}, {"period", period}, {"action", "close"}, {"reason", "số liệu đã rà soát"}}};
    }
    if (key == "POST publications") {
      // A year of its own for each request, signed off by the province first.
      const std::string year = std::to_string(1950 + ++publications);
      const json close = {{"orgunit", "12"}, {"period", year}, {"action", "close"}};
      Send("POST", Target{"/api/v1/signoffs", prov, "", close}, close.dump());
      return Target{"/api/v1/publications", prov, "", {{"orgunit", "12"}, {"period", year}}};
    }
    if (key == "POST alerts/{id}/ack") return Target{"/api/v1/alerts/" + alert + "/ack", cw, "", {{"note", "đã gọi điện"}}};
    if (key == "POST persons/{id}/care-status")
      return Target{"/api/v1/persons/" + child + "/care-status", cw, "", {{"status", "not_found"}, {"reason", "không có ở nhà"}}, {"date"}};
    if (key == "POST emergencies")
      return Target{"/api/v1/emergencies", cw, "", EmergencyBody(), {"patient_label", "raised_at", "note"}};
    if (key == "POST emergencies/{id}/steps") {
      // An alert of its own for each request, waiting for its acknowledgement.
      const http::Response e = Call("POST", "/api/v1/emergencies", cw, EmergencyBody().dump());
      const std::string id = json::parse(e.body).value("id", "");
      return Target{"/api/v1/emergencies/" + id + "/steps", prov, "", {{"step", "acknowledged"}, {"version", 1}}, {"at", "outcome"}};
    }
    if (key == "POST sync/push")
      return Target{"/api/v1/sync/push", cw, "",
                    {{"client_id", "client-" + std::to_string(n)},
                     {"writes", {{{"op", "insert"}, {"collection", "persons"}, {"id", NewUuid7()}, {"body", RecordBody("persons")}}}}}};
    if (key == "POST {collection}") {
      json b = RecordBody(coll);
      return Target{"/api/v1/" + coll, TokenFor(coll), "", b, FormFields(coll, b)};
    }
    if (key == "PUT {collection}/{id}" || key == "DELETE {collection}/{id}") {
      // A record of its own for each request, at version 1.
      const json b = RecordBody(coll);
      const std::string id = Create(coll, b);
      if (r.method == std::string("DELETE")) return Target{"/api/v1/" + coll + "/" + id, TokenFor(coll), "\"1\"", {{"reason", "nhập trùng"}}};
      return Target{"/api/v1/" + coll + "/" + id, TokenFor(coll), "\"1\"", b, FormFields(coll, b)};
    }
    return std::nullopt;
  }

  http::Response Send(const std::string& method, const Target& t, const std::string& body) {
    http::Request req;
    req.method = method;
    req.path = t.path;
    req.body = body;
    req.content_type = "application/json";
    req.if_match = t.if_match;
    // Login attempts from one address are throttled; each comes from its own.
    req.remote = "10.1." + std::to_string(serial / 250) + "." + std::to_string(serial % 250);
    if (!t.token.empty()) req.authorization = "Bearer " + t.token;
    return api->Handle(req);
  }

  // The baseline's text with `field` set to the raw JSON text `value`.
  static std::string WithField(const json& baseline, const std::string& field, const std::string& value) {
    json b = baseline;
    const std::string mark = "\x01mark\x01";
    b[field] = mark;
    std::string text = b.dump();
    const std::string quoted = json(mark).dump();
    text.replace(text.find(quoted), quoted.size(), value);
    return text;
  }

  std::vector<std::string> Collections(const http::Route& r) { return {CollectionOf(r)}; }
};

bool HasBody(const http::Route& r) {
  const std::string m = r.method;
  return m == "POST" || m == "PUT" || m == "DELETE" || m == "PATCH";
}

TEST_P(WrongTypes, NoBodyMakesAnyRouteAnswer500) {
  int requests = 0, routes = 0, audited = 0;
  for (const http::Route& r : api->routes()) {
    if (!HasBody(r)) continue;
    if (r.pattern.starts_with('/')) continue;  // FHIR's: OperationOutcomes, checked by test/fhir
    for (const std::string& coll : Collections(r)) {
      const std::string where = std::string(r.method) + " " + r.pattern + (coll.empty() ? "" : " " + coll);
      SCOPED_TRACE(where);
      std::optional<Target> base = For(r, coll);
      ASSERT_TRUE(base) << "no baseline body for " << where << ": add one to the table in this test";
      ++routes;
      auto check = [&](const http::Response& resp, const std::string& what) {
        ++requests;
        EXPECT_LT(resp.status, 500) << what << ": " << resp.body;
        const json j = json::parse(resp.body, nullptr, false);
        if (resp.status >= 400) {
          EXPECT_TRUE(j.is_object() && j.contains("error") && j.contains("message")) << what << ": " << resp.body;
        }
        if (resp.status == 400 || resp.status == 422) {
          EXPECT_TRUE(j.is_object() && j.contains("field") && j["field"].is_string() && !j["field"].get<std::string>().empty())
              << what << ": " << resp.body;
        }
        return j;
      };
      std::vector<std::string> fields;
      for (auto it = base->body.begin(); it != base->body.end(); ++it) fields.push_back(it.key());
      fields.insert(fields.end(), base->optional_fields.begin(), base->optional_fields.end());
      for (const std::string& field : fields) {
        for (const std::string& value : WrongValues()) {
          const Target t = *For(r, coll);  // fresh target and baseline
          const std::string what = field + "=" + value.substr(0, 40);
          const http::Response resp = Send(r.method, t, WithField(t.body, field, value));
          const json j = check(resp, what);
          if (!t.body.contains(field) || value == "null") continue;
          const std::string want = TypeOf(t.body[field]), got = TypeOf(value);
          const bool overflow = value.find("1e400") != std::string::npos && want == "number";
          if (want != got || overflow) {
            // A value of another type (or beyond a double) is refused, naming its field.
            EXPECT_GE(resp.status, 400) << what << " was accepted: " << resp.body;
            if (resp.status == 400 || resp.status == 422)
              EXPECT_EQ(j.value("field", ""), field) << what << ": " << resp.body;
          }
        }
      }
      for (const std::string& body : WrongBodies()) {
        const Target t = *For(r, coll);
        check(Send(r.method, t, body), "body " + body.substr(0, 20));
      }
      // The baseline itself is valid: the mutations were tested against a body that passes.
      const Target t = *For(r, coll);
      api->FlushAudit();
      const int64_t before = AuditHead();
      const http::Response ok = Send(r.method, t, t.body.dump());
      EXPECT_LT(ok.status, 300) << "baseline of " << where << " refused: " << ok.body;
      if (r.audit != http::Audit::write) continue;
      // A write leaves its own entry, with the user's id, made by the handler
      // (the dispatcher's fallback entry, action "write", means the handler forgot).
      api->FlushAudit();
      std::vector<audit::Entry> e = AuditAfter(before);
      std::erase_if(e, [](const audit::Entry& x) { return x.action.rfind("login", 0) == 0; });
      ASSERT_FALSE(e.empty()) << where << " left no audit entry";
      const std::string me = json::parse(Call("GET", "/api/v1/auth/me", t.token).body).value("id", "");
      EXPECT_EQ(e.back().user_id, me) << where << ": the entry names " << e.back().user_id << " (" << e.back().username << ")";
      EXPECT_NE(e.back().action, "write") << where << ": audited by the dispatcher's fallback, not by the handler";
      ++audited;
    }
  }
  EXPECT_GE(routes, 40);
  EXPECT_GE(audited, 40);
  EXPECT_GE(requests, 7000);
}

// Bodies in any other media type than JSON are refused before they are read.
TEST_P(WrongTypes, BodiesMustBeSentAsJson) {
  int checked = 0;
  for (const http::Route& r : api->routes()) {
    if (!HasBody(r)) continue;
    if (r.pattern.starts_with('/')) continue;  // FHIR's: OperationOutcomes, checked by test/fhir
    const std::string coll = CollectionOf(r);
    for (const std::string type : {"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", "application/xml", "text/xml", "", "application/jsonp",
                                   "application/json-patch+json", "application/fhir+json"}) {
      std::optional<Target> target = For(r, coll);
      ASSERT_TRUE(target) << "no baseline body for " << r.method << " " << r.pattern;
      Target t = *target;
      http::Request req;
      req.method = r.method;
      req.path = t.path;
      req.body = t.body.dump();
      req.content_type = type;
      req.if_match = t.if_match;
      req.remote = "10.2.0.1";
      if (!t.token.empty()) req.authorization = "Bearer " + t.token;
      const http::Response resp = api->Handle(req);
      EXPECT_EQ(resp.status, 415) << r.method << " " << r.pattern << " as '" << type << "': " << resp.body;
      EXPECT_EQ(json::parse(resp.body, nullptr, false).value("error", ""), "unsupported_media_type") << resp.body;
      ++checked;
    }
    for (const std::string type : {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"}) {
      Target t = *For(r, coll);
      http::Request req;
      req.method = r.method;
      req.path = t.path;
      req.body = t.body.dump();
      req.content_type = type;
      req.if_match = t.if_match;
      req.remote = "10.2.0.2";
      if (!t.token.empty()) req.authorization = "Bearer " + t.token;
      EXPECT_NE(api->Handle(req).status, 415) << r.method << " " << r.pattern << " as " << type;
    }
  }
  EXPECT_GE(checked, 100);
  // A POST without a body (logout, disable) needs no Content-Type.
  http::Request out;
  out.method = "POST";
  out.path = "/api/v1/auth/logout";
  out.authorization = "Bearer " + Login("cw_b");
  EXPECT_EQ(api->Handle(out).status, 200);
}

U5_ON_BOTH_STORES(WrongTypes);

}  // namespace
}  // namespace u5::test
