// Registry records seen as HL7 FHIR R4 resources, and back (docs/fhir.md).
// A record is one primary resource (Patient, EpisodeOfCare, Encounter,
// Immunization, ...) and the parts derived from it (the Observations of its
// measures, a child's mother as RelatedPerson, newborn care Procedures), whose
// ids are the record's id, '-' and a suffix. Inbound, a primary resource and
// its parts become the JSON body registry::Validate takes, so a FHIR write is
// checked exactly as a write through the JSON API.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "store/record.h"

namespace u5::store {
class Store;
}

namespace u5::fhir {

using nlohmann::json;

// An org unit as a FHIR address or reference shows it, with its 2025 province.
struct Place {
  std::string id, code, name, kind;  // kind: commune, province, facility, ...
  std::string province_id, province_code, province_name;
};

// What a mapping reads besides the record itself.
class Context {
 public:
  virtual ~Context() = default;
  virtual std::optional<Place> PlaceOf(const std::string& orgunit_id) = 0;
  // A stored person, live or not (a child's mother for its RelatedPerson).
  virtual std::optional<store::Record> Person(const std::string& id) = 0;
};

// Org units as places, remembered. Org units are loaded once and do not change
// while a server runs (orgunit/load.h), so the routes of a server share one.
class Places;
std::shared_ptr<Places> NewPlaces();

// The context read from the store; places are remembered (in `places` when
// given), and the last person read (a mother, for her children).
class StoreContext : public Context {
 public:
  explicit StoreContext(store::Store& store, std::shared_ptr<Places> places = nullptr);
  ~StoreContext() override;
  std::optional<Place> PlaceOf(const std::string& orgunit_id) override;
  std::optional<store::Record> Person(const std::string& id) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One resource as JSON text, with its type and id.
struct ResourceText {
  std::string type, id, text;
};

// The resources of record `r`: its primary resource first, then its parts,
// each with id and meta (versionId = the record's version, lastUpdated).
// A deleted record, or one of a type not exchanged (docs/fhir.md), gives none.
// Written straight to text, as the answers send them (text.h); without meta
// for a Bundle whose target database writes its own.
Status ToFhirText(const store::Record& r, Context& ctx, std::vector<ResourceText>* out, bool with_meta = true);
// The same parsed, for those that read or change them (writes, Bundles, tests).
Status ToFhir(const store::Record& r, Context& ctx, std::vector<json>* out);

// Which record a resource id belongs to, and which part ("" = the primary resource).
struct ResourceId {
  std::string record_id;
  std::string part;
};
std::optional<ResourceId> ParseId(std::string_view id);

// For a part, the reference of the primary resource it belongs to, as the
// resource writes it ("Encounter/<id>" or a transaction's "urn:uuid:<x>");
// nullopt for a primary resource. A Bundle groups parts with their record by it.
std::optional<std::string> OwnerOf(const json& resource);

// A primary resource with its parts, as a registry write: the record type and
// the body Validate takes (ids of referenced records already resolved).
// Errors are Status::Invalid whose field is the FHIR element path
// ("Observation.valueQuantity.value", "Encounter.type.coding").
struct Inbound {
  std::string registry_type;
  json body;
};
Status FromFhir(const json& primary, const std::vector<json>& parts, Context& ctx, Inbound* out);

// The FHIR element a registry field lives in, for errors found by
// registry::Validate: ElementOf("growth", "weight_kg") ==
// "Observation.valueQuantity.value". The field itself when it has none.
std::string ElementOf(const std::string& registry_type, const std::string& field);

// The resource types the server exchanges and the registry types whose
// records produce them (as primary resource or as part), for search.
struct ResourceKind {
  std::string resource_type;
  std::vector<std::string> registry_types;
};
const std::vector<ResourceKind>& Kinds();

}  // namespace u5::fhir
