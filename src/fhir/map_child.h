// Shared pieces of the child mappers (map_child.cpp lists them; map_immunization.cpp,
// map_growth.cpp, map_care.cpp and map_death.cpp build them): the code tables of
// data/fhir/codes_child.json, and builders and readers of the elements every
// child record has (subject, org unit, note), readers naming the element they read.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/elements.h"
#include "fhir/mapper.h"

namespace u5::fhir::child {

// data/fhir/codes_child.json, compiled in.
const json& Codes();

// A string value of a validated body, by reference (it must be a string).
inline const std::string& AsStr(const json& j) { return j.get_ref<const std::string&>(); }

// A coding / concept of under5's code system `name` (CodeSystemUrl(name)).
Element Local(std::string_view name, std::string_view code, std::string_view display = {});
Element LocalConcept(std::string_view name, std::string_view code, std::string_view display = {});

// An org unit as a reference by identifier, named when the store knows it.
Element OrgUnit(Context& ctx, const std::string& orgunit_id);

// A registry datetime as FHIR writes it: seconds and the zone are required
// there, optional in the registry (Vietnam time, +07:00, when absent).
std::string FhirDateTime(const std::string& registry_datetime);

// Outbound: the record's org unit as the extension `orgunit`, its note as note[0].text.
void PutOrgUnitExtension(ExtensionList& ext, Context& ctx, const json& body);
void PutNote(Object& res, const json& body);

// An Observation part of record r's Encounter: its id suffix and code.
Resource Observation(std::string_view suffix, const store::Record& r, const json& body, const Element& code);

// The Encounter of a visit-like record (growth, health_check, illness): finished,
// ambulatory, typed by the record type, with subject, date, org unit and note
// (an extension, added to `ext`: the caller adds its own, then writes them).
Resource Encounter(const store::Record& r, const json& body, Context& ctx, ExtensionList* ext);
// Reads those elements back (extensions and parts are the caller's).
Status ReadEncounter(const json& enc, json* body);

// Whether concept res[key] carries the local record type `type` (Mapper::claims).
bool HasRecordType(const json& res, std::string_view key, std::string_view type);
// A record kept as one resource refuses parts, naming the first.
Status NoParts(const std::vector<json>& parts, const std::string& type);

// Inbound. Each reader names the element it reads from `type` ("Encounter").
// Refuses every extension but under5's `names`.
Status OnlyExtensions(const json& res, const std::string& type, std::initializer_list<std::string_view> names);
// The value of extension `name` (null when absent).
Status Extension(const json& res, const std::string& type, std::string_view name, std::string_view kind, json* value);
// All values of a repeated extension, in order.
Status Extensions(const json& res, const std::string& type, std::string_view name, std::string_view kind,
                  std::vector<json>* values);
// Copies an extension's value into body[field] when present, checking its JSON type.
Status ExtensionField(const json& res, const std::string& type, std::string_view name, std::string_view kind,
                      const std::string& field, json* body);
// The org unit of extension `orgunit` (required) into body["orgunit"].
Status ReadOrgUnitExtension(const json& res, const std::string& type, json* body);
// note[0].text into body["note"]; more than one note is refused.
Status ReadNote(const json& res, const std::string& type, json* body);
// res[key] must be one of `allowed`.
Status ReadFixed(const json& res, const std::string& type, std::string_view key,
                 std::initializer_list<std::string_view> allowed, bool required);
// The code of concept `cc` (at `path`) in under5's code system `name`.
Status ReadLocal(const json& cc, const std::string& path, std::string_view name, bool required, std::string* code);
// A string element res[key] into body[field] when present.
Status ReadString(const json& res, const std::string& type, std::string_view key, const std::string& field,
                  json* body);
// The value of res[key] (a Quantity) when present: a number with the UCUM code `ucum`.
Status ReadAmount(const json& res, const std::string& path, std::string_view key, std::string_view ucum,
                  json* value);
// The primary resource's id into body["id"] when it has one.
Status ReadId(const json& res, const std::string& type, json* body);

// The mappers of each file: immunization and vitamin_a; growth and
// health_check; illness, injury and referral; death.
std::vector<Mapper> ImmunizationMappers();
std::vector<Mapper> GrowthMappers();
std::vector<Mapper> CareMappers();
std::vector<Mapper> DeathMappers();

// A part of an Encounter-shaped record: its owner must be the primary
// resource and its subject the record's person.
Status CheckPart(const json& part, const json& primary, const json& body);

}  // namespace u5::fhir::child
