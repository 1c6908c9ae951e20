#include "fhir/bundle.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "fhir/mapping.h"

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

const json* StringAt(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? &*it : nullptr;
}

Status ParseEntry(const json& e, size_t i, BundleEntry* out) {
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
  const std::string& u = url->get_ref<const std::string&>();
  if (u.find('?') != std::string::npos)
    return Status::Invalid(EntryPath(i, "request.url"), "request.url: searches and conditional URLs are not supported in a Bundle");
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
  out->resource = *res;
  // A POST creates: an id the client sent is replaced (FHIR http.html#create).
  if (out->method == "POST") out->resource.erase("id");
  return Status::Ok();
}

// Calls fn(reference string, element path) on every Reference.reference in `j`;
// `path` is the FHIRPath of `j` ("Observation.encounter"). Stops at the first error.
Status ForEachReference(json& j, const std::string& path, const std::function<Status(json&, const std::string&)>& fn) {
  if (j.is_array()) {
    for (json& v : j)
      if (Status st = ForEachReference(v, path, fn); !st.ok()) return st;
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "reference" && it->is_string()) {
        if (Status st = fn(*it, path); !st.ok()) return st;
      } else if (Status st = ForEachReference(*it, path + "." + it.key(), fn); !st.ok()) {
        return st;
      }
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

Status ParseBundle(const json& bundle, ParsedBundle* out) {
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
    Status st = ForEachReference(e.resource, e.resource_type, [&](json& ref, const std::string& path) {
      const std::string& r = ref.get_ref<const std::string&>();
      auto it = targets.find(r);
      if (it == targets.end()) {
        if (r.rfind("urn:uuid:", 0) == 0) return Status::Invalid(EntryPath(e.index, "resource." + path), r + " is no entry's fullUrl in this Bundle");
        return Status::Ok();
      }
      if (it->second.first.empty())
        return Status::Invalid(EntryPath(e.index, "resource." + path),
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
    ForEachReference(e.resource, e.resource_type, [&](json& ref, const std::string&) {
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

}  // namespace u5::fhir
