// User management through the API in process: who may create and change
// whom, initial passwords that must be changed, disabling ending sessions,
// 4xx answers naming the field, and one audit entry per change.
#include <gtest/gtest.h>

#include <algorithm>

#include "http/users_api.h"
#include "security/api_fixture.h"

namespace u5::test {
namespace {

using nlohmann::json;

struct UsersApi : OnBothStores<ApiFixture> {
  std::string prov, root;
  void SetUp() override {
    ApiFixture::SetUp();
    prov = Login("prov");
    root = Login("root");
    ASSERT_FALSE(prov.empty());
    ASSERT_FALSE(root.empty());
  }
  json Body(const http::Response& r) { return json::parse(r.body, nullptr, false); }
  std::string Field(const http::Response& r) { return Body(r).value("field", ""); }
  // Creates a commune worker of 03390 as the province officer; returns the answer.
  json NewWorker(const std::string& username, const std::string& orgunit = "03390") {
    http::Response r = Call("POST", "/api/v1/users", prov,
                            json{{"username", username}, {"full_name", "Lò Văn Hùng"}, {"role", "commune_worker"}, {"orgunits", {orgunit}}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return Body(r);
  }
  std::set<std::string> Usernames(const std::string& tok) {
    http::Response r = Call("GET", "/api/v1/users", tok);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    const json items = Body(r)["items"];  // a named copy: a temporary's element would dangle in the loop
    for (const auto& u : items) out.insert(u["username"].get<std::string>());
    return out;
  }
  int64_t AuditCount(const std::string& action, const std::string& record) {
    return CountAudit([&](const audit::Entry& e) { return e.action == action && e.record_id == record; });
  }
};

TEST_P(UsersApi, ProvinceOfficerCreatesAWorkerWhoMustChangeThePassword) {
  const json u = NewWorker("hung.tyt");
  EXPECT_EQ(u["role"], "commune_worker");
  EXPECT_EQ(u["orgunits"][0]["id"], "03390");
  EXPECT_EQ(u["orgunits"][0]["name"], "unit 03390");
  EXPECT_TRUE(u["must_change_password"].get<bool>());
  EXPECT_FALSE(u.contains("password_hash"));
  const std::string pw = u.value("initial_password", "");
  ASSERT_GE(pw.size(), 12u);
  // Stored as argon2id, never in clear.
  store::User stored;
  ASSERT_TRUE(s->GetUser("hung.tyt", &stored).ok());
  EXPECT_EQ(stored.password_hash.rfind("$argon2id$", 0), 0u) << stored.password_hash;
  const std::string tok = Login("hung.tyt", pw);
  ASSERT_FALSE(tok.empty());
  http::Response blocked = Call("GET", "/api/v1/persons", tok, "", {{"orgunit", "03390"}});
  EXPECT_EQ(blocked.status, 403);
  EXPECT_EQ(Body(blocked)["error"], "password_change_required");
  EXPECT_EQ(Call("POST", "/api/v1/auth/password", tok, json{{"old_password", pw}, {"new_password", "hung-new-pass-1"}}.dump()).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/persons", tok, "", {{"orgunit", "03390"}}).status, 200);
  EXPECT_EQ(AuditCount("user_create", u["id"]), 1);
  // The officer's audit view has the worker's login and password change (they carry the worker's org unit).
  http::Response a = Call("GET", "/api/v1/audit", prov, "", {{"user", "hung.tyt"}});
  ASSERT_EQ(a.status, 200) << a.body;
  std::set<std::string> actions;
  const json items = Body(a)["items"];
  for (const auto& e : items) actions.insert(e["action"].get<std::string>());
  EXPECT_TRUE(actions.count("login_ok") && actions.count("password_change")) << a.body;
  // A role without audit.read gets none of it.
  const std::string d01 = Login("district_01");
  EXPECT_EQ(Call("GET", "/api/v1/audit", d01, "", {{"user", "hung.tyt"}}).status, 403);
}

TEST_P(UsersApi, ErrorsNameTheField) {
  auto post = [&](const json& b) { return Call("POST", "/api/v1/users", prov, b.dump()); };
  const json ok = {{"username", "lan.tyt"}, {"role", "commune_worker"}, {"orgunits", {"03394"}}};
  json b = ok;
  b["orgunits"] = {"00004"};  // another province
  EXPECT_EQ(post(b).status, 422);
  EXPECT_EQ(Field(post(b)), "orgunits");
  b["orgunits"] = {"99999"};
  EXPECT_EQ(Field(post(b)), "orgunits");
  b = ok;
  b["orgunits"] = json::array();
  EXPECT_EQ(Field(post(b)), "orgunits");
  b.erase("orgunits");
  EXPECT_EQ(Field(post(b)), "orgunits");
  for (const char* role : {"admin", "ministry", "no_such_role"}) {
    b = ok;
    b["role"] = role;
    http::Response r = post(b);
    EXPECT_EQ(r.status, 422) << role;
    EXPECT_EQ(Field(r), "role") << role;
  }
  for (const char* name : {"A B", "x", "Lan"}) {
    b = ok;
    b["username"] = name;
    EXPECT_EQ(Field(post(b)), "username") << name;
  }
  b = ok;
  b["password"] = "short";
  EXPECT_EQ(Field(post(b)), "password");
  b = ok;
  b["orgunits"] = "03394";
  EXPECT_EQ(Field(post(b)), "orgunits");
  // A user's full name follows a person's name rules: no invisible, reordering or look-alike letters.
  for (const std::string name : {"Nguy\u0435n Th\u0456 Lan", "L\u00f2\u200bLan", "Lan \u202e\u00f2L", "\uff2c\uff41\uff4e", "Lan\u007f"}) {
    b = ok;
    b["full_name"] = name;
    http::Response r = post(b);
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(Field(r), "full_name") << r.body;
    EXPECT_EQ(Field(Call("PUT", "/api/v1/users/nobody", prov, json{{"full_name", name}}.dump())), "full_name");
  }
  EXPECT_EQ(Field(Call("POST", "/api/v1/users", prov, "[1]")), "body");
  EXPECT_EQ(Field(Call("POST", "/api/v1/users", prov, "{")), "body");
  EXPECT_EQ(post(ok).status, 201);
  http::Response dup = post(ok);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(Field(dup), "username");
  EXPECT_EQ(CountAudit([](const audit::Entry& e) { return e.action == "user_create"; }), 1);
}

TEST_P(UsersApi, ScopeOfListingAndChanges) {
  const std::set<std::string> seen = Usernames(prov);
  EXPECT_TRUE(seen.count("cw_a") && seen.count("cw_b") && seen.count("prov"));
  EXPECT_FALSE(seen.count("root") || seen.count("min") || seen.count("district_01") || seen.count("cw_two"));
  // The administrator manages everyone.
  const std::set<std::string> all = Usernames(root);
  EXPECT_TRUE(all.count("min") && all.count("district_01") && all.count("cw_two"));
  const std::string root_id = Body(Call("GET", "/api/v1/auth/me", root))["id"];
  EXPECT_EQ(Call("GET", "/api/v1/users/" + root_id, prov).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/users/" + root_id + "/disable", prov).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/users/" + root_id + "/disable", root).status, 403);  // not oneself
  // Roles without user.manage get 403 from the route table.
  for (const char* who : {"cw_a", "district_01", "min"}) {
    const std::string tok = Login(who);
    EXPECT_EQ(Call("GET", "/api/v1/users", tok).status, 403) << who;
    EXPECT_EQ(Call("POST", "/api/v1/users", tok, json{{"username", "zz.zz"}, {"role", "commune_worker"}, {"orgunits", {"03390"}}}.dump()).status, 403) << who;
  }
  // The administrator may create anywhere and any role; roles it lists include admin.
  http::Response r = Call("POST", "/api/v1/users", root,
                          json{{"username", "huyen01"}, {"role", "district_officer"}, {"orgunits", {"01"}}}.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  std::set<std::string> roles_prov, roles_root;
  const json rp = Body(Call("GET", "/api/v1/roles", prov)), rr = Body(Call("GET", "/api/v1/roles", root));
  for (const auto& x : rp["items"]) roles_prov.insert(x["id"]);
  for (const auto& x : rr["items"]) roles_root.insert(x["id"]);
  // A province officer appoints its death review board and makes the accounts of the hospitals that
  // receive its red alerts (issue 21), and the account its server pushes aggregates with to a
  // national instance (docs/federation.md: it reaches only its own province's communes).
  EXPECT_EQ(roles_prov, (std::set<std::string>{"commune_worker", "district_officer", "hospital_worker", "province_officer",
                                               "province_push", "review_board"}));
  EXPECT_TRUE(roles_root.count("admin") && roles_root.count("ministry"));
}

TEST_P(UsersApi, DisablingEndsSessionsAndEnablingRestores) {
  const json u = NewWorker("mai.tyt");
  const std::string id = u["id"], pw = u["initial_password"];
  const std::string tok = Login("mai.tyt", pw);
  ASSERT_FALSE(tok.empty());
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", tok).status, 200);
  http::Response d = Call("POST", "/api/v1/users/" + id + "/disable", prov);
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_TRUE(Body(d)["disabled"].get<bool>());
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", tok).status, 401);
  EXPECT_TRUE(Login("mai.tyt", pw).empty());
  EXPECT_EQ(Call("POST", "/api/v1/users/" + id + "/enable", prov).status, 200);
  EXPECT_FALSE(Login("mai.tyt", pw).empty());
  EXPECT_EQ(AuditCount("user_disable", id), 1);
  EXPECT_EQ(AuditCount("user_enable", id), 1);
}

TEST_P(UsersApi, ResetPasswordHandsOutANewInitialOne) {
  const json u = NewWorker("thu.tyt");
  const std::string id = u["id"], first = u["initial_password"];
  const std::string tok = Login("thu.tyt", first);
  ASSERT_EQ(Call("POST", "/api/v1/auth/password", tok, json{{"old_password", first}, {"new_password", "thu-chosen-pw"}}.dump()).status, 200);
  http::Response r = Call("POST", "/api/v1/users/" + id + "/password", prov);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string second = Body(r)["initial_password"];
  EXPECT_NE(second, first);
  EXPECT_TRUE(Body(r)["must_change_password"].get<bool>());
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", tok).status, 401);  // sessions end with the old password
  EXPECT_TRUE(Login("thu.tyt", "thu-chosen-pw").empty());
  const std::string again = Login("thu.tyt", second);
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(Call("GET", "/api/v1/persons", again, "", {{"orgunit", "03390"}}).status, 403);
  EXPECT_EQ(AuditCount("user_password_reset", id), 1);
  // The password itself is in no audit entry.
  EXPECT_EQ(CountAudit([&](const audit::Entry& e) { return e.detail.find(second) != std::string::npos; }), 0);
}

// A province officer cannot create or promote a peer (who could then reset its
// password); a manager below its own org units it can, and that one cannot
// reach back up.
TEST_P(UsersApi, NoPeerOrSuperiorManagers) {
  http::Response peer = Call("POST", "/api/v1/users", prov,
                             json{{"username", "prov.two"}, {"role", "province_officer"}, {"orgunits", {"12"}}}.dump());
  EXPECT_EQ(peer.status, 422) << peer.body;
  EXPECT_EQ(Field(peer), "orgunits");
  store::User none;
  EXPECT_EQ(s->GetUser("prov.two", &none).code(), Code::not_found);

  http::Response below = Call("POST", "/api/v1/users", prov,
                              json{{"username", "prov.xa"}, {"role", "province_officer"}, {"orgunits", {"03390"}}}.dump());
  ASSERT_EQ(below.status, 201) << below.body;
  const std::string below_id = Body(below)["id"];
  // Widening the one below to the province is refused too, and nothing changes.
  http::Response widen = Call("PUT", "/api/v1/users/" + below_id, prov, json{{"orgunits", {"12"}}}.dump());
  EXPECT_EQ(widen.status, 422) << widen.body;
  EXPECT_EQ(Field(widen), "orgunits");
  store::User below_user;
  ASSERT_TRUE(s->GetUserById(below_id, &below_user).ok());
  EXPECT_EQ(std::count(below_user.orgunits.begin(), below_user.orgunits.end(), "12"), 0);

  // The one below cannot see or reset the province officer above it.
  const std::string pw = "xa-chosen-pw-1";
  const std::string first = Body(Call("POST", "/api/v1/users/" + below_id + "/password", prov))["initial_password"];
  const std::string tok1 = Login("prov.xa", first);
  ASSERT_EQ(Call("POST", "/api/v1/auth/password", tok1, json{{"old_password", first}, {"new_password", pw}}.dump()).status, 200);
  const std::string tok = Login("prov.xa", pw);
  ASSERT_FALSE(tok.empty());
  const std::string prov_id = Body(Call("GET", "/api/v1/auth/me", prov))["id"];
  EXPECT_EQ(Call("POST", "/api/v1/users/" + prov_id + "/password", tok).status, 404);
  EXPECT_FALSE(Usernames(tok).count("prov"));
}

TEST_P(UsersApi, ChangeOrgUnitsAndRoleWithinScope) {
  const json u = NewWorker("son.tyt");
  const std::string id = u["id"];
  http::Response r = Call("PUT", "/api/v1/users/" + id, prov, json{{"orgunits", {"03390", "03394"}}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["orgunits"].size(), 2u);
  EXPECT_EQ(Field(Call("PUT", "/api/v1/users/" + id, prov, json{{"orgunits", {"00004"}}}.dump())), "orgunits");
  EXPECT_EQ(Field(Call("PUT", "/api/v1/users/" + id, prov, json{{"role", "admin"}}.dump())), "role");
  EXPECT_EQ(Field(Call("PUT", "/api/v1/users/" + id, prov, json{{"username", "other"}}.dump())), "username");
  EXPECT_EQ(Call("PUT", "/api/v1/users/" + id, prov, json{{"role", "district_officer"}}.dump()).status, 200);
  // Only the two successful changes were recorded, with what changed.
  EXPECT_EQ(AuditCount("user_update", id), 2);
  EXPECT_EQ(CountAudit([&](const audit::Entry& e) {
              return e.action == "user_update" && e.record_id == id &&
                     e.detail.find(R"("role":["commune_worker","district_officer"])") != std::string::npos;
            }),
            1);
  int64_t checked = 0;
  EXPECT_TRUE(s->VerifyAudit(&checked).ok());
  // The change is visible in the audit API to the province officer.
  http::Response a = Call("GET", "/api/v1/audit", prov, "", {{"record", id}});
  ASSERT_EQ(a.status, 200) << a.body;
  const json items = Body(a)["items"];
  ASSERT_EQ(items.size(), 3u);
  // Newest first (issue 20): the two updates, then the creation; seqs descending.
  EXPECT_EQ(items[0]["action"], "user_update");
  EXPECT_EQ(items[2]["action"], "user_create");
  EXPECT_GT(items[0]["seq"].get<int64_t>(), items[1]["seq"].get<int64_t>());
  EXPECT_GT(items[1]["seq"].get<int64_t>(), items[2]["seq"].get<int64_t>());
  // A page ends at its oldest entry; the next page starts before it.
  http::Response p1 = Call("GET", "/api/v1/audit", prov, "", {{"record", id}, {"limit", "2"}});
  ASSERT_EQ(Body(p1)["items"].size(), 2u);
  EXPECT_EQ(Body(p1)["next_cursor"], std::to_string(items[1]["seq"].get<int64_t>()));
  http::Response p2 = Call("GET", "/api/v1/audit", prov, "", {{"record", id}, {"limit", "2"}, {"cursor", Body(p1)["next_cursor"]}});
  ASSERT_EQ(Body(p2)["items"].size(), 1u);
  EXPECT_EQ(Body(p2)["items"][0]["action"], "user_create");
}

TEST_P(UsersApi, DemoModeStillForcesTheChangeForCreatedUsers) {
  http::ApiOptions o;
  o.demo_mode = true;
  Open(o);
  prov = Login("prov");
  const json u = NewWorker("demo.new");
  const std::string tok = Login("demo.new", u["initial_password"]);
  ASSERT_FALSE(tok.empty());
  EXPECT_TRUE(Body(Call("GET", "/api/v1/auth/me", tok))["must_change_password"].get<bool>());
  EXPECT_EQ(Call("GET", "/api/v1/persons", tok, "", {{"orgunit", "03390"}}).status, 403);
}

TEST_P(UsersApi, OrgUnitNames) {
  const std::string tok = Login("cw_a");
  http::Response r = Call("GET", "/api/v1/orgunits", tok, "", {{"ids", "12,03390"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["items"].size(), 2u);
  EXPECT_EQ(Body(r)["items"][1]["name"], "unit 03390");
  http::Response c = Call("GET", "/api/v1/orgunits", tok, "", {{"parent", "12"}});
  EXPECT_EQ(Body(c)["items"].size(), 2u);
  EXPECT_EQ(Field(Call("GET", "/api/v1/orgunits", tok)), "ids");
}

// Org unit names in English keep the place and translate its type (docs/api.md "Languages").
TEST(OrgUnitNames, EnglishKeepsThePlaceAndTranslatesTheType) {
  EXPECT_EQ(http::EnglishOrgUnitName("Xã Bình Lư"), "Bình Lư commune");
  EXPECT_EQ(http::EnglishOrgUnitName("Tỉnh Lai Châu"), "Lai Châu province");
  EXPECT_EQ(http::EnglishOrgUnitName("Thị xã Sơn Tây"), "Sơn Tây town");
  EXPECT_EQ(http::EnglishOrgUnitName("Thành phố Hải Phòng"), "Hải Phòng city");
  EXPECT_EQ(http::EnglishOrgUnitName("Trạm Y tế Phường An Biên"), "An Biên ward health station");
  EXPECT_EQ(http::EnglishOrgUnitName("Bệnh viện Sản Nhi tỉnh Lai Châu"), "Lai Châu province obstetric and paediatric hospital");
  EXPECT_EQ(http::EnglishOrgUnitName("Trung tâm Y tế khu vực Phong Thổ"), "Phong Thổ regional health centre");
  EXPECT_EQ(http::EnglishOrgUnitName("Việt Nam"), "Vietnam");
  EXPECT_EQ(http::EnglishOrgUnitName("unit 03390"), "unit 03390");
}

U5_ON_BOTH_STORES(UsersApi);

}  // namespace
}  // namespace u5::test
