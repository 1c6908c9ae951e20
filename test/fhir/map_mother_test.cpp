// The mother mappers (src/fhir/map_mother.cpp, map_patient.cpp): records like
// the demo's → the FHIR elements docs/fhir.md promises; the round trip of
// every person, pregnancy, visit and birth of a small demo province; inbound
// errors naming their element.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "core/date.h"
#include "fhir/elements.h"
#include "fhir/mapper.h"
#include "fhir/mapping.h"
#include "registry/schema.h"
#include "registry/validate.h"
#include "store/store.h"
#include "support/temp_dir.h"
#include "support/test_store.h"
#include "demo_store.h"

namespace u5::fhir {
namespace {

const char* const kTypes[] = {"person", "pregnancy", "anc_visit", "delivery", "postnatal_visit", "newborn", "stillbirth"};

class FakeContext : public Context {
 public:
  FakeContext() {
    places["03390"] = {.id = "03390", .code = "03390", .name = "Xã Bình Lư", .kind = "commune", .province_id = "12",
                       .province_code = "12", .province_name = "Tỉnh Lai Châu"};
    places["03408"] = {.id = "03408", .code = "03408", .name = "Phường Tân Phong", .kind = "commune", .province_id = "12",
                       .province_code = "12", .province_name = "Tỉnh Lai Châu"};
    places["tyt:03487"] = {.id = "tyt:03487", .code = "03487", .name = "Trạm Y tế Xã Nậm Tăm", .kind = "facility",
                           .province_id = "12", .province_code = "12", .province_name = "Tỉnh Lai Châu"};
    store::Record mother;
    mother.type = "person";
    mother.id = "00b63254-4eb3-7d20-983f-0bb00669c8ca";
    mother.body = R"({"birth_date":"1990-03-02","full_name":"Lò Thị Xuân","id":"00b63254-4eb3-7d20-983f-0bb00669c8ca","orgunit":"03390","phone":"0912345678","sex":"female"})";
    persons[mother.id] = mother;
  }
  std::optional<Place> PlaceOf(const std::string& id) override {
    auto it = places.find(id);
    return it == places.end() ? std::nullopt : std::optional<Place>(it->second);
  }
  std::optional<store::Record> Person(const std::string& id) override {
    auto it = persons.find(id);
    return it == persons.end() ? std::nullopt : std::optional<store::Record>(it->second);
  }
  std::map<std::string, Place> places;
  std::map<std::string, store::Record> persons;
};

store::Record RecordOf(const std::string& type, const std::string& body_text) {
  const json body = json::parse(body_text);
  store::Record r;
  r.type = type;
  r.id = body["id"];
  r.person_id = body.value("person_id", "");
  r.orgunit_id = body["orgunit"];
  r.version = 3;
  r.updated_at = "2021-02-01T08:00:00+07:00";
  r.body = body_text;
  return r;
}

std::vector<json> Resources(const std::string& type, const std::string& body_text) {
  FakeContext ctx;
  std::vector<json> out;
  Status st = ToFhir(RecordOf(type, body_text), ctx, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

// The resource whose id is the record's id + suffix ("" = the primary).
const json* Find(const std::vector<json>& rs, const std::string& suffix) {
  if (rs.empty()) return nullptr;
  const std::string id = rs[0]["id"].get<std::string>() + (suffix.empty() ? "" : "-" + suffix);
  for (const json& r : rs)
    if (r["id"] == id) return &r;
  return nullptr;
}

// One expectation: resource (by suffix), JSON pointer into it, the value there; null = absent.
struct Expect {
  std::string part, pointer;
  json value;
};
struct Case {
  std::string type, body;
  std::vector<Expect> expect;
};

const std::string kAnc =
    R"({"bp_diastolic":60,"bp_systolic":130,"date":"2020-05-16","gestational_weeks":6,"hemoglobin_g_dl":11.9,"hepb_test":"negative","hiv_test":"positive","id":"01721c06-d6bb-78ec-a377-46d3fd44c319","iron_folate":true,"orgunit":"03408","person_id":"00c1d816-41ff-7528-8db7-409118857068","pregnancy_id":"01721947-b6a2-7519-bbb9-0e02a4c9ce0f","risk_detected":false,"syphilis_test":"not_done","tetanus_dose":1,"trimester":1,"weight_kg":56.2})";

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"person",
       R"({"birth_date":"2016-01-01","ethnicity":"03","full_name":"Vì Văn Sương","id":"0151faea-7766-7f55-b882-524d832df72b","mother_id":"00b63254-4eb3-7d20-983f-0bb00669c8ca","orgunit":"03390","poverty":"near_poor","sex":"male","village":"Bản Lả Mường"})",
       {{"", "/resourceType", "Patient"},
        {"", "/identifier/0", {{"system", kRecordIdSystem}, {"value", "0151faea-7766-7f55-b882-524d832df72b"}}},
        {"", "/name/0/family", "Vì"},
        {"", "/name/0/given", {"Văn", "Sương"}},
        {"", "/name/0/text", "Vì Văn Sương"},
        {"", "/gender", "male"},
        {"", "/birthDate", "2016-01-01"},
        {"", "/address/0/line", {"Bản Lả Mường"}},
        {"", "/address/0/city", "Xã Bình Lư"},
        {"", "/address/0/state", "Tỉnh Lai Châu"},
        {"", "/address/0/extension/0/valueCode", "03390"},
        {"", "/address/0/extension/1/valueCode", "12"},
        {"", "/managingOrganization/identifier/value", "03390"},
        {"", "/managingOrganization/display", "Xã Bình Lư"},
        {"", "/extension/0/url", "https://under5.vn/fhir/StructureDefinition/ethnicity"},
        {"", "/extension/0/valueCoding/code", "03"},
        {"", "/extension/0/valueCoding/display", "Thái"},
        {"", "/extension/1/valueCode", "near_poor"},
        {"", "/telecom", nullptr},
        {"mother", "/resourceType", "RelatedPerson"},
        {"mother", "/patient/reference", "Patient/0151faea-7766-7f55-b882-524d832df72b"},
        {"mother", "/relationship/0/coding/0/code", "MTH"},
        {"mother", "/identifier/0/value", "00b63254-4eb3-7d20-983f-0bb00669c8ca"},
        {"mother", "/name/0/family", "Lò"},
        {"mother", "/gender", "female"},
        // Not her birth date nor her phone: those only through her own Patient, in scope.
        {"mother", "/birthDate", nullptr},
        {"mother", "/telecom", nullptr},
        {"mother", "/meta/versionId", "3"}}},
      {"person",
       R"({"birth_date":"1976-05-24","citizen_id":"012176000123","ethnicity":"01","full_name":"Nguyễn Thị Hoa","id":"002ef918-89f0-7298-a357-8bc2a8d6b41c","note":"chuyển đến 2020","orgunit":"03390","phone":"0199535148","sex":"female"})",
       {{"", "/identifier/1", {{"system", kCitizenIdSystem}, {"value", "012176000123"}}},
        {"", "/name/0/family", "Nguyễn"},
        {"", "/name/0/given", {"Thị", "Hoa"}},
        {"", "/telecom/0", {{"system", "phone"}, {"value", "0199535148"}, {"use", "mobile"}}},
        {"", "/extension/1/url", "https://under5.vn/fhir/StructureDefinition/note"},
        {"", "/extension/1/valueString", "chuyển đến 2020"},
        {"", "/address/0/line", nullptr},
        {"mother", "", nullptr}}},
      {"pregnancy",
       R"({"date":"2021-01-01","edd":"2021-08-20","gravida":2,"id":"0176bb3e-d199-7abf-92e4-61b34dec5fa8","lmp":"2020-11-13","orgunit":"03390","outcome":"miscarriage","para":1,"person_id":"00cf9a93-c9db-76f7-8b49-7912ec8c12b9","risk_factors":["anaemia","hiv"]})",
       {{"", "/resourceType", "EpisodeOfCare"},
        {"", "/status", "finished"},
        {"", "/type/0/coding/0/code", "ANC.Case"},
        {"", "/type/0/coding/1", {{"system", kSnomed}, {"code", "77386006"}, {"display", "Pregnant (finding)"}}},
        {"", "/type/0/coding/2/code", "pregnancy"},
        {"", "/patient/reference", "Patient/00cf9a93-c9db-76f7-8b49-7912ec8c12b9"},
        {"", "/managingOrganization/identifier/value", "03390"},
        {"", "/period/start", "2021-01-01"},
        {"", "/extension/0/valueDate", "2020-11-13"},
        {"", "/extension/1/valueDate", "2021-08-20"},
        {"", "/extension/2/valueInteger", 2},
        {"", "/extension/3/valueInteger", 1},
        {"", "/extension/4/valueCode", "miscarriage"},
        {"", "/extension/5/valueCode", "anaemia"},
        {"", "/extension/6/valueCode", "hiv"}}},
      {"anc_visit", kAnc,
       {{"", "/resourceType", "Encounter"},
        {"", "/status", "finished"},
        {"", "/class/code", "AMB"},
        {"", "/type/0/coding/0", {{"system", "http://fhir.org/guides/who/anc-cds/CodeSystem/anc-care-codes"}, {"code", "ANC.Contact"}, {"display", "Antenatal care contact"}}},
        {"", "/type/0/coding/1", {{"system", kRecordTypeSystem}, {"code", "anc_visit"}, {"display", "Antenatal visit"}}},
        {"", "/subject/reference", "Patient/00c1d816-41ff-7528-8db7-409118857068"},
        {"", "/episodeOfCare/0/reference", "EpisodeOfCare/01721947-b6a2-7519-bbb9-0e02a4c9ce0f"},
        {"", "/period/start", "2020-05-16"},
        {"", "/serviceProvider/display", "Phường Tân Phong"},
        {"", "/extension/0", {{"url", "https://under5.vn/fhir/StructureDefinition/trimester"}, {"valueInteger", 1}}},
        {"", "/extension/1", {{"url", "https://under5.vn/fhir/StructureDefinition/iron-folate"}, {"valueBoolean", true}}},
        {"", "/extension/2/valueInteger", 1},
        {"", "/extension/3/valueBoolean", false},
        {"weight", "/code/coding/0", {{"system", kLoinc}, {"code", "29463-7"}, {"display", "Body weight"}}},
        {"weight", "/code/coding/1/code", "anc_visit.weight_kg"},
        {"weight", "/valueQuantity", {{"value", 56.2}, {"unit", "kg"}, {"system", kUcum}, {"code", "kg"}}},
        {"weight", "/category/0/coding/0/code", "vital-signs"},
        {"weight", "/encounter/reference", "Encounter/01721c06-d6bb-78ec-a377-46d3fd44c319"},
        {"weight", "/subject/reference", "Patient/00c1d816-41ff-7528-8db7-409118857068"},
        {"weight", "/effectiveDateTime", "2020-05-16"},
        {"weight", "/status", "final"},
        {"bp", "/code/coding/0/code", "85354-9"},
        {"bp", "/component/0/code/coding/0/code", "8480-6"},
        {"bp", "/component/0/valueQuantity", {{"value", 130}, {"unit", "mmHg"}, {"system", kUcum}, {"code", "mm[Hg]"}}},
        {"bp", "/component/1/code/coding/0/code", "8462-4"},
        {"bp", "/component/1/valueQuantity/value", 60},
        {"hb", "/code/coding/0/code", "718-7"},
        {"hb", "/valueQuantity/code", "g/dL"},
        {"hb", "/category/0/coding/0/code", "laboratory"},
        {"ga", "/code/coding/0/code", "18185-9"},
        {"ga", "/valueQuantity/value", 6},
        {"ga", "/valueQuantity/code", "wk"},
        {"hiv", "/code/coding/0/code", "31201-7"},
        {"hiv", "/valueCodeableConcept/coding/0", {{"system", kSnomed}, {"code", "10828004"}, {"display", "Positive"}}},
        {"hiv", "/valueCodeableConcept/coding/1/code", "anc_visit.hiv_test.positive"},
        {"hepb", "/code/coding/0/code", "5196-1"},
        {"hepb", "/valueCodeableConcept/coding/0/code", "260385009"},
        {"syphilis", "/code/coding/0/code", "24110-9"},
        {"syphilis", "/valueCodeableConcept", nullptr},
        {"syphilis", "/dataAbsentReason/coding/0/code", "not-performed"},
        {"syphilis", "/dataAbsentReason/coding/1/code", "anc_visit.syphilis_test.not_done"}}},
      {"delivery",
       R"({"attendant":"midwife","complications":["pre_eclampsia","retained_placenta","other"],"date":"2021-01-07","delivered_at":"2021-01-07T02:20:00+07:00","facility":"tyt:03487","gestational_weeks":40,"id":"0176d924-92aa-7726-9a64-cbb0afb7b565","live_births":1,"mode":"caesarean","orgunit":"03408","person_id":"009291f5-61e9-7d1b-9381-aabfe7e02219","place":"facility","pregnancy_id":"01732512-74f8-7c03-aaed-3f4ae4894b88","stillbirths":0})",
       {{"", "/class", {{"system", "http://terminology.hl7.org/CodeSystem/v3-ActCode"}, {"code", "IMP"}, {"display", "inpatient encounter"}}},
        {"", "/period/start", "2021-01-07T02:20:00+07:00"},
        {"", "/participant/0/type/0/coding/0/code", "ATND"},
        {"", "/participant/0/type/0/coding/1/code", "delivery.attendant.midwife"},
        {"", "/extension/0/valueReference", {{"identifier", {{"system", kOrgUnitSystem}, {"value", "tyt:03487"}}}, {"display", "Trạm Y tế Xã Nậm Tăm"}}},
        {"", "/episodeOfCare/0/reference", "EpisodeOfCare/01732512-74f8-7c03-aaed-3f4ae4894b88"},
        {"ga", "/code/coding/0/code", "11884-4"},
        {"ga", "/effectiveDateTime", "2021-01-07T02:20:00+07:00"},
        {"live-births", "/code/coding/0/code", "73773-4"},
        {"live-births", "/valueInteger", 1},
        {"stillbirths", "/code/coding/0/code", "73772-6"},
        {"stillbirths", "/valueInteger", 0},
        {"mode", "/resourceType", "Procedure"},
        {"mode", "/status", "completed"},
        {"mode", "/code/coding/0/code", "11466000"},
        {"mode", "/code/coding/1/code", "delivery.mode.caesarean"},
        {"mode", "/performedDateTime", "2021-01-07T02:20:00+07:00"},
        {"cx-pre-eclampsia", "/resourceType", "Condition"},
        {"cx-pre-eclampsia", "/code/coding/0", {{"system", kIcd10}, {"code", "O14.9"}, {"display", "Pre-eclampsia, unspecified"}}},
        {"cx-pre-eclampsia", "/category/0/coding/0/code", "encounter-diagnosis"},
        {"cx-retained-placenta", "/code/coding/0/code", "O73.0"},
        {"cx-other", "/code/coding/0/code", "delivery.complications.other"},
        {"cx-other", "/code/coding/1", nullptr}}},
      {"delivery",
       R"({"attendant":"none","date":"2021-03-14","delivered_at":"2021-03-14T07:39","gestational_weeks":39,"id":"01782e2c-8387-7ae2-9499-63a2d56cbc31","live_births":1,"mode":"assisted_vaginal","orgunit":"03390","person_id":"00f538c8-66ea-7a41-8703-f3ab7adc58b0","place":"on_the_way","pregnancy_id":"0174ac75-f248-7444-8af5-b8720860688f","stillbirths":0})",
       {{"", "/class/code", "FLD"},
        {"", "/period/start", "2021-03-14T07:39:00+07:00"},
        {"", "/participant/0/type/0/coding/1/code", "delivery.attendant.none"},
        {"mode", "/code/coding/0/code", "delivery.mode.assisted_vaginal"}}},
      {"postnatal_visit",
       R"({"danger_signs":true,"date":"2021-01-26","days_after_birth":7,"id":"01773c6b-51f8-73b0-b56b-d877e046e8b6","orgunit":"03408","person_id":"017717f5-4343-7fea-84ef-8d84a6c66cd5","place":"home","referred":true,"visitor":"health_worker"})",
       {{"", "/class/code", "HH"},
        {"", "/type/0/coding/0/code", "postnatal_visit"},
        {"", "/participant/0/type/0/coding/1/code", "postnatal_visit.visitor.health_worker"},
        {"", "/extension/0", {{"url", "https://under5.vn/fhir/StructureDefinition/days-after-birth"}, {"valueInteger", 7}}},
        {"", "/extension/1/valueBoolean", true},
        {"", "/extension/2/valueBoolean", true}}},
      {"postnatal_visit",
       R"({"date":"2021-01-07","id":"0176daa5-6e1d-7cf8-b4d4-49a3911be1f3","orgunit":"03408","person_id":"00b8abc2-7010-7d1f-992e-6a1b75aa3773"})",
       {{"", "/class", {{"system", "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"}, {"code", "UNK"}, {"display", "unknown"}}},
        {"", "/participant", nullptr}}},
      {"newborn",
       R"({"birth_weight_g":2558,"breastfed_within_1h":true,"date":"2021-01-11","delayed_cord_clamping":false,"delivery_id":"0176f156-0139-7cd0-b930-7df4ac1edcbe","drying":true,"gestational_weeks":38,"hepb_birth_dose_24h":true,"id":"0176f157-a86e-74f6-9027-c78c813d7932","orgunit":"03408","person_id":"0176f157-38b5-7c93-ab45-2ef9eca07ee6","resuscitated":false,"screening":["hearing","metabolic"],"skin_to_skin":true,"vitamin_k1":true})",
       {{"", "/partOf/reference", "Encounter/0176f156-0139-7cd0-b930-7df4ac1edcbe"},
        {"", "/subject/reference", "Patient/0176f157-38b5-7c93-ab45-2ef9eca07ee6"},
        {"", "/class/code", "UNK"},
        {"birth-weight", "/code/coding/0/code", "8339-4"},
        {"birth-weight", "/valueQuantity", {{"value", 2558}, {"unit", "g"}, {"system", kUcum}, {"code", "g"}}},
        {"ga", "/code/coding/0/code", "11884-4"},
        {"drying", "/resourceType", "Procedure"},
        {"drying", "/status", "completed"},
        {"drying", "/performedDateTime", "2021-01-11"},
        {"drying", "/code/coding/0/code", "newborn.drying"},
        {"delayed-cord-clamping", "/status", "not-done"},
        {"delayed-cord-clamping", "/performedDateTime", nullptr},
        {"resuscitated", "/status", "not-done"},
        {"hepb-birth-dose-24h", "/status", "completed"},
        {"kangaroo-care", "", nullptr},
        {"screen-hearing", "/code/coding/0/code", "newborn.screening.hearing"},
        {"screen-metabolic", "/status", "completed"},
        {"screen-eyes", "", nullptr}}},
      {"stillbirth",
       R"({"birth_weight_g":2983,"category":"stillbirth_intrapartum","cause_text":"Thai chết trong chuyển dạ","date":"2021-03-18","delivery_id":"017843e3-a029-749f-80f7-04a2721bdd7a","gestational_weeks":39,"hours_to_notification":406.5,"icd10":"P20.9","id":"017843e6-78d4-7689-b916-7575edea8378","notified_at":"2021-04-04T10:14:00+07:00","notified_by":"Trần Hữu Long","notifier_role":"commune_health_worker","orgunit":"03408","person_id":"00dce178-ee86-75c6-a518-6a5ceb98c0cc","place":"commune_station","place_facility":"tyt:03532","pregnancy_id":"017411f6-da7c-7660-8b09-67268c32fb4b","sex":"undetermined","time_of_death":"2021-03-18T11:42:00+07:00","timing":"intrapartum"})",
       {{"", "/resourceType", "Observation"},
        {"", "/encounter", nullptr},
        {"", "/code/coding/0", {{"system", kSnomed}, {"code", "237364002"}, {"display", "Stillbirth (finding)"}}},
        {"", "/code/coding/1/code", "stillbirth"},
        {"", "/subject/reference", "Patient/00dce178-ee86-75c6-a518-6a5ceb98c0cc"},
        {"", "/effectiveDateTime", "2021-03-18T11:42:00+07:00"},
        {"", "/valueCodeableConcept/coding/0/code", "stillbirth.timing.intrapartum"},
        {"", "/component/0/code/coding/0/code", "11884-4"},
        {"", "/component/0/valueQuantity/value", 39},
        {"", "/component/1/code/coding/0/code", "8339-4"},
        {"", "/component/1/valueQuantity/value", 2983},
        {"", "/component/2/code/coding/0/code", "46098-0"},
        {"", "/component/2/valueCodeableConcept/coding/0", {{"system", "http://hl7.org/fhir/administrative-gender"}, {"code", "unknown"}}},
        {"", "/extension/0/url", "https://under5.vn/fhir/StructureDefinition/cause"},
        {"", "/extension/0/valueCodeableConcept", {{"coding", {{{"system", kIcd10}, {"code", "P20.9"}}}}, {"text", "Thai chết trong chuyển dạ"}}},
        {"", "/extension/1/url", "https://under5.vn/fhir/StructureDefinition/orgunit"},
        {"", "/extension/1/valueReference/identifier/value", "03408"},
        {"", "/extension/1/valueReference/display", "Phường Tân Phong"},
        {"", "/extension/2/valueReference/reference", "EpisodeOfCare/017411f6-da7c-7660-8b09-67268c32fb4b"},
        {"", "/extension/3/valueReference/reference", "Encounter/017843e3-a029-749f-80f7-04a2721bdd7a"},
        {"", "/extension/4/valueCode", "commune_station"},
        {"", "/extension/5/valueReference/identifier/value", "tyt:03532"},
        {"", "/extension/6/valueString", "Trần Hữu Long"},
        {"", "/extension/7/valueCode", "commune_health_worker"},
        {"", "/extension/8/valueDateTime", "2021-04-04T10:14:00+07:00"},
        {"", "/extension/9", {{"url", "https://under5.vn/fhir/StructureDefinition/death-category"}, {"valueCode", "stillbirth_intrapartum"}}},
        {"", "/extension/10/valueDecimal", 406.5}}},
  };
  return cases;
}

TEST(FhirMother, RecordsGiveTheElementsOfTheMapping) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.type + " " + c.body.substr(0, 80));
    const std::vector<json> rs = Resources(c.type, c.body);
    ASSERT_FALSE(rs.empty());
    for (const Expect& e : c.expect) {
      SCOPED_TRACE(e.part + e.pointer);
      const json* res = Find(rs, e.part);
      if (e.pointer.empty()) {  // the part itself is absent
        EXPECT_EQ(res, nullptr);
        continue;
      }
      ASSERT_NE(res, nullptr);
      const json::json_pointer ptr(e.pointer);
      if (e.value.is_null()) EXPECT_FALSE(res->contains(ptr)) << res->dump();
      else if (!res->contains(ptr)) ADD_FAILURE() << "missing in " << res->dump();
      else EXPECT_EQ(res->at(ptr), e.value);
    }
    // Every resource carries the record's version and its time; parts an id under the record's.
    for (const json& r : rs) {
      EXPECT_EQ(r["meta"]["versionId"], "3");
      EXPECT_EQ(r["meta"]["lastUpdated"], "2021-02-01T08:00:00+07:00");
      EXPECT_TRUE(ParseId(r["id"].get<std::string>())) << r["id"];
    }
  }
}

// FromFhir of what ToFhir gave: the body back, derived fields (and registry
// date-times written without seconds or zone, which FHIR completes) aside.
json Derived(const std::string& type, json body) {
  for (const registry::FieldSpec& f : registry::Schema::Builtin().Type(type)->fields)
    if (f.derived) body.erase(f.name);
  return body;
}

Status Back(const std::vector<json>& rs, Context& ctx, Inbound* in) {
  std::vector<json> parts(rs.begin() + 1, rs.end());
  return FromFhir(rs[0], parts, ctx, in);
}

TEST(FhirMother, TheCasesComeBack) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.body);
    FakeContext ctx;
    Inbound in;
    Status st = Back(Resources(c.type, c.body), ctx, &in);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(in.registry_type, c.type);
    json want = Derived(c.type, json::parse(c.body));
    if (want.value("delivered_at", "") == "2021-03-14T07:39") want["delivered_at"] = "2021-03-14T07:39:00+07:00";
    EXPECT_EQ(in.body, want);
  }
}

TEST(FhirMother, EveryRegistryFieldHasAnElement) {
  for (const char* type : kTypes)
    for (const registry::FieldSpec& f : registry::Schema::Builtin().Type(type)->fields) {
      const std::string el = ElementOf(type, f.name);
      EXPECT_NE(el, f.name) << type << "." << f.name << " maps to no FHIR element";
      EXPECT_TRUE(el.find('.') != std::string::npos) << el;
    }
}

TEST(FhirMother, RegistryErrorsNameTheFhirElement) {
  // An ANC weight beyond the registry's bound: Validate names weight_kg, the server answers with its element.
  json enc = Resources("anc_visit", kAnc)[0];
  EXPECT_EQ(ElementOf("anc_visit", "weight_kg"), "Observation.valueQuantity.value");
  EXPECT_EQ(ElementOf("anc_visit", "bp_systolic"), "Observation.component.valueQuantity.value");
  EXPECT_EQ(ElementOf("anc_visit", "iron_folate"), "Encounter.extension:iron-folate");
  EXPECT_EQ(ElementOf("person", "full_name"), "Patient.name");
  EXPECT_EQ(ElementOf("person", "ethnicity"), "Patient.extension:ethnicity");
  EXPECT_EQ(ElementOf("delivery", "place"), "Encounter.class");
  EXPECT_EQ(ElementOf("newborn", "drying"), "Procedure.status");
  EXPECT_EQ(ElementOf("stillbirth", "timing"), "Observation.valueCodeableConcept");
  EXPECT_EQ(ElementOf("pregnancy", "lmp"), "EpisodeOfCare.extension:lmp");
}

// ---- the code tables against their sources

const registry::FieldSpec& FieldOf(const std::string& type, const std::string& field) {
  const registry::FieldSpec* f = registry::Schema::Builtin().Type(type)->Field(field);
  if (!f) throw std::runtime_error(type + "." + field + " is not a registry field");
  return *f;
}

std::vector<std::string> Values(const json& list) {
  std::vector<std::string> out;
  for (const json& v : list) out.push_back(v.at("value"));
  return out;
}

TEST(FhirMother, CodeTablesMatchTheRegistryAndTheirSources) {
  const json t = json::parse(test::ReadFile(std::string(U5_DATA_DIR) + "/fhir/codes_mother.json"));
  for (const auto& [name, table] : t.items())
    if (name != "about") EXPECT_TRUE(table.contains("source")) << name << " names no source";

  // ICD-10 codes and titles as WHO's list (data/codes/icd10_who.tsv).
  std::map<std::string, std::string> icd10;
  std::ifstream tsv(std::string(U5_DATA_DIR) + "/codes/icd10_who.tsv");
  for (std::string line; std::getline(tsv, line);)
    if (auto tab = line.find('\t'); tab != std::string::npos) icd10[line.substr(0, tab)] = line.substr(tab + 1);
  ASSERT_GT(icd10.size(), 10000u);
  int coded = 0;
  for (const json& l : t["lists"]["items"])
    for (const json& v : l["values"])
      if (v.value("system", "") == kIcd10) {
        ++coded;
        EXPECT_EQ(icd10[v["code"]], v["code_display"]) << v["code"];
      }
  EXPECT_EQ(coded, 5);

  // Every value of the registry's lists and enums has its entry, in the registry's order.
  for (const json& l : t["lists"]["items"])
    EXPECT_EQ(Values(l["values"]), FieldOf(l["type"], l["field"]).values) << l["field"];
  EXPECT_EQ(Values(t["delivery_mode"]["values"]), FieldOf("delivery", "mode").values);
  std::vector<std::string> results;
  for (const auto& [v, r] : t["tests"]["results"].items()) results.push_back(v);
  for (const json& x : t["tests"]["items"]) {
    std::vector<std::string> want = FieldOf(x["type"], x["field"]).values;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(results, want) << x["field"];
  }
  for (const auto& [type, c] : t["encounter_class"]["types"].items())
    if (c.contains("field"))
      for (const std::string& v : FieldOf(type, c["field"]).values) EXPECT_TRUE(c["values"].contains(v)) << type << " " << v;
  for (const std::string& v : FieldOf("stillbirth", "sex").values) EXPECT_TRUE(t["stillbirth"]["gender"].contains(v)) << v;
  std::vector<std::string> groups;
  for (const auto& [code, group] : t["ethnicity"]["names"].items()) groups.push_back(code);
  EXPECT_EQ(groups, FieldOf("person", "ethnicity").values);
  // ... and the names the web app shows (web/src/i18n/vi.json).
  const json vi = json::parse(test::ReadFile(std::string(U5_DATA_DIR) + "/../web/src/i18n/vi.json"));
  EXPECT_EQ(t["ethnicity"]["names"], vi["enum"]["ethnicity"]);

  // Measures are numbers, care items booleans, extensions fields of their type.
  for (const json& m : t["measures"]["items"]) {
    const auto type = FieldOf(m["type"], m["field"]).type;
    EXPECT_TRUE(type == registry::FieldType::integer || type == registry::FieldType::number) << m["field"];
    EXPECT_EQ(FieldOf(m["type"], m["field"]).derived, m.value("derived", false)) << m["field"];
  }
  for (const json& c : t["care"]["items"]) EXPECT_EQ(FieldOf(c["type"], c["field"]).type, registry::FieldType::boolean) << c["field"];
  for (const json& e : t["extensions"]["items"]) EXPECT_EQ(FieldOf(e["type"], e["field"]).derived, e.value("derived", false)) << e["field"];
}

// ---- inbound errors

struct Bad {
  std::string name, type, body;
  std::function<void(std::vector<json>&)> spoil;
  std::string element;
};

const std::string kPerson =
    R"({"birth_date":"2016-01-01","ethnicity":"03","full_name":"Vì Văn Sương","id":"0151faea-7766-7f55-b882-524d832df72b","mother_id":"00b63254-4eb3-7d20-983f-0bb00669c8ca","orgunit":"03390","poverty":"none","sex":"male","village":"Bản Lả Mường"})";
const std::string kNewborn =
    R"({"birth_weight_g":2558,"date":"2021-01-11","delivery_id":"0176f156-0139-7cd0-b930-7df4ac1edcbe","drying":true,"id":"0176f157-a86e-74f6-9027-c78c813d7932","orgunit":"03408","person_id":"0176f157-38b5-7c93-ab45-2ef9eca07ee6","screening":["hearing"]})";
const std::string kStillbirth =
    R"({"date":"2021-08-31","gestational_weeks":34,"id":"017b9a5e-88f7-7620-96c3-43b0bea1f703","orgunit":"03408","person_id":"009b42b0-e694-7d64-ad7f-f3ddf41c8f3","pregnancy_id":"0178c1e0-c70b-7ed1-956c-e383c231a6e2","sex":"male","timing":"antepartum"})";

json& Part(std::vector<json>& rs, const std::string& suffix) {
  for (json& r : rs)
    if (r["id"].get<std::string>().ends_with("-" + suffix)) return r;
  throw std::runtime_error("no part " + suffix);
}

TEST(FhirMother, InboundErrorsNameTheElement) {
  const std::vector<Bad> bads = {
      // wrong code system
      {"weight in pounds", "anc_visit", kAnc, [](auto& rs) { Part(rs, "weight")["valueQuantity"]["code"] = "[lb_av]"; }, "Observation.valueQuantity.code"},
      {"unit outside UCUM", "anc_visit", kAnc, [](auto& rs) { Part(rs, "hb")["valueQuantity"]["system"] = "http://example.org/units"; }, "Observation.valueQuantity.code"},
      {"test result of another system", "anc_visit", kAnc,
       [](auto& rs) { Part(rs, "hiv")["valueCodeableConcept"] = {{"coding", {{{"system", "http://example.org"}, {"code", "POS"}}}}}; },
       "Observation.valueCodeableConcept.coding"},
      {"class of another system", "delivery", Cases()[4].body,
       [](auto& rs) { rs[0]["class"] = {{"system", "http://example.org"}, {"code", "IMP"}}; }, "Encounter.class"},
      {"ANC visit as inpatient", "anc_visit", kAnc, [](auto& rs) { rs[0]["class"]["code"] = "IMP"; }, "Encounter.class"},
      {"ethnicity of another system", "person", kPerson,
       [](auto& rs) { rs[0]["extension"][0]["valueCoding"]["system"] = "urn:oid:2.16.840.1.113883.6.238"; }, "Patient.extension:ethnicity"},
      {"mother as father", "person", kPerson, [](auto& rs) { Part(rs, "mother")["relationship"][0]["coding"][0]["code"] = "FTH"; }, "RelatedPerson.relationship"},
      {"attendant without local code", "delivery", Cases()[4].body, [](auto& rs) { rs[0]["participant"][0]["type"][0]["coding"].erase(1); },
       "Encounter.participant.type"},
      {"part code nobody maps", "anc_visit", kAnc, [](auto& rs) { Part(rs, "weight")["code"] = {{"coding", {{{"system", kLoinc}, {"code", "8302-2"}}}}}; },
       "Observation.code.coding"},
      {"stillbirth timing of another system", "stillbirth", kStillbirth,
       [](auto& rs) { rs[0]["valueCodeableConcept"] = {{"coding", {{{"system", kSnomed}, {"code", "14022007"}}}}}; },
       "Observation.valueCodeableConcept.coding"},
      {"cause not in ICD-10", "stillbirth", kStillbirth,
       [](auto& rs) { AddExtension(rs[0], "cause", "CodeableConcept", {{"coding", {{{"system", kSnomed}, {"code", "237364002"}}}}}); },
       "Observation.extension:cause.valueCodeableConcept.coding"},
      // missing subject
      {"encounter without subject", "anc_visit", kAnc, [](auto& rs) { rs[0].erase("subject"); }, "Encounter.subject"},
      {"observation without subject", "anc_visit", kAnc, [](auto& rs) { Part(rs, "weight").erase("subject"); }, "Observation.subject"},
      {"pregnancy without patient", "pregnancy", Cases()[2].body, [](auto& rs) { rs[0].erase("patient"); }, "EpisodeOfCare.patient"},
      {"stillbirth without subject", "stillbirth", kStillbirth, [](auto& rs) { rs[0].erase("subject"); }, "Observation.subject"},
      {"procedure of another patient", "newborn", kNewborn,
       [](auto& rs) { Part(rs, "drying")["subject"]["reference"] = "Patient/00b8abc2-7010-7d1f-992e-6a1b75aa3773"; }, "Procedure.subject"},
      {"observation without encounter", "anc_visit", kAnc, [](auto& rs) { Part(rs, "weight").erase("encounter"); }, "Observation.encounter"},
      // unknown element
      {"patient photo", "person", kPerson, [](auto& rs) { rs[0]["photo"] = json::array({{{"url", "x"}}}); }, "Patient.photo"},
      {"encounter hospitalization", "delivery", Cases()[4].body, [](auto& rs) { rs[0]["hospitalization"] = {{"admitSource", {}}}; }, "Encounter.hospitalization"},
      {"observation interpretation", "anc_visit", kAnc, [](auto& rs) { Part(rs, "hb")["interpretation"] = json::array(); }, "Observation.interpretation"},
      {"episode of care diagnosis", "pregnancy", Cases()[2].body, [](auto& rs) { rs[0]["diagnosis"] = json::array(); }, "EpisodeOfCare.diagnosis"},
      {"unknown extension", "anc_visit", kAnc,
       [](auto& rs) { rs[0]["extension"].push_back({{"url", "http://example.org/fhir/StructureDefinition/x"}, {"valueString", "y"}}); }, "Encounter.extension"},
      {"extension with the wrong value type", "anc_visit", kAnc, [](auto& rs) {
         for (json& x : rs[0]["extension"])
           if (x["url"] == ExtensionUrl("iron-folate")) x = {{"url", x["url"]}, {"valueString", "yes"}};
       }, "Encounter.extension:iron-folate"},
      {"identifier of another system", "person", kPerson, [](auto& rs) { rs[0]["identifier"].push_back({{"system", "http://example.org/mrn"}, {"value", "1"}}); },
       "Patient.identifier"},
      {"two names", "person", kPerson, [](auto& rs) { rs[0]["name"].push_back(rs[0]["name"][0]); }, "Patient.name"},
      // reference of the wrong type
      {"subject a Group", "anc_visit", kAnc, [](auto& rs) { rs[0]["subject"]["reference"] = "Group/12"; }, "Encounter.subject"},
      {"episode a Encounter", "anc_visit", kAnc, [](auto& rs) { rs[0]["episodeOfCare"][0]["reference"] = "Encounter/01721947-b6a2-7519-bbb9-0e02a4c9ce0f"; },
       "Encounter.episodeOfCare"},
      {"partOf an EpisodeOfCare", "newborn", kNewborn, [](auto& rs) { rs[0]["partOf"]["reference"] = "EpisodeOfCare/0176f156-0139-7cd0-b930-7df4ac1edcbe"; },
       "Encounter.partOf"},
      {"observation of another encounter", "anc_visit", kAnc,
       [](auto& rs) { Part(rs, "weight")["encounter"]["reference"] = "Encounter/0176f156-0139-7cd0-b930-7df4ac1edcbe"; }, "Observation.encounter"},
      {"mother of another child", "person", kPerson, [](auto& rs) { Part(rs, "mother")["patient"]["reference"] = "Patient/002ef918-89f0-7298-a357-8bc2a8d6b41c"; },
       "RelatedPerson.patient"},
      {"stillbirth delivery an EpisodeOfCare", "stillbirth", R"({"date":"2021-08-31","delivery_id":"017b9a5c-34bc-7542-9b07-c070797fc597","gestational_weeks":34,"id":"017b9a5e-88f7-7620-96c3-43b0bea1f703","orgunit":"03408","person_id":"009b42b0-e694-7d64-ad7f-f3ddf41c8f3","pregnancy_id":"0178c1e0-c70b-7ed1-956c-e383c231a6e2","timing":"antepartum"})",
       [](auto& rs) {
         for (json& x : rs[0]["extension"])
           if (x["url"] == ExtensionUrl("delivery")) x["valueReference"]["reference"] = "EpisodeOfCare/017b9a5c-34bc-7542-9b07-c070797fc597";
       }, "Observation.extension:delivery.valueReference"},
      {"org unit by reference", "pregnancy", Cases()[2].body, [](auto& rs) { rs[0]["managingOrganization"] = {{"reference", "Organization/03390"}}; },
       "EpisodeOfCare.managingOrganization.identifier"},
      // parts that do not belong
      {"immunization as a part", "anc_visit", kAnc, [](auto& rs) { Part(rs, "weight")["resourceType"] = "Immunization"; }, "resourceType"},
      {"procedure neither done nor not-done", "newborn", kNewborn, [](auto& rs) { Part(rs, "drying")["status"] = "in-progress"; }, "Procedure.status"},
      {"two modes of delivery", "delivery", Cases()[4].body, [](auto& rs) {
         json m = Part(rs, "mode");
         m["id"] = "x";
         m["code"]["coding"] = {{{"system", kSnomed}, {"code", "700000006"}}};
         rs.push_back(m);
       }, "Procedure.code.coding"},
      {"two weights", "anc_visit", kAnc, [](auto& rs) { json w = Part(rs, "weight"); w["id"] = "x"; rs.push_back(w); }, "Observation.code.coding"},
  };
  for (const Bad& b : bads) {
    SCOPED_TRACE(b.name);
    std::vector<json> rs = Resources(b.type, b.body);
    b.spoil(rs);
    FakeContext ctx;
    Inbound in;
    Status st = Back(rs, ctx, &in);
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(st.code(), Code::invalid) << st.ToString();
    EXPECT_EQ(st.field(), b.element) << st.ToString();
  }
}

TEST(FhirMother, InboundNamesWinAndStandardCodesAreEnough) {
  // A client that sends family and given but no text, and only the standard codes of a part.
  std::vector<json> rs = Resources("person", kPerson);
  rs[0]["name"][0].erase("text");
  FakeContext ctx;
  Inbound in;
  ASSERT_TRUE(Back(rs, ctx, &in).ok());
  EXPECT_EQ(in.body["full_name"], "Vì Văn Sương");
  rs[0]["name"][0]["text"] = "Vì Văn Sướng";
  ASSERT_TRUE(Back(rs, ctx, &in).ok());
  EXPECT_EQ(in.body["full_name"], "Vì Văn Sướng");

  rs = Resources("anc_visit", kAnc);
  for (json& r : rs)
    if (r.contains("code") && r["code"]["coding"].size() == 2) r["code"]["coding"].erase(1);  // LOINC only
  Part(rs, "hiv")["valueCodeableConcept"]["coding"].erase(1);                                 // SNOMED only
  ASSERT_TRUE(Back(rs, ctx, &in).ok()) << Back(rs, ctx, &in).ToString();
  EXPECT_EQ(in.body, Derived("anc_visit", json::parse(kAnc)));

  // Derived fields sent back are ignored: the registry recomputes them.
  rs = Resources("anc_visit", kAnc);
  Part(rs, "ga")["valueQuantity"]["value"] = 30;
  ASSERT_TRUE(Back(rs, ctx, &in).ok());
  EXPECT_FALSE(in.body.contains("gestational_weeks"));
}

TEST(FhirMother, ClaimsTellTheRecordTypesApart) {
  FakeContext ctx;
  for (const Case& c : Cases()) {
    Inbound in;
    ASSERT_TRUE(Back(Resources(c.type, c.body), ctx, &in).ok());
    EXPECT_EQ(in.registry_type, c.type);
  }
  // WHO SMART ANC's contact code alone names an ANC visit; a type nobody keeps is refused.
  json enc = Resources("anc_visit", kAnc)[0];
  enc["type"][0]["coding"].erase(1);
  Inbound in;
  ASSERT_TRUE(FromFhir(enc, {}, ctx, &in).ok());
  EXPECT_EQ(in.registry_type, "anc_visit");
  enc["type"][0]["coding"][0]["code"] = "ANC.Referral";
  Status st = FromFhir(enc, {}, ctx, &in);
  EXPECT_EQ(st.code(), Code::invalid) << st.ToString();
}

// Replaces one value somewhere in j by a value of another JSON type.
void Spoil(json& j, std::mt19937& rng, int depth = 0) {
  static const json kOthers[] = {nullptr, 3, "x", json::array(), json::object(), true, json::array({1}), json{{"a", 1}}};
  if ((j.is_object() || j.is_array()) && !j.empty() && depth < 6 && rng() % 4) {
    auto it = j.begin();
    std::advance(it, rng() % j.size());
    Spoil(*it, rng, depth + 1);
  } else {
    j = kOthers[rng() % std::size(kOthers)];
  }
}

TEST(FhirMother, MalformedResourcesNameAnElementAndNeverThrow) {
  // A client's JSON of any shape: a member of the wrong type must become a 4xx naming an element, not an exception.
  std::mt19937 rng(2030);
  FakeContext ctx;
  for (int round = 0; round < 300; ++round)
    for (const Case& c : Cases()) {
      std::vector<json> rs = Resources(c.type, c.body);
      for (int k = 0; k <= static_cast<int>(rng() % 3); ++k) Spoil(rs[rng() % rs.size()], rng);
      Inbound in;
      Status st;
      ASSERT_NO_THROW(st = Back(rs, ctx, &in)) << rs[0].dump();
      if (!st.ok()) {
        EXPECT_EQ(st.code(), Code::invalid) << st.ToString();
        EXPECT_FALSE(st.field().empty()) << st.ToString();
      }
    }
}

// ---- a small demo province: every record of the mother types, both ways

class FhirMotherDemo : public ::testing::TestWithParam<test::StoreKind> {
 protected:
  // One demo province per store, shared by the suite's tests (ctest runs each in a process of its own).
  void SetUp() override {
    if (demo_ && demo_->kind() == GetParam()) return;
    TearDownTestSuite();
    demo_ = test::OpenDemoStore(GetParam(), 2000);
    store_ = &demo_->store();
  }
  static void TearDownTestSuite() {
    demo_.reset();
    store_ = nullptr;
  }
  static std::vector<store::Record> All(const std::string& type) {
    std::vector<store::Record> all, page;
    store::ListQuery q{.type = type, .limit = 1000};
    do {
      page.clear();
      EXPECT_TRUE(store_->List(q, &page).ok());
      all.insert(all.end(), page.begin(), page.end());
      if (!page.empty()) q.after = page.back().id;
    } while (page.size() == 1000);
    return all;
  }
  static inline std::unique_ptr<test::OrgUnitStore> demo_;
  static inline store::Store* store_ = nullptr;
};

TEST_P(FhirMotherDemo, EveryRecordComesBackAndValidatesUnchanged) {
  StoreContext ctx(*store_);
  registry::StoreLookup lookup(*store_);
  for (const char* type : kTypes) {
    const std::vector<store::Record> records = All(type);
    EXPECT_GT(records.size(), 10u) << type;
    size_t n = 0;
    for (const store::Record& r : records) {
      std::vector<json> rs;
      ASSERT_TRUE(ToFhir(r, ctx, &rs).ok()) << r.id;
      Inbound in;
      Status st = Back(rs, ctx, &in);
      ASSERT_TRUE(st.ok()) << type << " " << r.body << ": " << st.ToString();
      ASSERT_EQ(in.registry_type, type);
      ASSERT_EQ(in.body, Derived(type, json::parse(r.body))) << r.body;
      // One in twenty through the registry's validation: the stored body, derived fields and all.
      if (n++ % 20) continue;
      store::Record out;
      st = registry::Validate(type, in.body, lookup, Today(), &out);
      ASSERT_TRUE(st.ok()) << r.body << ": " << st.ToString();
      EXPECT_EQ(json::parse(out.body), json::parse(r.body));
    }
  }
}

TEST_P(FhirMotherDemo, PartsHaveOwnersAndKindsListTheirTypes) {
  StoreContext ctx(*store_);
  std::set<std::string> resource_types;
  std::map<std::string, std::set<std::string>> produced;  // registry type -> the resource types its records gave
  for (const char* type : kTypes)
    for (const store::Record& r : All(type)) {
      std::vector<json> rs;
      ASSERT_TRUE(ToFhir(r, ctx, &rs).ok());
      for (size_t i = 0; i < rs.size(); ++i) {
        resource_types.insert(rs[i]["resourceType"].get<std::string>());
        produced[type].insert(rs[i]["resourceType"].get<std::string>());
        const auto id = ParseId(rs[i]["id"].get<std::string>());
        ASSERT_TRUE(id) << rs[i]["id"];
        EXPECT_EQ(id->record_id, r.id);
        const auto owner = OwnerOf(rs[i]);
        if (i == 0) {
          EXPECT_FALSE(owner) << rs[i].dump();  // a primary resource names no owner
        } else {
          ASSERT_TRUE(owner) << rs[i].dump();
          EXPECT_EQ(*owner, rs[0]["resourceType"].get<std::string>() + "/" + r.id);
        }
      }
    }
  EXPECT_EQ(resource_types, (std::set<std::string>{"Patient", "RelatedPerson", "EpisodeOfCare", "Encounter", "Observation",
                                                   "Procedure", "Condition"}));
  // Search looks for a resource type only in the records that produce it.
  for (const auto& [type, parts] : produced)
    for (const ResourceKind& k : Kinds()) {
      const bool listed = std::find(k.registry_types.begin(), k.registry_types.end(), type) != k.registry_types.end();
      EXPECT_EQ(listed, parts.count(k.resource_type) > 0) << type << " " << k.resource_type;
    }
}

U5_ON_BOTH_STORES(FhirMotherDemo);

}  // namespace
}  // namespace u5::fhir
