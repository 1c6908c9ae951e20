#include "fhir/elements.h"

#include <utility>
#include <vector>

namespace u5::fhir {

namespace {

// A string member, "" when absent or of another type: the readers never throw.
std::string StrOf(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string ExtensionUrl(std::string_view name) { return std::string(kBase) + "/StructureDefinition/" + std::string(name); }
std::string CodeSystemUrl(std::string_view name) { return std::string(kBase) + "/CodeSystem/" + std::string(name); }

Element Coding(std::string_view system, std::string_view code, std::string_view display) {
  Object c;
  c.Str("system", system).Str("code", code);
  if (!display.empty()) c.Str("display", display);
  return c.Close();
}

Element Concept(std::string_view system, std::string_view code, std::string_view display) {
  return Object().Put("coding", Array().Add(Coding(system, code, display)).Close()).Close();
}

Element Ref(std::string_view type, std::string_view id) {
  std::string ref(type);
  ref += '/';
  ref += id;
  return Object().Str("reference", ref).Close();
}

Element OrgUnitRef(std::string_view orgunit_id, std::string_view display) {
  Object r;
  r.Put("identifier", Object().Str("system", kOrgUnitSystem).Str("value", orgunit_id).Close());
  if (!display.empty()) r.Str("display", display);
  return r.Close();
}

void ExtensionList::Add(std::string_view name, std::string_view kind, const json& value) {
  Object e;
  e.Str("url", ExtensionUrl(name));
  e.Value("value" + std::string(kind), value);
  items_.Add(e.Close());
}

void ExtensionList::Add(std::string_view name, std::string_view kind, const Element& value) {
  Object e;
  e.Str("url", ExtensionUrl(name));
  e.Put("value" + std::string(kind), value);
  items_.Add(e.Close());
}

void ExtensionList::PutInto(Object& res) {
  if (!items_.empty()) res.Put("extension", items_.Close());
}

void AddExtension(json& res, std::string_view name, std::string_view kind, json value) {
  res["extension"].push_back({{"url", ExtensionUrl(name)}, {"value" + std::string(kind), std::move(value)}});
}

Status ReadExtension(const json& res, std::string_view name, std::string_view kind, const std::string& path, json* value) {
  *value = nullptr;
  auto it = res.find("extension");
  if (it == res.end()) return Status::Ok();
  if (!it->is_array()) return Status::Invalid(path, path + ": extension must be an array");
  const std::string url = ExtensionUrl(name);
  const std::string key = "value" + std::string(kind);
  for (const json& e : *it) {
    if (StrOf(e, "url") != url) continue;
    auto v = e.find(key);
    if (v == e.end()) return Status::Invalid(path, path + ": extension " + url + " must carry " + key);
    *value = *v;
    return Status::Ok();
  }
  return Status::Ok();
}

Status ReadRef(const json& res, std::string_view key, std::string_view type, const std::string& path, bool required,
               std::string* id) {
  id->clear();
  auto it = res.find(key);
  if (it == res.end() || it->is_null()) {
    if (required) return Status::Invalid(path, path + " is required");
    return Status::Ok();
  }
  if (!it->is_object() || !it->contains("reference") || !(*it)["reference"].is_string())
    return Status::Invalid(path, path + " must be a reference {\"reference\": \"" + std::string(type) + "/<id>\"}");
  const std::string ref = (*it)["reference"].get<std::string>();
  const std::string prefix = std::string(type) + "/";
  if (ref.rfind(prefix, 0) != 0 || ref.size() == prefix.size() || ref.find('/', prefix.size()) != std::string::npos)
    return Status::Invalid(path, path + ": expected a reference to " + std::string(type) + ", got \"" + ref + "\"");
  *id = ref.substr(prefix.size());
  return Status::Ok();
}

Status ReadOrgUnitRef(const json& res, std::string_view key, const std::string& path, bool required, std::string* id) {
  id->clear();
  auto it = res.find(key);
  if (it == res.end() || it->is_null()) {
    if (required) return Status::Invalid(path, path + " is required");
    return Status::Ok();
  }
  const json* ident = it->is_object() && it->contains("identifier") ? &(*it)["identifier"] : nullptr;
  if (!ident || StrOf(*ident, "system") != kOrgUnitSystem || !ident->contains("value") ||
      !(*ident)["value"].is_string())
    return Status::Invalid(path + ".identifier",
                           path + ".identifier must name an org unit: {\"system\": \"" + std::string(kOrgUnitSystem) +
                               "\", \"value\": \"<code>\"}");
  *id = (*ident)["value"].get<std::string>();
  return Status::Ok();
}

Status ReadCode(const json& res, std::string_view key, std::string_view system, const std::string& path, bool required,
                std::string* code) {
  code->clear();
  auto it = res.find(key);
  if (it == res.end() || it->is_null()) {
    if (required) return Status::Invalid(path, path + " is required");
    return Status::Ok();
  }
  const json& cc = it->is_array() && !it->empty() ? it->front() : *it;  // Encounter.type is a list
  if (!cc.is_object() || !cc.contains("coding") || !cc["coding"].is_array())
    return Status::Invalid(path, path + " must be a CodeableConcept with coding");
  for (const json& c : cc["coding"])
    if (StrOf(c, "system") == system && c.contains("code") && c["code"].is_string()) {
      *code = c["code"].get<std::string>();
      return Status::Ok();
    }
  return Status::Invalid(path + ".coding", path + ".coding: no code in the system " + std::string(system));
}

Element Quantity(const json& value, std::string_view unit, std::string_view ucum_code) {
  return Object().Value("value", value).Str("unit", unit).Str("system", kUcum).Str("code", ucum_code).Close();
}

Element ObservationCategory(std::string_view code) {
  // Written once each: every measure of every growth record and ANC visit carries one.
  static const std::vector<std::pair<std::string, Element>> known = [] {
    std::vector<std::pair<std::string, Element>> out;
    for (const char* c : {"vital-signs", "exam", "laboratory", "survey", "social-history", "procedure"})
      out.emplace_back(c, Array().Add(Concept(kObservationCategory, c)).Close());
    return out;
  }();
  for (const auto& [c, element] : known)
    if (c == code) return element;
  return Array().Add(Concept(kObservationCategory, code)).Close();
}

Status OnlyKnownElements(const json& res, std::initializer_list<std::string_view> known) {
  static constexpr std::string_view kAlways[] = {"resourceType", "id", "meta", "text", "extension"};
  const std::string type = StrOf(res, "resourceType").empty() ? "Resource" : StrOf(res, "resourceType");
  for (auto it = res.begin(); it != res.end(); ++it) {
    const std::string& k = it.key();
    bool ok = false;
    for (std::string_view a : kAlways) ok = ok || k == a;
    for (std::string_view a : known) ok = ok || k == a;
    if (!ok) return Status::Invalid(type + "." + k, type + "." + k + ": element not supported by under5 (docs/fhir.md)");
  }
  return Status::Ok();
}

}  // namespace u5::fhir
