#include "fhir/mother_codes.h"

#include <algorithm>
#include <set>

namespace u5::fhir {
extern const char* const kBuiltinCodesMother;
}

namespace u5::fhir::mother {
namespace {

Coded CodedOf(const json& j, const char* system_default = "") {
  Coded c;
  c.system = j.value("system", std::string(system_default));
  c.code = j.value("code", "");
  c.display = j.contains("code_display") ? j["code_display"].get<std::string>() : j.value("display", "");
  return c;
}

Codes Parse() {
  const json j = json::parse(kBuiltinCodesMother);
  Codes t;
  for (const auto& [type, v] : j.at("record_types").at("items").items()) {
    t.type_display[type] = v.at("display").get<std::string>();
    for (const json& c : v.value("codes", json::array())) t.type_codes[type].push_back(CodedOf(c));
  }
  for (const json& m : j.at("measures").at("items"))
    t.measures.push_back({.type = m.at("type"),
                          .field = m.at("field"),
                          .suffix = m.value("suffix", ""),
                          .category = m.value("category", ""),
                          .unit = m.value("unit", ""),
                          .ucum = m.value("ucum", ""),
                          .code = CodedOf(m, kLoinc),
                          .derived = m.value("derived", false)});
  const json& bp = j.at("blood_pressure");
  t.bp = {.type = bp.at("type"), .suffix = bp.at("suffix"), .unit = bp.at("unit"), .ucum = bp.at("ucum"), .code = CodedOf(bp, kLoinc)};
  for (const json& c : bp.at("components")) t.bp.components.push_back({c.at("field"), CodedOf(c, kLoinc)});
  for (const json& x : j.at("tests").at("items"))
    t.tests.push_back({.type = x.at("type"), .field = x.at("field"), .suffix = x.at("suffix"), .code = CodedOf(x, kLoinc)});
  for (const auto& [value, x] : j.at("tests").at("results").items())
    t.results[value] = {.standard = x.contains("code") ? CodedOf(x) : Coded{},
                        .absent = x.value("absent", ""),
                        .display = x.value("display", "")};
  for (const json& x : j.at("care").at("items"))
    t.care.push_back({.type = x.at("type"), .field = x.at("field"), .suffix = x.at("suffix"), .display = x.at("display")});
  auto list = [](const json& x) {
    ListSpec l{.type = x.at("type"), .field = x.at("field"), .resource = x.value("resource", "Procedure"), .prefix = x.value("prefix", "")};
    for (const json& v : x.at("values"))
      l.values.push_back({v.at("value"), v.at("display"), v.contains("code") ? CodedOf(v) : Coded{}});
    return l;
  };
  for (const json& x : j.at("lists").at("items")) t.lists.push_back(list(x));
  t.mode = list(j.at("delivery_mode"));
  t.mode_suffix = j.at("delivery_mode").at("suffix");
  const json& cls = j.at("encounter_class");
  t.class_unknown = CodedOf(cls.at("unknown"));
  t.class_display = cls.at("displays").get<std::map<std::string, std::string>>();
  for (const auto& [type, x] : cls.at("types").items()) {
    ClassSpec s{.fixed = x.value("fixed", ""), .field = x.value("field", "")};
    if (x.contains("values")) s.values = x["values"].get<std::map<std::string, std::string>>();
    t.classes[type] = s;
  }
  t.attender = CodedOf(j.at("participants").at("role"));
  for (const json& x : j.at("participants").at("items")) t.participant_field[x.at("type")] = x.at("field");
  t.stillbirth_sex = CodedOf(j.at("stillbirth").at("sex"), kLoinc);
  t.gender = j.at("stillbirth").at("gender").get<std::map<std::string, std::string>>();
  t.mother = CodedOf(j.at("mother"));
  t.ethnicity = j.at("ethnicity").at("names").get<std::map<std::string, std::string>>();
  for (const json& x : j.at("extensions").at("items"))
    t.extensions.push_back({.type = x.at("type"),
                            .field = x.at("field"),
                            .name = x.at("name"),
                            .kind = x.at("kind"),
                            .system = x.value("system", ""),
                            .target = x.value("target", ""),
                            .derived = x.value("derived", false)});
  return t;
}

}  // namespace

const Codes& Tables() {
  static const Codes codes = Parse();
  return codes;
}

std::string LocalSystem() { return CodeSystemUrl("registry-field"); }

Element LocalCoding(const std::string& type, const std::string& field, const std::string& value, const std::string& display) {
  static const std::string system = LocalSystem();
  std::string code = type + "." + field;
  if (!value.empty()) code += "." + value;
  return Coding(system, code, display);
}

Element WithLocal(const Coded& standard, const Element& local) {
  Array coding;
  if (!standard.code.empty()) coding.Add(Coding(standard.system, standard.code, standard.display));
  coding.Add(local);
  return Object().Put("coding", coding.Close()).Close();
}

Element TypeConcept(const std::string& type) {
  const Codes& t = Tables();
  Array coding;
  if (auto s = t.type_codes.find(type); s != t.type_codes.end())
    for (const Coded& c : s->second) coding.Add(Coding(c.system, c.code, c.display));
  auto d = t.type_display.find(type);
  coding.Add(Coding(kRecordTypeSystem, type, d == t.type_display.end() ? "" : d->second));
  return Object().Put("coding", coding.Close()).Close();
}

bool NamesType(const json& cc, const std::string& type) {
  if (HasCoding(cc, kRecordTypeSystem, type)) return true;
  if (auto s = Tables().type_codes.find(type); s != Tables().type_codes.end())
    for (const Coded& c : s->second)
      if (HasCoding(cc, c.system, c.code)) return true;
  return false;
}

bool HasCoding(const json& cc, const std::string& system, const std::string& code) {
  if (cc.is_array()) {
    for (const json& c : cc)
      if (HasCoding(c, system, code)) return true;
    return false;
  }
  if (!cc.is_object() || !cc.contains("coding") || !cc["coding"].is_array()) return false;
  for (const json& c : cc["coding"])
    if (Str(c, "system") == system && Str(c, "code") == code) return true;
  return false;
}

std::string CodeIn(const json& cc, const std::string& system) {
  if (!cc.is_object() || !cc.contains("coding") || !cc["coding"].is_array()) return {};
  for (const json& c : cc["coding"])
    if (Str(c, "system") == system) return Str(c, "code");
  return {};
}

std::string Str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string FhirDateTime(const std::string& s) {
  if (s.size() < 16) return s;
  std::string out = s;
  out[10] = 'T';
  if (out.size() == 16 || out[16] != ':') out.insert(16, ":00");
  if (out.size() == 19) out += "+07:00";
  return out;
}

std::string ExtensionPath(const std::string& resource, const std::string& name) {
  return resource + ".extension:" + name;
}

Element OrgUnitOf(const std::string& orgunit, Context& ctx) {
  const std::optional<Place> place = ctx.PlaceOf(orgunit);
  return OrgUnitRef(orgunit, place ? place->name : "");
}

void WriteExtensions(const std::string& type, const json& body, Context& ctx, ExtensionList& ext) {
  for (const Ext& e : Tables().extensions) {
    if (e.type != type || !body.contains(e.field)) continue;
    const json& v = body[e.field];
    if (e.kind == "CodeList") {
      for (const json& one : v) ext.Add(e.name, "Code", one);
    } else if (e.kind == "Coding") {
      const std::string& code = v.get_ref<const std::string&>();
      auto name = Tables().ethnicity.find(code);
      ext.Add(e.name, "Coding", Coding(CodeSystemUrl(e.system), code, name == Tables().ethnicity.end() ? "" : name->second));
    } else if (e.kind == "OrgUnit") {
      ext.Add(e.name, "Reference", OrgUnitOf(v.get<std::string>(), ctx));
    } else if (e.kind == "Reference") {
      ext.Add(e.name, "Reference", Ref(e.target, v.get_ref<const std::string&>()));
    } else if (e.kind == "DateTime") {
      ext.Add(e.name, "DateTime", FhirDateTime(v.get<std::string>()));
    } else {
      ext.Add(e.name, e.kind, v);
    }
  }
}

Status ReadExtensions(const std::string& type, const json& res, json* body) {
  const std::string rt = Str(res, "resourceType");
  auto it = res.find("extension");
  if (it == res.end()) return Status::Ok();
  if (!it->is_array()) return Status::Invalid(rt + ".extension", rt + ".extension must be an array");
  std::set<std::string> seen;
  for (const json& x : *it) {
    const std::string url = Str(x, "url");
    const Ext* spec = nullptr;
    for (const Ext& e : Tables().extensions)
      if (e.type == type && ExtensionUrl(e.name) == url) spec = &e;
    if (!spec)
      return Status::Invalid(rt + ".extension",
                             rt + ".extension: " + (url.empty() ? std::string("an extension without url") : url) +
                                 " is not an extension under5 reads on a " + type + " (docs/fhir.md)");
    const std::string path = ExtensionPath(rt, spec->name);
    if (spec->kind != "CodeList" && !seen.insert(spec->name).second)
      return Status::Invalid(path, path + " is given twice");
    if (spec->derived) continue;  // the registry recomputes it
    const std::string kind = spec->kind == "CodeList" ? "Code" : spec->kind == "OrgUnit" ? "Reference" : spec->kind;
    auto v = x.find("value" + kind);
    if (v == x.end()) return Status::Invalid(path, path + " must carry value" + kind);
    if (spec->kind == "CodeList") {
      (*body)[spec->field].push_back(*v);
    } else if (spec->kind == "Coding") {
      if (Str(*v, "system") != CodeSystemUrl(spec->system) || !v->contains("code"))
        return Status::Invalid(path, path + ": valueCoding must be in the system " + CodeSystemUrl(spec->system));
      (*body)[spec->field] = (*v)["code"];
    } else if (spec->kind == "OrgUnit") {
      std::string id;
      if (Status st = ReadOrgUnitRef(x, "valueReference", path + ".valueReference", true, &id); !st.ok()) return st;
      (*body)[spec->field] = id;
    } else if (spec->kind == "Reference") {
      std::string id;
      if (Status st = ReadRef(x, "valueReference", spec->target, path + ".valueReference", true, &id); !st.ok()) return st;
      (*body)[spec->field] = id;
    } else {
      (*body)[spec->field] = *v;
    }
  }
  return Status::Ok();
}

Status KnownOnly(const json& res, const std::vector<std::string>& known) {
  static const std::set<std::string> kAlways = {"resourceType", "id", "meta", "text", "extension"};
  const std::string rt = Str(res, "resourceType");
  for (auto it = res.begin(); it != res.end(); ++it)
    if (!kAlways.count(it.key()) && std::find(known.begin(), known.end(), it.key()) == known.end())
      return Status::Invalid(rt + "." + it.key(), rt + "." + it.key() + ": element not supported by under5 (docs/fhir.md)");
  return Status::Ok();
}

}  // namespace u5::fhir::mother
