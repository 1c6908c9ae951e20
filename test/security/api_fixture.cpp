#include "security/api_fixture.h"

#include "app/routes.h"
#include "auth/session.h"
#include "store/orgunit_writer.h"

namespace u5::test {

using nlohmann::json;

void ApiFixture::Open(http::ApiOptions o) {
  api.reset();
  s.reset();
  if (!where) where = std::make_unique<TestStoreLocation>(Kind(), dir.path());
  Status opened = where->Open(&s);
  ASSERT_TRUE(opened.ok()) << opened.ToString();
  bool loaded = false;
  ASSERT_TRUE(s->orgunit_writer().Loaded(&loaded).ok());
  if (!loaded) {
    if (with_hospital) {
      SeedMiniOrgUnitsAndHospital(*s);
    } else {
      SeedMiniOrgUnits(*s);
    }
    ASSERT_TRUE(auth::AddUser(*s, "cw_a", "password-123", "commune_worker", {"03390"}).ok());
    ASSERT_TRUE(auth::AddUser(*s, "cw_b", "password-123", "commune_worker", {"03394"}).ok());
    ASSERT_TRUE(auth::AddUser(*s, "cw_two", "password-123", "commune_worker", {"03390", "00004"}).ok());
    ASSERT_TRUE(auth::AddUser(*s, "district_01", "password-123", "district_officer", {"01"}).ok());
    ASSERT_TRUE(auth::AddUser(*s, "prov", "password-123", "province_officer", {"12"}).ok());
    ASSERT_TRUE(auth::AddUser(*s, "min", "password-123", "ministry", {"VN"}).ok());
    ASSERT_TRUE(auth::AddUser(*s, "root", "password-123", "admin", {"VN"}).ok());
    ASSERT_TRUE(auth::AddUser(*s, "board", "password-123", "review_board", {"12"}).ok());
  }
  api = std::make_unique<http::Api>(*s, app::Routes({U5_DATA_DIR, "", where->location().Beside(".public")}), o);
}

std::vector<audit::Entry> ApiFixture::AuditAfter(int64_t after_seq) {
  std::vector<audit::Entry> all;
  for (;;) {
    store::AuditQuery q;
    q.after_seq = after_seq;
    q.limit = 1000;
    std::vector<audit::Entry> page;
    EXPECT_TRUE(s->ListAudit(q, &page).ok());
    if (page.empty()) return all;
    after_seq = page.back().seq;
    for (audit::Entry& e : page) all.push_back(std::move(e));
  }
}

int64_t ApiFixture::AuditHead() {
  int64_t seq = 0;
  std::string hash;
  EXPECT_TRUE(s->AuditChainHead(&seq, &hash).ok());
  return seq;
}

int64_t ApiFixture::CountAudit(const std::function<bool(const audit::Entry&)>& match, int64_t after_seq) {
  int64_t n = 0;
  for (const audit::Entry& e : AuditAfter(after_seq)) n += match(e) ? 1 : 0;
  return n;
}

int64_t ApiFixture::CountRecords(const std::string& type) {
  store::ListQuery q;
  q.type = type;
  q.include_deleted = true;
  int64_t n = -1;
  EXPECT_TRUE(s->Count(q, &n).ok());
  return n;
}

std::string ApiFixture::Login(const std::string& user, const std::string& password, const std::string& remote) {
  http::Request req;
  req.method = "POST";
  req.path = "/api/v1/auth/login";
  req.remote = remote;
  req.body = json{{"username", user}, {"password", password}}.dump();
  req.content_type = "application/json";
  http::Response r = api->Handle(req);
  if (r.status != 200) return "";
  return json::parse(r.body).value("token", "");
}

http::Response ApiFixture::Call(const std::string& method, const std::string& path, const std::string& token,
                                const std::string& body, std::map<std::string, std::string> query) {
  http::Request req;
  req.method = method;
  req.path = path;
  req.body = body;
  if (!body.empty()) req.content_type = "application/json";
  req.query = std::move(query);
  req.remote = "10.0.0.1";
  if (!token.empty()) req.authorization = "Bearer " + token;
  return api->Handle(req);
}

std::vector<std::string> ApiFixture::Collections() {
  if (!collections_.empty()) return collections_;
  http::Response r = Call("GET", "/api/v1/schema", Login("cw_a", "password-123", "10.9.9.9"));
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<std::string> out;
  const json schema = json::parse(r.body);
  for (const auto& t : schema["types"]) out.push_back(t["collection"]);
  collections_ = out;
  return out;
}

std::string ApiFixture::CollectionOf(const http::Route& r) {
  const std::string head = r.pattern.substr(0, r.pattern.find('/'));
  for (const std::string& c : Collections())
    if (c == head && (r.pattern == c || r.pattern == c + "/{id}")) return c;
  return "";
}

std::string ApiFixture::NewPerson(const std::string& cw_token, const std::string& orgunit, const std::string& name) {
  json p = {{"full_name", name}, {"sex", "female"}, {"birth_date", "1996-04-12"}, {"orgunit", orgunit}};
  http::Response r = Call("POST", "/api/v1/persons", cw_token, p.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return "";
  return json::parse(r.body).value("id", "");
}

}  // namespace u5::test
