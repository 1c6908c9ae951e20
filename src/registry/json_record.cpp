#include "registry/json_record.h"

namespace u5::registry {

nlohmann::json ToJson(const store::Record& r) {
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object()) j = nlohmann::json::object();
  j["type"] = r.type;
  j["version"] = r.version;
  j["created_at"] = r.created_at;
  j["updated_at"] = r.updated_at;
  if (r.deleted_at) {
    j["deleted_at"] = *r.deleted_at;
    j["delete_reason"] = r.delete_reason.value_or("");
  }
  return j;
}

}  // namespace u5::registry
