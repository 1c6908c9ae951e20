#include "fhir/write.h"

#include <algorithm>

#include "auth/scope.h"
#include "core/date.h"
#include "core/text.h"
#include "fhir/elements.h"
#include "registry/schema.h"

namespace u5::fhir {
namespace {

// The answer for a record that does not exist and for one the caller may not see.
Status Missing(const std::string& type, const std::string& id) {
  return Status::NotFound(type + "/" + id + " not found", type + ".id");
}

// The stored record `record_id` when it exists and the caller may see it.
// `found` tells a missing record (false, Ok) from one out of scope (NotFound).
Status LoadVisible(store::Store& store, const auth::Principal& who, const std::string& resource_type,
                   const std::string& resource_id, const std::string& record_id, store::Record* out, bool* found) {
  *found = false;
  Status st = store.Find(record_id, out);
  if (st.code() == Code::not_found) return Status::Ok();
  U5_RETURN_IF_ERROR(st);
  if (!MaySee(store, who, *out) || !registry::ReadPermission(out->type).empty())
    return Missing(resource_type, resource_id);
  *found = true;
  return Status::Ok();
}

// The record a conditional create's `identifier=system|value` names, if any
// the caller may see: by record id, or a Patient by citizen id. Several
// matches are a Conflict naming If-None-Exist.
Status MatchIdentifier(const WriteRequest& w, const auth::Principal& who, store::Store& store,
                       std::optional<store::Record>* match) {
  const std::string& q = w.if_none_exist;
  const std::string prefix = "identifier=";
  const size_t bar = q.find('|');
  if (q.rfind(prefix, 0) != 0 || bar == std::string::npos || bar + 1 == q.size())
    return Status::Invalid("If-None-Exist", "If-None-Exist must be identifier=<system>|<value>");
  const std::string system = q.substr(prefix.size(), bar - prefix.size());
  const std::string value = q.substr(bar + 1);
  std::vector<store::Record> found;
  if (system == kRecordIdSystem) {
    store::Record r;
    if (store.Find(value, &r).ok() && !r.deleted_at && Produces(w.resource_type, r.type)) found.push_back(r);
  } else if (system == kCitizenIdSystem && w.resource_type == "Patient") {
    store::SearchQuery sq;
    sq.citizen_id = value;
    sq.limit = 2;
    U5_RETURN_IF_ERROR(store.SearchPersons(sq, &found));
  } else {
    return Status::Invalid("If-None-Exist", "If-None-Exist: " + w.resource_type + " is not searched by identifier system " + system);
  }
  // Matches the caller may not see are left out: the create then goes on and
  // meets the same checks as any other (nothing about them is disclosed).
  std::erase_if(found, [&](const store::Record& r) { return !MaySee(store, who, r); });
  if (found.size() > 1)
    return Status::Conflict("If-None-Exist: " + std::to_string(found.size()) + " records match " + q, "If-None-Exist");
  if (found.size() == 1) *match = found.front();
  return Status::Ok();
}

// Validation errors name registry fields; the client wrote FHIR elements.
Status ToElement(const std::string& registry_type, const Status& st) {
  if (st.code() != Code::invalid || st.field().empty()) return st;
  const std::string element = ElementOf(registry_type, st.field());
  if (element == st.field()) return st;
  return Status::Invalid(element, element + ": " + st.message());
}

bool SameId(const json& res, const std::string& id) {
  return res.is_object() && res.contains("id") && res["id"].is_string() && res["id"].get<std::string>() == id;
}

}  // namespace

bool Produces(const std::string& resource_type, const std::string& registry_type) {
  for (const ResourceKind& k : Kinds())
    if (k.resource_type == resource_type)
      return std::find(k.registry_types.begin(), k.registry_types.end(), registry_type) != k.registry_types.end();
  return false;
}

bool MaySee(store::Store& store, const auth::Principal& who, const store::Record& r) {
  if (!auth::CanSee(store, who, r.orgunit_id)) return false;
  if (r.is_person()) return true;
  store::Record p;
  return !store.Get("person", r.person_id, &p).ok() || auth::CanSee(store, who, p.orgunit_id);
}

Status PlanWrite(const WriteRequest& w, const auth::Principal& who, store::Store& store, registry::Lookup& lookup,
                 Context& ctx, PlannedWrite* out) {
  *out = PlannedWrite{};
  const std::string& type = w.resource_type;
  out->resource_type = type;
  if (std::none_of(Kinds().begin(), Kinds().end(), [&](const ResourceKind& k) { return k.resource_type == type; }))
    return Status::NotFound("resource type " + type + " is not served here (GET /fhir/metadata)", "resourceType");
  const bool del = w.method == "DELETE";
  if (!del) {
    if (!w.resource.is_object()) return Status::Invalid(type, "the body must be a " + type + " resource");
    if (w.resource.value("resourceType", "") != type)
      return Status::Invalid(type + ".resourceType", "resourceType must be " + type + " at this URL");
  }
  if (w.method != "POST" && w.method != "PUT" && !del) return Status::BadRequest("method " + w.method + " writes nothing");
  if (del && (w.reason.empty() || !text::IsValidUtf8(w.reason)))
    return Status::Invalid("reason", "reason for deletion is required (?reason=)");

  // Which record the resource belongs to, and whether it is its primary resource.
  std::optional<ResourceId> rid;
  if (w.method == "POST") {
    if (auto owner = OwnerOf(w.resource)) {
      const size_t slash = owner->find('/');
      rid = ParseId(slash == std::string::npos ? "" : owner->substr(slash + 1));
      if (!rid || !rid->part.empty())
        return Status::Invalid(type + (type == "RelatedPerson" ? ".patient" : ".encounter"),
                               "the reference must name the resource of a stored record");
      rid->part = "+";  // a new part of that record
    }
  } else {
    rid = ParseId(w.id);
    if (!rid) {
      if (del) return Missing(type, w.id);
      return Status::Invalid(type + ".id", "id must be a record's id (a UUID), with '-<part>' for a part");
    }
    if (!del && !SameId(w.resource, w.id)) return Status::Invalid(type + ".id", "id must equal the id in the URL");
  }

  // The stored record, when there is one.
  store::Record cur;
  bool exists = false;
  if (rid) U5_RETURN_IF_ERROR(LoadVisible(store, who, type, w.method == "POST" ? rid->record_id : w.id, rid->record_id, &cur, &exists));
  if (exists && cur.deleted_at) {
    if (w.method == "PUT" && rid->part.empty())
      return Status::Conflict(type + "/" + w.id + " was deleted; its id is not used again", type + ".id");
    return Missing(type, rid->part.empty() ? rid->record_id : w.id);
  }
  if (!exists && rid && (del || !rid->part.empty())) {
    if (w.method == "POST") return Status::Invalid(type + (type == "RelatedPerson" ? ".patient" : ".encounter"), "the reference names no stored record");
    return Missing(type, w.id);
  }

  if (w.method == "POST" && !w.if_none_exist.empty()) {
    std::optional<store::Record> match;
    U5_RETURN_IF_ERROR(MatchIdentifier(w, who, store, &match));
    if (match) {
      out->op = PlannedWrite::Op::none;
      out->record = *match;
      out->resource_id = match->id;
      return Status::Ok();
    }
  }

  // The group of resources the record becomes: the stored ones, with the
  // written resource replacing the one of the same id (or removed, or added).
  std::vector<json> group;
  if (exists) U5_RETURN_IF_ERROR(ToFhir(cur, ctx, &group));
  if (exists && group.empty()) return Missing(type, w.method == "POST" ? rid->record_id : w.id);  // a type not exchanged
  if (exists && w.if_match && *w.if_match != cur.version)
    return Status::Conflict(type + "/" + (w.id.empty() ? cur.id : w.id) + " is at version " + std::to_string(cur.version) +
                                ", not " + std::to_string(*w.if_match),
                            "If-Match");
  if (del && rid->part.empty()) {
    out->op = PlannedWrite::Op::remove;
    out->record = cur;
    out->expected_version = cur.version;
    out->reason = text::Nfc(w.reason);
    out->resource_id = w.id;
    return Status::Ok();
  }
  if (!rid || (rid->part.empty() && !exists)) {
    // A new record: the written resource alone. Its id, for a PUT, is the
    // record's; a POST's is the server's to give (FHIR create).
    group = {w.resource};
    if (w.method == "POST") group.front().erase("id");
    out->resource_id = w.method == "PUT" ? w.id : "";
  } else if (rid->part.empty()) {
    group.front() = w.resource;
    out->resource_id = w.id;
  } else if (rid->part == "+") {
    json part = w.resource;
    part.erase("id");
    group.push_back(std::move(part));
  } else {
    auto it = std::find_if(group.begin() + 1, group.end(), [&](const json& r) { return SameId(r, w.id); });
    if (del) {
      if (it == group.end()) return Missing(type, w.id);
      group.erase(it);
    } else if (it != group.end()) {
      *it = w.resource;
    } else {
      group.push_back(w.resource);
    }
    out->resource_id = w.id;
  }

  Inbound in;
  const std::vector<json> parts(group.begin() + 1, group.end());
  U5_RETURN_IF_ERROR(FromFhir(group.front(), parts, ctx, &in));
  if (exists && in.registry_type != cur.type)
    return Status::Invalid(group.front().value("resourceType", type) + ".code",
                           "a " + cur.type + " record cannot become a " + in.registry_type);
  if (exists || (rid && rid->part.empty())) in.body["id"] = rid->record_id;
  std::vector<Status> errors;
  store::Record rec;
  if (Status st = registry::Validate(in.registry_type, in.body, lookup, Today(), &rec, &errors); !st.ok())
    return ToElement(in.registry_type, st);
  if (exists && !cur.is_person() && rec.person_id != cur.person_id)
    return Status::Invalid(ElementOf(in.registry_type, "person_id"), "the person of a record cannot change");
  if (!auth::CanSee(store, who, rec.orgunit_id))
    return Status::Forbidden("org unit " + rec.orgunit_id + " is outside your org units",
                             ElementOf(in.registry_type, "orgunit"));
  if (!rec.is_person()) {
    store::Record person;
    // The registry's answer for an unknown person, so persons of other communes cannot be probed.
    if (!store.Get("person", rec.person_id, &person).ok() || !auth::CanSee(store, who, person.orgunit_id))
      return Status::Invalid(ElementOf(in.registry_type, "person_id"),
                             ElementOf(in.registry_type, "person_id") + ": no person with id " + rec.person_id);
  }
  if (exists) {
    out->op = PlannedWrite::Op::update;
    out->expected_version = cur.version;
    rec.version = cur.version;
    rec.created_at = cur.created_at;
  } else {
    out->op = PlannedWrite::Op::insert;
    rec.version = 1;
    rec.created_at = rec.updated_at = NowIso();
  }
  out->record = std::move(rec);
  if (del) return Status::Ok();
  // The written resource as the record now gives it: a created primary
  // resource takes its record's id, a created part the first id of its type
  // the stored record did not have; a PUT of a part the record cannot have
  // (an unknown suffix) is refused here rather than stored without it.
  std::vector<ResourceText> after;
  U5_RETURN_IF_ERROR(ToFhirText(out->record, ctx, &after));
  if (!rid) {
    out->resource_id = out->record.id;
  } else if (rid->part == "+") {
    for (const ResourceText& r : after)
      if (r.type == type && std::none_of(group.begin(), group.end() - 1, [&](const json& g) { return SameId(g, r.id); })) {
        out->resource_id = r.id;
        break;
      }
    if (out->resource_id.empty()) return Status::Invalid(type, "the " + type + " adds nothing to its record");
  } else if (std::none_of(after.begin(), after.end(), [&](const ResourceText& r) {
               return r.type == type && r.id == out->resource_id;
             })) {
    return Status::Invalid(type + ".id", type + "/" + out->resource_id + " is not a resource its record has (docs/fhir.md)");
  }
  return Status::Ok();
}

}  // namespace u5::fhir
