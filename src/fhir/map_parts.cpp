// The parts of the mother types' Encounters, both ways, from the code tables:
// Observations of measures and tests, Procedures of care items and of the
// delivery's mode, Conditions of complications (mother_codes.h).
#include <algorithm>
#include <set>

#include "fhir/mother_codes.h"

namespace u5::fhir::mother {
namespace {

Resource Observation(const std::string& suffix, const std::string& category, const Element& code, const store::Record& r,
                     const std::string& effective) {
  Resource o{"Observation", suffix};
  o.members.Str("status", "final")
      .Put("code", code)
      .Ref("subject", "Patient", r.person_id)
      .Ref("encounter", "Encounter", r.id)
      .Str("effectiveDateTime", effective);
  if (!category.empty()) o.members.Put("category", ObservationCategory(category));
  return o;
}

Resource PartOf(const char* type, const std::string& suffix, const Element& code, const store::Record& r) {
  Resource p{type, suffix};
  p.members.Put("code", code).Ref("subject", "Patient", r.person_id).Ref("encounter", "Encounter", r.id);
  return p;
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

void WriteParts(const std::string& type, const store::Record& r, const json& body, const std::string& effective,
                std::vector<Resource>* out) {
  const Codes& t = Tables();
  for (const Measure& m : t.measures) {
    if (m.type != type || m.suffix.empty() || !body.contains(m.field)) continue;
    Resource o = Observation(m.suffix, m.category, WithLocal(m.code, LocalCoding(type, m.field)), r, effective);
    if (m.ucum.empty()) o.members.Value("valueInteger", body[m.field]);
    else o.members.Put("valueQuantity", Quantity(body[m.field], m.unit, m.ucum));
    out->push_back(std::move(o));
  }
  if (t.bp.type == type) {
    Array comps;
    for (const Component& c : t.bp.components)
      if (body.contains(c.field))
        comps.Add(Object()
                      .Put("code", WithLocal(c.code, LocalCoding(type, c.field)))
                      .Put("valueQuantity", Quantity(body[c.field], t.bp.unit, t.bp.ucum))
                      .Close());
    if (!comps.empty()) {
      Resource o = Observation(t.bp.suffix, "vital-signs", WithLocal(t.bp.code, LocalCoding(type, "blood_pressure")), r, effective);
      o.members.Put("component", comps.Close());
      out->push_back(std::move(o));
    }
  }
  for (const Test& x : t.tests) {
    if (x.type != type || !body.contains(x.field)) continue;
    const std::string& v = body[x.field].get_ref<const std::string&>();
    Resource o = Observation(x.suffix, "laboratory", WithLocal(x.code, LocalCoding(type, x.field)), r, effective);
    auto res = t.results.find(v);
    const Element local = LocalCoding(type, x.field, v, res == t.results.end() ? "" : res->second.display);
    if (res != t.results.end() && !res->second.absent.empty())
      o.members.Put("dataAbsentReason", WithLocal(Coded{kDataAbsentReason, res->second.absent, res->second.display}, local));
    else
      o.members.Put("valueCodeableConcept", WithLocal(res == t.results.end() ? Coded{} : res->second.standard, local));
    out->push_back(std::move(o));
  }
  for (const Care& c : t.care) {
    if (c.type != type || !body.contains(c.field)) continue;
    const bool done = body[c.field].get<bool>();
    Resource p = PartOf("Procedure", c.suffix, WithLocal({}, LocalCoding(type, c.field, "", c.display)), r);
    p.members.Str("status", done ? "completed" : "not-done");
    if (done) p.members.Str("performedDateTime", effective);
    out->push_back(std::move(p));
  }
  std::vector<const ListSpec*> lists;
  for (const ListSpec& l : t.lists) lists.push_back(&l);
  lists.push_back(&t.mode);
  for (const ListSpec* l : lists) {
    if (l->type != type || !body.contains(l->field)) continue;
    const json& field = body[l->field];
    auto one = [&](const json& jv) {
      const std::string& v = jv.get_ref<const std::string&>();
      const ListValue* spec = nullptr;
      for (const ListValue& x : l->values)
        if (x.value == v) spec = &x;
      std::string suffix = l == &t.mode ? t.mode_suffix : l->prefix + v;
      std::replace(suffix.begin(), suffix.end(), '_', '-');
      Resource p = PartOf(l->resource.c_str(), suffix,
                          WithLocal(spec ? spec->standard : Coded{}, LocalCoding(type, l->field, v, spec ? spec->display : "")), r);
      if (l->resource == "Condition") {
        p.members.Put("category", Array().Add(Concept(kConditionCategory, "encounter-diagnosis", "Encounter Diagnosis")).Close());
      } else {
        p.members.Str("status", "completed").Str("performedDateTime", effective);
      }
      out->push_back(std::move(p));
    };
    if (field.is_array())
      for (const json& jv : field) one(jv);
    else
      one(field);
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
      // The delivery's mode is one value; a list has one part per value.
      U5_RETURN_IF_ERROR(once(m.list == &t.mode ? m.list->field : m.list->field + "." + m.value->value));
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

std::vector<std::string> PartTypes(const std::string& type) {
  const Codes& t = Tables();
  std::set<std::string> types;
  for (const Measure& m : t.measures)
    if (m.type == type && !m.suffix.empty()) types.insert("Observation");
  for (const Test& x : t.tests)
    if (x.type == type) types.insert("Observation");
  if (t.bp.type == type) types.insert("Observation");
  for (const Care& c : t.care)
    if (c.type == type) types.insert("Procedure");
  for (const ListSpec& l : t.lists)
    if (l.type == type) types.insert(l.resource);
  if (t.mode.type == type) types.insert(t.mode.resource);
  return {types.begin(), types.end()};
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
