// The FHIR REST API through Api::Handle, as a client meets it, over a small
// demo province: every interaction, the scope of a commune worker, the audit
// of reads, refusals and writes, versions (If-Match, vread, _history) and the
// CapabilityStatement against the routes served.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "auth/session.h"
#include "core/text.h"
#include "demo/generator.h"
#include "fhir/elements.h"
#include "fhir/mapping.h"
#include "fhir/server.h"
#include "http/api.h"
#include "orgunit/load.h"
#include "store/store.h"
#include "support/temp_dir.h"
#include "demo_store.h"
#include "support/test_store.h"

namespace u5::fhir {
namespace {

constexpr const char* kPassword = "password-123";

// Words of a query value as a form encodes them.
std::string Plus(std::string s) {
  std::replace(s.begin(), s.end(), ' ', '+');
  return s;
}

class FhirServer : public ::testing::TestWithParam<test::StoreKind> {
 protected:
  // One demo province per store, shared by the suite's tests (ctest runs each in a process of its own).
  void SetUp() override {
    if (demo_ && demo_->kind() == GetParam()) return;
    TearDownTestSuite();
    demo_ = test::OpenDemoStore(GetParam(), 250);
    store_ = &demo_->store();
    Status st = auth::AddUser(*store_, "cw_a", kPassword, "commune_worker", {"03390"});
    ASSERT_TRUE(st.ok()) << st.ToString();
    st = auth::AddUser(*store_, "tinh", kPassword, "province_officer", {"12"});
    ASSERT_TRUE(st.ok()) << st.ToString();
    http::Routes routes = Routes();
    routes.push_back(CapabilityRoute(routes));
    api_ = new http::Api(*store_, routes);
    cw_ = new std::string(Login("cw_a"));
    tinh_ = new std::string(Login("tinh"));
  }
  static void TearDownTestSuite() {
    delete api_;
    api_ = nullptr;
    demo_.reset();
    store_ = nullptr;
    delete cw_;
    cw_ = nullptr;
    delete tinh_;
    tinh_ = nullptr;
  }

  static std::string Login(const std::string& user) {
    http::Request req;
    req.method = "POST";
    req.path = "/api/v1/auth/login";
    req.content_type = "application/json";
    req.body = json{{"username", user}, {"password", kPassword}}.dump();
    http::Response r = api_->Handle(req);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).value("token", "");
  }

  struct Answer {
    int status = 0;
    json body;
    std::map<std::string, std::string> headers;
    std::string content_type;
  };
  // One request as a FHIR client sends it; `query` is the raw query string.
  static Answer Call(const std::string& method, const std::string& path, const std::string& token,
                     const json& body = nullptr, const std::string& query = "",
                     std::map<std::string, std::string> headers = {}) {
    http::Request req;
    req.method = method;
    req.path = path;
    req.raw_query = query;
    req.query = http::ParseQuery(query);
    req.remote = "10.1.2.3";
    if (!token.empty()) req.authorization = "Bearer " + token;
    if (!body.is_null()) {
      req.body = body.dump();
      req.content_type = "application/fhir+json";
    }
    req.if_match = headers["If-Match"];
    req.if_none_exist = headers["If-None-Exist"];
    if (headers.count("Content-Type")) req.content_type = headers["Content-Type"];
    http::Response r = api_->Handle(req);
    Answer a{r.status, json::parse(r.body, nullptr, false), r.headers, r.content_type};
    return a;
  }

  // The audit entries written since `seq` (reads are group-committed: flushed first).
  static std::vector<audit::Entry> AuditSince(int64_t seq) {
    api_->FlushAudit();
    store::AuditQuery q;
    q.after_seq = seq;
    q.limit = 1000;
    std::vector<audit::Entry> es;
    EXPECT_TRUE(store_->ListAudit(q, &es).ok());
    return es;
  }
  static int64_t AuditHead() {
    api_->FlushAudit();
    int64_t seq = 0;
    std::string hash;
    EXPECT_TRUE(store_->AuditChainHead(&seq, &hash).ok());
    return seq;
  }

  // A live person of `orgunit`'s subtree (inside 03390, or outside it when `outside`).
  static store::Record APerson(bool outside, bool with_children = false) {
    store::ListQuery q;
    q.type = "person";
    q.orgunit = "12";
    q.limit = 1000;
    std::vector<store::Record> rs;
    EXPECT_TRUE(store_->List(q, &rs).ok());
    for (const store::Record& r : rs) {
      const bool in = store_->InSubtree("03390", r.orgunit_id);
      if (in == outside || r.full_name.empty()) continue;
      if (with_children) {
        std::vector<store::Record> kids;
        EXPECT_TRUE(store_->Children({r.id}, &kids).ok());
        if (kids.empty()) continue;
      }
      return r;
    }
    ADD_FAILURE() << "no such person in the demo";
    return {};
  }

  // The element paths the OperationOutcome names.
  static std::vector<std::string> Expressions(const json& outcome) {
    std::vector<std::string> out;
    if (!outcome.is_object() || outcome.value("resourceType", "") != "OperationOutcome") return {"<not an OperationOutcome>"};
    for (const json& i : outcome["issue"])
      if (i.contains("expression"))
        for (const json& e : i["expression"]) out.push_back(e);
    return out;
  }

  static inline std::unique_ptr<test::OrgUnitStore> demo_;
  static inline store::Store* store_ = nullptr;
  static inline http::Api* api_ = nullptr;
  static inline std::string* cw_ = nullptr;
  static inline std::string* tinh_ = nullptr;
};

TEST_P(FhirServer, ReadAnswersTheResourceWithItsVersionAndIsAudited) {
  const store::Record p = APerson(false);
  const int64_t seq = AuditHead();
  Answer a = Call("GET", "/fhir/Patient/" + p.id, *cw_);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.content_type, "application/fhir+json");
  EXPECT_EQ(a.body["resourceType"], "Patient");
  EXPECT_EQ(a.body["id"], p.id);
  EXPECT_EQ(a.body["meta"]["versionId"], std::to_string(p.version));
  EXPECT_EQ(a.headers["ETag"], "W/\"" + std::to_string(p.version) + "\"");
  const auto es = AuditSince(seq);
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].action, "read");
  EXPECT_EQ(es[0].username, "cw_a");
  EXPECT_EQ(es[0].record_id, p.id);
  EXPECT_NE(es[0].detail.find("fhir read"), std::string::npos) << es[0].detail;
}

TEST_P(FhirServer, AnotherCommunesPatientIsNotFoundAndTheRefusalAudited) {
  const store::Record p = APerson(true);
  const int64_t seq = AuditHead();
  for (const std::string& path : {"/fhir/Patient/" + p.id, "/fhir/Patient/" + p.id + "/_history",
                                  "/fhir/Patient/" + p.id + "/_history/1", "/fhir/Patient/" + p.id + "/$everything"}) {
    Answer a = Call("GET", path, *cw_);
    EXPECT_EQ(a.status, 404) << path << " " << a.body.dump();
    EXPECT_EQ(a.body["resourceType"], "OperationOutcome") << path;
    EXPECT_EQ(a.body["issue"][0]["code"], "not-found") << path;
    // The same answer as an id nobody has.
    EXPECT_EQ(a.body["issue"][0]["diagnostics"], "Patient/" + p.id + " not found") << path;
  }
  json body = Call("GET", "/fhir/Patient/" + p.id, *tinh_).body;  // the province officer sees it
  ASSERT_EQ(body["id"], p.id);
  Answer put = Call("PUT", "/fhir/Patient/" + p.id, *cw_, body);
  EXPECT_EQ(put.status, 404) << put.body.dump();
  const auto es = AuditSince(seq);
  int denied_reads = 0, denied_writes = 0;
  for (const audit::Entry& e : es) {
    if (e.record_id != p.id) continue;
    denied_reads += e.action == "read_denied";
    denied_writes += e.action == "write_denied";
  }
  EXPECT_EQ(denied_reads, 4);
  EXPECT_EQ(denied_writes, 1);
  store::Record still;
  ASSERT_TRUE(store_->Get("person", p.id, &still).ok());
  EXPECT_EQ(still.version, p.version) << "nothing stored";
}

// create → update (If-Match) → stale update (412) → vread and _history → delete (reason) → 410.
TEST_P(FhirServer, CreateUpdateDeleteWithVersionsAndHistory) {
  const store::Record model = APerson(false);
  json patient = Call("GET", "/fhir/Patient/" + model.id, *cw_).body;
  ASSERT_EQ(patient["resourceType"], "Patient");
  patient.erase("id");
  patient.erase("meta");
  patient.erase("identifier");  // the record id and citizen id are the model's
  patient["birthDate"] = "1999-02-03";
  const int64_t seq = AuditHead();

  Answer created = Call("POST", "/fhir/Patient", *cw_, patient);
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::string id = created.body["id"];
  EXPECT_NE(id, model.id);
  EXPECT_EQ(created.headers["ETag"], "W/\"1\"");
  EXPECT_EQ(created.headers["Location"], "/fhir/Patient/" + id + "/_history/1");
  EXPECT_EQ(created.body["birthDate"], "1999-02-03");
  store::Record stored;
  ASSERT_TRUE(store_->Get("person", id, &stored).ok());
  EXPECT_EQ(stored.date, "1999-02-03");

  json v2 = created.body;
  v2["birthDate"] = "1999-02-04";
  Answer updated = Call("PUT", "/fhir/Patient/" + id, *cw_, v2, "", {{"If-Match", "W/\"1\""}});
  ASSERT_EQ(updated.status, 200) << updated.body.dump();
  EXPECT_EQ(updated.body["meta"]["versionId"], "2");
  EXPECT_EQ(updated.headers["ETag"], "W/\"2\"");

  json stale = created.body;
  stale["birthDate"] = "1999-02-05";
  Answer refused = Call("PUT", "/fhir/Patient/" + id, *cw_, stale, "", {{"If-Match", "W/\"1\""}});
  EXPECT_EQ(refused.status, 412) << refused.body.dump();
  EXPECT_EQ(refused.body["resourceType"], "OperationOutcome");
  EXPECT_EQ(refused.body["issue"][0]["code"], "conflict");
  EXPECT_EQ(Expressions(refused.body), std::vector<std::string>{"If-Match"});
  ASSERT_TRUE(store_->Get("person", id, &stored).ok());
  EXPECT_EQ(stored.date, "1999-02-04");

  Answer v1 = Call("GET", "/fhir/Patient/" + id + "/_history/1", *cw_);
  ASSERT_EQ(v1.status, 200) << v1.body.dump();
  EXPECT_EQ(v1.body["birthDate"], "1999-02-03");
  EXPECT_EQ(v1.body["meta"]["versionId"], "1");
  EXPECT_EQ(Call("GET", "/fhir/Patient/" + id + "/_history/9", *cw_).status, 404);

  Answer no_reason = Call("DELETE", "/fhir/Patient/" + id, *cw_);
  EXPECT_EQ(no_reason.status, 422) << no_reason.body.dump();
  EXPECT_EQ(Expressions(no_reason.body), std::vector<std::string>{"reason"});
  Answer deleted = Call("DELETE", "/fhir/Patient/" + id, *cw_, nullptr, "reason=tr%C3%B9ng");
  ASSERT_EQ(deleted.status, 200) << deleted.body.dump();
  EXPECT_EQ(Call("GET", "/fhir/Patient/" + id, *cw_).status, 410);

  Answer history = Call("GET", "/fhir/Patient/" + id + "/_history", *cw_);
  ASSERT_EQ(history.status, 200) << history.body.dump();
  EXPECT_EQ(history.body["type"], "history");
  ASSERT_EQ(history.body["entry"].size(), 3u);
  EXPECT_EQ(history.body["entry"][0]["request"]["method"], "DELETE");
  EXPECT_EQ(history.body["entry"][1]["resource"]["birthDate"], "1999-02-04");
  EXPECT_EQ(history.body["entry"][1]["request"]["method"], "PUT");
  EXPECT_EQ(history.body["entry"][2]["resource"]["birthDate"], "1999-02-03");
  EXPECT_EQ(history.body["entry"][2]["request"]["method"], "POST");

  std::vector<std::string> writes;
  for (const audit::Entry& e : AuditSince(seq))
    if (e.record_id == id && (e.action == "create" || e.action == "update" || e.action == "delete")) writes.push_back(e.action);
  EXPECT_EQ(writes, (std::vector<std::string>{"create", "update", "delete"}));
}

TEST_P(FhirServer, PutOfAnUnknownUuidCreatesTheRecordWithThatId) {
  const store::Record model = APerson(false);
  json patient = Call("GET", "/fhir/Patient/" + model.id, *cw_).body;
  const std::string id = "0190c0de-0000-7000-8000-000000000023";
  patient["id"] = id;
  patient.erase("meta");
  patient.erase("identifier");
  Answer a = Call("PUT", "/fhir/Patient/" + id, *cw_, patient);
  ASSERT_EQ(a.status, 201) << a.body.dump();
  EXPECT_EQ(a.body["id"], id);
  store::Record r;
  EXPECT_TRUE(store_->Get("person", id, &r).ok());
  EXPECT_EQ(Call("PUT", "/fhir/Patient/not-a-uuid", *cw_, patient).status, 422);
}

TEST_P(FhirServer, ConditionalCreateFindsTheRecordByIdentifier) {
  const store::Record p = APerson(false);
  json patient = Call("GET", "/fhir/Patient/" + p.id, *cw_).body;
  int64_t before = 0;
  store::ListQuery all;
  all.type = "person";
  ASSERT_TRUE(store_->Count(all, &before).ok());
  Answer a = Call("POST", "/fhir/Patient", *cw_, patient, "",
                  {{"If-None-Exist", std::string("identifier=") + kRecordIdSystem + "|" + p.id}});
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["id"], p.id);
  int64_t after = 0;
  ASSERT_TRUE(store_->Count(all, &after).ok());
  EXPECT_EQ(after, before) << "nothing created";
  Answer bad = Call("POST", "/fhir/Patient", *cw_, patient, "", {{"If-None-Exist", "name=x"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(Expressions(bad.body), std::vector<std::string>{"If-None-Exist"});
}

TEST_P(FhirServer, BadInputIsAnOperationOutcomeNamingTheElementAndStoresNothing) {
  const store::Record p = APerson(false);
  const json good = Call("GET", "/fhir/Patient/" + p.id, *cw_).body;
  int64_t before = 0;
  store::ListQuery all;
  all.type = "person";
  ASSERT_TRUE(store_->Count(all, &before).ok());
  json wrong_type = good;
  wrong_type["resourceType"] = "Encounter";
  json future = good;
  future["birthDate"] = "2999-01-01";
  json unknown = good;
  unknown["photo"] = json::array({{{"url", "x"}}});
  json other_commune = good;
  other_commune["managingOrganization"]["identifier"]["value"] = APerson(true).orgunit_id;
  struct Case {
    const char* what;
    std::string method, path;
    json body;
    int status;
    std::string element;
  } cases[] = {
      {"resourceType of another type", "PUT", "/fhir/Patient/" + p.id, wrong_type, 422, "Patient.resourceType"},
      {"a birth date in the future", "PUT", "/fhir/Patient/" + p.id, future, 422, "Patient.birthDate"},
      {"an element under5 does not keep", "PUT", "/fhir/Patient/" + p.id, unknown, 422, "Patient.photo"},
      {"an id that differs from the URL's", "PUT", "/fhir/Patient/0190c0de-0000-7000-8000-0000000000aa", good, 422, "Patient.id"},
      {"a Patient of another commune", "POST", "/fhir/Patient", other_commune, 403, "Patient.managingOrganization"},
  };
  for (const Case& c : cases) {
    Answer a = Call(c.method, c.path, *cw_, c.body);
    EXPECT_EQ(a.status, c.status) << c.what << ": " << a.body.dump();
    const auto ex = Expressions(a.body);
    EXPECT_TRUE(!ex.empty() && ex.front().rfind(c.element, 0) == 0) << c.what << ": " << a.body.dump();
  }
  int64_t after = 0;
  ASSERT_TRUE(store_->Count(all, &after).ok());
  EXPECT_EQ(after, before);
  store::Record still;
  ASSERT_TRUE(store_->Get("person", p.id, &still).ok());
  EXPECT_EQ(still.version, p.version);

  Answer text = Call("POST", "/fhir/Patient", *cw_, good, "", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(text.status, 415);
  EXPECT_EQ(text.body["resourceType"], "OperationOutcome");
  Answer anonymous = Call("GET", "/fhir/Patient", "");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.body["issue"][0]["code"], "security");
  Answer unknown_type = Call("GET", "/fhir/Medication/x", *cw_);
  EXPECT_EQ(unknown_type.status, 404);
  EXPECT_EQ(unknown_type.body["resourceType"], "OperationOutcome");
  Answer unknown_param = Call("GET", "/fhir/Patient", *cw_, nullptr, "colour=blue");
  EXPECT_EQ(unknown_param.status, 422);
  EXPECT_EQ(Expressions(unknown_param.body), std::vector<std::string>{"colour"});
}

TEST_P(FhirServer, NameSearchIsAccentInsensitiveAndPaged) {
  const store::Record p = APerson(false);
  // The name as typed without its accents ("Lò Thị Mai" → "lo thi mai").
  Answer a = Call("GET", "/fhir/Patient", *cw_, nullptr, "name=" + Plus(text::Fold(p.full_name)) + "&_count=200");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["type"], "searchset");
  bool found = false;
  for (const json& e : a.body["entry"]) {
    found = found || e["resource"]["id"] == p.id;
    EXPECT_EQ(e["search"]["mode"], "match");
  }
  EXPECT_TRUE(found) << a.body.dump();

  // Pages of one: next and previous links, and the same total on each.
  Answer page1 = Call("GET", "/fhir/Patient", *cw_, nullptr, "birthdate=ge1900&_count=1&_sort=birthdate");
  ASSERT_EQ(page1.status, 200) << page1.body.dump();
  const int64_t total = page1.body["total"];
  EXPECT_GT(total, 1);
  std::string next;
  for (const json& l : page1.body["link"])
    if (l["relation"] == "next") next = l["url"];
  ASSERT_FALSE(next.empty());
  const std::string q = next.substr(next.find('?') + 1);
  Answer page2 = Call("GET", "/fhir/Patient", *cw_, nullptr, q);
  ASSERT_EQ(page2.status, 200) << page2.body.dump();
  EXPECT_EQ(page2.body["total"], total);
  EXPECT_NE(page2.body["entry"][0]["resource"]["id"], page1.body["entry"][0]["resource"]["id"]);
  EXPECT_LE(page1.body["entry"][0]["resource"]["birthDate"].get<std::string>(),
            page2.body["entry"][0]["resource"]["birthDate"].get<std::string>());
  bool previous = false;
  for (const json& l : page2.body["link"]) previous = previous || l["relation"] == "previous";
  EXPECT_TRUE(previous);
  // Every match lies in the worker's commune.
  Answer all = Call("GET", "/fhir/Patient", *cw_, nullptr, "_count=1000");
  for (const json& e : all.body["entry"])
    EXPECT_TRUE(store_->InSubtree("03390", e["resource"]["managingOrganization"]["identifier"]["value"]));
}

TEST_P(FhirServer, SearchByPatientAndDateWithTheIncludedPatient) {
  const store::Record p = APerson(false, true);
  store::Record child;
  {
    std::vector<store::Record> kids;
    ASSERT_TRUE(store_->Children({p.id}, &kids).ok());
    child = kids.front();
  }
  Answer a = Call("GET", "/fhir/Encounter", *cw_, nullptr, "patient=Patient/" + child.id + "&_include=Encounter:patient&_sort=-date");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  ASSERT_TRUE(a.body.contains("entry")) << a.body.dump();
  int matches = 0, includes = 0;
  std::string last = "9999";
  for (const json& e : a.body["entry"]) {
    if (e["search"]["mode"] == "include") {
      ++includes;
      EXPECT_EQ(e["resource"]["id"], child.id);
      continue;
    }
    ++matches;
    EXPECT_EQ(e["resource"]["subject"]["reference"], "Patient/" + child.id);
    const std::string start = e["resource"]["period"]["start"];
    EXPECT_LE(start.substr(0, 10), last);
    last = start.substr(0, 10);
  }
  EXPECT_GT(matches, 0);
  EXPECT_EQ(includes, 1);
  // A year of dates, with ge and lt.
  const std::string year = child.date.substr(0, 4);
  Answer y = Call("GET", "/fhir/Immunization", *tinh_, nullptr,
                  "date=ge" + year + "-01-01&date=lt" + std::to_string(std::stoi(year) + 1) + "&_count=1000");
  ASSERT_EQ(y.status, 200) << y.body.dump();
  for (const json& e : y.body.value("entry", json::array())) {
    const std::string d = e["resource"]["occurrenceDateTime"];
    EXPECT_EQ(d.substr(0, 4), year) << d;
  }
  Answer ne = Call("GET", "/fhir/Immunization", *tinh_, nullptr, "date=ne" + year + "&_count=1000");
  ASSERT_EQ(ne.status, 200);
  for (const json& e : ne.body.value("entry", json::array()))
    EXPECT_NE(e["resource"]["occurrenceDateTime"].get<std::string>().substr(0, 4), year);
}

TEST_P(FhirServer, EverythingIsTheHandbookWithTheChildrenInOneAuditEntry) {
  const store::Record mother = APerson(false, true);
  std::vector<store::Record> kids;
  ASSERT_TRUE(store_->Children({mother.id}, &kids).ok());
  const int64_t seq = AuditHead();
  Answer a = Call("GET", "/fhir/Patient/" + mother.id + "/$everything", *cw_);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  std::set<std::string> patients;
  for (const json& e : a.body["entry"])
    if (e["resource"]["resourceType"] == "Patient") patients.insert(e["resource"]["id"]);
  EXPECT_TRUE(patients.count(mother.id));
  for (const store::Record& k : kids)
    if (store_->InSubtree("03390", k.orgunit_id)) EXPECT_TRUE(patients.count(k.id)) << k.id;
  EXPECT_EQ(a.body["total"], a.body["entry"].size());
  const auto es = AuditSince(seq);
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].record_id, mother.id);
  EXPECT_NE(es[0].detail.find(kids.front().id), std::string::npos) << es[0].detail;
}

// A part written alone changes its record and keeps the record's other parts.
TEST_P(FhirServer, PutOfAPartKeepsTheRecordsOtherParts) {
  store::ListQuery q;
  q.type = "growth";
  q.orgunit = "03390";
  q.limit = 1;
  std::vector<store::Record> rs;
  ASSERT_TRUE(store_->List(q, &rs).ok());
  ASSERT_FALSE(rs.empty());
  const store::Record g = rs.front();
  const std::string weight_id = g.id + "-weight";
  Answer w = Call("GET", "/fhir/Observation/" + weight_id, *cw_);
  ASSERT_EQ(w.status, 200) << w.body.dump();
  // Searched once before the write: the answer after it must not be an old copy.
  Answer before = Call("GET", "/fhir/Observation", *cw_, nullptr, "_id=" + weight_id);
  ASSERT_EQ(before.status, 200) << before.body.dump();
  ASSERT_EQ(before.body["entry"].size(), 1u);
  json changed = w.body;
  const double kg = changed["valueQuantity"]["value"].get<double>() + 0.1;
  changed["valueQuantity"]["value"] = kg;
  Answer put = Call("PUT", "/fhir/Observation/" + weight_id, *cw_, changed, "",
                    {{"If-Match", "W/\"" + std::to_string(g.version) + "\""}});
  ASSERT_EQ(put.status, 200) << put.body.dump();
  EXPECT_NEAR(put.body["valueQuantity"]["value"].get<double>(), kg, 1e-9);
  EXPECT_EQ(put.body["meta"]["versionId"], std::to_string(g.version + 1));
  store::Record after;
  ASSERT_TRUE(store_->Get("growth", g.id, &after).ok());
  EXPECT_EQ(after.version, g.version + 1);
  Answer searched = Call("GET", "/fhir/Observation", *cw_, nullptr, "_id=" + weight_id);
  ASSERT_EQ(searched.body["entry"].size(), 1u) << searched.body.dump();
  EXPECT_NEAR(searched.body["entry"][0]["resource"]["valueQuantity"]["value"].get<double>(), kg, 1e-9);
  EXPECT_EQ(searched.body["entry"][0]["resource"]["meta"]["versionId"], std::to_string(g.version + 1));
  // The record's other resources are still there, at the new version.
  Answer enc = Call("GET", "/fhir/Encounter/" + g.id, *cw_);
  ASSERT_EQ(enc.status, 200) << enc.body.dump();
  EXPECT_EQ(enc.body["meta"]["versionId"], std::to_string(g.version + 1));
  std::vector<json> parts;
  StoreContext ctx(*store_);
  ASSERT_TRUE(ToFhir(after, ctx, &parts).ok());
  std::vector<json> old_parts;
  ASSERT_TRUE(ToFhir(g, ctx, &old_parts).ok());
  EXPECT_EQ(parts.size(), old_parts.size());
  // The part deleted alone: its record stays, and its history is the demo's
  // state (kept when the PUT replaced it: POST), the PUT, then the DELETE.
  Answer deleted = Call("DELETE", "/fhir/Observation/" + weight_id, *cw_, nullptr, "reason=sai");
  ASSERT_EQ(deleted.status, 200) << deleted.body.dump();
  EXPECT_EQ(Call("GET", "/fhir/Observation/" + weight_id, *cw_).status, 404);
  EXPECT_EQ(Call("GET", "/fhir/Encounter/" + g.id, *cw_).status, 200) << "the record stays";
  Answer history = Call("GET", "/fhir/Observation/" + weight_id + "/_history", *cw_);
  ASSERT_EQ(history.status, 200) << history.body.dump();
  ASSERT_EQ(history.body["entry"].size(), 3u) << history.body.dump();
  EXPECT_EQ(history.body["entry"][0]["request"]["method"], "DELETE");
  EXPECT_EQ(history.body["entry"][1]["request"]["method"], "PUT");
  EXPECT_NEAR(history.body["entry"][1]["resource"]["valueQuantity"]["value"].get<double>(), kg, 1e-9);
  EXPECT_EQ(history.body["entry"][2]["request"]["method"], "POST");
  ASSERT_TRUE(store_->Get("growth", g.id, &after).ok());
  // A part the record cannot have is refused, not stored without it.
  json stray = put.body;
  stray["id"] = g.id + "-nonsense";
  Answer refused = Call("PUT", "/fhir/Observation/" + g.id + "-nonsense", *cw_, stray);
  EXPECT_EQ(refused.status, 422) << refused.body.dump();
  ASSERT_FALSE(Expressions(refused.body).empty()) << refused.body.dump();
  EXPECT_EQ(Expressions(refused.body).front().rfind("Observation.", 0), 0u) << refused.body.dump();
  store::Record unchanged;
  ASSERT_TRUE(store_->Get("growth", g.id, &unchanged).ok());
  EXPECT_EQ(unchanged.version, after.version);
}

// The JSON API's rules hold on FHIR's paths: the bulk rate of searches, the
// Origin check of cookie writes, each refusal an OperationOutcome.
TEST_P(FhirServer, RateAndCrossSiteRulesAreTheJsonApis) {
  http::ApiOptions slow;
  slow.bulk_burst = 1;
  slow.bulk_per_minute = 1;
  http::Routes routes = Routes();
  http::Api api(*store_, routes, slow);
  http::Request login;
  login.method = "POST";
  login.path = "/api/v1/auth/login";
  login.content_type = "application/json";
  login.body = json{{"username", "cw_a"}, {"password", kPassword}}.dump();
  const std::string token = json::parse(api.Handle(login).body).value("token", "");
  http::Request search;
  search.method = "GET";
  search.path = "/fhir/Patient";
  search.authorization = "Bearer " + token;
  EXPECT_EQ(api.Handle(search).status, 200);
  http::Response limited = api.Handle(search);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(json::parse(limited.body)["resourceType"], "OperationOutcome");
  EXPECT_FALSE(limited.headers["Retry-After"].empty());

  http::Request post;
  post.method = "POST";
  post.path = "/fhir/Patient";
  post.cookie = "u5_session=" + token;
  post.host = "under5.example";
  post.origin = "https://elsewhere.example";
  post.content_type = "application/fhir+json";
  post.body = json{{"resourceType", "Patient"}}.dump();
  http::Response cross = api.Handle(post);
  EXPECT_EQ(cross.status, 403) << cross.body;
  EXPECT_EQ(json::parse(cross.body)["issue"][0]["code"], "forbidden");
  EXPECT_EQ(cross.content_type, "application/fhir+json");
}

// The CapabilityStatement lists each served type with exactly the
// interactions its routes answer; without a route its interaction goes.
TEST_P(FhirServer, CapabilityStatementFollowsTheRoutes) {
  Answer a = Call("GET", "/fhir/metadata", "");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["resourceType"], "CapabilityStatement");
  EXPECT_EQ(a.body["fhirVersion"], "4.0.1");
  std::set<std::string> types;
  for (const json& r : a.body["rest"][0]["resource"]) {
    types.insert(r["type"]);
    std::set<std::string> codes;
    for (const json& i : r["interaction"]) codes.insert(i["code"]);
    EXPECT_EQ(codes, (std::set<std::string>{"read", "vread", "update", "delete", "history-instance", "create", "search-type"}))
        << r["type"];
  }
  std::set<std::string> kinds;
  for (const ResourceKind& k : Kinds()) kinds.insert(k.resource_type);
  EXPECT_EQ(types, kinds);

  http::Routes fewer;
  for (http::Route& r : Routes())
    if (r.method != "DELETE" && r.pattern != "/fhir/Patient/{id}/$everything") fewer.push_back(std::move(r));
  const json cap = Capability(fewer);
  for (const json& r : cap["rest"][0]["resource"]) {
    for (const json& i : r["interaction"]) EXPECT_NE(i["code"], "delete");
    EXPECT_FALSE(r.contains("operation"));
  }
}

U5_ON_BOTH_STORES(FhirServer);

}  // namespace
}  // namespace u5::fhir
