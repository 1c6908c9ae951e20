// The child mappers (src/fhir/map_child*.cpp): each record type's FHIR
// elements from demo bodies, the code tables against their sources, the round
// trip of every child record of a demo province, and inbound errors naming
// the FHIR element.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "core/date.h"
#include "demo/generator.h"
#include "fhir/map_child.h"
#include "fhir/mapping.h"
#include "orgunit/load.h"
#include "registry/icd10.h"
#include "registry/schema.h"
#include "registry/validate.h"
#include "store/store.h"
#include "support/temp_dir.h"
#include "demo_store.h"
#include "support/test_store.h"

namespace u5::fhir {
namespace {

const char* const kChildTypes[] = {"immunization", "growth",  "vitamin_a", "health_check",
                                   "illness",      "injury",  "referral",  "death"};

class FakeContext : public Context {
 public:
  std::optional<Place> PlaceOf(const std::string& id) override {
    return Place{.id = id, .code = id, .name = "Xã " + id, .kind = "commune"};
  }
  std::optional<store::Record> Person(const std::string&) override { return std::nullopt; }
};

store::Record RecordOf(const std::string& type, const json& body) {
  store::Record r;
  r.type = type;
  r.id = body.at("id");
  r.person_id = body.at("person_id");
  r.orgunit_id = body.at("orgunit");
  r.date = body.at("date");
  r.version = 3;
  r.created_at = r.updated_at = "2026-01-02T03:04:05Z";
  r.body = body.dump();
  return r;
}

std::vector<json> Resources(const std::string& type, const json& body) {
  FakeContext ctx;
  std::vector<json> out;
  Status st = ToFhir(RecordOf(type, body), ctx, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

// The body without its derived fields: what FromFhir must give back.
json WithoutDerived(const std::string& type, json body) {
  for (const registry::FieldSpec& f : registry::Schema::Builtin().Type(type)->fields)
    if (f.derived) body.erase(f.name);
  return body;
}

Status Back(const std::vector<json>& res, Inbound* in) {
  FakeContext ctx;
  return FromFhir(res.at(0), std::vector<json>(res.begin() + 1, res.end()), ctx, in);
}

// ---- each type's elements, from demo bodies (build/under5 demo --children 2000)

struct Expect {
  std::string part;     // "" = the primary resource, else the part's id suffix
  std::string pointer;  // JSON pointer into that resource
  json value;
};
struct Case {
  std::string name, type;
  std::string body;
  std::vector<Expect> expect;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"hepb_birth_dose",
       "immunization",
       R"({"date":"2025-12-10","dose":0,"id":"019b08fd-bbf9-74cf-b8cf-53cf01a822dc","orgunit":"03598","person_id":"019b062c-c979-726b-81b8-2434f7c7139e","vaccine":"hepb"})",
       {{"", "/resourceType", "Immunization"},
        {"", "/status", "completed"},
        {"", "/vaccineCode/coding/0/system", "https://under5.vn/fhir/CodeSystem/vaccine"},
        {"", "/vaccineCode/coding/0/code", "hepb"},
        {"", "/vaccineCode/coding/1/system", "http://hl7.org/fhir/sid/cvx"},
        {"", "/vaccineCode/coding/1/code", "08"},
        {"", "/vaccineCode/coding/2/system", "http://www.whocc.no/atc"},
        {"", "/vaccineCode/coding/2/code", "J07BC01"},
        {"", "/patient/reference", "Patient/019b062c-c979-726b-81b8-2434f7c7139e"},
        {"", "/occurrenceDateTime", "2025-12-10"},
        {"", "/protocolApplied/0/doseNumberString", "0"},
        {"", "/extension/0/valueReference/identifier/value", "03598"},
        {"", "/meta/versionId", "3"}}},
      {"opv_with_lot_and_facility",
       "immunization",
       R"({"date":"2022-12-19","dose":1,"facility":"tyt:03517","id":"0185295d-78a9-737a-ab40-4305f368b913","lot":"opv2212-600","orgunit":"03517","person_id":"0183889b-c430-7bf5-b53e-adcabd555ef2","vaccine":"opv"})",
       {{"", "/vaccineCode/coding/1/code", "182"},
        {"", "/vaccineCode/coding/2", nullptr},  // no ATC code for OPV of unknown valency
        {"", "/protocolApplied/0/doseNumberPositiveInt", 1},
        {"", "/lotNumber", "opv2212-600"},
        {"", "/performer/0/function/coding/0/code", "AP"},
        {"", "/performer/0/actor/identifier/value", "tyt:03517"}}},
      {"growth_height",
       "growth",
       R"({"date":"2025-06-08","id":"01974e01-566d-7103-a2de-e7cd2c4606e3","length_cm":95.4,"measure":"h","orgunit":"03463","person_id":"017ad337-60ac-7f4f-8e6c-eea939b0cca5","remeasure":false,"sam":false,"stunting":"normal","underweight":"normal","wasting":"normal","weight_for_length":"normal","weight_kg":12.9,"z_bmi":-0.99,"z_lhfa":-1.71,"z_wfa":-1.77,"z_wflh":-1.17})",
       {{"", "/resourceType", "Encounter"},
        {"", "/status", "finished"},
        {"", "/class/code", "AMB"},
        {"", "/type/0/coding/0/code", "growth"},
        {"", "/period/start", "2025-06-08"},
        {"", "/serviceProvider/identifier/value", "03463"},
        {"weight", "/code/coding/0/code", "29463-7"},
        {"weight", "/valueQuantity/value", 12.9},
        {"weight", "/valueQuantity/code", "kg"},
        {"weight", "/category/0/coding/0/code", "vital-signs"},
        {"weight", "/encounter/reference", "Encounter/01974e01-566d-7103-a2de-e7cd2c4606e3"},
        {"length", "/code/coding/0/code", "8302-2"},
        {"length", "/method/coding/0/code", "h"},
        {"length", "/valueQuantity/value", 95.4},
        {"z-lhfa", "/valueQuantity/value", -1.71},
        {"z-lhfa", "/interpretation/0/coding/0/system", "https://under5.vn/fhir/CodeSystem/stunting"},
        {"z-lhfa", "/interpretation/0/coding/0/code", "normal"},
        {"z-wflh", "/interpretation/1/coding/0/system", "https://under5.vn/fhir/CodeSystem/weight-for-length"}}},
      {"growth_lying_implausible",
       "growth",
       R"({"date":"2021-01-13","id":"0176fabd-dc06-738b-914e-d8e324306345","implausible":["z_wflh","z_bmi"],"length_cm":62.4,"measure":"l","note":"[demo:implausible]","orgunit":"03430","person_id":"0172ab68-903a-77bf-bba2-67589ba1059a","remeasure":true,"sam":false,"stunting":"moderate","underweight":"normal","wasting":"implausible","weight_for_length":"implausible","weight_kg":11.1,"z_bmi":6.11,"z_lhfa":-2.13,"z_wfa":3.0,"z_wflh":5.98})",
       {{"length", "/code/coding/0/code", "8306-3"},
        {"z-lhfa", "/interpretation/0/coding/0/code", "moderate"},
        {"z-wflh", "/interpretation/0/coding/0/code", "implausible"},
        {"z-wflh", "/interpretation/2/coding/0/code", "implausible"},
        {"z-wflh", "/interpretation/2/coding/0/system", "https://under5.vn/fhir/CodeSystem/z-score-flag"},
        {"z-bmi", "/interpretation/0/coding/0/system", "https://under5.vn/fhir/CodeSystem/z-score-flag"},
        {"", "/extension/0/valueString", "[demo:implausible]"},
        {"", "/extension/2/url", "https://under5.vn/fhir/StructureDefinition/remeasure"},
        {"", "/extension/2/valueBoolean", true}}},
      {"growth_head_muac_oedema",
       "growth",
       R"({"date":"2024-08-12","head_circumference_cm":46.2,"id":"0191451f-960b-72b1-8e9a-7d10e4c36555","length_cm":79.4,"muac_mm":137,"oedema":false,"orgunit":"03478","person_id":"01846fd5-d426-7ee3-8750-ddd2b01fe8b1","weight_kg":9.3})",
       {{"length", "/method", nullptr},
        {"head", "/code/coding/0/code", "9843-4"},
        {"head", "/valueQuantity/code", "cm"},
        {"muac", "/code/coding/0/system", "http://snomed.info/sct"},
        {"muac", "/code/coding/0/code", "284473002"},
        {"muac", "/valueQuantity/value", 137},
        {"muac", "/valueQuantity/code", "mm"},
        {"oedema", "/valueBoolean", false},
        {"oedema", "/code/coding/0/code", "267038008"}}},
      {"vitamin_a_december",
       "vitamin_a",
       R"({"campaign_round":"december","date":"2025-12-01","dose_iu":100000,"id":"019ad875-75d4-7461-b936-a898d6749b9b","orgunit":"03601","person_id":"01948b98-0e76-7b8e-a73f-dffe2606e580"})",
       {{"", "/resourceType", "MedicationAdministration"},
        {"", "/category/coding/0/code", "vitamin_a"},
        {"", "/medicationCodeableConcept/coding/0/system", "http://www.whocc.no/atc"},
        {"", "/medicationCodeableConcept/coding/0/code", "A11CA01"},
        {"", "/dosage/dose/value", 100000},
        {"", "/dosage/dose/code", "[iU]"},
        {"", "/effectiveDateTime", "2025-12-01"},
        {"", "/extension/1/valueCode", "december"}}},
      {"health_check_with_milestones",
       "health_check",
       R"({"age_band":"m36_47","conclusion":"needs_follow_up","counselling":["nutrition","dental_care"],"date":"2021-01-01","development":"on_track","id":"0176bc7a-6dc2-79e0-9d38-1a0e6ed0d2b7","length_cm":89.7,"measure":"h","milestones_achieved":["m36_joins_play","m36_draws_circle","m36_uses_fork"],"milestones_not_achieved":["m36_says_name"],"orgunit":"03544","person_id":"01609ad9-9d3b-7651-8d8d-cc17634b9a92","remeasure":false,"sam":false,"stunting":"normal","underweight":"normal","wasting":"normal","weight_for_length":"normal","weight_kg":11.6,"z_bmi":-0.78,"z_lhfa":-1.43,"z_wfa":-1.43,"z_wflh":-0.92})",
       {{"", "/type/0/coding/0/code", "health_check"},
        {"", "/extension/0/valueCode", "m36_47"},
        {"", "/extension/1/valueCode", "needs_follow_up"},
        {"", "/extension/2/valueCode", "nutrition"},
        {"", "/extension/3/valueCode", "dental_care"},
        {"weight", "/valueQuantity/value", 11.6},
        {"development", "/valueCodeableConcept/coding/0/code", "on_track"},
        {"development", "/component/0/code/coding/0/code", "m36_joins_play"},
        {"development", "/component/0/valueBoolean", true},
        {"development", "/component/3/code/coding/0/code", "m36_says_name"},
        {"development", "/component/3/valueBoolean", false}}},
      {"illness_diarrhoea",
       "illness",
       R"({"antibiotic":false,"date":"2021-01-02","dehydration":"some","id":"0176c1e2-9a6a-7ce6-a100-4231db2818f8","kind":"diarrhoea","orgunit":"03529","ors":true,"outcome":"recovered","person_id":"01634ced-e000-7518-a060-9328bf4ea3e4","referred":false,"zinc":true})",
       {{"", "/type/0/coding/0/code", "illness"},
        {"condition", "/resourceType", "Condition"},
        {"condition", "/category/0/coding/0/code", "encounter-diagnosis"},
        {"condition", "/code/coding/0/code", "diarrhoea"},
        {"condition", "/code/coding/1/system", "http://hl7.org/fhir/sid/icd-10"},
        {"condition", "/code/coding/1/code", "A09"},
        {"condition", "/encounter/reference", "Encounter/0176c1e2-9a6a-7ce6-a100-4231db2818f8"},
        {"dehydration", "/valueCodeableConcept/coding/0/code", "some"},
        {"", "/extension/1/url", "https://under5.vn/fhir/StructureDefinition/ors"},
        {"", "/extension/1/valueBoolean", true},
        {"", "/extension/4/valueCode", "recovered"}}},
      {"injury_burn_has_no_icd10",
       "injury",
       R"({"date":"2021-02-23","id":"0177cebe-dddb-70f9-84fc-9108d3b87a76","kind":"burn","orgunit":"03503","outcome":"recovered","person_id":"0171051e-87a4-71d2-8347-150c7d377a22","place":"home"})",
       {{"", "/resourceType", "Condition"},
        {"", "/category/0/coding/0/code", "injury"},
        {"", "/code/coding/0/code", "burn"},
        {"", "/code/coding/1", nullptr},
        {"", "/onsetDateTime", "2021-02-23"},
        {"", "/extension/1/valueCode", "home"},
        {"", "/extension/2/valueCode", "recovered"}}},
      {"injury_drowning",
       "injury",
       R"({"date":"2024-09-13","id":"0191eaef-8124-7d90-8217-d610d4fe0679","kind":"drowning","orgunit":"03394","outcome":"died","person_id":"0171c3a9-90f3-764a-a8f5-8af7ae0c83fc","place":"water"})",
       {{"", "/code/coding/1/code", "W74"}}},
      {"referral_arrived",
       "referral",
       R"({"arrived_at":"2024-01-23T14:56:00+07:00","date":"2024-01-23","from_orgunit":"tyt:03613","id":"018d34be-7b04-71f5-8d29-a994ea5588bb","orgunit":"03613","person_id":"017b383c-0f2e-7c72-bcf6-9f3906ac8533","reason":"Viêm phổi nặng","red_alert":false,"referred_at":"2024-01-23T12:14:00+07:00","to_facility_name":"Trung tâm Y tế khu vực"})",
       {{"", "/resourceType", "ServiceRequest"},
        {"", "/status", "completed"},
        {"", "/intent", "order"},
        {"", "/priority", "routine"},
        {"", "/requester/identifier/value", "tyt:03613"},
        {"", "/performer/0/display", "Trung tâm Y tế khu vực"},
        {"", "/reasonCode/0/text", "Viêm phổi nặng"},
        {"", "/authoredOn", "2024-01-23T12:14:00+07:00"},
        {"", "/occurrenceDateTime", "2024-01-23"},
        {"", "/extension/1/valueDateTime", "2024-01-23T14:56:00+07:00"}}},
      {"referral_red_alert_on_the_way",
       "referral",
       R"({"date":"2024-01-23","from_orgunit":"tyt:03613","id":"018d34be-7b04-71f5-8d29-a994ea5588bc","orgunit":"03613","person_id":"017b383c-0f2e-7c72-bcf6-9f3906ac8533","reason":"Co giật","red_alert":true,"referred_at":"2024-01-23T12:14+07:00","to_orgunit":"12","feedback":"Đã nhận"})",
       {{"", "/status", "active"},
        {"", "/priority", "stat"},
        {"", "/performer/0/identifier/value", "12"},
        {"", "/authoredOn", "2024-01-23T12:14:00+07:00"},
        {"", "/extension/1/valueString", "Đã nhận"}}},
      {"death_child_at_station",
       "death",
       R"({"age_at_death_days":222,"age_group":"post_neonatal","category":"post_neonatal","cause_category":"pneumonia","cause_text":"Viêm phổi","date":"2021-11-13","hours_to_notification":1.0,"icd10":"J18.9","id":"017d1a22-9cb4-760f-914b-b7c5e97417d0","mother_id":"00bcef86-3739-7ecd-a4bd-d5a490bc7983","notified_at":"2021-11-13T23:51:00+07:00","notified_by":"Nguyễn Văn Kiên","notifier_role":"commune_health_worker","orgunit":"03503","person_id":"01789fbd-1bfb-7d1e-ac12-2b98f8c7cbc2","place":"commune_station","place_facility":"tyt:03503","time_of_death":"2021-11-13T22:49:00+07:00"})",
       {{"", "/resourceType", "Observation"},
        {"", "/code/coding/0/code", "69453-9"},
        {"", "/code/coding/1/code", "death"},
        {"", "/effectiveDateTime", "2021-11-13T22:49:00+07:00"},
        {"", "/valueCodeableConcept/coding/0/system", "http://hl7.org/fhir/sid/icd-10"},
        {"", "/valueCodeableConcept/coding/0/code", "J18.9"},
        {"", "/valueCodeableConcept/coding/1/code", "pneumonia"},
        {"", "/valueCodeableConcept/text", "Viêm phổi"},
        {"", "/component/0/valueString", "Nguyễn Văn Kiên"},
        {"", "/component/1/valueCodeableConcept/coding/0/code", "commune_health_worker"},
        {"", "/component/2/valueDateTime", "2021-11-13T23:51:00+07:00"},
        {"", "/component/3/code/coding/0/code", "age-at-death-days"},
        {"", "/component/3/valueInteger", 222},
        {"", "/component/6/valueQuantity/value", 1.0},
        {"", "/extension/1/valueCode", "commune_station"},
        {"", "/extension/2/valueReference/identifier/value", "tyt:03503"},
        {"", "/extension/3/valueReference/reference", "Patient/00bcef86-3739-7ecd-a4bd-d5a490bc7983"},
        {"", "/encounter", nullptr}}},
      {"death_maternal",
       "death",
       R"({"age_at_death_days":14184,"age_group":"older","category":"maternal","cause_category":"maternal_other","cause_text":"Nguyên nhân sản khoa khác","date":"2023-05-18","hours_to_notification":11.2,"icd10":"O99.8","id":"01882d3a-c679-7993-9ab4-c8d86500cdbb","maternal_candidate":true,"maternal_death":true,"notified_at":"2023-05-19T08:27:00+07:00","notified_by":"Nguyễn Xuân Cường","notifier_role":"village_health_worker","orgunit":"03388","person_id":"006ad705-e625-7d8f-868a-9da43a5d45d7","place":"home","pregnancy_id":"0183c2d7-7d19-730e-b26a-6205fa037333","time_of_death":"2023-05-18T21:15:00+07:00"})",
       {{"", "/component/3/code/coding/0/code", "maternal-death"},
        {"", "/component/3/valueBoolean", true},
        {"", "/extension/2/valueReference/reference", "EpisodeOfCare/0183c2d7-7d19-730e-b26a-6205fa037333"}}},
  };
  return cases;
}

const json* PartOf(const std::vector<json>& res, const std::string& record_id, const std::string& part) {
  const std::string id = part.empty() ? record_id : record_id + "-" + part;
  for (const json& r : res)
    if (r.value("id", "") == id) return &r;
  return nullptr;
}

TEST(FhirChild, EachTypeGivesItsElements) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    const json body = json::parse(c.body);
    const std::vector<json> res = Resources(c.type, body);
    ASSERT_FALSE(res.empty());
    for (const Expect& e : c.expect) {
      const json* r = PartOf(res, body["id"], e.part);
      ASSERT_NE(r, nullptr) << "no resource " << e.part;
      const json::json_pointer p(e.pointer);
      if (e.value.is_null()) {
        EXPECT_FALSE(r->contains(p)) << e.part << e.pointer << " = " << (r->contains(p) ? r->at(p).dump() : "");
      } else {
        ASSERT_TRUE(r->contains(p)) << e.part << e.pointer << " missing in " << r->dump();
        EXPECT_EQ(r->at(p), e.value) << e.part << e.pointer;
      }
    }
  }
}

TEST(FhirChild, EachCaseComesBackUnchanged) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    const json body = json::parse(c.body);
    Inbound in;
    Status st = Back(Resources(c.type, body), &in);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(in.registry_type, c.type);
    json want = WithoutDerived(c.type, body);
    // A registry datetime without seconds comes back with them (FHIR requires them).
    if (want.contains("referred_at") && want["referred_at"] == "2024-01-23T12:14+07:00") want["referred_at"] = "2024-01-23T12:14:00+07:00";
    EXPECT_EQ(in.body, want) << in.body.dump();
  }
}

// Free text the registry keeps empty is sent as absent: FHIR has no empty strings.
TEST(FhirChild, EmptyTextIsLeftOut) {
  json body = json::parse(Cases().at(1).body);
  body["lot"] = "";
  body["note"] = "";
  const json imm = Resources("immunization", body).at(0);
  EXPECT_FALSE(imm.contains("lotNumber"));
  EXPECT_FALSE(imm.contains("note"));
  EXPECT_TRUE(imm.contains("performer"));
}

// Every field of every child type names its FHIR element.
TEST(FhirChild, EveryFieldHasAnElement) {
  for (const char* type : kChildTypes)
    for (const registry::FieldSpec& f : registry::Schema::Builtin().Type(type)->fields) {
      const std::string e = ElementOf(type, f.name);
      EXPECT_NE(e, f.name) << type << "." << f.name;
      EXPECT_NE(e.find('.'), std::string::npos) << type << "." << f.name << " → " << e;
    }
}

// ---- code tables against their sources

// CDC's CVX and WHO's ATC codes of each vaccine of the programme, as this
// test's authors read them (CDC CVX table; WHO ATC/DDD index, group J07).
TEST(FhirChild, VaccineCodesMatchCvxAndAtc) {
  const std::map<std::string, std::pair<std::string, std::string>> want = {
      {"hepb", {"08", "J07BC01"}},      {"bcg", {"19", "J07AN01"}},       {"dtp_hepb_hib", {"198", "J07CA11"}},
      {"dtp_hepb_hib_ipv", {"", "J07CA09"}}, {"opv", {"182", ""}},        {"ipv", {"10", "J07BF03"}},
      {"measles", {"05", "J07BD01"}},   {"mr", {"04", "J07BD53"}},        {"mmr", {"03", "J07BD52"}},
      {"je", {"129", "J07BA02"}},       {"dtp", {"01", "J07AJ51"}},       {"rota", {"122", "J07BH01"}},
      {"pcv", {"152", "J07AL02"}},      {"td", {"139", "J07AM51"}},       {"tt", {"112", "J07AM01"}}};
  const json& codes = child::Codes();
  const registry::TypeSpec* t = registry::Schema::Builtin().Type("immunization");
  const std::vector<std::string>& vaccines = t->Field("vaccine")->values;
  ASSERT_EQ(vaccines.size(), want.size());
  for (const std::string& v : vaccines) {
    SCOPED_TRACE(v);
    ASSERT_TRUE(want.count(v));
    const json& row = codes["vaccines"]["codes"].at(v);
    EXPECT_EQ(row.value("cvx", ""), want.at(v).first);
    EXPECT_EQ(row.value("atc", ""), want.at(v).second);
    // Each code is a row of its source table, shown with the source's name.
    json body = {{"id", "0176bb86-8fb5-7119-9245-9c5c697dc0df"}, {"person_id", "0176bb86-8fb5-7119-9245-9c5c697dc0de"},
                 {"orgunit", "03388"}, {"date", "2024-01-01"}, {"vaccine", v}, {"dose", 1}};
    const json imm = Resources("immunization", body).at(0);
    std::map<std::string, json> by_system;
    for (const json& c : imm["vaccineCode"]["coding"]) by_system[c["system"]] = c;
    if (row.contains("cvx")) {
      ASSERT_TRUE(codes["cvx"]["codes"].contains(row["cvx"].get<std::string>()));
      EXPECT_EQ(by_system.at("http://hl7.org/fhir/sid/cvx")["display"], codes["cvx"]["codes"][row["cvx"].get<std::string>()]);
    } else {
      EXPECT_FALSE(by_system.count("http://hl7.org/fhir/sid/cvx"));
    }
    if (row.contains("atc")) {
      ASSERT_TRUE(codes["atc"]["codes"].contains(row["atc"].get<std::string>()));
      EXPECT_EQ(row["atc"].get<std::string>().rfind("J07", 0), 0u) << "a vaccine's ATC code is in J07";
      EXPECT_EQ(by_system.at("http://www.whocc.no/atc")["display"], codes["atc"]["codes"][row["atc"].get<std::string>()]);
    } else {
      EXPECT_FALSE(by_system.count("http://www.whocc.no/atc"));
    }
    EXPECT_EQ(by_system.at("https://under5.vn/fhir/CodeSystem/vaccine")["code"], v);
  }
  // Every table names its source.
  for (const auto& [name, table] : codes.items())
    if (table.is_object()) {
      EXPECT_TRUE(table.contains("source")) << name;
    }
}

// The ICD-10 codes of illnesses and injuries are WHO's, with WHO's titles
// (data/codes/icd10_who.tsv), and every kind they map is a registry kind.
TEST(FhirChild, Icd10CodesAreWhos) {
  for (const auto& [table, type] : {std::pair{"illness_icd10", "illness"}, std::pair{"injury_icd10", "injury"}}) {
    const std::vector<std::string>& kinds = registry::Schema::Builtin().Type(type)->Field("kind")->values;
    for (const auto& [kind, row] : child::Codes()[table]["codes"].items()) {
      SCOPED_TRACE(kind);
      EXPECT_NE(std::find(kinds.begin(), kinds.end(), kind), kinds.end());
      const registry::Icd10Code* c = registry::Icd10::Builtin().Find(row["code"].get<std::string>());
      ASSERT_NE(c, nullptr) << row["code"];
      EXPECT_EQ(c->title_en, row["display"]);
    }
  }
  // External causes are chapter XX (V01-Y98).
  for (const auto& [kind, row] : child::Codes()["injury_icd10"]["codes"].items()) {
    const char first = row["code"].get<std::string>()[0];
    EXPECT_TRUE(first == 'V' || first == 'W' || first == 'X' || first == 'Y') << kind;
  }
}

// ---- inbound errors name the element

struct BadInput {
  std::string name;
  int case_index;  // into Cases()
  std::function<void(std::vector<json>&)> spoil;
  std::string element;
};

json& Part(std::vector<json>& res, const std::string& suffix) {
  for (json& r : res)
    if (r.value("id", "").size() > 37 && r["id"].get<std::string>().substr(37) == suffix) return r;
  throw std::runtime_error("no part " + suffix);
}

TEST(FhirChild, InboundErrorsNameTheElement) {
  const std::vector<BadInput> bad = {
      {"unknown element", 0, [](auto& r) { r[0]["reaction"] = json::array({{{"reported", true}}}); }, "Immunization.reaction"},
      {"CVX of no programme vaccine", 0,
       [](auto& r) { r[0]["vaccineCode"] = {{"coding", {{{"system", "http://hl7.org/fhir/sid/cvx"}, {"code", "62"}}}}}; },
       "Immunization.vaccineCode.coding"},
      {"CVX contradicts the local code", 0, [](auto& r) { r[0]["vaccineCode"]["coding"][1]["code"] = "19"; },
       "Immunization.vaccineCode.coding"},
      {"only an unknown code system", 0,
       [](auto& r) { r[0]["vaccineCode"] = {{"coding", {{{"system", "http://snomed.info/sct"}, {"code", "1"}}}}}; },
       "Immunization.vaccineCode.coding"},
      {"dose as words", 0, [](auto& r) { r[0]["protocolApplied"][0] = {{"doseNumberString", "first"}}; },
       "Immunization.protocolApplied.doseNumber"},
      {"two doses", 1, [](auto& r) { r[0]["protocolApplied"].push_back({{"doseNumberPositiveInt", 2}}); },
       "Immunization.protocolApplied"},
      {"performer by Organization id", 1, [](auto& r) { r[0]["performer"][0]["actor"] = {{"reference", "Organization/1"}}; },
       "Immunization.performer.actor.identifier"},
      {"patient is a Group", 0, [](auto& r) { r[0]["patient"] = {{"reference", "Group/1"}}; }, "Immunization.patient"},
      {"unknown extension", 0,
       [](auto& r) { r[0]["extension"].push_back({{"url", "http://example.org/x"}, {"valueString", "y"}}); },
       "Immunization.extension"},
      {"no org unit", 0, [](auto& r) { r[0].erase("extension"); }, "Immunization.extension:orgunit"},
      {"Encounter still in progress", 2, [](auto& r) { r[0]["status"] = "in-progress"; }, "Encounter.status"},
      {"weight in grams", 2, [](auto& r) { Part(r, "weight")["valueQuantity"]["code"] = "g"; },
       "Observation.valueQuantity.code"},
      {"weight without value", 2, [](auto& r) { Part(r, "weight").erase("valueQuantity"); }, "Observation.valueQuantity"},
      {"measure of another Encounter", 2,
       [](auto& r) { Part(r, "weight")["encounter"]["reference"] = "Encounter/0176bb86-8fb5-7119-9245-9c5c697dc0df"; },
       "Observation.encounter"},
      {"measure of another patient", 2,
       [](auto& r) { Part(r, "weight")["subject"]["reference"] = "Patient/0176bb86-8fb5-7119-9245-9c5c697dc0df"; },
       "Observation.subject"},
      {"measure no growth record keeps", 2,
       [](auto& r) { Part(r, "weight")["code"] = {{"coding", {{{"system", "http://loinc.org"}, {"code", "8867-4"}}}}}; },
       "Observation.code"},
      {"a Procedure in a growth Encounter", 2,
       [](auto& r) {
         r.push_back({{"resourceType", "Procedure"}, {"encounter", {{"reference", "Encounter/x"}}}});
       },
       "Procedure"},
      {"lying length measured standing", 3, [](auto& r) { Part(r, "length")["method"]["coding"][0]["code"] = "h"; },
       "Observation.method"},
      {"length measured otherwise", 2,
       [](auto& r) { Part(r, "length")["method"] = {{"coding", {{{"system", "http://snomed.info/sct"}, {"code", "1"}}}}}; },
       "Observation.method.coding"},
      {"head circumference at a health check", 6,
       [](auto& r) {
         json head = Part(r, "weight");
         head["id"] = head["id"].get<std::string>() + "x";
         head["code"] = {{"coding", {{{"system", "http://loinc.org"}, {"code", "9843-4"}}}}};
         r.push_back(head);
       },
       "Observation.code"},
      {"milestone without a value", 6, [](auto& r) { Part(r, "development")["component"][0].erase("valueBoolean"); },
       "Observation.component.valueBoolean"},
      {"counselling as a string", 6, [](auto& r) { r[0]["extension"][2].erase("valueCode"); r[0]["extension"][2]["valueString"] = "x"; },
       "Encounter.extension:counselling"},
      {"ambiguous ICD-10 of pneumonia", 7,
       [](auto& r) {
         Part(r, "condition")["code"] = {{"coding", {{{"system", "http://hl7.org/fhir/sid/icd-10"}, {"code", "J18.9"}}}}};
       },
       "Condition.code.coding"},
      {"ICD-10 contradicts the illness", 7, [](auto& r) { Part(r, "condition")["code"]["coding"][1]["code"] = "J18.9"; },
       "Condition.code.coding"},
      {"two Conditions", 7, [](auto& r) { r.push_back(Part(r, "condition")); }, "Condition"},
      {"priority urgent", 10, [](auto& r) { r[0]["priority"] = "urgent"; }, "ServiceRequest.priority"},
      {"referral as a plan", 10, [](auto& r) { r[0]["intent"] = "plan"; }, "ServiceRequest.intent"},
      {"two reasons", 10, [](auto& r) { r[0]["reasonCode"].push_back({{"text", "x"}}); }, "ServiceRequest.reasonCode"},
      {"cause of death in SNOMED", 12,
       [](auto& r) { r[0]["valueCodeableConcept"]["coding"][0]["system"] = "http://snomed.info/sct"; },
       "Observation.valueCodeableConcept.coding"},
      {"unknown detail of a death", 12,
       [](auto& r) { r[0]["component"][0]["code"]["coding"][0]["code"] = "weather"; }, "Observation.component.code"},
      {"vitamin A in mg", 5, [](auto& r) { r[0]["dosage"]["dose"]["code"] = "mg"; }, "MedicationAdministration.dosage.dose.code"},
      {"not vitamin A", 5, [](auto& r) { r[0]["medicationCodeableConcept"]["coding"][0]["code"] = "A11CC05"; r[0]["medicationCodeableConcept"]["coding"].erase(1); },
       "MedicationAdministration.medicationCodeableConcept.coding"},
      {"two notes", 8, [](auto& r) { r[0]["note"] = json::array({{{"text", "a"}}, {{"text", "b"}}}); }, "Condition.note"},
      {"an injury with a part", 8, [](auto& r) { r.push_back({{"resourceType", "Observation"}}); }, "Observation"},
  };
  for (const BadInput& b : bad) {
    SCOPED_TRACE(b.name);
    const Case& c = Cases().at(b.case_index);
    std::vector<json> res = Resources(c.type, json::parse(c.body));
    b.spoil(res);
    Inbound in;
    Status st = Back(res, &in);
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(st.field(), b.element) << st.ToString();
  }
}

// Derived values a client sends back (z-scores, statuses, flags, a death's
// age) are ignored: the registry computes them again.
TEST(FhirChild, DerivedValuesAreIgnoredInbound) {
  const Case& c = Cases().at(3);
  const json body = json::parse(c.body);
  std::vector<json> res = Resources(c.type, body);
  Part(res, "z-lhfa")["valueQuantity"]["value"] = 9.9;
  Part(res, "z-wflh")["interpretation"] = json::array({child::LocalConcept("wasting", "severe").ToJson()});
  res[0]["extension"][1]["valueBoolean"] = true;  // sam
  res.erase(std::remove_if(res.begin(), res.end(), [](const json& r) { return r["id"].get<std::string>().ends_with("-z-bmi"); }),
            res.end());
  Inbound in;
  ASSERT_TRUE(Back(res, &in).ok());
  EXPECT_EQ(in.body, WithoutDerived(c.type, body));
  std::vector<json> death = Resources("death", json::parse(Cases().at(12).body));
  death[0]["component"][3]["valueInteger"] = 1;  // age at death
  ASSERT_TRUE(Back(death, &in).ok());
  EXPECT_EQ(in.body, WithoutDerived("death", json::parse(Cases().at(12).body)));
}

// A death Observation and an injury Condition are told apart from other
// primaries of their type by their record type coding.
TEST(FhirChild, ClaimsByRecordType) {
  std::vector<json> death = Resources("death", json::parse(Cases().at(12).body));
  death[0]["code"]["coding"].erase(1);
  Inbound in;
  EXPECT_EQ(Back(death, &in).field(), "Observation.code");
  std::vector<json> injury = Resources("injury", json::parse(Cases().at(8).body));
  injury[0]["category"][0]["coding"][0]["code"] = "problem-list-item";
  EXPECT_EQ(Back(injury, &in).field(), "Condition.code");
}

// ---- the round trip of every child record of a demo province

class FhirChildDemo : public ::testing::TestWithParam<test::StoreKind> {
 protected:
  // One demo province per store, shared by the suite's tests (ctest runs each in a process of its own).
  void SetUp() override {
    if (demo_ && demo_->kind() == GetParam()) return;
    TearDownTestSuite();
    demo_ = test::OpenDemoStore(GetParam(), 250);
    store_ = &demo_->store();
  }
  static void TearDownTestSuite() {
    demo_.reset();
    store_ = nullptr;
  }
  static inline std::unique_ptr<test::OrgUnitStore> demo_;
  static inline store::Store* store_ = nullptr;
};

TEST_P(FhirChildDemo, EveryRecordComesBackAndValidatesToItself) {
  StoreContext ctx(*store_);
  registry::StoreLookup lookup(*store_);
  const std::set<std::string> types(std::begin(kChildTypes), std::end(kChildTypes));
  std::map<std::string, int> seen;
  Status st = store_->ForEach(
      [&](const store::Record& r) -> Status {
        if (!types.count(r.type)) return Status::Ok();
        ++seen[r.type];
        std::vector<json> res;
        U5_RETURN_IF_ERROR(ToFhir(r, ctx, &res));
        EXPECT_FALSE(res.empty()) << r.id;
        if (res.empty()) return Status::Ok();
        for (const json& x : res) EXPECT_FALSE(x.dump().find("[]") != std::string::npos || x.dump().find("{}") != std::string::npos) << x.dump();
        Inbound in;
        Status back = FromFhir(res[0], std::vector<json>(res.begin() + 1, res.end()), ctx, &in);
        EXPECT_TRUE(back.ok()) << r.type << " " << r.id << ": " << back.ToString();
        if (!back.ok()) return Status::Ok();
        EXPECT_EQ(in.registry_type, r.type);
        const json stored = json::parse(r.body);
        EXPECT_EQ(in.body, WithoutDerived(r.type, stored)) << r.type << " " << r.id;
        // The registry recomputes the derived fields from what came back.
        store::Record again;
        Status valid = registry::Validate(r.type, in.body, lookup, Today(), &again);
        EXPECT_TRUE(valid.ok()) << r.id << ": " << valid.ToString();
        if (valid.ok()) {
          EXPECT_EQ(json::parse(again.body), stored) << r.type << " " << r.id;
        }
        return Status::Ok();
      },
      false);
  ASSERT_TRUE(st.ok()) << st.ToString();
  for (const char* t : kChildTypes) EXPECT_GT(seen[t], 0) << "the demo has no " << t;
}

// A value the registry refuses is reported on the FHIR element that carried it.
TEST_P(FhirChildDemo, RegistryErrorsNameTheElement) {
  StoreContext ctx(*store_);
  registry::StoreLookup lookup(*store_);
  std::vector<store::Record> growth;
  Status st = store_->ForEach(
      [&](const store::Record& r) {
        if (r.type == "growth" && growth.empty() && json::parse(r.body).contains("weight_kg")) growth.push_back(r);
        return Status::Ok();
      },
      false);
  ASSERT_TRUE(st.ok());
  ASSERT_FALSE(growth.empty());
  std::vector<json> res;
  ASSERT_TRUE(ToFhir(growth[0], ctx, &res).ok());
  for (json& r : res)
    if (r["id"] == growth[0].id + "-weight") r["valueQuantity"]["value"] = 95;
  Inbound in;
  ASSERT_TRUE(FromFhir(res[0], std::vector<json>(res.begin() + 1, res.end()), ctx, &in).ok());
  store::Record out;
  Status valid = registry::Validate("growth", in.body, lookup, Today(), &out);
  ASSERT_FALSE(valid.ok());
  EXPECT_EQ(valid.field(), "weight_kg");
  EXPECT_EQ(ElementOf("growth", valid.field()), "Observation.valueQuantity.value");
}

U5_ON_BOTH_STORES(FhirChildDemo);

}  // namespace
}  // namespace u5::fhir
