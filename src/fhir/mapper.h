// One registry type's mapping to FHIR, both ways (inside the fhir module).
// Each map_*.cpp builds the mappers of its types; mappers.cpp lists them all.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "fhir/mapping.h"
#include "fhir/text.h"

namespace u5::fhir {

// One resource as a mapper writes it: its type, its part's id suffix ("" for
// the primary resource) and its members; mapping.cpp writes resourceType, id
// and meta before them.
struct Resource {
  explicit Resource(std::string t, std::string s = {}) : type(std::move(t)), suffix(std::move(s)), members(1024) {}
  std::string type, suffix;
  Object members;
};

struct Mapper {
  std::string registry_type;
  std::string primary_type;             // the FHIR type of the primary resource
  std::vector<std::string> part_types;  // the FHIR types of its parts, if any
  // Whether a primary resource of primary_type is this type's (an Encounter's
  // type coding tells an ANC visit from a growth measurement).
  std::function<bool(const json& primary)> claims;
  // The record's body (parsed) → primary resource then parts.
  std::function<Status(const store::Record& r, const json& body, Context& ctx, std::vector<Resource>* out)> to_fhir;
  // Primary resource and parts → the body for registry::Validate. Every
  // element the mapper does not read is an error naming it.
  std::function<Status(const json& primary, const std::vector<json>& parts, Context& ctx, json* body)> from_fhir;
  // Registry field → FHIR element path, for validation errors.
  std::vector<std::pair<std::string, std::string>> elements;
};

// Every mapper, in the order mappers.cpp lists them.
const std::vector<Mapper>& Mappers();

// The mappers of each part of the registry (map_*.cpp).
std::vector<Mapper> MotherMappers();  // person, pregnancy, anc_visit, delivery, newborn, postnatal_visit, stillbirth
std::vector<Mapper> ChildMappers();   // immunization, growth, vitamin_a, health_check, illness, injury, referral, death

}  // namespace u5::fhir
