// The code tables of the mother mappers (data/fhir/codes_mother.json, compiled
// in) and the helpers map_patient.cpp, map_mother.cpp and map_parts.cpp share:
// local codings, under5 extensions by table, and the parts (Observations,
// Procedures, Conditions) of an Encounter, both ways.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "fhir/elements.h"
#include "fhir/mapper.h"
#include "fhir/mapping.h"

namespace u5::fhir::mother {

// A standard coding; empty code when the table gives none.
struct Coded {
  std::string system, code, display;
};

struct Measure {  // a number of a record as an Observation (or a component of one)
  std::string type, field, suffix, category, unit, ucum;
  Coded code;
  bool derived = false;
};
struct Component {
  std::string field;
  Coded code;
};
struct BloodPressure {
  std::string type, suffix, unit, ucum;
  Coded code;
  std::vector<Component> components;
};
struct Test {  // a test_result field as an Observation
  std::string type, field, suffix;
  Coded code;
};
struct TestResult {
  Coded standard;        // a result
  std::string absent;    // or the data-absent-reason of a test not done
  std::string display;
};
struct Care {  // a boolean as a Procedure completed / not-done
  std::string type, field, suffix, display;
};
struct ListValue {
  std::string value, display;
  Coded standard;
};
struct ListSpec {  // an enum_list (or the delivery's mode) as one part per value
  std::string type, field, resource, prefix;
  std::vector<ListValue> values;
};
struct Ext {  // a field as an under5 extension
  std::string type, field, name, kind, system, target;
  bool derived = false;
};
struct ClassSpec {  // Encounter.class: fixed, from a field, or unknown
  std::string fixed, field;
  std::map<std::string, std::string> values;  // field value -> v3 ActCode
};

struct Codes {
  std::map<std::string, std::string> type_display;
  std::map<std::string, std::vector<Coded>> type_codes;  // record type -> its standard codes
  std::vector<Measure> measures;
  BloodPressure bp;
  std::vector<Test> tests;
  std::map<std::string, TestResult> results;
  std::vector<Care> care;
  std::vector<ListSpec> lists;
  ListSpec mode;
  std::string mode_suffix;
  Coded class_unknown;
  std::map<std::string, std::string> class_display;
  std::map<std::string, ClassSpec> classes;
  Coded attender;
  std::map<std::string, std::string> participant_field;  // record type -> field
  Coded stillbirth_sex;
  std::map<std::string, std::string> gender;  // stillborn's sex -> administrative-gender
  Coded mother;
  std::map<std::string, std::string> ethnicity;
  std::vector<Ext> extensions;
};
const Codes& Tables();

inline constexpr const char* kActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
inline constexpr const char* kDataAbsentReason = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
inline constexpr const char* kConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";
inline constexpr const char* kGender = "http://hl7.org/fhir/administrative-gender";

// The local code system of registry fields and values.
std::string LocalSystem();
// {LocalSystem(), "<type>.<field>[.<value>]"}.
Element LocalCoding(const std::string& type, const std::string& field, const std::string& value = {},
                 const std::string& display = {});
// {"coding": [standard (when it has a code), local]}.
Element WithLocal(const Coded& standard, const Element& local);
// The standard codes of record type `type`, then its record-type coding (kRecordTypeSystem).
Element TypeConcept(const std::string& type);
// Whether `cc` (a CodeableConcept or a list of them) names record type `type`: its
// record-type coding or one of its standard codes (WHO ANC.Contact for an ANC visit).
bool NamesType(const json& cc, const std::string& type);
// Whether `cc` (a CodeableConcept or a list of them) holds system|code.
bool HasCoding(const json& cc, const std::string& system, const std::string& code);
// The code in `system` of a CodeableConcept, "" when none.
std::string CodeIn(const json& cc, const std::string& system);

// A string member, "" when absent or of another type (never throws).
std::string Str(const json& j, const char* key);
// A registry date-time as FHIR writes one: seconds and zone (Vietnam's when none).
std::string FhirDateTime(const std::string& s);

// Writes the extensions of `type`'s fields present in `body` onto res (org units named from ctx).
void WriteExtensions(const std::string& type, const json& body, Context& ctx, ExtensionList& ext);
// An org unit reference with the unit's name as display.
Element OrgUnitOf(const std::string& orgunit, Context& ctx);
// Reads res's extensions into body (derived ones are ignored); an extension
// under5 does not define for `type`, or with the wrong value, names itself.
Status ReadExtensions(const std::string& type, const json& res, json* body);
// "Encounter.extension:<name>", the path of an under5 extension in errors.
std::string ExtensionPath(const std::string& resource, const std::string& name);
// Refuses any element of res outside `known` (plus resourceType, id, meta, text, extension).
Status KnownOnly(const json& res, const std::vector<std::string>& known);

// The parts of an Encounter-type record (map_parts.cpp): Observations of its measures and
// tests, Procedures of its care items, Conditions of its complications.
void WriteParts(const std::string& type, const store::Record& r, const json& body, const std::string& effective,
                std::vector<Resource>* out);
// The parts back into body; each must belong to Encounter `encounter_id` (when
// known) of patient `person_id`.
Status ReadParts(const std::string& type, const std::vector<json>& parts, const std::string& encounter_id,
                 const std::string& person_id, json* body);

// person → Patient (+ RelatedPerson `mother`), in map_patient.cpp.
Mapper PersonMapper();

// The resource types of the parts the tables give `type` (Observation, Procedure, Condition), for search.
std::vector<std::string> PartTypes(const std::string& type);

// Registry field -> element path of every field the tables map for `type`.
void TableElements(const std::string& type, const std::string& primary_type,
                   std::vector<std::pair<std::string, std::string>>* out);

}  // namespace u5::fhir::mother
