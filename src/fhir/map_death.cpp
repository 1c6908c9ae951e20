// death → Observation, a primary one: a death has no Encounter (docs/fhir.md).
#include "fhir/map_child.h"

namespace u5::fhir::child {
namespace {

// The details of a death kept as components, by local code (death-detail):
// registry field, component value type, whether derived.
struct Detail {
  const char* code;
  const char* field;
  const char* value;  // "String", "Boolean", "DateTime", "Code" (a local concept), "Integer", "Quantity"
  bool derived;
};
constexpr Detail kDetails[] = {{"notified-by", "notified_by", "String", false},
                               {"notifier-role", "notifier_role", "Code", false},
                               {"notified-at", "notified_at", "DateTime", false},
                               {"maternal-death", "maternal_death", "Boolean", false},
                               {"age-at-death-days", "age_at_death_days", "Integer", true},
                               {"age-group", "age_group", "Code", true},
                               {"category", "category", "Code", true},
                               {"maternal-candidate", "maternal_candidate", "Boolean", true},
                               {"hours-to-notification", "hours_to_notification", "Quantity", true},
                               {"reviewed", "reviewed", "Boolean", true}};

Status DeathToFhir(const store::Record&, const json& body, Context& ctx, std::vector<Resource>* out) {
  const json& row = Codes().at("observations").at("codes").at("death");
  Resource obs{"Observation"};
  Object& m = obs.members;
  m.Str("status", "final")
      .Put("code", Object()
                       .Put("coding", Array()
                                          .Add(Coding(AsStr(row.at("system")), AsStr(row.at("code")), AsStr(row.at("display"))))
                                          .Add(Coding(kRecordTypeSystem, "death"))
                                          .Close())
                       .Close())
      .Ref("subject", "Patient", AsStr(body.at("person_id")));
  if (body.contains("time_of_death")) m.Str("effectiveDateTime", FhirDateTime(AsStr(body["time_of_death"])));
  else m.Value("effectiveDateTime", body.at("date"));
  Array cause_codings;
  if (body.contains("icd10")) cause_codings.Add(Coding(kIcd10, AsStr(body["icd10"])));
  if (body.contains("cause_category")) cause_codings.Add(Local("death-cause", AsStr(body["cause_category"])));
  Object cause;
  if (!cause_codings.empty()) cause.Put("coding", cause_codings.Close());
  if (body.contains("cause_text")) cause.Value("text", body["cause_text"]);
  if (!cause.empty()) m.Put("valueCodeableConcept", cause.Close());
  Array components;
  for (const Detail& d : kDetails) {
    if (!body.contains(d.field)) continue;
    Object c;
    c.Put("code", LocalConcept("death-detail", d.code));
    const std::string_view kind = d.value;
    const json& v = body[d.field];
    if (kind == "Code") c.Put("valueCodeableConcept", LocalConcept(std::string("death-") + d.code, AsStr(v)));
    else if (kind == "DateTime") c.Str("valueDateTime", FhirDateTime(AsStr(v)));
    else if (kind == "Quantity") c.Put("valueQuantity", Quantity(v, "h", "h"));
    else c.Value("value" + std::string(kind), v);
    components.Add(c.Close());
  }
  if (!components.empty()) m.Put("component", components.Close());
  ExtensionList ext;
  PutOrgUnitExtension(ext, ctx, body);
  if (body.contains("place")) ext.Add("death-place", "Code", body["place"]);
  if (body.contains("place_facility")) ext.Add("death-place-facility", "Reference", OrgUnit(ctx, AsStr(body["place_facility"])));
  if (body.contains("pregnancy_id")) ext.Add("pregnancy", "Reference", Ref("EpisodeOfCare", AsStr(body["pregnancy_id"])));
  if (body.contains("mother_id")) ext.Add("mother", "Reference", Ref("Patient", AsStr(body["mother_id"])));
  ext.PutInto(m);
  PutNote(m, body);
  out->push_back(std::move(obs));
  return Status::Ok();
}

Status ReadCause(const json& obs, json* body) {
  auto it = obs.find("valueCodeableConcept");
  if (it == obs.end()) return Status::Ok();
  const std::string path = "Observation.valueCodeableConcept";
  if (!it->is_object()) return Status::Invalid(path, path + " must be a CodeableConcept");
  for (auto e = it->begin(); e != it->end(); ++e)
    if (e.key() != "coding" && e.key() != "text")
      return Status::Invalid(path + "." + e.key(), path + "." + e.key() + ": element not supported by under5 (docs/fhir.md)");
  if (it->contains("text")) {
    if (!(*it)["text"].is_string()) return Status::Invalid(path + ".text", path + ".text must be a string");
    (*body)["cause_text"] = (*it)["text"];
  }
  if (!it->contains("coding")) return Status::Ok();
  if (!(*it)["coding"].is_array()) return Status::Invalid(path + ".coding", path + ".coding must be an array");
  for (const json& c : (*it)["coding"]) {
    const std::string s = c.is_object() ? c.value("system", "") : "";
    if (!c.is_object() || !c.contains("code") || !c["code"].is_string())
      return Status::Invalid(path + ".coding", path + ".coding must have system and code");
    if (s == kIcd10) (*body)["icd10"] = c["code"];
    else if (s == CodeSystemUrl("death-cause")) (*body)["cause_category"] = c["code"];
    else
      return Status::Invalid(path + ".coding", path + ".coding: system \"" + s + "\" is not read by under5 (ICD-10 or " +
                                                   CodeSystemUrl("death-cause") + ")");
  }
  return Status::Ok();
}

Status ReadDetails(const json& obs, json* body) {
  auto it = obs.find("component");
  if (it == obs.end()) return Status::Ok();
  const std::string path = "Observation.component";
  if (!it->is_array()) return Status::Invalid(path, path + " must be an array");
  for (const json& c : *it) {
    std::string code;
    U5_RETURN_IF_ERROR(ReadLocal(c.is_object() ? c.value("code", json()) : json(), path + ".code", "death-detail", true, &code));
    const Detail* d = nullptr;
    for (const Detail& x : kDetails)
      if (code == x.code) d = &x;
    if (!d) return Status::Invalid(path + ".code", path + ".code: \"" + code + "\" is no detail of a death under5 keeps");
    if (d->derived) continue;
    const std::string kind = d->value;
    const std::string where = path + ":" + code;
    for (auto e = c.begin(); e != c.end(); ++e)
      if (e.key() != "code" && e.key() != (kind == "Code" ? "valueCodeableConcept" : "value" + kind))
        return Status::Invalid(where + "." + e.key(), where + "." + e.key() + ": element not supported by under5 (docs/fhir.md)");
    if (kind == "Code") {
      std::string v;
      U5_RETURN_IF_ERROR(ReadLocal(c.value("valueCodeableConcept", json()), where + ".valueCodeableConcept", std::string("death-") + d->code, true, &v));
      (*body)[d->field] = v;
      continue;
    }
    const json v = c.value("value" + kind, json());
    const bool ok = kind == "Boolean" ? v.is_boolean() : v.is_string();
    if (!ok) return Status::Invalid(where + ".value" + kind, where + ".value" + kind + " is required");
    (*body)[d->field] = v;
  }
  return Status::Ok();
}

Status DeathFromFhir(const json& obs, const std::vector<json>& parts, Context&, json* body) {
  const std::string t = "Observation";
  U5_RETURN_IF_ERROR(NoParts(parts, t));
  U5_RETURN_IF_ERROR(OnlyKnownElements(obs, {"status", "code", "subject", "effectiveDateTime", "valueCodeableConcept", "component", "note"}));
  U5_RETURN_IF_ERROR(OnlyExtensions(obs, t, {"orgunit", "death-place", "death-place-facility", "pregnancy", "mother"}));
  U5_RETURN_IF_ERROR(ReadId(obs, t, body));
  U5_RETURN_IF_ERROR(ReadFixed(obs, t, "status", {"final", "amended", "corrected"}, true));
  std::string person;
  U5_RETURN_IF_ERROR(ReadRef(obs, "subject", "Patient", t + ".subject", true, &person));
  (*body)["person_id"] = person;
  // effectiveDateTime is the time of death when known, else its date.
  if (auto it = obs.find("effectiveDateTime"); it != obs.end()) {
    if (!it->is_string()) return Status::Invalid(t + ".effectiveDateTime", t + ".effectiveDateTime must be a string");
    const std::string when = *it;
    (*body)["date"] = when.substr(0, 10);
    if (when.size() > 10) (*body)["time_of_death"] = when;
  }
  U5_RETURN_IF_ERROR(ReadCause(obs, body));
  U5_RETURN_IF_ERROR(ReadDetails(obs, body));
  U5_RETURN_IF_ERROR(ReadOrgUnitExtension(obs, t, body));
  U5_RETURN_IF_ERROR(ExtensionField(obs, t, "death-place", "Code", "place", body));
  json v;
  U5_RETURN_IF_ERROR(Extension(obs, t, "death-place-facility", "Reference", &v));
  if (!v.is_null()) {
    std::string facility;
    U5_RETURN_IF_ERROR(ReadOrgUnitRef(json{{"r", v}}, "r", t + ".extension:death-place-facility.valueReference", true, &facility));
    (*body)["place_facility"] = facility;
  }
  U5_RETURN_IF_ERROR(Extension(obs, t, "pregnancy", "Reference", &v));
  if (!v.is_null()) {
    std::string pregnancy;
    U5_RETURN_IF_ERROR(ReadRef(json{{"r", v}}, "r", "EpisodeOfCare", t + ".extension:pregnancy.valueReference", true, &pregnancy));
    (*body)["pregnancy_id"] = pregnancy;
  }
  return ReadNote(obs, t, body);
}

}  // namespace

std::vector<Mapper> DeathMappers() {
  Mapper death{.registry_type = "death",
               .primary_type = "Observation",
               .part_types = {},
               .claims = [](const json& res) { return HasRecordType(res, "code", "death"); },
               .to_fhir = DeathToFhir,
               .from_fhir = DeathFromFhir,
               .elements = {{"id", "Observation.id"},
                            {"person_id", "Observation.subject"},
                            {"orgunit", "Observation.extension:orgunit"},
                            {"date", "Observation.effectiveDateTime"},
                            {"note", "Observation.note"},
                            {"time_of_death", "Observation.effectiveDateTime"},
                            {"place", "Observation.extension:death-place"},
                            {"place_facility", "Observation.extension:death-place-facility"},
                            {"pregnancy_id", "Observation.extension:pregnancy"},
                            {"cause_text", "Observation.valueCodeableConcept.text"},
                            {"cause_category", "Observation.valueCodeableConcept.coding"},
                            {"icd10", "Observation.valueCodeableConcept.coding"},
                            {"mother_id", "Observation.extension:mother"}}};
  for (const Detail& d : kDetails) death.elements.push_back({d.field, std::string("Observation.component:") + d.code});
  return {std::move(death)};
}

}  // namespace u5::fhir::child
