#include "fhir/mapping.h"

#include <map>
#include <mutex>

#include "fhir/mapper.h"
#include "store/orgunits.h"
#include "store/store.h"

namespace u5::fhir {
namespace {

const Mapper* ForRecord(const std::string& registry_type) {
  for (const Mapper& m : Mappers())
    if (m.registry_type == registry_type) return &m;
  return nullptr;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

class Places {
 public:
  std::mutex mu;
  std::map<std::string, std::optional<Place>> places;
};

std::shared_ptr<Places> NewPlaces() { return std::make_shared<Places>(); }

struct StoreContext::Impl {
  Impl(store::Store& s, std::shared_ptr<Places> p) : store(s), places(p ? std::move(p) : NewPlaces()) {}
  store::Store& store;
  std::shared_ptr<Places> places;
  std::mutex mu;
  std::optional<store::Record> last_person;  // a mother's children follow each other
};

StoreContext::StoreContext(store::Store& store, std::shared_ptr<Places> places)
    : impl_(std::make_unique<Impl>(store, std::move(places))) {}
StoreContext::~StoreContext() = default;

std::optional<Place> StoreContext::PlaceOf(const std::string& orgunit_id) {
  Places& memo = *impl_->places;
  {
    std::lock_guard<std::mutex> lock(memo.mu);
    if (auto it = memo.places.find(orgunit_id); it != memo.places.end()) return it->second;
  }
  std::optional<Place> place;
  store::OrgUnit ou;
  if (impl_->store.orgunits().Get(orgunit_id, &ou).ok()) {
    place = Place{.id = ou.id, .code = ou.code, .name = ou.name, .kind = ou.kind};
    std::vector<store::OrgUnit> up;
    if (ou.kind == "province") {
      place->province_id = ou.id, place->province_code = ou.code, place->province_name = ou.name;
    } else if (impl_->store.orgunits().Ancestors(orgunit_id, &up).ok()) {
      for (const store::OrgUnit& a : up)
        if (a.kind == "province") {
          place->province_id = a.id, place->province_code = a.code, place->province_name = a.name;
          break;
        }
    }
  }
  std::lock_guard<std::mutex> lock(memo.mu);
  memo.places[orgunit_id] = place;
  return place;
}

std::optional<store::Record> StoreContext::Person(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->last_person && impl_->last_person->id == id) return impl_->last_person;
  }
  store::Record r;
  if (!impl_->store.Get("person", id, &r).ok()) return std::nullopt;
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->last_person = r;
  return r;
}

Status ToFhirText(const store::Record& r, Context& ctx, std::vector<ResourceText>* out, bool with_meta) {
  out->clear();
  const Mapper* m = ForRecord(r.type);
  if (!m || r.deleted_at) return Status::Ok();
  const json body = json::parse(r.body, nullptr, false);
  if (!body.is_object()) return Status::Internal("record " + r.id + " has a body that is not a JSON object");
  std::vector<Resource> resources;
  if (Status st = m->to_fhir(r, body, ctx, &resources); !st.ok()) return st;
  std::string meta;
  if (with_meta) {
    meta = ",\"meta\":{\"versionId\":\"" + std::to_string(r.version) + "\",\"lastUpdated\":";
    AppendString(meta, r.updated_at);
    meta += '}';
  }
  out->reserve(resources.size());
  for (size_t i = 0; i < resources.size(); ++i) {
    const Resource& res = resources[i];
    // Parts carry their suffix; the record's id makes it unique.
    ResourceText t{res.type, i == 0 ? r.id : r.id + "-" + (res.suffix.empty() ? std::to_string(i) : res.suffix), {}};
    t.text.reserve(res.members.members().size() + meta.size() + t.id.size() + t.type.size() + 40);
    t.text += "{\"resourceType\":\"";
    t.text += res.type;  // types and ids need no escaping (Kinds, ParseId)
    t.text += "\",\"id\":\"";
    t.text += t.id;
    t.text += '"';
    t.text += meta;
    if (!res.members.empty()) t.text += ',';
    t.text += res.members.members();
    t.text += '}';
    out->push_back(std::move(t));
  }
  return Status::Ok();
}

Status ToFhir(const store::Record& r, Context& ctx, std::vector<json>* out) {
  out->clear();
  std::vector<ResourceText> texts;
  U5_RETURN_IF_ERROR(ToFhirText(r, ctx, &texts));
  for (const ResourceText& t : texts) out->push_back(json::parse(t.text));
  return Status::Ok();
}

std::optional<ResourceId> ParseId(std::string_view id) {
  if (id.size() < 36 || !IsUuid(id.substr(0, 36))) return std::nullopt;
  if (id.size() == 36) return ResourceId{std::string(id), ""};
  if (id[36] != '-' || id.size() == 37 || id.size() > 64) return std::nullopt;
  for (char c : id.substr(37))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.'))
      return std::nullopt;
  return ResourceId{std::string(id.substr(0, 36)), std::string(id.substr(37))};
}

std::optional<std::string> OwnerOf(const json& resource) {
  if (!resource.is_object()) return std::nullopt;
  const std::string type = resource.value("resourceType", "");
  const char* key = type == "RelatedPerson" ? "patient" : "encounter";
  if (type != "RelatedPerson" && type != "Observation" && type != "Procedure" && type != "Condition") return std::nullopt;
  auto it = resource.find(key);
  if (it == resource.end() || !it->is_object() || !it->contains("reference") || !(*it)["reference"].is_string())
    return std::nullopt;
  return (*it)["reference"].get<std::string>();
}

Status FromFhir(const json& primary, const std::vector<json>& parts, Context& ctx, Inbound* out) {
  if (!primary.is_object() || !primary.contains("resourceType") || !primary["resourceType"].is_string())
    return Status::Invalid("resourceType", "resourceType is required");
  const std::string type = primary["resourceType"].get<std::string>();
  bool known_type = false;
  for (const Mapper& m : Mappers()) {
    if (m.primary_type != type) continue;
    known_type = true;
    if (!m.claims(primary)) continue;
    out->registry_type = m.registry_type;
    out->body = json::object();
    return m.from_fhir(primary, parts, ctx, &out->body);
  }
  // A part type no mapper takes as primary is a part that lost its owner (Procedure without encounter).
  const std::string owner = type + (type == "RelatedPerson" ? ".patient" : ".encounter");
  for (const ResourceKind& k : Kinds())
    if (!known_type && k.resource_type == type)
      return Status::Invalid(owner, owner + " is required: a " + type + " belongs to its record's primary resource");
  if (!known_type) return Status::Invalid("resourceType", "resourceType " + type + " is not one under5 stores (docs/fhir.md)");
  return Status::Invalid(type + ".code", type + ": its code or type names no kind of record under5 keeps (docs/fhir.md)");
}

std::string ElementOf(const std::string& registry_type, const std::string& field) {
  if (const Mapper* m = ForRecord(registry_type))
    for (const auto& [f, path] : m->elements)
      if (f == field) return path;
  return field;
}

const std::vector<ResourceKind>& Kinds() {
  static const std::vector<ResourceKind> kinds = [] {
    std::vector<ResourceKind> out;
    auto add = [&](const std::string& resource_type, const std::string& registry_type) {
      for (ResourceKind& k : out)
        if (k.resource_type == resource_type) {
          if (k.registry_types.empty() || k.registry_types.back() != registry_type) k.registry_types.push_back(registry_type);
          return;
        }
      out.push_back({resource_type, {registry_type}});
    };
    for (const Mapper& m : Mappers()) {
      add(m.primary_type, m.registry_type);
      for (const std::string& p : m.part_types) add(p, m.registry_type);
    }
    return out;
  }();
  return kinds;
}

}  // namespace u5::fhir
