#include "fhir/server.h"

#include <algorithm>

#include "auth/roles.h"
#include "auth/scope.h"
#include "core/json_body.h"
#include "core/log.h"
#include "fhir/server_util.h"
#include "fhir/write.h"
#include "registry/validate.h"
#include "store/store.h"

namespace u5::fhir {

http::Response Search(http::Call& c, const std::shared_ptr<Places>& places);  // search.cpp

bool Served(const std::string& resource_type) {
  return std::any_of(Kinds().begin(), Kinds().end(), [&](const ResourceKind& k) { return k.resource_type == resource_type; });
}

std::string BaseUrl(const http::Call& c) {
  if (c.req.host.empty()) return "/fhir";
  return std::string(c.req.secure ? "https://" : "http://") + c.req.host + "/fhir";
}

const json* Pick(const std::vector<json>& group, const std::string& type, const std::string& id) {
  for (const json& r : group)
    if (r.value("resourceType", "") == type && r.value("id", "") == id) return &r;
  return nullptr;
}

http::Response ResourceReply(int status, const json& resource) {
  http::Response r = http::JsonReply(status, resource);
  r.content_type = "application/fhir+json";
  if (resource.contains("meta") && resource["meta"].contains("versionId"))
    r.headers["ETag"] = "W/\"" + resource["meta"]["versionId"].get<std::string>() + "\"";
  return r;
}

http::Response NotSupported(const std::string& type) {
  return http::JsonReply(404, {{"error", "not_found"},
                               {"message", "resource type " + type + " is not served here (GET /fhir/metadata)"}});
}

namespace {

using http::Call;
using http::Response;

Status Missing(const std::string& type, const std::string& id) { return Status::NotFound(type + "/" + id + " not found"); }

}  // namespace

std::optional<Response> LoadRecord(Call& c, const std::string& type, const std::string& id, store::Record* out) {
  if (!Served(type)) return NotSupported(type);
  const auto rid = ParseId(id);
  if (!rid) return http::ErrorReply(Missing(type, id));
  if (Status st = c.store.Find(rid->record_id, out); !st.ok())
    return http::ErrorReply(st.code() == Code::not_found ? Missing(type, id) : st);
  if (!Produces(type, out->type)) return http::ErrorReply(Missing(type, id));
  if (!MaySee(c.store, c.who, *out)) return http::Refused(c, Missing(type, id), out->type, out->id, out->orgunit_id);
  return std::nullopt;
}

namespace {

// FHIR's answer for a deleted resource.
Response Gone(const std::string& type, const std::string& id) {
  return http::JsonReply(410, {{"error", "gone"}, {"message", type + "/" + id + " was deleted"}});
}

Response Read(Call& c) {
  const std::string &type = c.param(0), &id = c.param(1);
  store::Record rec;
  if (auto refused = LoadRecord(c, type, id, &rec)) return *refused;
  if (rec.deleted_at) return Gone(type, id);
  StoreContext ctx(c.store);
  std::vector<json> group;
  if (Status st = ToFhir(rec, ctx, &group); !st.ok()) return http::ErrorReply(st);
  const json* res = Pick(group, type, id);
  if (!res) return http::ErrorReply(Missing(type, id));
  Response r = ResourceReply(200, *res);
  r.audit = http::AuditNote{.via = "fhir read", .record_type = rec.type, .record_id = rec.id, .orgunit = rec.orgunit_id};
  return r;
}

std::optional<int64_t> WholeNumber(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(s);
}

Response VRead(Call& c) {
  const std::string &type = c.param(0), &id = c.param(1);
  store::Record rec, ver;
  if (auto refused = LoadRecord(c, type, id, &rec)) return *refused;
  const auto v = WholeNumber(c.param(2));
  if (!v) return http::ErrorReply(Status::NotFound(type + "/" + id + " has no version " + c.param(2)));
  if (Status st = c.store.GetVersion(rec.type, rec.id, *v, &ver); !st.ok()) return http::ErrorReply(st);
  // An earlier version may lie in another org unit than the record now.
  if (!MaySee(c.store, c.who, ver)) return http::Refused(c, Missing(type, id), ver.type, ver.id, ver.orgunit_id);
  if (ver.deleted_at) return Gone(type, id);
  StoreContext ctx(c.store);
  std::vector<json> group;
  if (Status st = ToFhir(ver, ctx, &group); !st.ok()) return http::ErrorReply(st);
  const json* res = Pick(group, type, id);
  if (!res) return http::ErrorReply(Status::NotFound(type + "/" + id + " did not exist in version " + c.param(2)));
  Response r = ResourceReply(200, *res);
  r.audit = http::AuditNote{.via = "fhir vread", .record_type = rec.type, .record_id = rec.id, .orgunit = ver.orgunit_id,
                            .detail = {{"version", c.param(2)}}};
  return r;
}

// The versions of one resource, newest first: each state of its record that
// had the resource (POST where it first appears, PUT after), and a DELETE
// where the record was deleted or a later state lost the resource (a part).
Response History(Call& c) {
  const std::string &type = c.param(0), &id = c.param(1);
  store::Record rec;
  if (auto refused = LoadRecord(c, type, id, &rec)) return *refused;
  std::vector<store::Record> versions;
  if (Status st = c.store.Versions(rec.type, rec.id, &versions); !st.ok()) return http::ErrorReply(st);
  // States filed under an org unit the caller may not see are left out.
  std::erase_if(versions, [&](const store::Record& v) { return !MaySee(c.store, c.who, v); });
  StoreContext ctx(c.store);
  std::vector<std::optional<json>> states;  // the resource in each version, if it had it
  for (const store::Record& v : versions) {
    std::vector<json> group;
    if (Status st = ToFhir(v, ctx, &group); !st.ok()) return http::ErrorReply(st);
    const json* res = Pick(group, type, id);
    states.push_back(res ? std::optional<json>(*res) : std::nullopt);
  }
  const std::string url = BaseUrl(c) + "/" + type + "/" + id;
  json entries = json::array();
  for (size_t i = 0; i < versions.size(); ++i) {
    const store::Record& v = versions[i];
    const bool earlier = i + 1 < versions.size() && states[i + 1].has_value();  // the version before had it
    json response = {{"etag", "W/\"" + std::to_string(v.version) + "\""}, {"lastModified", v.updated_at}};
    if (!states[i]) {
      if (!earlier) continue;
      response["status"] = "204";
      entries.push_back({{"fullUrl", url}, {"request", {{"method", "DELETE"}, {"url", type + "/" + id}}}, {"response", response}});
      continue;
    }
    response["status"] = earlier ? "200" : "201";
    entries.push_back({{"fullUrl", url},
                       {"resource", std::move(*states[i])},
                       {"request", {{"method", earlier ? "PUT" : "POST"}, {"url", earlier ? type + "/" + id : type}}},
                       {"response", response}});
  }
  json bundle = {{"resourceType", "Bundle"}, {"type", "history"}, {"total", entries.size()},
                 {"link", json::array({{{"relation", "self"}, {"url", url + "/_history"}}})}};
  if (!entries.empty()) bundle["entry"] = std::move(entries);
  Response r = http::JsonReply(200, bundle);
  r.content_type = "application/fhir+json";
  r.audit = http::AuditNote{.via = "fhir history", .record_type = rec.type, .record_id = rec.id, .orgunit = rec.orgunit_id};
  return r;
}

// If-Match as FHIR clients send it: W/"3" (or "3", or 3).
Status ParseIfMatch(const std::string& header, std::optional<int64_t>* out) {
  std::string v = header;
  if (v.empty()) return Status::Ok();
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  *out = WholeNumber(v);
  if (!*out) return Status::BadRequest("If-Match must be a version, W/\"<versionId>\"", "If-Match");
  return Status::Ok();
}

// The answer for a write PlanWrite or the store refused: a stale version or
// an ambiguous conditional create is FHIR's 412; a record out of the caller's
// scope is a refusal, audited, answered as an unknown one.
Response WriteFailed(Call& c, const WriteRequest& w, const Status& st) {
  if (st.code() == Code::conflict &&
      (st.field() == "If-Match" || st.field() == "If-None-Exist" || st.field() == "version"))
    return http::JsonReply(412, {{"error", "precondition_failed"}, {"message", st.message()}, {"field", st.field()}});
  if (st.code() == Code::forbidden) return http::Refused(c, st, "", w.id, "");
  if (st.code() == Code::not_found && !w.id.empty()) {
    store::Record r;
    if (auto rid = ParseId(w.id); rid && c.store.Find(rid->record_id, &r).ok())
      return http::Refused(c, st, r.type, r.id, r.orgunit_id);
  }
  return http::ErrorReply(st);
}

Response Write(Call& c, WriteRequest w) {
  w.resource_type = c.param(0);
  if (!Served(w.resource_type)) return NotSupported(w.resource_type);
  if (w.method != "DELETE")
    if (Status st = ParseJsonObject(c.req.body, &w.resource); !st.ok()) return http::ErrorReply(st);
  if (Status st = ParseIfMatch(c.req.if_match, &w.if_match); !st.ok()) return http::ErrorReply(st);
  registry::StoreLookup lookup(c.store);
  StoreContext ctx(c.store);
  PlannedWrite plan;
  if (Status st = PlanWrite(w, c.who, c.store, lookup, ctx, &plan); !st.ok()) return WriteFailed(c, w, st);
  std::vector<json> group;
  if (plan.op == PlannedWrite::Op::none) {
    // The conditional create found the resource: answered as a read of it.
    if (Status st = ToFhir(plan.record, ctx, &group); !st.ok()) return http::ErrorReply(st);
    const json* res = Pick(group, plan.resource_type, plan.resource_id);
    if (!res) return http::ErrorReply(Status::Internal("the matched record has no " + plan.resource_type));
    Response r = ResourceReply(200, *res);
    r.audit = http::AuditNote{.via = "fhir conditional create", .record_type = plan.record.type,
                              .record_id = plan.record.id, .orgunit = plan.record.orgunit_id};
    return r;
  }
  const char* action = plan.op == PlannedWrite::Op::insert ? "create" : plan.op == PlannedWrite::Op::update ? "update" : "delete";
  store::Write write{.op = plan.op == PlannedWrite::Op::insert   ? store::Write::Op::insert
                           : plan.op == PlannedWrite::Op::update ? store::Write::Op::update
                                                                 : store::Write::Op::remove,
                     .record = plan.record,
                     .expected_version = plan.expected_version,
                     .reason = plan.reason,
                     .audit = c.Stamp(action)};
  std::vector<store::Record> stored;
  if (Status st = c.store.Apply({write}, &stored); !st.ok()) return WriteFailed(c, w, st);
  log::Info("fhir_write", {{"action", action}, {"type", plan.resource_type}, {"id", plan.resource_id}, {"user", c.who.username}});
  const store::Record& rec = stored.front();
  if (w.method == "DELETE") {
    Response r = http::JsonReply(200, {{"resourceType", "OperationOutcome"},
                                       {"issue", json::array({{{"severity", "information"}, {"code", "informational"},
                                                               {"diagnostics", plan.resource_type + "/" + plan.resource_id + " deleted"}}})}});
    r.content_type = "application/fhir+json";
    return r;
  }
  if (Status st = ToFhir(rec, ctx, &group); !st.ok()) return http::ErrorReply(st);
  const json* res = Pick(group, plan.resource_type, plan.resource_id);
  if (!res) return http::ErrorReply(Status::Internal("the written record has no " + plan.resource_type + "/" + plan.resource_id));
  // A new resource is created (201) whether its record is new or gains a part.
  const bool created = w.method == "POST" || plan.op == PlannedWrite::Op::insert;
  Response r = ResourceReply(created ? 201 : 200, *res);
  r.headers["Location"] = BaseUrl(c) + "/" + plan.resource_type + "/" + plan.resource_id + "/_history/" + std::to_string(rec.version);
  return r;
}

// The handbook as FHIR: the person, every resource of their records and, for
// a mother, her children's (those the caller may see), in one answer and
// one audit entry naming them all.
Response Everything(Call& c, const std::shared_ptr<Places>& places) {
  const std::string& id = c.param(0);
  store::Record person;
  std::vector<store::Record> events;
  if (auto refused = LoadRecord(c, "Patient", id, &person)) return *refused;
  if (!person.is_person()) return http::ErrorReply(Missing("Patient", id));
  if (Status st = c.store.Handbook(person.id, &person, &events, nullptr); !st.ok())
    return st.code() == Code::not_found ? Gone("Patient", id) : http::ErrorReply(st);
  std::vector<store::Record> kids;
  if (Status st = c.store.Children({person.id}, &kids); !st.ok()) return http::ErrorReply(st);
  // The Bundle is spliced from the resources' text (ToFhirText): a family's
  // handbook runs to hundreds of resources.
  StoreContext ctx(c.store, places);
  const std::string base = BaseUrl(c);
  std::string body;
  size_t total = 0;
  std::vector<ResourceText> group;
  auto add = [&](const store::Record& r) -> Status {
    U5_RETURN_IF_ERROR(ToFhirText(r, ctx, &group));
    for (const ResourceText& res : group) {
      body += total++ ? ",{\"fullUrl\":\"" : "{\"fullUrl\":\"";
      body += base + "/" + res.type + "/" + res.id;  // ids and types need no escaping (ParseId, Kinds)
      body += "\",\"resource\":";
      body += res.text;
      body += ",\"search\":{\"mode\":\"match\"}}";
    }
    return Status::Ok();
  };
  auto add_book = [&](const store::Record& p, const std::vector<store::Record>& evs) -> Status {
    U5_RETURN_IF_ERROR(add(p));
    for (const store::Record& e : evs) U5_RETURN_IF_ERROR(add(e));
    return Status::Ok();
  };
  body.reserve(2048 * (1 + events.size()));
  if (Status st = add_book(person, events); !st.ok()) return http::ErrorReply(st);
  std::string child_ids;
  for (const store::Record& k : kids) {
    if (!auth::CanSee(c.store, c.who, k.orgunit_id)) continue;
    store::Record child;
    std::vector<store::Record> child_events;
    if (Status st = c.store.Handbook(k.id, &child, &child_events, nullptr); !st.ok()) return http::ErrorReply(st);
    if (Status st = add_book(child, child_events); !st.ok()) return http::ErrorReply(st);
    child_ids += (child_ids.empty() ? "" : ",") + k.id;
  }
  const json head = {{"resourceType", "Bundle"}, {"type", "searchset"}, {"total", total},
                     {"link", json::array({{{"relation", "self"}, {"url", base + "/Patient/" + id + "/$everything"}}})}};
  Response r;
  r.body = head.dump();
  r.body.pop_back();  // the closing brace: the entries follow
  if (total) r.body += ",\"entry\":[" + body + "]";
  r.body += "}";
  r.content_type = "application/fhir+json";
  http::AuditNote note{.via = "fhir $everything", .record_type = "person", .record_id = person.id, .orgunit = person.orgunit_id};
  if (!child_ids.empty()) note.detail.emplace_back("children", child_ids);
  r.audit = std::move(note);
  return r;
}

}  // namespace

http::Routes Routes() {
  using A = http::Audit;
  auto places = NewPlaces();  // shared by the routes' answers
  using auth::kPersonRead;
  using auth::kPersonWrite;
  auto write = [](const char* method) {
    return [method](Call& c) {
      WriteRequest w;
      w.method = method;
      if (c.params.size() > 1) w.id = c.param(1);
      w.if_none_exist = c.req.if_none_exist;
      w.reason = c.query("reason");
      return Write(c, std::move(w));
    };
  };
  return {
      {"GET", "/fhir/{type}", kPersonRead, A::person_read, [places](Call& c) { return Search(c, places); }, false, true},
      {"POST", "/fhir/{type}", kPersonWrite, A::write, write("POST")},
      {"GET", "/fhir/{type}/{id}", kPersonRead, A::person_read, Read},
      {"PUT", "/fhir/{type}/{id}", kPersonWrite, A::write, write("PUT")},
      {"DELETE", "/fhir/{type}/{id}", kPersonWrite, A::write, write("DELETE")},
      {"GET", "/fhir/{type}/{id}/_history", kPersonRead, A::person_read, History},
      {"GET", "/fhir/{type}/{id}/_history/{vid}", kPersonRead, A::person_read, VRead},
      {"GET", "/fhir/Patient/{id}/$everything", kPersonRead, A::person_read, [places](Call& c) { return Everything(c, places); }},
  };
}

}  // namespace u5::fhir
