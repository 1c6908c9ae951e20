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
    if (v.contains("code")) t.type_code[type] = CodedOf(v);
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

json Observation(const std::string& suffix, const std::string& category, json code, const store::Record& r,
                 const std::string& effective) {
  json o = {{"resourceType", "Observation"}, {"id", suffix}, {"status", "final"}, {"code", std::move(code)},
            {"subject", Ref("Patient", r.person_id)}, {"encounter", Ref("Encounter", r.id)},
            {"effectiveDateTime", effective}};
  if (!category.empty()) o["category"] = json::array({Concept(kObservationCategory, category)});
  return o;
}

json PartOf(const char* type, const std::string& suffix, json code, const store::Record& r) {
  return {{"resourceType", type}, {"id", suffix}, {"code", std::move(code)}, {"subject", Ref("Patient", r.person_id)},
          {"encounter", Ref("Encounter", r.id)}};
}

// A Quantity whose value keeps the registry's number (an integer stays one).
json Qty(const json& value, const std::string& unit, const std::string& ucum) {
  return {{"value", value}, {"unit", unit}, {"system", kUcum}, {"code", ucum}};
}

std::string ExtensionPath(const std::string& resource, const std::string& name) {
  return resource + ".extension:" + name;
}

// The value of a Quantity, checked for its unit.
Status ReadQty(const json& q, const std::string& path, const std::string& ucum, json* value) {
  if (!q.is_object() || !q.contains("value")) return Status::Invalid(path + ".value", path + ".value is required");
  if (Str(q, "system") != kUcum || Str(q, "code") != ucum)
    return Status::Invalid(path + ".code", path + ": the unit must be UCUM " + ucum);
  *value = q["value"];
  return Status::Ok();
}

// The field a part's code names among `codes` (local code first, then the standard one).
struct Match {
  const Measure* measure = nullptr;
  const Test* test = nullptr;
  const Care* care = nullptr;
  const ListSpec* list = nullptr;
  const ListValue* value = nullptr;
  bool bp = false;
};

bool Names(const json& cc, const std::string& type, const std::string& field, const std::string& value, const Coded& standard) {
  const std::string local = type + "." + field + (value.empty() ? "" : "." + value);
  return HasCoding(cc, LocalSystem(), local) || (!standard.code.empty() && HasCoding(cc, standard.system, standard.code));
}

Match Identify(const std::string& type, const std::string& resource, const json& code) {
  const Codes& t = Tables();
  Match m;
  if (resource == "Observation") {
    for (const Measure& x : t.measures)
      if (x.type == type && Names(code, type, x.field, "", x.code)) m.measure = &x;
    for (const Test& x : t.tests)
      if (x.type == type && Names(code, type, x.field, "", x.code)) m.test = &x;
    m.bp = t.bp.type == type && (HasCoding(code, LocalSystem(), type + ".blood_pressure") || HasCoding(code, kLoinc, t.bp.code.code));
  }
  if (resource == "Procedure")
    for (const Care& x : t.care)
      if (x.type == type && Names(code, type, x.field, "", {})) m.care = &x;
  std::vector<const ListSpec*> lists;
  for (const ListSpec& l : t.lists) lists.push_back(&l);
  lists.push_back(&t.mode);
  for (const ListSpec* l : lists)
    if (l->type == type && l->resource == resource)
      for (const ListValue& v : l->values)
        if (Names(code, type, l->field, v.value, v.standard)) m.list = l, m.value = &v;
  return m;
}

}  // namespace

const Codes& Tables() {
  static const Codes codes = Parse();
  return codes;
}

std::string LocalSystem() { return CodeSystemUrl("registry-field"); }

json LocalCoding(const std::string& type, const std::string& field, const std::string& value, const std::string& display) {
  return Coding(LocalSystem(), type + "." + field + (value.empty() ? "" : "." + value), display);
}

json WithLocal(const Coded& standard, json local) {
  json coding = json::array();
  if (!standard.code.empty()) coding.push_back(Coding(standard.system, standard.code, standard.display));
  coding.push_back(std::move(local));
  return {{"coding", coding}};
}

json TypeConcept(const std::string& type) {
  const Codes& t = Tables();
  auto d = t.type_display.find(type);
  json local = Coding(kRecordTypeSystem, type, d == t.type_display.end() ? "" : d->second);
  auto s = t.type_code.find(type);
  return WithLocal(s == t.type_code.end() ? Coded{} : s->second, std::move(local));
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

json OrgUnitOf(const std::string& orgunit, Context& ctx) {
  const std::optional<Place> place = ctx.PlaceOf(orgunit);
  return OrgUnitRef(orgunit, place ? place->name : "");
}

void WriteExtensions(const std::string& type, const json& body, Context& ctx, json& res) {
  for (const Ext& e : Tables().extensions) {
    if (e.type != type || !body.contains(e.field)) continue;
    const json& v = body[e.field];
    if (e.kind == "CodeList") {
      for (const json& one : v) AddExtension(res, e.name, "Code", one);
    } else if (e.kind == "Coding") {
      auto name = Tables().ethnicity.find(v.get<std::string>());
      AddExtension(res, e.name, "Coding",
                   Coding(CodeSystemUrl(e.system), v.get<std::string>(), name == Tables().ethnicity.end() ? "" : name->second));
    } else if (e.kind == "OrgUnit") {
      AddExtension(res, e.name, "Reference", OrgUnitOf(v.get<std::string>(), ctx));
    } else if (e.kind == "Reference") {
      AddExtension(res, e.name, "Reference", Ref(e.target, v.get<std::string>()));
    } else if (e.kind == "DateTime") {
      AddExtension(res, e.name, "DateTime", FhirDateTime(v.get<std::string>()));
    } else {
      AddExtension(res, e.name, e.kind, v);
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

void WriteParts(const std::string& type, const store::Record& r, const json& body, const std::string& effective,
                std::vector<json>* out) {
  const Codes& t = Tables();
  for (const Measure& m : t.measures) {
    if (m.type != type || m.suffix.empty() || !body.contains(m.field)) continue;
    json o = Observation(m.suffix, m.category, WithLocal(m.code, LocalCoding(type, m.field)), r, effective);
    if (m.ucum.empty()) o["valueInteger"] = body[m.field];
    else o["valueQuantity"] = Qty(body[m.field], m.unit, m.ucum);
    out->push_back(std::move(o));
  }
  if (t.bp.type == type) {
    json comps = json::array();
    for (const Component& c : t.bp.components)
      if (body.contains(c.field))
        comps.push_back({{"code", WithLocal(c.code, LocalCoding(type, c.field))}, {"valueQuantity", Qty(body[c.field], t.bp.unit, t.bp.ucum)}});
    if (!comps.empty()) {
      json o = Observation(t.bp.suffix, "vital-signs", WithLocal(t.bp.code, LocalCoding(type, "blood_pressure")), r, effective);
      o["component"] = std::move(comps);
      out->push_back(std::move(o));
    }
  }
  for (const Test& x : t.tests) {
    if (x.type != type || !body.contains(x.field)) continue;
    const std::string v = body[x.field].get<std::string>();
    json o = Observation(x.suffix, "laboratory", WithLocal(x.code, LocalCoding(type, x.field)), r, effective);
    auto res = t.results.find(v);
    json local = LocalCoding(type, x.field, v, res == t.results.end() ? "" : res->second.display);
    if (res != t.results.end() && !res->second.absent.empty())
      o["dataAbsentReason"] = WithLocal(Coded{kDataAbsentReason, res->second.absent, res->second.display}, std::move(local));
    else
      o["valueCodeableConcept"] = WithLocal(res == t.results.end() ? Coded{} : res->second.standard, std::move(local));
    out->push_back(std::move(o));
  }
  for (const Care& c : t.care) {
    if (c.type != type || !body.contains(c.field)) continue;
    const bool done = body[c.field].get<bool>();
    json p = PartOf("Procedure", c.suffix, WithLocal({}, LocalCoding(type, c.field, "", c.display)), r);
    p["status"] = done ? "completed" : "not-done";
    if (done) p["performedDateTime"] = effective;
    out->push_back(std::move(p));
  }
  std::vector<const ListSpec*> lists;
  for (const ListSpec& l : t.lists) lists.push_back(&l);
  lists.push_back(&t.mode);
  for (const ListSpec* l : lists) {
    if (l->type != type || !body.contains(l->field)) continue;
    const json values = body[l->field].is_array() ? body[l->field] : json::array({body[l->field]});
    for (const json& jv : values) {
      const std::string v = jv.get<std::string>();
      const ListValue* spec = nullptr;
      for (const ListValue& x : l->values)
        if (x.value == v) spec = &x;
      std::string suffix = l == &t.mode ? t.mode_suffix : l->prefix + v;
      std::replace(suffix.begin(), suffix.end(), '_', '-');
      json p = PartOf(l->resource.c_str(), suffix,
                      WithLocal(spec ? spec->standard : Coded{}, LocalCoding(type, l->field, v, spec ? spec->display : "")), r);
      if (l->resource == "Condition") {
        p["category"] = json::array({Concept(kConditionCategory, "encounter-diagnosis", "Encounter Diagnosis")});
      } else {
        p["status"] = "completed";
        p["performedDateTime"] = effective;
      }
      out->push_back(std::move(p));
    }
  }
}

Status ReadParts(const std::string& type, const std::vector<json>& parts, const std::string& encounter_id,
                 const std::string& person_id, json* body) {
  const Codes& t = Tables();
  std::set<std::string> seen;
  std::map<const ListSpec*, std::set<std::string>> listed;
  for (const json& p : parts) {
    const std::string rt = Str(p, "resourceType");
    if (rt != "Observation" && rt != "Procedure" && rt != "Condition")
      return Status::Invalid("resourceType", "resourceType " + (rt.empty() ? std::string("(none)") : rt) +
                                                 " is not a part of a " + type + " Encounter");
    if (rt == "Observation") {
      U5_RETURN_IF_ERROR(KnownOnly(p, {"status", "category", "code", "subject", "encounter", "effectiveDateTime",
                                       "valueQuantity", "valueInteger", "valueCodeableConcept", "dataAbsentReason", "component"}));
    } else if (rt == "Procedure") {
      U5_RETURN_IF_ERROR(KnownOnly(p, {"status", "code", "subject", "encounter", "performedDateTime"}));
    } else {
      U5_RETURN_IF_ERROR(KnownOnly(p, {"category", "code", "subject", "encounter"}));
    }
    if (p.contains("extension")) return Status::Invalid(rt + ".extension", rt + ".extension: under5 reads no extension on a part");
    std::string enc, subject;
    U5_RETURN_IF_ERROR(ReadRef(p, "encounter", "Encounter", rt + ".encounter", true, &enc));
    if (!encounter_id.empty() && enc != encounter_id)
      return Status::Invalid(rt + ".encounter", rt + ".encounter must be the Encounter it is written with (Encounter/" + encounter_id + ")");
    U5_RETURN_IF_ERROR(ReadRef(p, "subject", "Patient", rt + ".subject", true, &subject));
    if (subject != person_id) return Status::Invalid(rt + ".subject", rt + ".subject must be the Encounter's subject (Patient/" + person_id + ")");
    if (!p.contains("code")) return Status::Invalid(rt + ".code", rt + ".code is required");
    const Match m = Identify(type, rt, p["code"]);
    const std::string code_path = rt + ".code.coding";
    auto once = [&](const std::string& field) -> Status {
      if (!seen.insert(field).second) return Status::Invalid(code_path, code_path + ": a second " + rt + " for " + field);
      return Status::Ok();
    };
    if (m.measure) {
      U5_RETURN_IF_ERROR(once(m.measure->field));
      if (m.measure->derived) continue;
      json v;
      if (m.measure->ucum.empty()) {
        if (!p.contains("valueInteger")) return Status::Invalid("Observation.valueInteger", "Observation.valueInteger is required");
        v = p["valueInteger"];
      } else {
        U5_RETURN_IF_ERROR(ReadQty(p.value("valueQuantity", json()), "Observation.valueQuantity", m.measure->ucum, &v));
      }
      (*body)[m.measure->field] = v;
    } else if (m.bp) {
      U5_RETURN_IF_ERROR(once("blood_pressure"));
      const json comps = p.value("component", json::array());
      if (!comps.is_array() || comps.empty())
        return Status::Invalid("Observation.component", "Observation.component: the blood pressure panel needs its systolic or diastolic component");
      for (const json& c : comps) {
        const Component* spec = nullptr;
        for (const Component& x : t.bp.components)
          if (c.is_object() && Names(c.value("code", json()), type, x.field, "", x.code)) spec = &x;
        if (!spec) return Status::Invalid("Observation.component.code.coding", "Observation.component.code.coding: not a systolic or diastolic pressure");
        if (body->contains(spec->field)) return Status::Invalid("Observation.component.code.coding", "Observation.component: " + spec->field + " given twice");
        json v;
        U5_RETURN_IF_ERROR(ReadQty(c.value("valueQuantity", json()), "Observation.component.valueQuantity", t.bp.ucum, &v));
        (*body)[spec->field] = v;
      }
    } else if (m.test) {
      U5_RETURN_IF_ERROR(once(m.test->field));
      const bool absent = p.contains("dataAbsentReason");
      const json& cc = absent ? p["dataAbsentReason"] : p.value("valueCodeableConcept", json());
      const std::string path = absent ? "Observation.dataAbsentReason.coding" : "Observation.valueCodeableConcept.coding";
      std::string value;
      for (const auto& [v, res] : t.results)
        if (Names(cc, type, m.test->field, v, absent ? Coded{kDataAbsentReason, res.absent, ""} : res.standard) &&
            (absent == !res.absent.empty()))
          value = v;
      if (value.empty())
        return Status::Invalid(path, path + ": no result under5 knows (SNOMED CT negative/positive, or a data-absent-reason not-performed/asked-declined)");
      (*body)[m.test->field] = value;
    } else if (m.care) {
      U5_RETURN_IF_ERROR(once(m.care->field));
      const std::string status = Str(p, "status");
      if (status != "completed" && status != "not-done")
        return Status::Invalid("Procedure.status", "Procedure.status must be completed or not-done");
      (*body)[m.care->field] = status == "completed";
    } else if (m.list) {
      U5_RETURN_IF_ERROR(once(m.list->field + "." + m.value->value));
      if (rt == "Procedure" && Str(p, "status") != "completed")
        return Status::Invalid("Procedure.status", "Procedure.status must be completed");
      listed[m.list].insert(m.value->value);
    } else {
      return Status::Invalid(code_path, code_path + ": no code under5 maps on a part of a " + type + " (docs/fhir.md)");
    }
  }
  // A list's values in the registry's order, whatever the order of the parts.
  for (const auto& [l, values] : listed) {
    if (l == &t.mode) {
      (*body)[l->field] = *values.begin();
      continue;
    }
    json arr = json::array();
    for (const ListValue& v : l->values)
      if (values.count(v.value)) arr.push_back(v.value);
    (*body)[l->field] = arr;
  }
  return Status::Ok();
}

void TableElements(const std::string& type, const std::string& primary_type,
                   std::vector<std::pair<std::string, std::string>>* out) {
  const Codes& t = Tables();
  const bool components = primary_type == "Observation";  // a primary Observation's measures are its components
  for (const Measure& m : t.measures)
    if (m.type == type)
      out->emplace_back(m.field, components    ? "Observation.component.valueQuantity.value"
                                 : m.ucum.empty() ? "Observation.valueInteger"
                                                  : "Observation.valueQuantity.value");
  if (t.bp.type == type)
    for (const Component& c : t.bp.components) out->emplace_back(c.field, "Observation.component.valueQuantity.value");
  for (const Test& x : t.tests)
    if (x.type == type) out->emplace_back(x.field, "Observation.valueCodeableConcept");
  for (const Care& c : t.care)
    if (c.type == type) out->emplace_back(c.field, "Procedure.status");
  for (const ListSpec& l : t.lists)
    if (l.type == type) out->emplace_back(l.field, l.resource + ".code");
  if (t.mode.type == type) out->emplace_back(t.mode.field, "Procedure.code");
  for (const Ext& e : t.extensions)
    if (e.type == type) out->emplace_back(e.field, ExtensionPath(primary_type, e.name));
}

}  // namespace u5::fhir::mother
