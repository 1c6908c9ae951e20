#include "fhir/map_child.h"

#include <algorithm>

namespace u5::fhir {
namespace child {

extern const char* const kCodesChild;  // data/fhir/codes_child.json (builtin_codes_child.cpp)

const json& Codes() {
  static const json codes = json::parse(kCodesChild);
  return codes;
}

Element Local(std::string_view name, std::string_view code, std::string_view display) {
  return Coding(CodeSystemUrl(name), code, display);
}

Element LocalConcept(std::string_view name, std::string_view code, std::string_view display) {
  return Object().Put("coding", Array().Add(Local(name, code, display)).Close()).Close();
}

Element OrgUnit(Context& ctx, const std::string& orgunit_id) {
  const std::optional<Place> place = ctx.PlaceOf(orgunit_id);
  return OrgUnitRef(orgunit_id, place ? place->name : "");
}

std::string FhirDateTime(const std::string& t) {
  // Registry datetimes are YYYY-MM-DDTHH:MM[:SS][zone].
  if (t.size() < 16 || (t[10] != 'T' && t[10] != ' ')) return t;
  std::string out = t.substr(0, 10) + "T" + t.substr(11, 5);
  size_t rest = 16;
  if (t.size() >= 19 && t[16] == ':') {
    out += t.substr(16, 3);
    rest = 19;
  } else {
    out += ":00";
  }
  const std::string zone = t.substr(rest);
  return out + (zone.empty() ? "+07:00" : zone);
}

void PutOrgUnitExtension(ExtensionList& ext, Context& ctx, const json& body) {
  ext.Add("orgunit", "Reference", OrgUnit(ctx, body.at("orgunit").get<std::string>()));
}

void PutNote(Object& res, const json& body) {
  if (body.contains("note")) res.Put("note", Array().Add(Object().Value("text", body["note"]).Close()).Close());
}

Resource Observation(std::string_view suffix, const store::Record& r, const json& body, const Element& code) {
  Resource obs{"Observation", std::string(suffix)};
  obs.members.Str("status", "final")
      .Put("code", code)
      .Ref("subject", "Patient", body.at("person_id").get_ref<const std::string&>())
      .Ref("encounter", "Encounter", r.id)
      .Value("effectiveDateTime", body.at("date"));
  return obs;
}

Resource Encounter(const store::Record& r, const json& body, Context& ctx, ExtensionList* ext) {
  Resource enc{"Encounter"};
  enc.members.Str("status", "finished")
      .Put("class", Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"))
      .Put("type", Array().Add(Concept(kRecordTypeSystem, r.type)).Close())
      .Ref("subject", "Patient", body.at("person_id").get_ref<const std::string&>())
      .Put("period", Object().Value("start", body.at("date")).Close())
      .Put("serviceProvider", OrgUnit(ctx, body.at("orgunit").get<std::string>()));
  if (body.contains("note")) ext->Add("note", "String", body["note"]);
  return enc;
}

Status ReadEncounter(const json& enc, json* body) {
  const std::string t = "Encounter";
  U5_RETURN_IF_ERROR(ReadId(enc, t, body));
  U5_RETURN_IF_ERROR(ReadFixed(enc, t, "status", {"finished"}, true));
  if (!enc.contains("class") || !enc["class"].is_object()) return Status::Invalid(t + ".class", t + ".class is required (a Coding)");
  std::string person, orgunit;
  U5_RETURN_IF_ERROR(ReadRef(enc, "subject", "Patient", t + ".subject", true, &person));
  (*body)["person_id"] = person;
  if (auto it = enc.find("period"); it != enc.end()) {
    if (!it->is_object()) return Status::Invalid(t + ".period", t + ".period must be a Period");
    for (auto e = it->begin(); e != it->end(); ++e)
      if (e.key() != "start" && e.key() != "end")
        return Status::Invalid(t + ".period." + e.key(), t + ".period." + e.key() + ": element not supported by under5 (docs/fhir.md)");
    U5_RETURN_IF_ERROR(ReadString(*it, t + ".period", "start", "date", body));
  }
  U5_RETURN_IF_ERROR(ReadOrgUnitRef(enc, "serviceProvider", t + ".serviceProvider", true, &orgunit));
  (*body)["orgunit"] = orgunit;
  return ExtensionField(enc, t, "note", "String", "note", body);
}

bool HasRecordType(const json& res, std::string_view key, std::string_view type) {
  std::string code;
  return ReadCode(res, key, kRecordTypeSystem, "", true, &code).ok() && code == type;
}

Status NoParts(const std::vector<json>& parts, const std::string& type) {
  if (parts.empty()) return Status::Ok();
  const std::string t = parts[0].value("resourceType", "Resource");
  return Status::Invalid(t, t + ": a record kept as " + type + " has no other resources (docs/fhir.md)");
}

Status OnlyExtensions(const json& res, const std::string& type, std::initializer_list<std::string_view> names) {
  auto it = res.find("extension");
  if (it == res.end()) return Status::Ok();
  const std::string path = type + ".extension";
  if (!it->is_array()) return Status::Invalid(path, path + " must be an array");
  for (const json& e : *it) {
    const std::string url = e.is_object() ? e.value("url", "") : "";
    bool known = false;
    for (std::string_view n : names) known = known || url == ExtensionUrl(n);
    if (!known)
      return Status::Invalid(path, path + ": extension \"" + url + "\" is not one under5 reads on " + type + " (docs/fhir.md)");
  }
  return Status::Ok();
}

Status Extension(const json& res, const std::string& type, std::string_view name, std::string_view kind, json* value) {
  return ReadExtension(res, name, kind, type + ".extension:" + std::string(name), value);
}

Status Extensions(const json& res, const std::string& type, std::string_view name, std::string_view kind,
                  std::vector<json>* values) {
  values->clear();
  auto it = res.find("extension");
  if (it == res.end() || !it->is_array()) return Status::Ok();
  const std::string path = type + ".extension:" + std::string(name);
  const std::string url = ExtensionUrl(name), key = "value" + std::string(kind);
  for (const json& e : *it) {
    if (!e.is_object() || e.value("url", "") != url) continue;
    if (!e.contains(key)) return Status::Invalid(path, path + " must carry " + key);
    values->push_back(e[key]);
  }
  return Status::Ok();
}

Status ExtensionField(const json& res, const std::string& type, std::string_view name, std::string_view kind,
                      const std::string& field, json* body) {
  json v;
  U5_RETURN_IF_ERROR(Extension(res, type, name, kind, &v));
  if (v.is_null()) return Status::Ok();
  const std::string path = type + ".extension:" + std::string(name);
  const bool ok = kind == "Boolean" ? v.is_boolean() : kind == "Integer" ? v.is_number_integer() : v.is_string();
  if (!ok) return Status::Invalid(path, path + ": value" + std::string(kind) + " has the wrong JSON type");
  (*body)[field] = v;
  return Status::Ok();
}

Status ReadOrgUnitExtension(const json& res, const std::string& type, json* body) {
  json v;
  const std::string path = type + ".extension:orgunit";
  U5_RETURN_IF_ERROR(Extension(res, type, "orgunit", "Reference", &v));
  if (v.is_null()) return Status::Invalid(path, path + " is required: the org unit that keeps the record");
  const json holder = {{"ref", v}};
  std::string id;
  U5_RETURN_IF_ERROR(ReadOrgUnitRef(holder, "ref", path + ".valueReference", true, &id));
  (*body)["orgunit"] = id;
  return Status::Ok();
}

Status ReadNote(const json& res, const std::string& type, json* body) {
  auto it = res.find("note");
  if (it == res.end()) return Status::Ok();
  const std::string path = type + ".note";
  if (!it->is_array() || it->size() != 1 || !(*it)[0].is_object() || !(*it)[0].contains("text") ||
      !(*it)[0]["text"].is_string())
    return Status::Invalid(path, path + " must be one annotation with text (under5 keeps one note per record)");
  for (auto e = (*it)[0].begin(); e != (*it)[0].end(); ++e)
    if (e.key() != "text") return Status::Invalid(path + "." + e.key(), path + "." + e.key() + ": element not supported by under5 (docs/fhir.md)");
  (*body)["note"] = (*it)[0]["text"];
  return Status::Ok();
}

Status ReadFixed(const json& res, const std::string& type, std::string_view key,
                 std::initializer_list<std::string_view> allowed, bool required) {
  const std::string path = type + "." + std::string(key);
  auto it = res.find(key);
  if (it == res.end()) return required ? Status::Invalid(path, path + " is required") : Status::Ok();
  std::string list;
  for (std::string_view a : allowed) {
    if (it->is_string() && it->get<std::string>() == a) return Status::Ok();
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  return Status::Invalid(path, path + " must be " + list);
}

Status ReadLocal(const json& cc, const std::string& path, std::string_view name, bool required, std::string* code) {
  const json holder = {{"cc", cc}};
  return ReadCode(holder, "cc", CodeSystemUrl(name), path, required, code);
}

Status ReadString(const json& res, const std::string& type, std::string_view key, const std::string& field, json* body) {
  auto it = res.find(key);
  if (it == res.end()) return Status::Ok();
  const std::string path = type + "." + std::string(key);
  if (!it->is_string()) return Status::Invalid(path, path + " must be a string");
  (*body)[field] = *it;
  return Status::Ok();
}

Status ReadAmount(const json& res, const std::string& path, std::string_view key, std::string_view ucum, json* value) {
  *value = nullptr;
  auto it = res.find(key);
  if (it == res.end()) return Status::Ok();
  if (!it->is_object()) return Status::Invalid(path, path + " must be a Quantity");
  for (auto e = it->begin(); e != it->end(); ++e)
    if (e.key() != "value" && e.key() != "unit" && e.key() != "system" && e.key() != "code")
      return Status::Invalid(path + "." + e.key(), path + "." + e.key() + ": element not supported by under5 (docs/fhir.md)");
  if (!it->contains("value") || !(*it)["value"].is_number())
    return Status::Invalid(path + ".value", path + ".value must be a number");
  if (it->value("system", "") != kUcum || it->value("code", "") != ucum)
    return Status::Invalid(path + ".code", path + ".code must be the UCUM unit \"" + std::string(ucum) + "\" (system " +
                                               std::string(kUcum) + ")");
  *value = (*it)["value"];
  return Status::Ok();
}

Status ReadId(const json& res, const std::string& type, json* body) {
  auto it = res.find("id");
  if (it == res.end()) return Status::Ok();
  if (!it->is_string()) return Status::Invalid(type + ".id", type + ".id must be a string");
  (*body)["id"] = *it;
  return Status::Ok();
}

Status CheckPart(const json& part, const json& primary, const json& body) {
  const std::string type = part.value("resourceType", "Resource");
  std::string owner, subject;
  U5_RETURN_IF_ERROR(ReadRef(part, "encounter", "Encounter", type + ".encounter", true, &owner));
  if (primary.contains("id") && primary["id"].is_string() && owner != primary["id"].get<std::string>())
    return Status::Invalid(type + ".encounter", type + ".encounter must be the Encounter it is part of (Encounter/" +
                                                    primary["id"].get<std::string>() + ")");
  U5_RETURN_IF_ERROR(ReadRef(part, "subject", "Patient", type + ".subject", true, &subject));
  if (body.contains("person_id") && subject != body["person_id"].get<std::string>())
    return Status::Invalid(type + ".subject", type + ".subject must be the patient of its Encounter");
  return Status::Ok();
}

}  // namespace child

std::vector<Mapper> ChildMappers() {
  std::vector<Mapper> out;
  for (std::vector<Mapper> part : {child::ImmunizationMappers(), child::GrowthMappers(), child::CareMappers(), child::DeathMappers()})
    for (Mapper& m : part) out.push_back(std::move(m));
  // FHIR has no empty strings, while the registry accepts "" in free text
  // (note, lot, reason, ...): such a field is sent as absent.
  for (Mapper& m : out)
    m.to_fhir = [to_fhir = std::move(m.to_fhir)](const store::Record& r, const json& body, Context& ctx,
                                                 std::vector<Resource>* res) {
      auto empty = [](const json& v) { return v.is_string() && v.get_ref<const std::string&>().empty(); };
      if (std::none_of(body.begin(), body.end(), empty)) return to_fhir(r, body, ctx, res);
      json b = body;
      for (auto it = b.begin(); it != b.end();) it = empty(*it) ? b.erase(it) : std::next(it);
      return to_fhir(r, b, ctx, res);
    };
  return out;
}

}  // namespace u5::fhir
