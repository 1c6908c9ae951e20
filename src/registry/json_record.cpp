#include "registry/json_record.h"

#include <algorithm>

#include "core/text.h"

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

void AppendJsonText(const store::Record& r, std::string& out) {
  // The body is a canonical JSON object written by the validator, never empty
  // and never holding the envelope keys, so the envelope can follow its fields.
  std::string_view body = r.body;
  while (!body.empty() && body.back() != '}') body.remove_suffix(1);
  if (body.size() < 2) {
    out += ToJson(r).dump();
    return;
  }
  body.remove_suffix(1);
  out.append(body);
  if (body.size() > 1) out += ',';
  auto str = [&](const char* key, const std::string& v) {
    out += '"';
    out += key;
    out += "\":";
    AppendJsonString(v, out);
    out += ',';
  };
  str("type", r.type);
  out += "\"version\":";
  out += std::to_string(r.version);
  out += ',';
  str("created_at", r.created_at);
  str("updated_at", r.updated_at);
  if (r.deleted_at) {
    str("deleted_at", *r.deleted_at);
    str("delete_reason", r.delete_reason.value_or(""));
  }
  out.back() = '}';
}

void AppendJsonString(std::string_view v, std::string& out, bool strict) {
  const bool plain = std::all_of(v.begin(), v.end(), [](unsigned char ch) { return ch >= 0x20 && ch != '"' && ch != '\\'; });
  if (plain && text::IsValidUtf8(v)) {
    out += '"';
    out += v;
    out += '"';
    return;
  }
  out += nlohmann::json(std::string(v)).dump(-1, ' ', false, strict ? nlohmann::json::error_handler_t::strict
                                                                   : nlohmann::json::error_handler_t::replace);
}

std::string ToJsonText(const store::Record& r) {
  std::string out;
  out.reserve(r.body.size() + 160);
  AppendJsonText(r, out);
  return out;
}

}  // namespace u5::registry
