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
#include "care/service.h"
#include "indicator/service.h"
#include "registry/schema.h"
#include "report/http_routes.h"
#include "security/api_fixture.h"

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

struct WrongTypes : ApiFixture {
  std::unique_ptr<indicator::Service> indicators;
  std::unique_ptr<care::Service> care_svc;
  std::string cw, root, prov, pw_user;
  std::string mother, child, dead, pregnancy, delivery, alert, target_user;
  int serial = 0, signoffs = 0;

  void SetUp() override {
    ApiFixture::SetUp();
    http::ApiOptions o;
    o.login_throttle = auth::ThrottleOptions::Unlimited();  // the login route is sent wrong passwords on purpose
    Open(o);
    ASSERT_TRUE(auth::AddUser(*s, "pw.user", "password-123", "commune_worker", {"03390"}).ok());
    ASSERT_TRUE(indicator::Service::Open(*s, db(), U5_DATA_DIR, &indicators).ok());
    indicator::Service::Attach(*s, indicators.get());
    ASSERT_TRUE(care::Service::Open(*s, db(), U5_DATA_DIR, &care_svc).ok());
    care::Service::Attach(*s, care_svc.get());
    cw = Login("cw_a");
    root = Login("root");
    prov = Login("prov");
    pw_user = Login("pw.user");
    ASSERT_FALSE(cw.empty() || root.empty() || prov.empty() || pw_user.empty());
    mother = Create("persons", {{"full_name", "Lò Thị Mai"}, {"sex", "female"}, {"birth_date", "1995-03-01"}, {"orgunit", "03390"}});
    child = Create("persons", {{"full_name", "Lò Văn An"}, {"sex", "male"}, {"birth_date", "2025-01-10"}, {"orgunit", "03390"},
                               {"mother_id", mother}});
    dead = Create("persons", {{"full_name", "Lò Văn Sáng"}, {"sex", "male"}, {"birth_date", "2024-01-01"}, {"orgunit", "03390"}});
    pregnancy = Create("pregnancies", Event(mother, "2024-05-01", {{"lmp", "2024-04-10"}}));
    delivery = Create("deliveries", Event(mother, "2025-01-10", {{"pregnancy_id", pregnancy}, {"delivered_at", "2025-01-10T08:00"},
                                                                 {"place", "home"}, {"attendant", "midwife"}, {"live_births", 1}}));
    // A newborn of low birth weight without a home visit raises an alert to acknowledge.
    const std::string week_old = FormatDate(Date{Today().days - 10});
    const std::string small = Create("persons", {{"full_name", "Lò Thị Nhỏ"}, {"sex", "female"}, {"birth_date", week_old},
                                                 {"orgunit", "03390"}, {"mother_id", mother}});
    Create("newborns", Event(small, week_old, {{"birth_weight_g", 2100}}));
    http::Response alerts = Call("GET", "/api/v1/alerts", cw, "", {{"orgunit", "03390"}});
    ASSERT_EQ(alerts.status, 200) << alerts.body;
    const json listed = json::parse(alerts.body);
    for (const json& a : listed["items"])
      if (a["rule"] == "newborn_no_home_visit") alert = a["id"].get<std::string>();
    ASSERT_FALSE(alert.empty()) << alerts.body;
    http::Response u = Call("POST", "/api/v1/users", root,
                            json{{"username", "target.user"}, {"role", "commune_worker"}, {"orgunits", {"03390"}}}.dump());
    ASSERT_EQ(u.status, 201) << u.body;
    target_user = json::parse(u.body)["id"];
  }

  json Event(const std::string& person, const std::string& date, json extra = json::object()) {
    json j = {{"person_id", person}, {"orgunit", "03390"}, {"date", date}};
    j.update(extra);
    return j;
  }

  std::string Create(const std::string& coll, const json& body) {
    http::Response r = Call("POST", "/api/v1/" + coll, cw, body.dump());
    EXPECT_EQ(r.status, 201) << coll << ": " << r.body;
    return r.status == 201 ? json::parse(r.body)["id"].get<std::string>() : std::string();
  }

  // A valid body of each record collection.
  json RecordBody(const std::string& coll) {
    if (coll == "persons")
      return {{"full_name", "Nguyễn Thị Ánh Tuyết"}, {"sex", "female"}, {"birth_date", "2000-02-02"}, {"orgunit", "03390"}};
    if (coll == "pregnancies") return Event(mother, "2025-06-01", {{"lmp", "2025-05-01"}, {"gravida", 2}, {"para", 1}});
    if (coll == "anc-visits") return Event(mother, "2024-07-01", {{"pregnancy_id", pregnancy}, {"weight_kg", 55}});
    if (coll == "deliveries")
      return Event(mother, "2025-01-10", {{"pregnancy_id", pregnancy}, {"delivered_at", "2025-01-10T09:00"}, {"place", "home"},
                                          {"attendant", "midwife"}, {"live_births", 1}});
    if (coll == "newborns") return Event(child, "2025-01-10", {{"birth_weight_g", 3000}, {"delivery_id", delivery}});
    if (coll == "postnatal-visits") return Event(child, "2025-01-15", {{"place", "home"}});
    if (coll == "immunizations") return Event(child, "2025-03-12", {{"vaccine", "bcg"}, {"dose", 1}});
    if (coll == "growth-measurements") return Event(child, "2025-03-10", {{"weight_kg", 5.6}, {"length_cm", 58.5}, {"measure", "l"}});
    if (coll == "vitamin-a") return Event(child, "2025-06-12", {{"dose_iu", 100000}});
    if (coll == "illnesses") return Event(child, "2025-08-01", {{"kind", "diarrhoea"}});
    if (coll == "injuries") return Event(child, "2025-09-01", {{"kind", "fall"}});
    if (coll == "referrals") return Event(mother, "2025-01-09", {{"from_orgunit", "03390"}, {"to_orgunit", "12"}, {"reason", "tiền sản giật"}});
    if (coll == "deaths") return Event(dead, "2024-06-01", {{"cause_category", "other"}});
    ADD_FAILURE() << "no baseline for collection " << coll;
    return json::object();
  }

  // Every input field of the collection's form, for mutation.
  std::vector<std::string> FormFields(const std::string& coll, const json& baseline) {
    static const std::map<std::string, std::string> type_of = {
        {"persons", "person"}, {"pregnancies", "pregnancy"}, {"anc-visits", "anc_visit"}, {"deliveries", "delivery"},
        {"newborns", "newborn"}, {"postnatal-visits", "postnatal_visit"}, {"immunizations", "immunization"},
        {"growth-measurements", "growth"}, {"vitamin-a", "vitamin_a"}, {"illnesses", "illness"}, {"injuries", "injury"},
        {"referrals", "referral"}, {"deaths", "death"}};
    std::vector<std::string> out;
    const registry::TypeSpec* t = registry::Schema::Builtin().Type(type_of.at(coll));
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
                    {"numerator", "denominator", "note"}};
    if (key == "PUT plans/{id}/targets" || key == "POST plans/{id}/targets")
      return Target{"/api/v1/plans/lai_chau_u5_2030/targets", prov, "",
                    {{"indicator", "neonatal_mortality_rate"}, {"year", 2025}, {"op", "<"}, {"value", 6}},
                    {"baseline_year", "note"}};
    if (key == "POST signoffs") {
      // A period of its own for each request: a closed period is not closed twice.
      const int k = ++signoffs;
      const std::string period = std::to_string(2000 + k / 12) + "-" + (k % 12 < 9 ? "0" : "") + std::to_string(k % 12 + 1);
      return Target{"/api/v1/signoffs", cw, "", {{"orgunit", "03390"}, {"period", period}, {"action", "close"}, {"reason", "số liệu đã rà soát"}}};
    }
    if (key == "POST alerts/{id}/ack") return Target{"/api/v1/alerts/" + alert + "/ack", cw, "", {{"note", "đã gọi điện"}}};
    if (key == "POST {collection}") {
      json b = RecordBody(coll);
      return Target{"/api/v1/" + coll, cw, "", b, FormFields(coll, b)};
    }
    if (key == "PUT {collection}/{id}" || key == "DELETE {collection}/{id}") {
      // A record of its own for each request, at version 1.
      const json b = RecordBody(coll);
      const std::string id = Create(coll, b);
      if (r.method == std::string("DELETE")) return Target{"/api/v1/" + coll + "/" + id, cw, "\"1\"", {{"reason", "nhập trùng"}}};
      return Target{"/api/v1/" + coll + "/" + id, cw, "\"1\"", b, FormFields(coll, b)};
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

TEST_F(WrongTypes, NoBodyMakesAnyRouteAnswer500) {
  int requests = 0, routes = 0;
  for (const http::Route& r : api->routes()) {
    if (!HasBody(r)) continue;
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
      const http::Response ok = Send(r.method, t, t.body.dump());
      EXPECT_LT(ok.status, 300) << "baseline of " << where << " refused: " << ok.body;
    }
  }
  EXPECT_GE(routes, 40);
  EXPECT_GE(requests, 7000);
}

// Bodies in any other media type than JSON are refused before they are read.
TEST_F(WrongTypes, BodiesMustBeSentAsJson) {
  int checked = 0;
  for (const http::Route& r : api->routes()) {
    if (!HasBody(r)) continue;
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

}  // namespace
}  // namespace u5::test
