// What the FHIR routes (server.cpp, search.cpp) share: the answer of a
// resource, the lookup of a record with the caller's scope, the base URL.
// Internal to src/fhir.
#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "fhir/mapping.h"
#include "http/route.h"
#include "store/record.h"

namespace u5::fhir {

// The resource type is one the server exchanges (Kinds()).
bool Served(const std::string& resource_type);
// "<scheme>://<host>/fhir", or "/fhir" when the request named no host.
std::string BaseUrl(const http::Call& c);
// The resource of `type` and `id` among a record's resources, or null.
const json* Pick(const std::vector<json>& group, const std::string& type, const std::string& id);
// An answer carrying one resource, with its version as ETag.
http::Response ResourceReply(int status, const json& resource);
// 404 for a resource type the server does not exchange.
http::Response NotSupported(const std::string& type);
// The stored record behind resource `type`/`id` when the caller may see it;
// otherwise the answer of an unknown id (a refusal for scope is audited).
std::optional<http::Response> LoadRecord(http::Call& c, const std::string& type, const std::string& id,
                                         store::Record* out);

// One resource as JSON text, with its type and id.
struct ResourceText {
  std::string type, id, text;
};

// The resources of events as text, by record id and version, shared by the
// requests of one route list: $everything and search splice them into their
// Bundles without mapping and dumping a family's hundreds of resources again.
// An event's resources depend on its version alone (and on org unit names,
// which do not change while serving); persons are not kept, since a child's
// RelatedPerson follows its mother's record. Past `max_bytes` the cache
// starts again empty.
class ResourceCache {
 public:
  explicit ResourceCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  Status Get(const store::Record& r, Context& ctx, std::shared_ptr<const std::vector<ResourceText>>* out);

 private:
  struct Entry {
    int64_t version;
    std::shared_ptr<const std::vector<ResourceText>> resources;
  };
  const size_t max_bytes_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  size_t bytes_ = 0;
};

}  // namespace u5::fhir
