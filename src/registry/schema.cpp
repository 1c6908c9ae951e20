#include "registry/schema.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

extern const char kRegistryFormsJson[];

namespace u5::registry {
namespace {

FieldType ParseType(const std::string& t) {
  static const std::map<std::string, FieldType> kTypes = {
      {"uuid", FieldType::uuid},       {"name", FieldType::name},         {"string", FieldType::string},
      {"enum", FieldType::enumeration}, {"enum_list", FieldType::enum_list}, {"int", FieldType::integer},
      {"number", FieldType::number},   {"bool", FieldType::boolean},      {"date", FieldType::date},
      {"datetime", FieldType::datetime}, {"ref", FieldType::ref},        {"orgunit", FieldType::orgunit},
      {"phone", FieldType::phone},     {"object", FieldType::string},     {"citizen_id", FieldType::citizen_id}};
  auto it = kTypes.find(t);
  if (it == kTypes.end()) throw std::runtime_error("registry.json: unknown field type " + t);
  return it->second;
}

FieldSpec ParseField(const std::string& name, const nlohmann::json& j, const nlohmann::json& lists) {
  FieldSpec f;
  f.name = name;
  f.type = ParseType(j.at("type").get<std::string>());
  f.required = j.value("required", false);
  f.derived = j.value("derived", false);
  f.not_future = j.value("not_future", false);
  f.not_before_birth = j.value("not_before_birth", false);
  if (j.contains("min")) {
    if (j["min"].is_string()) f.min_date = j["min"].get<std::string>();
    else f.min = j["min"].get<double>();
  }
  if (j.contains("max")) f.max = j["max"].get<double>();
  f.max_length = j.value("max_length", size_t{0});
  if (j.contains("values")) f.values = j["values"].get<std::vector<std::string>>();
  if (j.contains("list")) f.values = lists.at(j["list"].get<std::string>()).get<std::vector<std::string>>();
  if (j.contains("one_of")) f.one_of = j["one_of"].get<std::vector<long long>>();
  f.ref = j.value("ref", "");
  f.pattern = j.value("pattern", "");
  return f;
}

}  // namespace

const FieldSpec* TypeSpec::Field(const std::string& n) const {
  for (const FieldSpec& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

const Schema& Schema::Builtin() {
  static const Schema schema = [] {
    Schema s;
    auto j = nlohmann::json::parse(kRegistryFormsJson);
    s.version_ = j.at("version").get<int>();
    const auto& lists = j.at("lists");
    for (auto it = j.at("types").begin(); it != j.at("types").end(); ++it) {
      TypeSpec t;
      t.name = it.key();
      const auto& tj = it.value();
      t.collection = tj.at("collection").get<std::string>();
      t.label_vi = tj.at("label").at("vi").get<std::string>();
      t.label_en = tj.at("label").at("en").get<std::string>();
      t.subject = tj.value("subject", "");
      t.pregnancy_required = tj.value("pregnancy", "") == "required";
      t.read_permission = tj.value("read_permission", "");
      t.write_permission = tj.value("write_permission", "");
      if (t.name != "person") {
        // Common fields keep the file's order; nlohmann's object is sorted, so list them explicitly.
        for (const char* c : {"id", "person_id", "orgunit", "date", "note"})
          t.fields.push_back(ParseField(c, j.at("common_event_fields").at(c), lists));
        if (t.pregnancy_required) {
          FieldSpec p;
          p.name = "pregnancy_id";
          p.type = FieldType::ref;
          p.ref = "pregnancy";
          p.required = true;
          t.fields.push_back(p);
        }
      }
      for (auto f = tj.at("fields").begin(); f != tj.at("fields").end(); ++f)
        t.fields.push_back(ParseField(f.key(), f.value(), lists));
      s.types_.emplace(t.name, std::move(t));
    }
    // nlohmann's json object is sorted by key; the collections keep the file's order.
    const auto ordered = nlohmann::ordered_json::parse(kRegistryFormsJson);
    for (const auto& [name, tj] : ordered.at("types").items())
      s.collections_.emplace_back(tj.at("collection").get<std::string>(), name);
    return s;
  }();
  return schema;
}

const TypeSpec* Schema::Type(const std::string& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

std::string TypeOfCollection(const std::string& collection) {
  for (const auto& [c, type] : Collections())
    if (c == collection) return type;
  return {};
}

std::string CollectionOfType(const std::string& type) {
  const TypeSpec* t = Schema::Builtin().Type(type);
  return t ? t->collection : std::string();
}

const std::vector<std::pair<std::string, std::string>>& Collections() { return Schema::Builtin().Collections(); }

const std::string& ReadPermission(const std::string& type) {
  static const std::string kNone;
  const TypeSpec* t = Schema::Builtin().Type(type);
  return t ? t->read_permission : kNone;
}

std::vector<std::string> Schema::TypeNames() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : types_) out.push_back(k);
  return out;
}

}  // namespace u5::registry
