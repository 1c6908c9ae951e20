#include "fhir/bundle.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "demo/generator.h"
#include "fhir/elements.h"
#include "fhir/export.h"
#include "fhir/mapping.h"
#include "store/store.h"
#include "support/temp_dir.h"
#include "demo_store.h"
#include "support/test_store.h"

namespace u5::fhir {
namespace {

const char* kPerson = "0190a1b2-0000-7000-8000-000000000001";
const char* kVisit = "0190a1b2-0000-7000-8000-000000000002";

// Ids handed out in order, so tests know which entry got which.
std::function<std::string()> Ids() {
  auto n = std::make_shared<int>(0);
  return [n] {
    char buf[40];
    std::snprintf(buf, sizeof buf, "0190ffff-0000-7000-8000-%012d", ++*n);
    return std::string(buf);
  };
}

json Entry(const std::string& method, const std::string& url, json resource = nullptr, const std::string& full_url = "") {
  json e = {{"request", {{"method", method}, {"url", url}}}};
  if (!resource.is_null()) e["resource"] = std::move(resource);
  if (!full_url.empty()) e["fullUrl"] = full_url;
  return e;
}

json Tx(json entries, const char* type = "transaction") {
  return {{"resourceType", "Bundle"}, {"type", type}, {"entry", std::move(entries)}};
}

json Obs(const std::string& encounter_ref, const std::string& loinc) {
  return {{"resourceType", "Observation"},
          {"status", "final"},
          {"code", {{"coding", {{{"system", "http://loinc.org"}, {"code", loinc}}}}}},
          {"encounter", {{"reference", encounter_ref}}}};
}

// Each malformed Bundle names the element at fault: Bundle.type, or Bundle.entry[i]. and what in it.
TEST(FhirBundleParse, RefusalsNameTheElement) {
  const json patient = {{"resourceType", "Patient"}};
  struct Case {
    json bundle;
    std::string expression;
  } cases[] = {
      {{{"resourceType", "Patient"}}, "Bundle.resourceType"},
      {{{"resourceType", "Bundle"}, {"type", "collection"}}, "Bundle.type"},
      {{{"resourceType", "Bundle"}, {"type", "transaction"}, {"entry", {{"x", 1}}}}, "Bundle.entry"},
      {{{"resourceType", "Bundle"}, {"type", "transaction"}, {"total", 1}}, "Bundle.total"},
      {Tx({Entry("POST", "Patient", patient), {{"resource", patient}}}), "Bundle.entry[1].request"},
      {Tx({Entry("PATCH", std::string("Patient/") + kPerson)}), "Bundle.entry[0].request.method"},
      {Tx({Entry("FETCH", "Patient", patient)}), "Bundle.entry[0].request.method"},
      {Tx({Entry("POST", "Patient?name=x", patient)}), "Bundle.entry[0].request.url"},
      {Tx({Entry("POST", std::string("Patient/") + kPerson, patient)}), "Bundle.entry[0].request.url"},
      {Tx({Entry("PUT", "Patient", patient)}), "Bundle.entry[0].request.url"},
      {Tx({Entry("PUT", "Patient/not-a-uuid", patient)}), "Bundle.entry[0].request.url"},
      {Tx({Entry("POST", "Encounter", patient)}), "Bundle.entry[0].resource.resourceType"},
      {Tx({Entry("POST", "Patient")}), "Bundle.entry[0].resource"},
      {Tx({Entry("DELETE", std::string("Patient/") + kPerson, patient)}), "Bundle.entry[0].resource"},
      {Tx({Entry("PUT", std::string("Patient/") + kPerson, {{"resourceType", "Patient"}, {"id", kVisit}})}),
       "Bundle.entry[0].resource.id"},
      {Tx({Entry("POST", "Patient", patient, "")}), ""},
  };
  for (Case& c : cases) {
    ParsedBundle b;
    Status st = ParseBundle(json(c.bundle), &b);
    if (c.expression.empty()) {
      EXPECT_TRUE(st.ok()) << c.bundle.dump();
      continue;
    }
    EXPECT_EQ(st.code(), Code::invalid) << c.bundle.dump();
    EXPECT_EQ(st.field(), c.expression) << c.bundle.dump() << " " << st.message();
  }
  json if_match = Tx({Entry("PUT", std::string("Patient/") + kPerson, {{"resourceType", "Patient"}, {"id", kPerson}})});
  if_match["entry"][0]["request"]["ifMatch"] = "W/x";
  ParsedBundle b;
  EXPECT_EQ(ParseBundle(json(if_match), &b).field(), "Bundle.entry[0].request.ifMatch");
  if_match["entry"][0]["request"]["ifMatch"] = "W/\"3\"";
  ASSERT_TRUE(ParseBundle(json(if_match), &b).ok());
  EXPECT_EQ(b.entries[0].if_match, 3);
  // A deletion's reason rides in its URL, as through the JSON API; nothing else does.
  ASSERT_TRUE(ParseBundle(Tx({Entry("DELETE", std::string("Patient/") + kPerson + "?reason=moved+to%20H%C3%A0%20N%E1%BB%99i")}), &b).ok());
  EXPECT_EQ(b.entries[0].delete_reason, "moved to Hà Nội");
  EXPECT_EQ(b.entries[0].id, kPerson);
  EXPECT_EQ(ParseBundle(Tx({Entry("DELETE", std::string("Patient/") + kPerson + "?reason=%zz")}), &b).field(), "Bundle.entry[0].request.url");
  EXPECT_EQ(ParseBundle(Tx({Entry("GET", std::string("Patient/") + kPerson + "?reason=x")}), &b).field(), "Bundle.entry[0].request.url");
}

// FHIR's order: every DELETE, then POST, then PUT, then GET, each in Bundle order.
TEST(FhirBundleOrder, DeletePostPutGet) {
  const std::string p = std::string("Patient/") + kPerson;
  const json patient = {{"resourceType", "Patient"}, {"id", kPerson}};
  ParsedBundle b;
  ASSERT_TRUE(ParseBundle(Tx({Entry("GET", p), Entry("PUT", p, patient), Entry("POST", "Patient", patient),
                              Entry("DELETE", std::string("Encounter/") + kVisit), Entry("POST", "Encounter", {{"resourceType", "Encounter"}}),
                              Entry("GET", std::string("Encounter/") + kVisit)}),
                          &b)
                  .ok());
  EXPECT_EQ(ProcessingOrder(b), (std::vector<size_t>{3, 2, 4, 1, 0, 5}));
}

// A POSTed resource gets a new id; references to its urn:uuid anywhere in the
// Bundle, in entries before or after it, name it; its part joins its record.
TEST(FhirBundleReferences, UrnUuidsBecomeTheNewIds) {
  ParsedBundle b;
  json enc = {{"resourceType", "Encounter"}, {"id", "client-id"}, {"subject", {{"reference", "urn:uuid:p"}}}};
  json later = {{"resourceType", "Immunization"}, {"patient", {{"reference", "urn:uuid:p"}}},
                {"reasonReference", {{{"reference", "urn:uuid:e"}}, {{"reference", "Condition/x"}}}}};
  ASSERT_TRUE(ParseBundle(Tx({Entry("POST", "Observation", Obs("urn:uuid:e", "29463-7"), "urn:uuid:o"),
                              Entry("POST", "Encounter", enc, "urn:uuid:e"),
                              Entry("POST", "Patient", {{"resourceType", "Patient"}}, "urn:uuid:p"),
                              Entry("POST", "Immunization", later)}),
                          &b)
                  .ok());
  ASSERT_TRUE(ResolveReferences(&b, Ids()).ok());
  const std::string encounter_id = "0190ffff-0000-7000-8000-000000000001", patient_id = "0190ffff-0000-7000-8000-000000000002";
  EXPECT_TRUE(b.entries[0].part);
  EXPECT_EQ(b.entries[0].id, "");  // its mapper names it from its record
  EXPECT_EQ(b.entries[0].resource["encounter"]["reference"], "Encounter/" + encounter_id);
  EXPECT_EQ(b.entries[0].record_id, encounter_id);
  EXPECT_EQ(b.entries[1].id, encounter_id);
  EXPECT_EQ(b.entries[1].resource["id"], encounter_id);  // the client's id is not kept on create
  EXPECT_EQ(b.entries[1].resource["subject"]["reference"], "Patient/" + patient_id);
  EXPECT_EQ(b.entries[2].id, patient_id);
  EXPECT_EQ(b.entries[3].resource["patient"]["reference"], "Patient/" + patient_id);
  EXPECT_EQ(b.entries[3].resource["reasonReference"][0]["reference"], "Encounter/" + encounter_id);
  EXPECT_EQ(b.entries[3].resource["reasonReference"][1]["reference"], "Condition/x");
  EXPECT_EQ(b.entries[3].record_id, "0190ffff-0000-7000-8000-000000000003");
}

TEST(FhirBundleReferences, UnknownUrnAndReferenceToAPostedPartAreRefused) {
  ParsedBundle b;
  ASSERT_TRUE(ParseBundle(Tx({Entry("POST", "Encounter", {{"resourceType", "Encounter"}}, "urn:uuid:e"),
                              Entry("POST", "Observation", Obs("urn:uuid:nobody", "29463-7"))}),
                          &b)
                  .ok());
  Status st = ResolveReferences(&b, Ids());
  EXPECT_EQ(st.field(), "Bundle.entry[1].resource.encounter");
  EXPECT_NE(st.message().find("urn:uuid:nobody"), std::string::npos);

  ASSERT_TRUE(ParseBundle(Tx({Entry("POST", "Observation", Obs("Encounter/" + std::string(kVisit), "29463-7"), "urn:uuid:o"),
                              Entry("POST", "Encounter", {{"resourceType", "Encounter"}, {"reasonReference", {{{"reference", "urn:uuid:o"}}}}})}),
                          &b)
                  .ok());
  EXPECT_EQ(ResolveReferences(&b, Ids()).field(), "Bundle.entry[1].resource.reasonReference");

  ASSERT_TRUE(ParseBundle(Tx({Entry("POST", "Patient", {{"resourceType", "Patient"}}, "urn:uuid:p"),
                              Entry("POST", "Patient", {{"resourceType", "Patient"}}, "urn:uuid:p")}),
                          &b)
                  .ok());
  EXPECT_EQ(ResolveReferences(&b, Ids()).field(), "Bundle.entry[1].fullUrl");
}

// An absolute fullUrl of a PUT entry is a name for it too.
TEST(FhirBundleReferences, AbsoluteFullUrlsNameTheirEntry) {
  ParsedBundle b;
  const std::string url = std::string("https://other.example/fhir/Patient/") + kPerson;
  ASSERT_TRUE(ParseBundle(Tx({Entry("PUT", std::string("Patient/") + kPerson, {{"resourceType", "Patient"}, {"id", kPerson}}, url),
                              Entry("POST", "Encounter", {{"resourceType", "Encounter"}, {"subject", {{"reference", url}}}})}),
                          &b)
                  .ok());
  ASSERT_TRUE(ResolveReferences(&b, Ids()).ok());
  EXPECT_EQ(b.entries[1].resource["subject"]["reference"], std::string("Patient/") + kPerson);
}

// An Encounter and its Observations, POSTed or PUT, are one record's write;
// a conditional create that matched moves its parts to the stored record.
TEST(FhirBundleGroups, PartsJoinTheirPrimaryRecord) {
  ParsedBundle b;
  const std::string stored_obs = std::string(kVisit) + "-weight";
  json put_obs = Obs(std::string("Encounter/") + kVisit, "29463-7");
  put_obs["id"] = stored_obs;
  ASSERT_TRUE(ParseBundle(Tx({Entry("POST", "Observation", Obs("urn:uuid:e", "8302-2")),
                              Entry("PUT", "Observation/" + stored_obs, put_obs),
                              Entry("POST", "Encounter", {{"resourceType", "Encounter"}}, "urn:uuid:e"),
                              Entry("POST", "Observation", Obs("urn:uuid:e", "29463-7")),
                              Entry("GET", std::string("Encounter/") + kVisit),
                              Entry("DELETE", "Observation/" + std::string(kVisit) + "-length"),
                              Entry("POST", "Observation", Obs("Encounter/bad", "29463-7"))}),
                          &b)
                  .ok());
  ASSERT_TRUE(ResolveReferences(&b, Ids()).ok());
  const std::string fresh = "0190ffff-0000-7000-8000-000000000001";
  std::vector<RecordGroup> g = GroupByRecord(b);
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].record_id, kVisit);  // the DELETE comes first, the PUT of the same record joins it
  EXPECT_EQ(g[0].entries, (std::vector<size_t>{5, 1}));
  EXPECT_EQ(g[1].record_id, fresh);
  EXPECT_EQ(g[1].entries, (std::vector<size_t>{0, 2, 3}));
  EXPECT_EQ(g[2].record_id, "");  // a part whose owner is no record: alone, for the write path to refuse
  EXPECT_EQ(g[2].entries, (std::vector<size_t>{6}));

  Redirect(&b, 2, kVisit);
  EXPECT_EQ(b.entries[0].resource["encounter"]["reference"], std::string("Encounter/") + kVisit);
  EXPECT_EQ(b.entries[3].record_id, kVisit);
  g = GroupByRecord(b);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].entries, (std::vector<size_t>{5, 0, 2, 3, 1}));
}

// ---- transactions, batches and export against a demo province

// A resource as a client creates it: no id, no meta, no under5 record id.
json Bare(json r) {
  r.erase("id");
  r.erase("meta");
  if (r["resourceType"] == "Patient") {
    json ids = json::array();
    for (const json& i : r.value("identifier", json::array()))
      if (i.value("system", "") != kRecordIdSystem) ids.push_back(i);
    if (ids.empty()) r.erase("identifier");
    else r["identifier"] = ids;
  }
  return r;
}

class FhirBundleStore : public ::testing::TestWithParam<test::StoreKind> {
 protected:
  // One demo province per store, shared by the suite's tests (ctest runs each in a process of its own).
  void SetUp() override {
    if (demo_ && demo_->kind() == GetParam()) return;
    TearDownTestSuite();
    dir_ = new test::TempDir();
    demo_ = test::OpenDemoStore(GetParam(), 250);
    store_ = &demo_->store();
    child_ = growth_ = {};
    // A child with a mother and a growth record: the templates of new records.
    Status st = store_->ForEach(
        [](const store::Record& r) {
          if (r.type == "growth" && child_.id.empty()) {
            store::Record p;
            if (store_->Get("person", r.person_id, &p).ok() && p.mother_id) child_ = p, growth_ = r;
          }
          return Status::Ok();
        },
        false);
    ASSERT_FALSE(child_.id.empty());
  }
  static void TearDownTestSuite() {
    demo_.reset();
    store_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  // A commune worker of the template child's commune.
  static auth::Principal Worker(const std::string& orgunit = child_.orgunit_id) {
    return {.user_id = "u-" + orgunit, .username = "worker" + orgunit, .role = "commune_worker", .orgunits = {orgunit}};
  }
  static BundleOptions Options() {
    BundleOptions o;
    o.stamp = [](const std::string& action) {
      audit::Entry e;
      e.username = "test";
      e.action = action;
      e.at = "2026-01-01T00:00:00.000Z";
      return e;
    };
    return o;
  }
  static std::vector<json> Resources(const store::Record& r) {
    StoreContext ctx(*store_);
    std::vector<json> out;
    EXPECT_TRUE(ToFhir(r, ctx, &out).ok());
    return out;
  }
  static int64_t Count(const std::string& type) {
    store::ListQuery q;
    q.type = type;
    int64_t n = 0;
    EXPECT_TRUE(store_->Count(q, &n).ok());
    return n;
  }
  static std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    return s;
  }
  // A new child (Patient and its mother as RelatedPerson) and a growth visit
  // (Encounter and its Observations), every entry a POST tied by urn:uuid.
  static json NewChildBundle(const char* type = "transaction") {
    json entries = json::array();
    auto add = [&](const json& res, const std::string& owner_key) {
      std::string text = Bare(res).dump();
      text = ReplaceAll(text, "Patient/" + child_.id, "urn:uuid:child");
      text = ReplaceAll(text, "Encounter/" + growth_.id, "urn:uuid:visit");
      json r = json::parse(text);
      json e = Entry("POST", r["resourceType"], r);
      if (owner_key.empty()) e["fullUrl"] = r["resourceType"] == "Patient" ? "urn:uuid:child" : "urn:uuid:visit";
      entries.push_back(e);
    };
    std::vector<json> person = Resources(child_), visit = Resources(growth_);
    for (size_t i = 0; i < person.size(); ++i) add(person[i], i ? "patient" : "");
    for (size_t i = 0; i < visit.size(); ++i) add(visit[i], i ? "encounter" : "");
    return Tx(entries, type);
  }
  // How many entries of NewChildBundle are the child's (Patient and its parts).
  static size_t person_parts() { return Resources(child_).size(); }
  static inline test::TempDir* dir_ = nullptr;
  static inline std::unique_ptr<test::OrgUnitStore> demo_;
  static inline store::Store* store_ = nullptr;
  static inline store::Record child_, growth_;
};

// A Patient with its RelatedPerson and an Encounter with its Observations,
// tied by urn:uuid: two records, every reference naming the new ids.
TEST_P(FhirBundleStore, TransactionCreatesRecordsWithTheirParts) {
  const json bundle = NewChildBundle();
  ParsedBundle b;
  ASSERT_TRUE(ParseBundle(json(bundle), &b).ok());
  const int64_t persons = Count("person"), growths = Count("growth");
  BundleAnswer a;
  Status st = RunBundle(b, Worker(), *store_, Options(), &a);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(a.records, 2u);
  EXPECT_EQ(a.resources, bundle["entry"].size());
  EXPECT_EQ(Count("person"), persons + 1);
  EXPECT_EQ(Count("growth"), growths + 1);
  ASSERT_EQ(a.bundle["type"], "transaction-response");
  ASSERT_EQ(a.bundle["entry"].size(), bundle["entry"].size());
  const std::string patient_loc = a.bundle["entry"][0]["response"]["location"];
  const std::string child_id = patient_loc.substr(8, 36);
  store::Record child, visit;
  ASSERT_TRUE(store_->Get("person", child_id, &child).ok()) << patient_loc;
  EXPECT_EQ(child.mother_id, child_.mother_id);
  std::set<std::string> locations;
  for (const json& e : a.bundle["entry"]) {
    EXPECT_EQ(e["response"]["status"], "201 Created");
    EXPECT_EQ(e["response"]["etag"], "W/\"1\"");
    locations.insert(e["response"]["location"]);
  }
  EXPECT_EQ(locations.size(), bundle["entry"].size()) << "each entry names its own resource";
  // The visit is one record of the new child, whose resources are exactly those the answer names.
  const std::string enc_loc = a.bundle["entry"][person_parts()]["response"]["location"];
  const std::string visit_id = enc_loc.substr(10, 36);
  ASSERT_TRUE(store_->Get("growth", visit_id, &visit).ok()) << enc_loc;
  EXPECT_EQ(visit.person_id, child_id);
  EXPECT_EQ(json::parse(visit.body).value("weight_kg", 0.0), json::parse(growth_.body).value("weight_kg", 0.0));
  for (const json& r : Resources(visit)) {
    const std::string loc = r["resourceType"].get<std::string>() + "/" + r["id"].get<std::string>() + "/_history/1";
    EXPECT_TRUE(locations.count(loc)) << loc;
  }
}

// One bad entry and nothing is stored; the error names the entry and its element.
TEST_P(FhirBundleStore, TransactionWithOneBadEntryStoresNothing) {
  json bundle = NewChildBundle();
  size_t bad = 0;
  for (size_t i = 0; i < bundle["entry"].size(); ++i) {
    json& r = bundle["entry"][i]["resource"];
    if (r.contains("valueQuantity") && r["code"]["coding"][0]["code"] == "29463-7") r["valueQuantity"]["value"] = 400, bad = i;
  }
  ASSERT_GT(bad, 0u);
  ParsedBundle b;
  ASSERT_TRUE(ParseBundle(json(bundle), &b).ok());
  const int64_t persons = Count("person"), growths = Count("growth");
  int64_t seq = 0, seq_after = 0;
  std::string hash, hash_after;
  ASSERT_TRUE(store_->AuditChainHead(&seq, &hash).ok());
  BundleAnswer a;
  Status st = RunBundle(b, Worker(), *store_, Options(), &a);
  EXPECT_EQ(st.code(), Code::invalid);
  EXPECT_EQ(st.field(), "Bundle.entry[" + std::to_string(bad) + "].resource.valueQuantity.value") << st.ToString();
  EXPECT_EQ(Count("person"), persons);
  EXPECT_EQ(Count("growth"), growths);
  ASSERT_TRUE(store_->AuditChainHead(&seq_after, &hash_after).ok());
  EXPECT_EQ(seq_after, seq) << "no audit entry either";
}

// A Patient of a commune outside the worker's: refused, naming the entry.
TEST_P(FhirBundleStore, TransactionOutsideTheCallersCommuneIsRefused) {
  ParsedBundle b;
  ASSERT_TRUE(ParseBundle(NewChildBundle(), &b).ok());
  const int64_t persons = Count("person");
  BundleAnswer a;
  Status st = RunBundle(b, Worker(child_.orgunit_id == "03388" ? "03390" : "03388"), *store_, Options(), &a);
  EXPECT_EQ(st.code(), Code::forbidden) << st.ToString();
  EXPECT_EQ(st.field().rfind("Bundle.entry[0].", 0), 0u) << st.field();
  EXPECT_EQ(Count("person"), persons);
}

// A batch stores its good entries and answers each bad one with its outcome.
TEST_P(FhirBundleStore, BatchKeepsGoodEntriesAndAnswersBadOnes) {
  json good = Bare(Resources(child_)[0]);
  good.erase("link");
  json bad = good;
  bad["birthDate"] = "2023-02-29";
  json bundle = Tx({Entry("POST", "Patient", bad), Entry("POST", "Patient", good),
                    Entry("GET", "Patient/" + child_.id), Entry("GET", "Patient/0190ffff-0000-7000-8000-000000000009")},
                   "batch");
  ParsedBundle b;
  ASSERT_TRUE(ParseBundle(json(bundle), &b).ok());
  const int64_t persons = Count("person");
  BundleAnswer a;
  Status st = RunBundle(b, Worker(), *store_, Options(), &a);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Count("person"), persons + 1);
  ASSERT_EQ(a.bundle["type"], "batch-response");
  const json& e = a.bundle["entry"];
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0]["response"]["status"].get<std::string>().substr(0, 3), "422");
  EXPECT_EQ(e[0]["response"]["outcome"]["issue"][0]["expression"][0], "Bundle.entry[0].resource.birthDate");
  EXPECT_EQ(e[1]["response"]["status"], "201 Created");
  EXPECT_EQ(e[2]["response"]["status"], "200 OK");
  EXPECT_EQ(e[2]["resource"]["id"], child_.id);
  EXPECT_EQ(e[3]["response"]["status"], "404 Not Found");
  EXPECT_EQ(a.read, std::vector<std::string>{child_.id});
}

// Conditional create: a Patient whose identifier is a stored record's is not
// created again, and the Bundle's references to it name the stored one.
TEST_P(FhirBundleStore, ConditionalCreateMatchesTheStoredPatient) {
  json bundle = NewChildBundle();
  json& patient = bundle["entry"][0];
  patient["request"]["ifNoneExist"] = std::string("identifier=") + kRecordIdSystem + "|" + child_.id;
  // Only the visit is new: the RelatedPerson entry would rewrite the stored child's mother.
  json entries = json::array({patient});
  for (size_t i = person_parts(); i < bundle["entry"].size(); ++i) entries.push_back(bundle["entry"][i]);
  ParsedBundle b;
  ASSERT_TRUE(ParseBundle(Tx(entries), &b).ok());
  const int64_t persons = Count("person"), growths = Count("growth");
  BundleAnswer a;
  Status st = RunBundle(b, Worker(), *store_, Options(), &a);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Count("person"), persons);
  EXPECT_EQ(Count("growth"), growths + 1);
  EXPECT_EQ(a.bundle["entry"][0]["response"]["status"], "200 OK");
  EXPECT_EQ(a.bundle["entry"][0]["response"]["location"].get<std::string>().substr(8, 36), child_.id);
  const std::string visit_id = a.bundle["entry"][1]["response"]["location"].get<std::string>().substr(10, 36);
  store::Record visit;
  ASSERT_TRUE(store_->Get("growth", visit_id, &visit).ok());
  EXPECT_EQ(visit.person_id, child_.id);
}

// PUTs of a stored Encounter and of one of its Observations are one update of the record.
TEST_P(FhirBundleStore, EntriesOfOneStoredRecordAreOneUpdate) {
  std::vector<json> visit = Resources(growth_);
  json weight;
  for (const json& r : visit)
    if (r["resourceType"] == "Observation" && r["code"]["coding"][0]["code"] == "29463-7") weight = r;
  ASSERT_FALSE(weight.is_null());
  weight["valueQuantity"]["value"] = weight["valueQuantity"]["value"].get<double>() + 0.1;
  const std::string enc_url = "Encounter/" + growth_.id, obs_url = "Observation/" + weight["id"].get<std::string>();
  json put_obs = Entry("PUT", obs_url, weight), put_enc = Entry("PUT", enc_url, visit[0]);
  put_obs["request"]["ifMatch"] = "W/\"" + std::to_string(growth_.version) + "\"";
  ParsedBundle b;
  ASSERT_TRUE(ParseBundle(Tx({put_obs, put_enc}), &b).ok());
  BundleAnswer a;
  Status st = RunBundle(b, Worker(), *store_, Options(), &a);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(a.records, 1u);
  store::Record after;
  ASSERT_TRUE(store_->Get("growth", growth_.id, &after).ok());
  EXPECT_EQ(after.version, growth_.version + 1);
  EXPECT_DOUBLE_EQ(json::parse(after.body)["weight_kg"].get<double>(), weight["valueQuantity"]["value"].get<double>());
  EXPECT_EQ(a.bundle["entry"][0]["response"]["status"], "200 OK");
  EXPECT_EQ(a.bundle["entry"][0]["response"]["etag"], "W/\"" + std::to_string(after.version) + "\"");
  // The same If-Match again is stale now: 412's conflict, naming the entry's ifMatch.
  ASSERT_TRUE(ParseBundle(Tx({put_obs}), &b).ok());
  st = RunBundle(b, Worker(), *store_, Options(), &a);
  EXPECT_EQ(st.code(), Code::conflict);
  EXPECT_EQ(st.field(), "Bundle.entry[0].request.ifMatch");
  growth_ = after;
}

// DELETE of a stored part is an update of its record without it; a GET in
// the same transaction reads the record as the Bundle left it.
TEST_P(FhirBundleStore, DeleteOfAPartAndReadAfterIt) {
  // The weight: a measure the registry keeps, not one it derives (a z-score would come back).
  std::string part;
  for (const json& r : Resources(growth_))
    if (r["resourceType"] == "Observation" && r["code"]["coding"][0]["code"] == "29463-7") part = "Observation/" + r["id"].get<std::string>();
  ASSERT_FALSE(part.empty());
  const std::string enc = "Encounter/" + growth_.id;
  ParsedBundle b;
  ASSERT_TRUE(ParseBundle(Tx({Entry("GET", enc), Entry("DELETE", part + "?reason=measured+twice")}), &b).ok());
  BundleAnswer a;
  Status st = RunBundle(b, Worker(), *store_, Options(), &a);
  ASSERT_TRUE(st.ok()) << st.ToString();
  store::Record after;
  ASSERT_TRUE(store_->Get("growth", growth_.id, &after).ok());
  EXPECT_EQ(after.version, growth_.version + 1);
  EXPECT_FALSE(json::parse(after.body).contains("weight_kg"));
  for (const json& r : Resources(after)) EXPECT_NE(r["resourceType"].get<std::string>() + "/" + r["id"].get<std::string>(), part);
  EXPECT_EQ(a.bundle["entry"][1]["response"]["status"], "204 No Content");
  EXPECT_EQ(a.bundle["entry"][0]["response"]["status"], "200 OK");
  EXPECT_EQ(a.bundle["entry"][0]["resource"]["meta"]["versionId"], std::to_string(after.version));
  EXPECT_EQ(a.read, std::vector<std::string>{growth_.id});
  // Without a reason, the deletion is refused naming its URL.
  ASSERT_TRUE(ParseBundle(Tx({Entry("DELETE", enc)}), &b).ok());
  EXPECT_EQ(RunBundle(b, Worker(), *store_, Options(), &a).field(), "Bundle.entry[0].request.url");
  growth_ = after;
}

// A new record's part PUT at an id its mapper does not give is refused:
// the answer would name a resource that is not stored.
TEST_P(FhirBundleStore, NewRecordPartsKeepTheirMappersIds) {
  json bundle = NewChildBundle();
  const std::string id = "0190ffff-0000-7000-8000-0000000000aa";
  json entries = json::array();
  for (json e : bundle["entry"]) {
    std::string text = ReplaceAll(e.dump(), "urn:uuid:visit", "Encounter/" + id);
    e = json::parse(text);
    if (e["resource"]["resourceType"] == "Encounter") {
      e["resource"]["id"] = id;
      e["request"] = {{"method", "PUT"}, {"url", "Encounter/" + id}};
      e.erase("fullUrl");
    }
    entries.push_back(e);
  }
  const size_t last = entries.size() - 1;
  entries[last]["resource"]["id"] = id + "-not-a-part";
  entries[last]["request"] = {{"method", "PUT"}, {"url", entries[last]["resource"]["resourceType"].get<std::string>() + "/" + id + "-not-a-part"}};
  ParsedBundle b;
  ASSERT_TRUE(ParseBundle(Tx(entries), &b).ok());
  const int64_t growths = Count("growth");
  BundleAnswer a;
  Status st = RunBundle(b, Worker(), *store_, Options(), &a);
  EXPECT_EQ(st.code(), Code::invalid) << st.ToString();
  EXPECT_EQ(st.field().rfind("Bundle.entry[" + std::to_string(last) + "].", 0), 0u) << st.field();
  EXPECT_NE(st.message().find("has no part"), std::string::npos) << st.message();
  EXPECT_EQ(Count("growth"), growths);
}

// What a commune exports, a fresh database imports through one transaction
// Bundle, and exports again the same (meta aside), ids kept.
TEST_P(FhirBundleStore, ExportImportsIntoAFreshDatabaseUnchanged) {
  StoreContext ctx(*store_);
  ExportQuery q;
  q.orgunits = {child_.orgunit_id};
  std::stringstream bundle_text;
  ExportResult exported;
  ASSERT_TRUE(ExportBundle(*store_, ctx, q, bundle_text, nullptr, &exported).ok());
  ASSERT_GT(exported.records, 100u);
  const std::string first = dir_->File("first"), second = dir_->File("second");
  ExportResult nd1, nd2;
  ASSERT_TRUE(ExportNdjson(*store_, ctx, q, first, nullptr, &nd1).ok());
  EXPECT_EQ(nd1.resources, exported.resources);

  test::OrgUnitStore fresh_db(GetParam());
  store::Store* fresh = &fresh_db.store();
  ParsedBundle b;
  ASSERT_TRUE(ParseBundle(json::parse(bundle_text.str()), &b).ok());
  BundleOptions o = Options();
  o.bulk_creates = true;
  BundleAnswer a;
  const auth::Principal admin{.user_id = "cli", .username = "cli", .role = "admin"};
  Status st = RunBundle(b, admin, *fresh, o, &a);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(a.records, exported.records);
  StoreContext fresh_ctx(*fresh);
  ASSERT_TRUE(ExportNdjson(*fresh, fresh_ctx, q, second, nullptr, &nd2).ok());
  ASSERT_EQ(nd1.files.size(), nd2.files.size());
  for (size_t i = 0; i < nd1.files.size(); ++i) {
    std::ifstream x(nd1.files[i].path), y(nd2.files[i].path);
    std::string lx, ly;
    size_t lines = 0;
    while (std::getline(x, lx)) {
      ASSERT_TRUE(std::getline(y, ly)) << nd1.files[i].type;
      json jx = json::parse(lx), jy = json::parse(ly);
      jx.erase("meta"), jy.erase("meta");
      EXPECT_EQ(jx, jy) << nd1.files[i].type;
      ++lines;
    }
    EXPECT_EQ(lines, nd1.files[i].count);
  }
}

// The NDJSON of an export: one file per type, every line a resource of a
// record the caller may see, `_type` and `_since` honoured.
TEST_P(FhirBundleStore, ExportFilesHoldWhatTheCallerMaySee) {
  StoreContext ctx(*store_);
  ExportQuery q;
  q.orgunits = {"12"};  // the whole province, seen by a worker of one commune
  const std::string commune = child_.orgunit_id;
  q.visible = [&](const store::Record& r) { return store_->InSubtree(commune, r.orgunit_id); };
  ExportResult res;
  ASSERT_TRUE(ExportNdjson(*store_, ctx, q, dir_->File("seen"), nullptr, &res).ok());
  ASSERT_GT(res.files.size(), 5u);
  size_t lines = 0;
  for (const ExportFile& f : res.files) {
    std::ifstream in(f.path);
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) {
      json r = json::parse(line);
      EXPECT_EQ(r["resourceType"], f.type);
      store::Record rec;
      ASSERT_TRUE(store_->Find(ParseId(r["id"].get<std::string>())->record_id, &rec).ok());
      EXPECT_TRUE(store_->InSubtree(commune, rec.orgunit_id)) << r["id"];
      ++n;
    }
    EXPECT_EQ(n, f.count) << f.type;
    lines += n;
  }
  EXPECT_EQ(lines, res.resources);

  ExportQuery typed = q;
  ASSERT_TRUE(ParseTypes("Patient,Immunization", &typed.types).ok());
  ExportResult two;
  ASSERT_TRUE(ExportNdjson(*store_, ctx, typed, dir_->File("typed"), nullptr, &two).ok());
  ASSERT_EQ(two.files.size(), 2u);
  EXPECT_EQ(ParseTypes("Patient,Bogus", &typed.types).field(), "_type");

  // An export of nothing is still a valid Bundle: no empty "entry".
  ExportQuery nobody = q;
  nobody.visible = [](const store::Record&) { return false; };
  std::stringstream empty_bundle;
  ExportResult empty;
  ASSERT_TRUE(ExportBundle(*store_, ctx, nobody, empty_bundle, nullptr, &empty).ok());
  EXPECT_EQ(json::parse(empty_bundle.str()), json({{"resourceType", "Bundle"}, {"type", "transaction"}}));

  ExportQuery since = q;
  ASSERT_TRUE(ParseSince("2099-01-01T00:00:00+07:00", &since.since).ok());
  ExportResult none;
  ASSERT_TRUE(ExportNdjson(*store_, ctx, since, dir_->File("since"), nullptr, &none).ok());
  EXPECT_EQ(none.resources, 0u);
  EXPECT_EQ(ParseSince("2025-01-01", &since.since).field(), "_since");
}

// POST /fhir: the response Bundle in FHIR's type, each write stamped; a
// malformed Bundle is refused naming its element.
TEST_P(FhirBundleStore, PostBundleRoute) {
  http::Router router(BundleRoutes());
  http::Request req;
  req.method = "POST";
  req.path = "/fhir";
  req.body = Tx(json::array(), "collection").dump();
  http::Response r = router.Dispatch(req, Worker(), *store_);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(json::parse(r.body)["field"], "Bundle.type");
  // An empty transaction is answered, with no empty list in it.
  req.body = Tx(json::array()).dump();
  r = router.Dispatch(req, Worker(), *store_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body), json({{"resourceType", "Bundle"}, {"type", "transaction-response"}}));
  req.body = NewChildBundle().dump();
  r = router.Dispatch(req, Worker(), *store_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/fhir+json");
  EXPECT_EQ(json::parse(r.body)["type"], "transaction-response");
  EXPECT_FALSE(r.audit.has_value()) << "writes carry their own entries";
}

// $export over HTTP: kick-off, status with progress, the manifest, the
// files, scope and ownership of a job, its deletion.
TEST_P(FhirBundleStore, BulkExportRoutes) {
  test::TempDir files;
  http::Router router(ExportRoutes({.dir = files.File("jobs")}));
  const auth::Principal who = Worker();
  auto get = [&](const std::string& path, const auth::Principal& p, const char* method = "GET") {
    http::Request req;
    req.method = method;
    const size_t q = path.find('?');
    req.path = path.substr(0, q);
    if (q != std::string::npos) req.query["_type"] = path.substr(q + 7);
    req.host = "example.org";
    return router.Dispatch(req, p, *store_);
  };
  http::Response r = get("/fhir/Group/" + child_.orgunit_id + "/$export?_type=Patient,Observation", who);
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string status_url = r.headers["Content-Location"];
  const std::string prefix = "http://example.org/fhir/$export-status/";
  ASSERT_EQ(status_url.rfind(prefix, 0), 0u) << status_url;
  const std::string status_path = status_url.substr(std::string("http://example.org").size());
  for (int i = 0; i < 200 && (r = get(status_path, who)).status == 202; ++i) {
    EXPECT_TRUE(r.headers.count("X-Progress"));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(r.status, 200) << r.body;
  const json manifest = json::parse(r.body);
  EXPECT_EQ(manifest["request"], "http://example.org/fhir/Group/" + child_.orgunit_id + "/$export?_type=Patient,Observation");
  EXPECT_EQ(manifest["requiresAccessToken"], true);
  ASSERT_EQ(manifest["output"].size(), 2u);
  for (const json& out : manifest["output"]) {
    const std::string url = out["url"];
    http::Response f = get(url.substr(std::string("http://example.org").size()), who);
    ASSERT_EQ(f.status, 200) << url;
    EXPECT_EQ(f.content_type, "application/fhir+ndjson");
    ASSERT_TRUE(f.audit.has_value());
    EXPECT_EQ(f.audit->orgunit, child_.orgunit_id);
    std::istringstream lines(f.body);
    std::string line;
    size_t n = 0;
    while (std::getline(lines, line)) {
      EXPECT_EQ(json::parse(line)["resourceType"], out["type"]);
      ++n;
    }
    EXPECT_EQ(n, out["count"].get<size_t>());
  }
  // A finished job left its audit entry: the export, its org unit and counts.
  store::AuditQuery aq;
  aq.username = who.username;
  std::vector<audit::Entry> entries;
  ASSERT_TRUE(store_->ListAudit(aq, &entries).ok());
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().action, "export");
  EXPECT_EQ(entries.back().orgunit_id, child_.orgunit_id);

  const auth::Principal other = Worker(child_.orgunit_id == "03388" ? "03390" : "03388");
  EXPECT_EQ(get(status_path, other).status, 404) << "another user's job is unknown to them";
  http::Response refused = get("/fhir/Group/" + child_.orgunit_id + "/$export", other);
  EXPECT_EQ(refused.status, 403);
  ASSERT_TRUE(refused.audit.has_value());
  EXPECT_EQ(refused.audit->action, "read_denied");
  EXPECT_EQ(get("/fhir/Group/" + child_.orgunit_id + "/$export?_type=Bogus", who).status, 422);
  EXPECT_EQ(get(status_path, who, "DELETE").status, 202);
  EXPECT_EQ(get(status_path, who).status, 404);
  EXPECT_FALSE(std::filesystem::exists(files.File("jobs") + status_path.substr(status_path.rfind('/'))));
}

U5_ON_BOTH_STORES(FhirBundleStore);

}  // namespace
}  // namespace u5::fhir
