// The FHIR write path (docs/fhir.md "Interactions"): a create, update or
// delete of one resource becomes the write of the whole record it belongs to,
// checked exactly as the JSON API checks a write (registry::Validate, the
// caller's scope), but not yet stored. The server stores one planned write,
// a transaction Bundle all of its entries, with Store::Apply.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/session.h"
#include "core/status.h"
#include "fhir/mapping.h"
#include "registry/validate.h"
#include "store/record.h"
#include "store/store.h"

namespace u5::fhir {

struct WriteRequest {
  std::string method;          // "POST" (create), "PUT" (update, or create with the client's id), "DELETE"
  std::string resource_type;   // from the URL
  std::string id;              // PUT/DELETE: from the URL
  json resource;               // POST/PUT body (already parsed); references already resolved (no urn:uuid)
  std::optional<int64_t> if_match;     // PUT/DELETE version
  std::string if_none_exist;           // conditional create: "identifier=system|value"
  std::string reason;                  // DELETE: why (required, as for the JSON API's deletions)
};

struct PlannedWrite {            // what the store will do, validated and scope-checked
  enum class Op { insert, update, remove, none } op = Op::none;  // none: conditional create matched
  store::Record record;          // the whole record after the write
  int64_t expected_version = 0;  // update/remove
  std::string reason;            // remove
  std::string resource_type, resource_id;  // the resource the client wrote, for the answer
};

// Plans the write of `w` by `who`. Errors:
//  - Invalid naming the FHIR element ("Patient.birthDate", "Observation.encounter")
//    for a resource the mapping or registry::Validate refuses;
//  - NotFound for a record that does not exist or that `who` may not see (the
//    same answer, so ids cannot be probed), Forbidden for a record written into
//    an org unit outside the caller's;
//  - Conflict naming "If-Match" for a stale version and "If-None-Exist" for a
//    conditional create that matches several records (the server answers 412).
// A DELETE of a part is an update of its record without the part; a POST of a
// part adds it to the record its owner reference names. PUT of an unknown
// record id that is a UUID creates the record with that id.
// `lookup` answers the persons and events the registry validation asks for; a
// Bundle passes one that also sees its earlier entries.
Status PlanWrite(const WriteRequest& w, const auth::Principal& who, store::Store& store, registry::Lookup& lookup,
                 Context& ctx, PlannedWrite* out);

// Records of `registry_type` produce resources of `resource_type` (Kinds()).
bool Produces(const std::string& resource_type, const std::string& registry_type);

// Whether `who` may see stored record `r`: its org unit and, for an event, its
// person's are in the caller's scope (as the JSON API's reads decide).
bool MaySee(store::Store& store, const auth::Principal& who, const store::Record& r);

}  // namespace u5::fhir
