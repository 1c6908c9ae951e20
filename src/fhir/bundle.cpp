#include "fhir/bundle.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_set>
#include <unordered_map>

#include "auth/roles.h"
#include "auth/scope.h"
#include "core/date.h"
#include "core/id.h"
#include "fhir/mapping.h"
#include "fhir/write.h"
#include "registry/validate.h"

namespace u5::fhir {
namespace {

bool IsResourceType(std::string_view t) {
  if (t.empty() || t.size() > 64 || t[0] < 'A' || t[0] > 'Z') return false;
  return std::all_of(t.begin(), t.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); });
}

// W/"3", "3" or 3 → 3.
std::optional<int64_t> ParseVersionTag(std::string v) {
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(v);
}

// %XX and '+' of a query value; false for a malformed escape.
bool PercentDecode(const std::string& in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      *out += ' ';
    } else if (in[i] != '%') {
      *out += in[i];
    } else {
      if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) || !std::isxdigit(static_cast<unsigned char>(in[i + 2])))
        return false;
      *out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    }
  }
  return true;
}

const json* StringAt(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? &*it : nullptr;
}

Status ParseEntry(json& e, size_t i, BundleEntry* out) {
  out->index = i;
  if (!e.is_object()) return Status::Invalid(EntryPath(i, ""), "a Bundle entry must be an object");
  for (auto it = e.begin(); it != e.end(); ++it)
    if (it.key() != "fullUrl" && it.key() != "resource" && it.key() != "request")
      return Status::Invalid(EntryPath(i, it.key()), EntryPath(i, it.key()) + ": element not supported in a transaction or batch entry");
  if (e.contains("fullUrl")) {
    const json* f = StringAt(e, "fullUrl");
    if (!f || f->get_ref<const std::string&>().empty()) return Status::Invalid(EntryPath(i, "fullUrl"), "fullUrl must be a non-empty string");
    out->full_url = *f;
  }
  auto req = e.find("request");
  if (req == e.end() || !req->is_object()) return Status::Invalid(EntryPath(i, "request"), "every entry of a transaction or batch needs its request");
  for (auto it = req->begin(); it != req->end(); ++it)
    if (it.key() != "method" && it.key() != "url" && it.key() != "ifMatch" && it.key() != "ifNoneExist")
      return Status::Invalid(EntryPath(i, "request." + it.key()), EntryPath(i, "request." + it.key()) + ": not supported");
  const json* method = StringAt(*req, "method");
  if (!method) return Status::Invalid(EntryPath(i, "request.method"), "request.method is required");
  out->method = *method;
  if (out->method == "PATCH" || out->method == "HEAD")
    return Status::Invalid(EntryPath(i, "request.method"), out->method + " is not supported (docs/fhir.md)");
  if (out->method != "GET" && out->method != "POST" && out->method != "PUT" && out->method != "DELETE")
    return Status::Invalid(EntryPath(i, "request.method"), "request.method must be GET, POST, PUT or DELETE");
  const json* url = StringAt(*req, "url");
  if (!url) return Status::Invalid(EntryPath(i, "request.url"), "request.url is required");
  std::string u = url->get_ref<const std::string&>();
  if (const size_t q = u.find('?'); q != std::string::npos) {
    // A deletion says why, as through the JSON API: DELETE Type/id?reason=...
    if (out->method != "DELETE" || u.compare(q, 8, "?reason=") != 0 || !PercentDecode(u.substr(q + 8), &out->delete_reason))
      return Status::Invalid(EntryPath(i, "request.url"), "request.url: searches and conditional URLs are not supported in a Bundle");
    u.resize(q);
  }
  const size_t slash = u.find('/');
  out->resource_type = u.substr(0, slash);
  if (slash != std::string::npos) out->id = u.substr(slash + 1);
  if (!IsResourceType(out->resource_type) || out->id.find('/') != std::string::npos)
    return Status::Invalid(EntryPath(i, "request.url"), "request.url must be \"Type\" or \"Type/id\"");
  const bool with_id = out->method != "POST";
  if (with_id == out->id.empty())
    return Status::Invalid(EntryPath(i, "request.url"),
                           with_id ? "request.url of a " + out->method + " must be \"" + out->resource_type + "/<id>\""
                                   : "request.url of a POST names the type only (\"" + out->resource_type + "\")");
  if (with_id && !ParseId(out->id)) return Status::Invalid(EntryPath(i, "request.url"), "request.url: " + out->id + " is not an under5 resource id");
  if (req->contains("ifMatch")) {
    const json* m = StringAt(*req, "ifMatch");
    if (!m || !(out->if_match = ParseVersionTag(*m)))
      return Status::Invalid(EntryPath(i, "request.ifMatch"), "request.ifMatch must be a version tag such as W/\"3\"");
  }
  if (req->contains("ifNoneExist")) {
    const json* n = StringAt(*req, "ifNoneExist");
    if (!n || n->get_ref<const std::string&>().empty() || out->method != "POST")
      return Status::Invalid(EntryPath(i, "request.ifNoneExist"), "request.ifNoneExist is a non-empty query, for a POST");
    out->if_none_exist = *n;
  }
  const bool with_body = out->method == "POST" || out->method == "PUT";
  auto res = e.find("resource");
  if (!with_body) {
    if (res != e.end()) return Status::Invalid(EntryPath(i, "resource"), "a " + out->method + " entry carries no resource");
    return Status::Ok();
  }
  if (res == e.end() || !res->is_object()) return Status::Invalid(EntryPath(i, "resource"), "a " + out->method + " entry needs its resource");
  const json* type = StringAt(*res, "resourceType");
  if (!type || *type != out->resource_type)
    return Status::Invalid(EntryPath(i, "resource.resourceType"), "resource.resourceType must be " + out->resource_type + ", as request.url says");
  if (out->method == "PUT") {
    const json* id = StringAt(*res, "id");
    if (!id || *id != out->id) return Status::Invalid(EntryPath(i, "resource.id"), "resource.id must be " + out->id + ", as request.url says");
  }
  out->resource = std::move(*res);
  // A POST creates: an id the client sent is replaced (FHIR http.html#create).
  if (out->method == "POST") out->resource.erase("id");
  return Status::Ok();
}

// An element of an entry's resource as FHIRPath from the Bundle: the write
// path names it from its resource type ("Patient.birthDate"), which under
// `resource` is implied ("Bundle.entry[1].resource.birthDate").
std::string ResourceElement(const std::string& element) {
  size_t i = 0;
  while (i < element.size() && std::isalpha(static_cast<unsigned char>(element[i]))) ++i;
  const bool typed = !element.empty() && std::isupper(static_cast<unsigned char>(element[0]));
  if (typed && i == element.size()) return "resource";
  if (typed && element[i] == '.') return "resource." + element.substr(i + 1);
  return "resource." + element;
}

// Calls fn(reference string, element path) on every Reference.reference in `j`;
// `path` is the FHIRPath of `j` ("Observation.encounter"), grown and cut back
// in place as the walk descends (a Bundle file has millions of elements).
// Stops at the first error.
Status ForEachReference(json& j, std::string& path, const std::function<Status(json&, const std::string&)>& fn) {
  if (j.is_array()) {
    for (json& v : j)
      if (Status st = ForEachReference(v, path, fn); !st.ok()) return st;
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!it->is_structured()) {
        if (it.key() == "reference" && it->is_string())
          if (Status st = fn(*it, path); !st.ok()) return st;
        continue;
      }
      const size_t len = path.size();
      path += '.';
      path += it.key();
      Status st = ForEachReference(*it, path, fn);
      path.resize(len);
      if (!st.ok()) return st;
    }
  }
  return Status::Ok();
}

std::string RecordOf(const std::string& resource_id) {
  auto p = ParseId(resource_id);
  return p ? p->record_id : std::string();
}

// The record a part belongs to, from its owner reference ("Encounter/<id>").
std::string OwnerRecord(const json& resource) {
  auto owner = OwnerOf(resource);
  if (!owner) return {};
  const size_t slash = owner->find('/');
  return slash == std::string::npos ? std::string() : RecordOf(owner->substr(slash + 1));
}

int MethodRank(const std::string& m) {
  if (m == "DELETE") return 0;
  if (m == "POST") return 1;
  if (m == "PUT") return 2;
  return 3;
}

}  // namespace

std::string EntryPath(size_t index, const std::string& rest) {
  return "Bundle.entry[" + std::to_string(index) + "]" + (rest.empty() ? "" : "." + rest);
}

Status ParseBundle(json&& bundle, ParsedBundle* out) {
  out->entries.clear();
  if (!bundle.is_object() || bundle.value("resourceType", json()) != "Bundle")
    return Status::Invalid("Bundle.resourceType", "the body must be a Bundle");
  const json* type = StringAt(bundle, "type");
  if (!type || (*type != "transaction" && *type != "batch"))
    return Status::Invalid("Bundle.type", "Bundle.type must be transaction or batch");
  out->type = *type;
  for (auto it = bundle.begin(); it != bundle.end(); ++it)
    if (it.key() != "resourceType" && it.key() != "type" && it.key() != "entry" && it.key() != "id" && it.key() != "meta")
      return Status::Invalid("Bundle." + it.key(), "Bundle." + it.key() + ": element not supported in a transaction or batch");
  auto entries = bundle.find("entry");
  if (entries == bundle.end()) return Status::Ok();
  if (!entries->is_array()) return Status::Invalid("Bundle.entry", "Bundle.entry must be an array");
  out->entries.resize(entries->size());
  for (size_t i = 0; i < entries->size(); ++i)
    if (Status st = ParseEntry((*entries)[i], i, &out->entries[i]); !st.ok()) return st;
  return Status::Ok();
}

Status ResolveReferences(ParsedBundle* b, const std::function<std::string()>& new_id) {
  for (BundleEntry& e : b->entries) {
    e.part = e.method != "GET" && e.method != "DELETE" && OwnerOf(e.resource).has_value();
    if (e.method == "POST" && !e.part) {
      e.id = new_id();
      e.resource["id"] = e.id;
    }
  }
  // fullUrl → "Type/id"; "" for a POSTed part, whose id its mapper chooses.
  std::unordered_map<std::string, std::pair<std::string, size_t>> targets;
  for (const BundleEntry& e : b->entries) {
    if (e.full_url.empty()) continue;
    auto [it, fresh] = targets.emplace(e.full_url, std::pair{e.id.empty() ? "" : e.resource_type + "/" + e.id, e.index});
    if (!fresh)
      return Status::Invalid(EntryPath(e.index, "fullUrl"), "fullUrl " + e.full_url + " is also entry " + std::to_string(it->second.second) + "'s");
  }
  for (BundleEntry& e : b->entries) {
    if (!e.resource.is_object()) continue;
    std::string root = e.resource_type;
    Status st = ForEachReference(e.resource, root, [&](json& ref, const std::string& path) {
      const std::string& r = ref.get_ref<const std::string&>();
      auto it = targets.find(r);
      if (it == targets.end()) {
        if (r.rfind("urn:uuid:", 0) == 0) return Status::Invalid(EntryPath(e.index, ResourceElement(path)), r + " is no entry's fullUrl in this Bundle");
        return Status::Ok();
      }
      if (it->second.first.empty())
        return Status::Invalid(EntryPath(e.index, ResourceElement(path)),
                               r + " is a POSTed part (entry " + std::to_string(it->second.second) + "): refer to its record's primary resource");
      ref = it->second.first;
      return Status::Ok();
    });
    if (!st.ok()) return st;
  }
  for (BundleEntry& e : b->entries) e.record_id = e.part ? OwnerRecord(e.resource) : RecordOf(e.id);
  return Status::Ok();
}

void Redirect(ParsedBundle* b, size_t i, const std::string& existing_id) {
  BundleEntry& target = b->entries[i];
  const std::string from = target.resource_type + "/" + target.id, to = target.resource_type + "/" + existing_id;
  const std::string old_record = target.record_id;
  target.id = existing_id;
  target.resource["id"] = existing_id;
  target.record_id = RecordOf(existing_id);
  for (BundleEntry& e : b->entries) {
    if (!e.resource.is_object()) continue;
    std::string root = e.resource_type;
    ForEachReference(e.resource, root, [&](json& ref, const std::string&) {
      if (ref == from) ref = to;
      return Status::Ok();
    });
    if (e.part && e.record_id == old_record) e.record_id = target.record_id;
  }
}

std::vector<size_t> ProcessingOrder(const ParsedBundle& b) {
  std::vector<size_t> order(b.entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return MethodRank(b.entries[x].method) < MethodRank(b.entries[y].method); });
  return order;
}

std::vector<RecordGroup> GroupByRecord(const ParsedBundle& b) {
  std::vector<RecordGroup> groups;
  std::map<std::string, size_t> by_record;
  for (size_t i : ProcessingOrder(b)) {
    const BundleEntry& e = b.entries[i];
    if (e.method == "GET") continue;
    // An entry whose record is unknown (a part without a valid owner) is
    // planned alone, so the write path names what is missing.
    if (e.record_id.empty()) {
      groups.push_back({"", {i}});
      continue;
    }
    auto [it, fresh] = by_record.emplace(e.record_id, groups.size());
    if (fresh) groups.push_back({e.record_id, {}});
    groups[it->second].entries.push_back(i);
  }
  return groups;
}

namespace {

// The store as a Bundle's later entries must see it: the records its earlier
// entries planned, over the stored ones. Planning only reads; a write through
// this view is refused.
class PlannedView : public store::Store {
 public:
  explicit PlannedView(store::Store& base) : base_(base) {}

  void Put(const store::Record& r, bool inserted) {
    if (inserted) inserted_.insert(r.id);
    if (!r.is_person()) {
      events_of_[r.person_id].insert(r.id);
      // Read once here: validation asks for a person's events at each of her records.
      facts_[r.id] = registry::FactsOfEvent(r);
    }
    planned_[r.id] = r;
  }
  const registry::EventFacts& Facts(const std::string& event_id) const { return facts_.at(event_id); }
  const store::Record* Planned(const std::string& id) const {
    auto it = planned_.find(id);
    return it == planned_.end() ? nullptr : &it->second;
  }
  bool Inserted(const std::string& id) const { return inserted_.count(id) > 0; }
  const std::set<std::string>& EventsOf(const std::string& person_id) const {
    static const std::set<std::string> kNone;
    auto it = events_of_.find(person_id);
    return it == events_of_.end() ? kNone : it->second;
  }

  Status Get(const std::string& type, const std::string& id, store::Record* out) override {
    if (const store::Record* r = Planned(id); r && r->type == type) return *out = *r, Status::Ok();
    return base_.Get(type, id, out);
  }
  Status Find(const std::string& id, store::Record* out) override {
    if (const store::Record* r = Planned(id)) return *out = *r, Status::Ok();
    return base_.Find(id, out);
  }

  void Subscribe(store::ChangeListener) override {}
  void AddWriteGuard(store::WriteGuard) override {}
  store::Aggregates& aggregates() override { return base_.aggregates(); }
  store::Targets& targets() override { return base_.targets(); }
  store::Signoffs& signoffs() override { return base_.signoffs(); }
  store::CareAcks& care_acks() override { return base_.care_acks(); }
  store::Emergencies& emergencies() override { return base_.emergencies(); }
  store::OrgUnitWriter& orgunit_writer() override { return base_.orgunit_writer(); }
  store::Publications& publications() override { return base_.publications(); }
  Status Insert(const store::Record&, const audit::Entry*) override { return ReadOnly(); }
  Status InsertBatch(const std::vector<store::Record>&) override { return ReadOnly(); }
  Status OpenBulk(std::unique_ptr<store::BulkWriter>*) override { return ReadOnly(); }
  void ReleaseConnection() override {}
  Status Update(store::Record&, int64_t, const audit::Entry*) override { return ReadOnly(); }
  Status SoftDelete(const std::string&, const std::string&, int64_t, const std::string&, store::Record*,
                    const audit::Entry*) override {
    return ReadOnly();
  }
  Status Apply(const std::vector<store::Write>&, std::vector<store::Record>*) override { return ReadOnly(); }
  Status ChangeHead(store::ChangeLogHead* out) override { return base_.ChangeHead(out); }
  Status ChangedSince(int64_t seq, store::ChangesAfter* out) override { return base_.ChangedSince(seq, out); }
  Status TrimChanges(int64_t) override { return ReadOnly(); }
  Status SyncChanges(const store::SyncQuery& q, store::SyncPage* out) override { return base_.SyncChanges(q, out); }
  Status Versions(const std::string& type, const std::string& id, std::vector<store::Record>* out) override {
    return base_.Versions(type, id, out);
  }
  Status GetVersion(const std::string& type, const std::string& id, int64_t version, store::Record* out) override {
    return base_.GetVersion(type, id, version, out);
  }
  Status AppendAudit(std::vector<audit::Entry>) override { return ReadOnly(); }
  Status ListAudit(const store::AuditQuery& q, std::vector<audit::Entry>* out) override { return base_.ListAudit(q, out); }
  Status VerifyAudit(int64_t* checked) override { return base_.VerifyAudit(checked); }
  Status VerifyAudit(int64_t* checked, const std::function<Status(const audit::Entry&)>& visit) override {
    return base_.VerifyAudit(checked, visit);
  }
  Status AuditChainHead(int64_t* seq, std::string* hash) override { return base_.AuditChainHead(seq, hash); }
  Status List(const store::ListQuery& q, std::vector<store::Record>* out) override { return base_.List(q, out); }
  Status Count(const store::ListQuery& q, int64_t* n) override { return base_.Count(q, n); }
  Status Handbook(const std::string& person_id, store::Record* person, std::vector<store::Record>* events,
                  store::Record* mother) override {
    return base_.Handbook(person_id, person, events, mother);
  }
  Status SearchPersons(const store::SearchQuery& q, std::vector<store::Record>* out) override { return base_.SearchPersons(q, out); }
  Status Children(const std::vector<std::string>& ids, std::vector<store::Record>* out) override { return base_.Children(ids, out); }
  Status ForEach(const std::function<Status(const store::Record&)>& fn, bool include_deleted) override {
    return base_.ForEach(fn, include_deleted);
  }
  Status ForEachHistory(const store::HistoryQuery& q, const store::HistoryFn& fn) override { return base_.ForEachHistory(q, fn); }
  Status CreateUser(const store::User&) override { return ReadOnly(); }
  Status GetUser(const std::string& username, store::User* out) override { return base_.GetUser(username, out); }
  Status GetUserById(const std::string& id, store::User* out) override { return base_.GetUserById(id, out); }
  Status SetPassword(const std::string&, const std::string&, bool, const std::string&) override { return ReadOnly(); }
  Status ListUsers(std::vector<store::User>* out) override { return base_.ListUsers(out); }
  Status SaveUser(const store::User&, bool, const audit::Entry&) override { return ReadOnly(); }
  Status CreateSession(const std::string&, const std::string&, int64_t) override { return ReadOnly(); }
  Status GetSession(const std::string& token_hash, std::string* user_id) override { return base_.GetSession(token_hash, user_id); }
  Status DeleteSession(const std::string&) override { return ReadOnly(); }
  store::OrgUnitReader& orgunits() override { return base_.orgunits(); }
  bool OrgUnitExists(const std::string& id) override { return base_.OrgUnitExists(id); }
  bool InSubtree(const std::string& ancestor, const std::string& descendant) override { return base_.InSubtree(ancestor, descendant); }
  Status OrgUnitNames(const std::vector<std::string>& ids, const std::string& parent, std::vector<store::OrgUnitName>* out) override {
    return base_.OrgUnitNames(ids, parent, out);
  }

 private:
  static Status ReadOnly() { return Status::Internal("a Bundle's planning view of the store is read-only"); }
  store::Store& base_;
  std::unordered_map<std::string, store::Record> planned_;  // by id, the latest plan of each record
  std::unordered_set<std::string> inserted_;               // planned records the store does not have
  std::unordered_map<std::string, std::set<std::string>> events_of_;  // person id → planned event ids
  std::unordered_map<std::string, registry::EventFacts> facts_;       // planned event id → its facts
};

// The registry facts of the Bundle's planned records over the store's (as
// `under5 import` layers a file's records over the database's).
class PlannedLookup : public registry::Lookup {
 public:
  PlannedLookup(store::Store& store, const PlannedView& view) : base_(store), view_(view) {}
  std::optional<registry::PersonFacts> Person(const std::string& id) override {
    if (const store::Record* r = view_.Planned(id)) {
      if (!r->is_person() || r->deleted_at) return std::nullopt;
      return registry::FactsOfPerson(*r);
    }
    return base_.Person(id);
  }
  std::optional<registry::EventFacts> Event(const std::string& id) override {
    if (const store::Record* r = view_.Planned(id)) {
      if (r->is_person() || r->deleted_at) return std::nullopt;
      return view_.Facts(id);
    }
    return base_.Event(id);
  }
  bool OrgUnit(const std::string& id) override { return base_.OrgUnit(id); }
  registry::PersonEvents EventsOf(const std::string& person_id, const std::string& except) override {
    // A person new in this Bundle has nothing stored to read.
    registry::PersonEvents out = view_.Inserted(person_id) ? registry::PersonEvents{} : base_.EventsOf(person_id, except);
    // A stored record the Bundle writes again is judged by its planned state.
    std::erase_if(out.of_pregnancy, [&](const auto& o) { return view_.Planned(o.id) != nullptr; });
    std::erase_if(out.pregnancies, [&](const auto& g) { return view_.Planned(g.id) != nullptr; });
    for (const std::string& id : view_.EventsOf(person_id))
      if (const store::Record* r = view_.Planned(id); r && !r->deleted_at) {
        const registry::EventFacts& e = view_.Facts(id);
        out.Add(id, e.type, e.date, except, e.pregnancy_id, &e);
      }
    return out;
  }

 private:
  registry::StoreLookup base_;
  const PlannedView& view_;
};

// Persons asked for by the mapping (a child's mother) as the Bundle leaves them.
class PlannedContext : public Context {
 public:
  PlannedContext(Context& base, const PlannedView& view) : base_(base), view_(view) {}
  std::optional<Place> PlaceOf(const std::string& orgunit_id) override { return base_.PlaceOf(orgunit_id); }
  std::optional<store::Record> Person(const std::string& id) override {
    if (const store::Record* r = view_.Planned(id)) return r->is_person() ? std::optional(*r) : std::nullopt;
    return base_.Person(id);
  }

 private:
  Context& base_;
  const PlannedView& view_;
};

const char* Reason(int http) {
  switch (http) {
    case 200: return "200 OK";
    case 201: return "201 Created";
    case 204: return "204 No Content";
    case 400: return "400 Bad Request";
    case 403: return "403 Forbidden";
    case 404: return "404 Not Found";
    case 409: return "409 Conflict";
    case 412: return "412 Precondition Failed";
    case 422: return "422 Unprocessable Entity";
    default: return "500 Internal Server Error";
  }
}

Status WithField(const Status& st, std::string field) {
  std::string msg = st.message();
  switch (st.code()) {
    case Code::invalid: return Status::Invalid(std::move(field), std::move(msg));
    case Code::forbidden: return Status::Forbidden(std::move(msg), std::move(field));
    case Code::not_found: return Status::NotFound(std::move(msg), std::move(field));
    case Code::conflict: return Status::Conflict(std::move(msg), std::move(field));
    case Code::bad_request: return Status::BadRequest(std::move(msg), std::move(field));
    default: return st;
  }
}

// A write path error, placed in its entry: an element of the resource under
// "resource.", the headers the entry's request carries under "request.".
Status AtEntry(const BundleEntry& e, const Status& st) {
  const std::string& f = st.field();
  std::string rest;
  if (f == "If-Match") rest = "request.ifMatch";
  else if (f == "If-None-Exist") rest = "request.ifNoneExist";
  else if (f == "reason" || e.method == "DELETE" || e.method == "GET") rest = "request.url";
  else if (!f.empty()) rest = ResourceElement(f);
  return WithField(st, EntryPath(e.index, rest));
}

// A precondition that failed on a version answers 412, as PUT with If-Match does.
int HttpOf(const Status& st) {
  return st.code() == Code::conflict && (st.field().ends_with("request.ifMatch") || st.field() == "If-Match") ? 412 : st.http_status();
}

// Within one record: deletions, then its primary resource, then its parts,
// so each part finds the record it joins (FHIR lets a server order a
// transaction's entries as it needs: they may not depend on that order).
std::vector<size_t> RecordOrder(const ParsedBundle& b, const RecordGroup& g) {
  std::vector<size_t> order = g.entries;
  auto rank = [&](size_t i) { return b.entries[i].method == "DELETE" ? 0 : b.entries[i].part ? 2 : 1; };
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return rank(x) < rank(y); });
  return order;
}

// Entries that create one record whole: its primary resource (POSTed, or PUT
// at an id) first, then parts only, none a conditional create.
bool IsNewRecord(const ParsedBundle& b, const std::vector<size_t>& order, const std::vector<bool>& matched) {
  for (size_t k = 0; k < order.size(); ++k) {
    const BundleEntry& e = b.entries[order[k]];
    if (e.method == "DELETE" || matched[order[k]] || !e.if_none_exist.empty() || e.part != (k > 0) || e.record_id.empty()) return false;
  }
  return true;
}

WriteRequest RequestOf(const BundleEntry& e) {
  WriteRequest w;
  // A POSTed primary already has its new id (references to it were rewritten): it is created at that id.
  w.method = e.method == "POST" && !e.part ? "PUT" : e.method;
  w.resource_type = e.resource_type;
  w.id = e.part && e.method == "POST" ? "" : e.id;
  w.resource = e.resource;
  w.if_match = e.if_match;
  w.reason = e.delete_reason;
  return w;
}

const char* ActionOf(store::Write::Op op) {
  switch (op) {
    case store::Write::Op::insert: return "create";
    case store::Write::Op::update: return "update";
    default: return "delete";
  }
}

// The entry of `order` an element path of a new record's error is about:
// the resource of the path's type, and among several parts of that type the
// one that fails alone with its primary resource.
size_t Culprit(const ParsedBundle& b, const std::vector<size_t>& order, const Status& st, Context& ctx) {
  const std::string type = st.field().substr(0, st.field().find('.'));
  std::vector<size_t> candidates;
  for (size_t i : order)
    if (b.entries[i].resource_type == type) candidates.push_back(i);
  if (candidates.empty()) return order.front();
  if (candidates.size() > 1 && b.entries[candidates.front()].part)
    for (size_t i : candidates) {
      Inbound alone;
      if (FromFhir(b.entries[order.front()].resource, {b.entries[i].resource}, ctx, &alone).field() == st.field()) return i;
    }
  return candidates.front();
}

// The (system|code) pairs of every coding under `j` (a CodeableConcept or a list of them).
void Codings(const json& j, std::set<std::string>* out) {
  if (j.is_array()) {
    for (const json& c : j) Codings(c, out);
  } else if (j.is_object()) {
    if (j.contains("system") && j.contains("code")) out->insert(j["system"].dump() + "|" + j["code"].dump());
    if (auto it = j.find("coding"); it != j.end()) Codings(*it, out);
  }
}

// Whether two parts say the same thing: a coding of their code (an
// Observation's LOINC, a Procedure's SNOMED) or, for RelatedPerson, of their
// relationship in common.
bool SameCode(const json& a, const json& b) {
  for (const char* k : {"code", "relationship"}) {
    std::set<std::string> x, y;
    Codings(a.value(k, json()), &x);
    Codings(b.value(k, json()), &y);
    if (x.empty() && y.empty()) continue;
    return std::any_of(x.begin(), x.end(), [&](const std::string& c) { return y.count(c) > 0; });
  }
  return true;
}

// A record the Bundle creates with its parts (`order`: the primary entry,
// then the parts): mapped and validated once with all its resources, as the
// write path does a new record, since a record may need a part (a delivery's
// live births are an Observation). `ids` gets each entry's resource id.
Status PlanNewRecord(const ParsedBundle& b, const std::vector<size_t>& order, const auth::Principal& who, store::Store& view,
                     registry::Lookup& lookup, Context& ctx, PlannedWrite* out, std::unordered_map<size_t, std::string>* ids) {
  const BundleEntry& primary = b.entries[order.front()];
  std::vector<json> parts;
  for (size_t k = 1; k < order.size(); ++k) parts.push_back(b.entries[order[k]].resource);
  Inbound in;
  if (Status st = FromFhir(primary.resource, parts, ctx, &in); !st.ok()) return AtEntry(b.entries[Culprit(b, order, st, ctx)], st);
  in.body["id"] = primary.id;
  store::Record rec;
  std::vector<Status> errors;
  if (Status st = registry::Validate(in.registry_type, in.body, lookup, Today(), &rec, &errors); !st.ok()) {
    if (st.code() == Code::invalid && !st.field().empty()) {
      const std::string element = ElementOf(in.registry_type, st.field());
      st = Status::Invalid(element, element == st.field() ? st.message() : element + ": " + st.message());
    }
    return AtEntry(b.entries[Culprit(b, order, st, ctx)], st);
  }
  // The write path's scope checks (fhir/write.cpp), on the record as the Bundle leaves it.
  if (!auth::CanSee(view, who, rec.orgunit_id))
    return AtEntry(primary, Status::Forbidden("org unit " + rec.orgunit_id + " is outside your org units",
                                              ElementOf(in.registry_type, "orgunit")));
  if (!rec.is_person()) {
    store::Record person;
    const std::string element = ElementOf(in.registry_type, "person_id");
    if (!view.Get("person", rec.person_id, &person).ok() || !auth::CanSee(view, who, person.orgunit_id))
      return AtEntry(primary, Status::Invalid(element, element + ": no person with id " + rec.person_id));
  }
  rec.version = 1;
  rec.created_at = rec.updated_at = NowIso();
  std::vector<ResourceText> after;
  U5_RETURN_IF_ERROR(ToFhirText(rec, ctx, &after));
  std::vector<bool> used(after.size(), false);
  for (size_t k : order) {
    const BundleEntry& e = b.entries[k];
    size_t found = after.size();
    for (size_t j = 0; j < after.size() && found == after.size(); ++j) {
      if (used[j] || after[j].type != e.resource_type) continue;
      // A PUT names its part; a POSTed part is the one of its type and code its record now has.
      if (e.method == "PUT" ? after[j].id == e.id : SameCode(json::parse(after[j].text), e.resource)) found = j;
    }
    if (found == after.size())
      return AtEntry(e, Status::Invalid(e.resource_type + ".id", e.method == "PUT" ? "the record " + rec.id + " has no part " + e.id + " once written (docs/fhir.md names each part's id)"
                                                                              : "the " + e.resource_type + " adds nothing to its record"));
    used[found] = true;
    (*ids)[k] = after[found].id;
  }
  out->op = PlannedWrite::Op::insert;
  out->record = std::move(rec);
  out->resource_type = primary.resource_type;
  out->resource_id = primary.id;
  return Status::Ok();
}

Status RunTransaction(ParsedBundle& b, const auth::Principal& who, store::Store& store, const BundleOptions& opts,
                      BundleAnswer* out) {
  U5_RETURN_IF_ERROR(ResolveReferences(&b, NewUuid7));
  PlannedView view(store);
  PlannedLookup lookup(store, view);
  StoreContext stored_ctx(store);
  PlannedContext ctx(stored_ctx, view);
  const size_t n = b.entries.size();
  std::vector<PlannedWrite> plans(n);
  std::vector<bool> matched(n, false);

  // Conditional creates first: the record they match, or the id the write
  // path gives them, is what the Bundle's references to them must name.
  for (size_t k = 0; k < n; ++k) {
    const BundleEntry& e = b.entries[k];
    if (e.method != "POST" || e.if_none_exist.empty()) continue;
    WriteRequest w{.method = "POST", .resource_type = e.resource_type, .resource = e.resource, .if_none_exist = e.if_none_exist};
    PlannedWrite p;
    if (Status st = PlanWrite(w, who, view, lookup, ctx, &p); !st.ok()) return AtEntry(e, st);
    matched[k] = p.op == PlannedWrite::Op::none;
    Redirect(&b, k, matched[k] ? p.resource_id : p.record.id);
    if (matched[k]) plans[k] = std::move(p);
  }

  std::vector<store::Write> writes;
  std::unordered_map<std::string, size_t> write_of;  // record id → its write
  size_t planned = 0, total = 0;
  for (const BundleEntry& e : b.entries) total += e.method != "GET";
  std::unordered_map<size_t, std::string> resource_ids;  // entries of records planned whole
  for (const RecordGroup& g : GroupByRecord(b)) {
    const std::vector<size_t> order = RecordOrder(b, g);
    store::Record existing;
    if (IsNewRecord(b, order, matched) && view.Find(g.record_id, &existing).code() == Code::not_found) {
      PlannedWrite p;
      U5_RETURN_IF_ERROR(PlanNewRecord(b, order, who, view, lookup, ctx, &p, &resource_ids));
      for (size_t i : order) plans[i] = p;
      write_of.emplace(p.record.id, writes.size());
      writes.push_back({.op = store::Write::Op::insert, .record = p.record});
      view.Put(p.record, true);
      planned += order.size();
      if (opts.progress && planned / 1000 != (planned - order.size()) / 1000) opts.progress(planned, total);
      continue;
    }
    for (size_t i : order) {
      const BundleEntry& e = b.entries[i];
      if (opts.progress && ++planned % 1000 == 0) opts.progress(planned, total);
      if (matched[i]) continue;
      PlannedWrite& p = plans[i];
      if (Status st = PlanWrite(RequestOf(e), who, view, lookup, ctx, &p); !st.ok()) return AtEntry(e, st);
      const bool new_record = p.op == PlannedWrite::Op::insert;
      auto [it, first] = write_of.emplace(p.record.id, writes.size());
      if (first) {
        store::Write w{.op = new_record ? store::Write::Op::insert
                           : p.op == PlannedWrite::Op::remove ? store::Write::Op::remove
                                                              : store::Write::Op::update,
                       .record = p.record,
                       .expected_version = p.expected_version,
                       .reason = p.reason};
        writes.push_back(std::move(w));
      } else if (p.op == PlannedWrite::Op::remove) {
        if (writes[it->second].op == store::Write::Op::insert)
          return AtEntry(e, Status::Conflict("the record is created by this Bundle; it cannot also be deleted"));
        writes[it->second].op = store::Write::Op::remove;
        writes[it->second].reason = p.reason;
      } else {
        // The record's later entries refine the same write: an insert stays an insert at version 1.
        writes[it->second].record = p.record;
        if (writes[it->second].op == store::Write::Op::insert) writes[it->second].record.version = 1;
      }
      store::Record seen = p.record;
      if (p.op == PlannedWrite::Op::remove) seen.deleted_at = NowIso();
      view.Put(seen, new_record || view.Inserted(seen.id));
    }
  }
  if (opts.progress) opts.progress(total, total);

  // Reads come last and see the Bundle's writes; a read that cannot succeed fails the transaction before anything is stored.
  for (const BundleEntry& e : b.entries) {
    if (e.method != "GET") continue;
    store::Record r;
    if (!view.Find(e.record_id, &r).ok() || r.deleted_at || !MaySee(view, who, r))
      return AtEntry(e, Status::NotFound(e.resource_type + "/" + e.id + " not found"));
  }

  std::vector<store::Record> stored;
  const bool only_inserts = std::all_of(writes.begin(), writes.end(), [](const store::Write& w) { return w.op == store::Write::Op::insert; });
  if (opts.bulk_creates && only_inserts && !writes.empty()) {
    std::unique_ptr<store::BulkWriter> bulk;
    U5_RETURN_IF_ERROR(store.OpenBulk(&bulk));
    for (const store::Write& w : writes) U5_RETURN_IF_ERROR(bulk->Add(w.record));
    U5_RETURN_IF_ERROR(bulk->Commit());
    audit::Entry a = opts.stamp("fhir_import");
    a.detail = json({{"records", writes.size()}, {"resources", total}}).dump();
    U5_RETURN_IF_ERROR(store.AppendAudit({a}));
    for (const store::Write& w : writes) stored.push_back(w.record);
  } else if (!writes.empty()) {
    for (store::Write& w : writes) w.audit = opts.stamp(ActionOf(w.op));
    U5_RETURN_IF_ERROR(store.Apply(writes, &stored));
  }
  std::unordered_map<std::string, const store::Record*> after;
  for (const store::Record& r : stored) after[r.id] = &r;

  out->records = writes.size();
  out->resources = 0;
  out->bundle = {{"resourceType", "Bundle"}, {"type", "transaction-response"}, {"entry", json::array()}};
  for (size_t k = 0; k < n; ++k) {
    const BundleEntry& e = b.entries[k];
    json response;
    if (e.method == "GET") {
      store::Record r;
      std::vector<json> resources;
      U5_RETURN_IF_ERROR(store.Find(e.record_id, &r));
      U5_RETURN_IF_ERROR(ToFhir(r, stored_ctx, &resources));
      auto it = std::find_if(resources.begin(), resources.end(), [&](const json& x) { return x.value("id", "") == e.id; });
      if (it == resources.end()) return AtEntry(e, Status::NotFound(e.resource_type + "/" + e.id + " not found"));
      if (out->read.empty()) out->read_orgunit = r.orgunit_id;
      out->read.push_back(r.id);
      response = {{"status", Reason(200)}, {"etag", "W/\"" + std::to_string(r.version) + "\""}};
      out->bundle["entry"].push_back({{"resource", std::move(*it)}, {"response", std::move(response)}});
      continue;
    }
    const PlannedWrite& p = plans[k];
    const store::Record* r = matched[k] ? &p.record : after.count(p.record.id) ? after[p.record.id] : nullptr;
    if (!r) return Status::Internal("entry " + std::to_string(e.index) + " was planned but not stored");
    ++out->resources;
    const int http = e.method == "DELETE" ? 204 : matched[k] ? 200 : e.method == "POST" || p.op == PlannedWrite::Op::insert ? 201 : 200;
    response = {{"status", Reason(http)}};
    if (e.method != "DELETE") {
      const std::string id = resource_ids.count(k) ? resource_ids[k] : p.resource_id;
      response["location"] = e.resource_type + "/" + id + "/_history/" + std::to_string(r->version);
      response["etag"] = "W/\"" + std::to_string(r->version) + "\"";
      response["lastModified"] = r->updated_at;
    }
    out->bundle["entry"].push_back({{"response", std::move(response)}});
  }
  if (out->bundle["entry"].empty()) out->bundle.erase("entry");  // FHIR allows no empty array
  return Status::Ok();
}

}  // namespace

Status RunBundle(ParsedBundle& b, const auth::Principal& who, store::Store& store, const BundleOptions& opts,
                 BundleAnswer* out) {
  *out = {};
  if (b.type == "transaction") return RunTransaction(b, who, store, opts, out);
  // A batch: each entry is its own transaction of one entry, so it may not
  // refer to the others (FHIR http.html#brules); the answer keeps the Bundle's order.
  std::vector<json> responses(b.entries.size());
  for (size_t i : ProcessingOrder(b)) {
    ParsedBundle one{"transaction", {b.entries[i]}};
    BundleAnswer a;
    if (Status st = RunTransaction(one, who, store, BundleOptions{.stamp = opts.stamp}, &a); !st.ok()) {
      responses[i] = {{"response", {{"status", Reason(HttpOf(st))}, {"outcome", http::FhirOutcome(HttpOf(st), {{st.field(), st.message()}})}}}};
      continue;
    }
    responses[i] = a.bundle["entry"][0];
    out->records += a.records;
    out->resources += a.resources;
    for (std::string& id : a.read) out->read.push_back(std::move(id));
    if (out->read_orgunit.empty()) out->read_orgunit = a.read_orgunit;
  }
  out->bundle = {{"resourceType", "Bundle"}, {"type", "batch-response"}};
  if (!responses.empty()) out->bundle["entry"] = std::move(responses);  // FHIR allows no empty array
  return Status::Ok();
}

http::Routes BundleRoutes() {
  http::Route post{"POST", "/fhir", auth::kPersonWrite, http::Audit::write, [](http::Call& c) {
    json body;
    if (Status st = ParseJsonObject(c.req.body, &body); !st.ok()) return http::ErrorReply(st);
    ParsedBundle b;
    if (Status st = ParseBundle(std::move(body), &b); !st.ok()) return http::ErrorReply(st);
    BundleOptions opts;
    opts.stamp = [&c](const std::string& action) { return c.Stamp(action); };
    BundleAnswer answer;
    if (Status st = RunBundle(b, c.who, c.store, opts, &answer); !st.ok()) {
      http::Response r = http::ErrorReply(st);
      r.status = HttpOf(st);
      return r;
    }
    http::Response r = http::JsonReply(200, answer.bundle);
    r.content_type = "application/fhir+json";
    // Writes carry their own entries (Call::Stamp); what GET entries showed is one read entry.
    if (!answer.read.empty() || !c.stamped)
      r.audit = http::AuditNote{.via = "fhir bundle", .records = answer.read, .orgunit = answer.read_orgunit};
    return r;
  }};
  return {post};
}

}  // namespace u5::fhir
