// FHIR Bundles of type transaction and batch (docs/fhir.md "Bundles, bulk
// export and import"). A Bundle is parsed into entries, its POSTed resources
// get their ids and every reference to an entry's fullUrl is rewritten, the
// entries are put in FHIR's processing order and gathered by registry record
// (an Encounter and its Observations are one record), and each record is
// planned by the write path (fhir/write.h) against a lookup that sees the
// Bundle's earlier records. A transaction is then stored in one Store::Apply.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace u5::fhir {

using nlohmann::json;

struct BundleEntry {
  size_t index = 0;            // position in Bundle.entry, for error paths
  std::string method;          // DELETE, POST, PUT or GET
  std::string resource_type;   // from request.url (POST: also the resource's)
  std::string id;              // PUT, DELETE, GET: from request.url; POST: the id given to the new resource
  std::string full_url;        // entry.fullUrl ("urn:uuid:..." or an absolute URL), may be empty
  json resource;               // POST, PUT
  std::optional<int64_t> if_match;   // request.ifMatch (W/"3")
  std::string if_none_exist;         // request.ifNoneExist (conditional create)
  bool part = false;           // the resource is a part of a record (fhir::OwnerOf names its owner)
  std::string record_id;       // the registry record the entry writes or reads
};

struct ParsedBundle {
  std::string type;  // "transaction" or "batch"
  std::vector<BundleEntry> entries;  // in Bundle order
};

// "Bundle.entry[<i>]." + what follows: the prefix of every error about an entry.
std::string EntryPath(size_t index, const std::string& rest);

// Reads a Bundle of type transaction or batch. Errors name the element
// ("Bundle.type", "Bundle.entry[2].request.method", ...). PATCH is refused as
// not supported; a POST's request.url must name its resource's type, a PUT's
// or DELETE's "Type/id", a GET's "Type/id" too (reads only, no searches).
Status ParseBundle(const json& bundle, ParsedBundle* out);

// Gives each POSTed primary resource a new id (`new_id`: UUIDv7 in the
// server), then rewrites every reference in the Bundle's resources that names
// an entry's fullUrl to "Type/id" of that entry. A reference to a urn:uuid no
// entry carries, or to a POSTed part's fullUrl (a part's id is its record's id
// and a suffix its mapper chooses), is an error naming the reference element.
// Sets each entry's `part` and `record_id`: a part belongs to the record of
// the resource its owner reference names (fhir::OwnerOf).
Status ResolveReferences(ParsedBundle* b, const std::function<std::string()>& new_id);

// A conditional create that matched: entry `i` is the stored resource
// `existing_id`, and every reference to the id it had been given now names it.
void Redirect(ParsedBundle* b, size_t i, const std::string& existing_id);

// Indices of the entries in FHIR's processing order: DELETE, POST, PUT, GET,
// each in Bundle order (FHIR R4 http.html#trules).
std::vector<size_t> ProcessingOrder(const ParsedBundle& b);

// The entries writing one registry record, in processing order: the record
// is planned once with all of them (its primary resource and its parts).
struct RecordGroup {
  std::string record_id;
  std::vector<size_t> entries;
};
// Writes grouped by record, groups in the processing order of their first
// entry; GET entries are left out (read after the writes).
std::vector<RecordGroup> GroupByRecord(const ParsedBundle& b);

}  // namespace u5::fhir
