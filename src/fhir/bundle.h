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

#include "audit/entry.h"
#include "auth/session.h"
#include "core/status.h"
#include "http/route.h"
#include "store/store.h"

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
  std::string delete_reason;         // DELETE Type/id?reason=... (required, as through the JSON API)
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
// "Type/id", a DELETE's "Type/id?reason=..." (why, as the JSON API asks), a
// GET's "Type/id" too (reads only, no searches).
// The resources are moved out of `bundle` (a file's Bundle is hundreds of megabytes).
Status ParseBundle(json&& bundle, ParsedBundle* out);

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

// What a Bundle did, for the answer and the audit.
struct BundleAnswer {
  json bundle;                         // transaction-response or batch-response, entries in the Bundle's order
  std::vector<std::string> read;       // records whose resources GET entries returned (the read's audit entry)
  std::string read_orgunit;            // the org unit of the first of them
  size_t resources = 0;                // entries that wrote
  size_t records = 0;                  // records written (an Encounter and its Observations are one)
};

struct BundleOptions {
  // The audit entry of each record write: Call::Stamp(action) in the server,
  // the command line's entry in `under5 fhir-import`.
  std::function<audit::Entry(const std::string& action)> stamp;
  // When every write creates a record (a fresh database): one bulk load
  // (Store::OpenBulk) and one audit entry `fhir_import` for the whole Bundle
  // instead of one per record.
  bool bulk_creates = false;
  // Hears the entries planned so far (the command line's progress line).
  std::function<void(size_t planned, size_t total)> progress;
};

// Runs a parsed transaction or batch Bundle for `who`. A transaction plans
// every record (fhir::PlanWrite, against a view of the store and a
// registry::Lookup that see the Bundle's earlier records) and stores them all
// in one Store::Apply, or nothing: its error names the entry
// ("Bundle.entry[3].resource.Observation.valueQuantity.value"). A batch runs
// each entry alone and answers each entry's status or OperationOutcome.
Status RunBundle(ParsedBundle& b, const auth::Principal& who, store::Store& store, const BundleOptions& opts,
                 BundleAnswer* out);

// POST /fhir: a transaction or batch Bundle (permission person.write); the
// answer is the response Bundle, each write audited as through the JSON API
// and the resources GET entries returned named in one read entry.
http::Routes BundleRoutes();

}  // namespace u5::fhir
