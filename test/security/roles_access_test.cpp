// Per-role access: commune A's worker cannot reach commune B's persons, a
// district officer sees its subtree only, the ministry gets aggregates and
// 403 on every person-level route, the administrator gets no health data.
#include <gtest/gtest.h>

#include "security/api_fixture.h"

namespace u5::test {
namespace {

using nlohmann::json;

struct RolesAccess : OnBothStores<ApiFixture> {
  std::string a, b, person_a, person_b;
  void SetUp() override {
    ApiFixture::SetUp();
    a = Login("cw_a");
    b = Login("cw_b");
    ASSERT_FALSE(a.empty());
    ASSERT_FALSE(b.empty());
    person_a = NewPerson(a, "03390", "Lò Thị Mai");
    person_b = NewPerson(b, "03394", "Lò Thị Mây");
    ASSERT_FALSE(person_a.empty());
    ASSERT_FALSE(person_b.empty());
  }
  std::set<std::string> SearchIds(const std::string& tok, std::map<std::string, std::string> q) {
    http::Response r = Call("GET", "/api/v1/persons/search", tok, "", q);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> ids;
    const json found = json::parse(r.body);
    for (const auto& p : found.value("items", json::array())) ids.insert(p["id"].get<std::string>());
    return ids;
  }
  // Every person-level route of the table, with person_b's id where an id goes.
  std::vector<std::pair<std::string, std::string>> PersonLevelRoutes() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const http::Route& r : api->routes()) {
      const std::string perm = r.permission;
      if (perm != "person.read" && perm != "person.write") continue;
      std::string p = r.pattern;
      if (auto i = p.find("{id}"); i != std::string::npos) p.replace(i, 4, person_b);
      // FHIR's routes (whole paths): person_b as a Patient, her first version.
      if (auto i = p.find("{type}"); i != std::string::npos) p.replace(i, 6, "Patient");
      if (auto i = p.find("{vid}"); i != std::string::npos) p.replace(i, 5, "1");
      out.emplace_back(r.method, p.starts_with('/') ? p : "/api/v1/" + p);
    }
    return out;
  }
};

TEST_P(RolesAccess, CommuneWorkerCannotReachAnotherCommune) {
  // Another commune's person answers as an unknown id would (404), so ids cannot be probed.
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + person_b, a).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + person_b + "/handbook", a).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + person_b + "/growth", a).status, 404);
  json upd = {{"full_name", "Lò Thị Đổi"}, {"sex", "female"}, {"birth_date", "1996-04-12"}, {"orgunit", "03394"}};
  http::Request put;
  put.method = "PUT";
  put.path = "/api/v1/persons/" + person_b;
  put.authorization = "Bearer " + a;
  put.if_match = "\"1\"";
  put.body = upd.dump();
  put.content_type = "application/json";
  EXPECT_EQ(api->Handle(put).status, 404);
  // Moving one's own person into commune B is refused as well.
  put.path = "/api/v1/persons/" + person_a;
  EXPECT_EQ(api->Handle(put).status, 403);
  EXPECT_EQ(Call("DELETE", "/api/v1/persons/" + person_b, a, R"({"reason":"x","version":1})").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/persons", a, "", {{"orgunit", "03394"}}).status, 403);
  // Search: only commune A's Lò Thị Mai, never commune B's Lò Thị Mây.
  EXPECT_EQ(SearchIds(a, {{"q", "lo thi"}}), (std::set<std::string>{person_a}));
  EXPECT_EQ(SearchIds(b, {{"q", "lo thi"}}), (std::set<std::string>{person_b}));
  EXPECT_EQ(Call("GET", "/api/v1/persons/search", a, "", {{"q", "lo"}, {"orgunit", "03394"}}).status, 403);
  // The owner still can.
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + person_b + "/handbook", b).status, 200);
}

TEST_P(RolesAccess, UserWithSeveralOrgUnitsSeesEach) {
  std::string two = Login("cw_two");
  std::string p = NewPerson(two, "00004", "Nguyễn Văn An");
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + person_a, two).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + p, two).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + person_b, two).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + p, a).status, 404);
}

TEST_P(RolesAccess, DistrictOfficerSeesItsSubtreeOnlyAndWritesNothing) {
  std::string two = Login("cw_two");
  std::string in_01 = NewPerson(two, "00004", "Nguyễn Văn An");
  std::string d = Login("district_01");
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + in_01, d).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + in_01 + "/handbook", d).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + person_a, d).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/persons", d, "", {{"orgunit", "12"}}).status, 403);
  http::Response list = Call("GET", "/api/v1/persons", d, "", {{"orgunit", "01"}});
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json::parse(list.body)["items"].size(), 1u);
  json p = {{"full_name", "X"}, {"sex", "male"}, {"birth_date", "2024-01-01"}, {"orgunit", "00004"}};
  EXPECT_EQ(Call("POST", "/api/v1/persons", d, p.dump()).status, 403);
  // The province officer of 12 sees both communes of 12 but not province 01.
  std::string prov = Login("prov");
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + person_a, prov).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + person_b, prov).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + in_01, prov).status, 404);
}

// A record outside the caller's org units answers exactly as an id that does
// not exist: same status, same body, on every route that takes a record id.
TEST_P(RolesAccess, OutOfScopeRecordsAnswerAsUnknownIds) {
  const std::string unknown = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  json imm = {{"person_id", person_b}, {"orgunit", "03394"}, {"date", "2025-01-05"}, {"vaccine", "bcg"}, {"dose", 1}};
  http::Response made = Call("POST", "/api/v1/persons", b,
                             json{{"full_name", "Lò Văn Bé"}, {"sex", "male"}, {"birth_date", "2024-12-01"}, {"orgunit", "03394"}}.dump());
  ASSERT_EQ(made.status, 201) << made.body;
  imm["person_id"] = json::parse(made.body)["id"];
  http::Response ev = Call("POST", "/api/v1/immunizations", b, imm.dump());
  ASSERT_EQ(ev.status, 201) << ev.body;
  const std::string event_b = json::parse(ev.body)["id"];
  struct Probe { std::string method, path, body; };
  auto probes = [&](const std::string& coll, const std::string& id) {
    std::vector<Probe> out = {{"GET", "/api/v1/" + coll + "/" + id, ""},
                              {"DELETE", "/api/v1/" + coll + "/" + id, R"({"reason":"trùng","version":1})"}};
    if (coll == "persons") {
      out.push_back({"GET", "/api/v1/persons/" + id + "/handbook", ""});
      out.push_back({"GET", "/api/v1/persons/" + id + "/growth", ""});
      out.push_back({"PUT", "/api/v1/persons/" + id,
                     json{{"full_name", "Lò Thị Đổi"}, {"sex", "female"}, {"birth_date", "1996-04-12"}, {"orgunit", "03390"}, {"version", 1}}.dump()});
    }
    return out;
  };
  for (const auto& [coll, id] : {std::pair<std::string, std::string>{"persons", person_b}, {"immunizations", event_b}}) {
    const auto real = probes(coll, id), invented = probes(coll, unknown);
    for (size_t i = 0; i < real.size(); ++i) {
      http::Response r = Call(real[i].method, real[i].path, a, real[i].body);
      http::Response u = Call(invented[i].method, invented[i].path, a, invented[i].body);
      EXPECT_EQ(r.status, 404) << real[i].method << " " << real[i].path << ": " << r.body;
      EXPECT_EQ(r.status, u.status) << real[i].method << " " << real[i].path;
      std::string rb = r.body, ub = u.body;
      if (auto at = rb.find(id); at != std::string::npos) rb.replace(at, id.size(), "<id>");
      if (auto at = ub.find(unknown); at != std::string::npos) ub.replace(at, unknown.size(), "<id>");
      EXPECT_EQ(rb, ub) << real[i].method << " " << real[i].path;
    }
  }
  // An event for another commune's person is refused as for a person who does not exist.
  json for_b = {{"person_id", person_b}, {"orgunit", "03390"}, {"date", "2025-01-05"}, {"vaccine", "bcg"}, {"dose", 1}};
  json for_none = for_b;
  for_none["person_id"] = unknown;
  http::Response r = Call("POST", "/api/v1/immunizations", a, for_b.dump());
  http::Response u = Call("POST", "/api/v1/immunizations", a, for_none.dump());
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.status, u.status);
  EXPECT_EQ(json::parse(r.body)["field"], "person_id");
  EXPECT_EQ(json::parse(u.body)["field"], "person_id");
}

TEST_P(RolesAccess, MinistryGetsAggregatesAndNoPersonLevelRoute) {
  std::string m = Login("min");
  int checked = 0;
  for (const auto& [method, path] : PersonLevelRoutes()) {
    http::Response r = Call(method, path, m, "{}", {{"q", "lo"}});
    EXPECT_EQ(r.status, 403) << method << " " << path << ": " << r.body;
    EXPECT_EQ(r.body.find("Lò"), std::string::npos);
    ++checked;
  }
  EXPECT_GE(checked, 10);
  // Aggregate routes pass the access check (the engine is not running in this
  // test process, so they stop at 500 "not running", never at 401/403).
  for (const char* p : {"/api/v1/indicators", "/api/v1/plans"}) {
    int st = Call("GET", p, m, "", {{"period", "2025"}}).status;
    EXPECT_NE(st, 401) << p;
    EXPECT_NE(st, 403) << p;
  }
  // The ministry holds plan.manage for the national plan's targets (its handler
  // refuses provincial plans: test/indicator/national_plan_test), and no
  // aggregate.enter: entered values are the figures of one's own units.
  int st = Call("PUT", "/api/v1/plans/x/targets", m, "{}").status;
  EXPECT_NE(st, 401);
  EXPECT_NE(st, 403);
  EXPECT_EQ(Call("PUT", "/api/v1/indicator-values", m, "{}").status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/audit", m).status, 403);
}

TEST_P(RolesAccess, AdministratorGetsNoHealthData) {
  std::string root = Login("root");
  for (const auto& [method, path] : PersonLevelRoutes()) {
    http::Response r = Call(method, path, root, "{}", {{"q", "lo"}});
    EXPECT_EQ(r.status, 403) << method << " " << path << ": " << r.body;
  }
  EXPECT_EQ(Call("GET", "/api/v1/indicators", root, "", {{"period", "2025"}}).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/plans", root).status, 403);
  // The audit trail, yes, but without the changed values.
  json upd = {{"full_name", "Lò Thị Mai Anh"}, {"sex", "female"}, {"birth_date", "1996-04-12"}, {"orgunit", "03390"}};
  http::Request put;
  put.method = "PUT";
  put.path = "/api/v1/persons/" + person_a;
  put.authorization = "Bearer " + a;
  put.if_match = "\"1\"";
  put.body = upd.dump();
  put.content_type = "application/json";
  ASSERT_EQ(api->Handle(put).status, 200);
  http::Response au = Call("GET", "/api/v1/audit", root, "", {{"record", person_a}});
  ASSERT_EQ(au.status, 200) << au.body;
  EXPECT_EQ(au.body.find("Mai Anh"), std::string::npos) << au.body;
  bool saw_update = false;
  const json trail = json::parse(au.body);
  for (const auto& e : trail["items"]) saw_update = saw_update || e["action"] == "update";
  EXPECT_TRUE(saw_update) << au.body;
  // The province officer sees the values, within its province only.
  std::string prov = Login("prov");
  http::Response pa = Call("GET", "/api/v1/audit", prov, "", {{"record", person_a}});
  ASSERT_EQ(pa.status, 200);
  EXPECT_NE(pa.body.find("Mai Anh"), std::string::npos) << pa.body;
}

TEST_P(RolesAccess, ProvinceAuditIsScopedAndPaged) {
  std::string two = Login("cw_two");
  std::string in_01 = NewPerson(two, "00004", "Nguyễn Văn An");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Call("GET", "/api/v1/persons/" + person_a, a).status, 200);
  std::string prov = Login("prov");
  std::set<std::string> records;
  std::string cursor;
  int pages = 0;
  do {
    std::map<std::string, std::string> q = {{"limit", "2"}};
    if (!cursor.empty()) q["cursor"] = cursor;
    http::Response r = Call("GET", "/api/v1/audit", prov, "", q);
    ASSERT_EQ(r.status, 200) << r.body;
    json j = json::parse(r.body);
    EXPECT_LE(j["items"].size(), 2u);
    for (const auto& e : j["items"]) records.insert(e["record_id"].get<std::string>());
    cursor = j["next_cursor"].is_null() ? "" : j["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 50);
  EXPECT_GE(pages, 2);
  EXPECT_TRUE(records.count(person_a));
  EXPECT_FALSE(records.count(in_01));
  http::Response by_user = Call("GET", "/api/v1/audit", prov, "", {{"user", "cw_a"}, {"record", person_a}});
  const json mine = json::parse(by_user.body);
  EXPECT_FALSE(mine["items"].empty());
  for (const auto& e : mine["items"]) EXPECT_EQ(e["username"], "cw_a");
}

U5_ON_BOTH_STORES(RolesAccess);

}  // namespace
}  // namespace u5::test
