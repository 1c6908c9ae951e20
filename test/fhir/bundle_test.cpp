#include "fhir/bundle.h"

#include <gtest/gtest.h>

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
    Status st = ParseBundle(c.bundle, &b);
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
  EXPECT_EQ(ParseBundle(if_match, &b).field(), "Bundle.entry[0].request.ifMatch");
  if_match["entry"][0]["request"]["ifMatch"] = "W/\"3\"";
  ASSERT_TRUE(ParseBundle(if_match, &b).ok());
  EXPECT_EQ(b.entries[0].if_match, 3);
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
  EXPECT_EQ(st.field(), "Bundle.entry[1].resource.Observation.encounter");
  EXPECT_NE(st.message().find("urn:uuid:nobody"), std::string::npos);

  ASSERT_TRUE(ParseBundle(Tx({Entry("POST", "Observation", Obs("Encounter/" + std::string(kVisit), "29463-7"), "urn:uuid:o"),
                              Entry("POST", "Encounter", {{"resourceType", "Encounter"}, {"reasonReference", {{{"reference", "urn:uuid:o"}}}}})}),
                          &b)
                  .ok());
  EXPECT_EQ(ResolveReferences(&b, Ids()).field(), "Bundle.entry[1].resource.Encounter.reasonReference");

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

}  // namespace
}  // namespace u5::fhir
