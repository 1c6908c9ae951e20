// Small builders and readers of FHIR elements shared by the mappers:
// codings, references, extensions, quantities, identifiers. Readers never
// throw: a wrong shape is a Status naming the element.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "fhir/text.h"

namespace u5::fhir {

using nlohmann::json;

// Systems and URLs of under5's own codes and extensions (docs/fhir.md).
inline constexpr const char* kBase = "https://under5.vn/fhir";
inline constexpr const char* kRecordIdSystem = "https://under5.vn/fhir/sid/record-id";   // under5 ids
inline constexpr const char* kCitizenIdSystem = "https://under5.vn/fhir/sid/cccd";       // citizen id (CCCD)
inline constexpr const char* kOrgUnitSystem = "https://under5.vn/fhir/sid/orgunit";      // org unit ids (GSO codes)
inline constexpr const char* kRecordTypeSystem = "https://under5.vn/fhir/CodeSystem/record-type";
inline constexpr const char* kLoinc = "http://loinc.org";
inline constexpr const char* kSnomed = "http://snomed.info/sct";
inline constexpr const char* kUcum = "http://unitsofmeasure.org";
inline constexpr const char* kIcd10 = "http://hl7.org/fhir/sid/icd-10";
inline constexpr const char* kObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";

// The URL of under5's extension `name`: kBase + "/StructureDefinition/" + name.
std::string ExtensionUrl(std::string_view name);
// The URL of under5's code system `name`: kBase + "/CodeSystem/" + name.
std::string CodeSystemUrl(std::string_view name);

// Builders write their element as text (text.h).
Element Coding(std::string_view system, std::string_view code, std::string_view display = {});
Element Concept(std::string_view system, std::string_view code, std::string_view display = {});
// "Patient/<id>".
Element Ref(std::string_view type, std::string_view id);
// A reference to an org unit by identifier (no Organization resource is served): {identifier, display}.
Element OrgUnitRef(std::string_view orgunit_id, std::string_view display);

// The extensions of one resource or element, each {url, value<kind>: value};
// kind is "Boolean", "Integer", "Decimal", "String", "Code", "Date",
// "DateTime", "CodeableConcept", "Reference", ... Written last as "extension".
class ExtensionList {
 public:
  void Add(std::string_view name, std::string_view kind, const json& value);
  void Add(std::string_view name, std::string_view kind, const Element& value);
  bool empty() const { return items_.empty(); }
  // res.extension = the extensions, when there are any (the list is spent).
  void PutInto(Object& res);

 private:
  Array items_;
};
// The same on a resource built as a DOM (MeasureReport): appends to res["extension"].
void AddExtension(json& res, std::string_view name, std::string_view kind, json value);
// The value of under5's extension `name` on res (null when absent); an extension
// with another value type than `kind` is an error naming `path`.
Status ReadExtension(const json& res, std::string_view name, std::string_view kind, const std::string& path, json* value);

// A reference's id of resource `type`: "Patient/<id>" → <id>. Error naming
// `path` for another type, a malformed reference or a missing one when required.
Status ReadRef(const json& res, std::string_view key, std::string_view type, const std::string& path, bool required,
               std::string* id);
// The org unit id of an OrgUnitRef at res[key] (identifier system kOrgUnitSystem).
Status ReadOrgUnitRef(const json& res, std::string_view key, const std::string& path, bool required, std::string* id);
// The code of the first coding of concept res[key] in `system`; an error
// naming `path` when the concept has no coding in that system.
Status ReadCode(const json& res, std::string_view key, std::string_view system, const std::string& path, bool required,
                std::string* code);

// A Quantity with a UCUM unit, of a registry value as stored (an integer stays one).
Element Quantity(const json& value, std::string_view unit, std::string_view ucum_code);
// Observation.category with one code of HL7's observation-category ("vital-signs", "exam").
Element ObservationCategory(std::string_view code);

// Refuses any element of `res` not in `known` (plus resourceType, id, meta,
// text, extension), naming it: "Patient.photo: element not supported".
Status OnlyKnownElements(const json& res, std::initializer_list<std::string_view> known);

}  // namespace u5::fhir
