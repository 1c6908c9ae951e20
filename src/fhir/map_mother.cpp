// Pregnancies, antenatal and postnatal visits, deliveries, newborns and
// stillbirths as FHIR (docs/fhir.md "Mapping: women, pregnancies and births");
// the person → Patient mapper is map_patient.cpp, the code tables mother_codes.cpp.
#include "fhir/mother_codes.h"

namespace u5::fhir {
namespace {

using namespace mother;

// The registry value a concept holds as local code "<type>.<field>.<value>", "" when none.
std::string LocalValue(const json& cc, const std::string& type, const std::string& field) {
  const std::string prefix = type + "." + field + ".";
  const std::string code = CodeIn(cc, LocalSystem());
  return code.rfind(prefix, 0) == 0 ? code.substr(prefix.size()) : std::string();
}

// The first reference of a list (Encounter.episodeOfCare) read as ReadRef does.
Status ReadFirstRef(const json& res, const char* key, const char* type, const std::string& path, std::string* id) {
  id->clear();
  auto it = res.find(key);
  if (it == res.end()) return Status::Ok();
  if (!it->is_array() || it->size() != 1) return Status::Invalid(path, path + " must hold one reference");
  return ReadRef(json{{"r", (*it)[0]}}, "r", type, path, true, id);
}

// id, person (subject or patient) and status, which every primary resource of an event carries.
Status ReadCommon(const json& res, const char* subject_key, json* body, std::string* person_id) {
  const std::string rt = Str(res, "resourceType");
  if (res.contains("id")) (*body)["id"] = res["id"];
  if (!res.contains("status") || !res["status"].is_string())
    return Status::Invalid(rt + ".status", rt + ".status is required");
  U5_RETURN_IF_ERROR(ReadRef(res, subject_key, "Patient", rt + "." + subject_key, true, person_id));
  (*body)["person_id"] = *person_id;
  return Status::Ok();
}

std::string IdOf(const json& body) { return body.contains("id") && body["id"].is_string() ? body["id"].get<std::string>() : ""; }

// ---- pregnancy → EpisodeOfCare

Status ToFhirPregnancy(const store::Record& r, const json& body, Context& ctx, std::vector<Resource>* out) {
  const std::string outcome = body.value("outcome", "ongoing");
  Resource e{"EpisodeOfCare"};
  e.members.Str("status", outcome == "ongoing" ? "active" : "finished")
      .Put("type", Array().Add(TypeConcept("pregnancy")).Close())
      .Ref("patient", "Patient", r.person_id)
      .Put("managingOrganization", OrgUnitOf(body.value("orgunit", ""), ctx))
      .Put("period", Object().Str("start", body.value("date", "")).Close());
  ExtensionList ext;
  WriteExtensions("pregnancy", body, ctx, ext);
  ext.PutInto(e.members);
  out->push_back(std::move(e));
  return Status::Ok();
}

Status FromFhirPregnancy(const json& e, const std::vector<json>& parts, Context&, json* body) {
  U5_RETURN_IF_ERROR(KnownOnly(e, {"status", "type", "patient", "managingOrganization", "period"}));
  if (!parts.empty()) return Status::Invalid("resourceType", "an EpisodeOfCare (pregnancy) has no parts");
  std::string person, orgunit;
  U5_RETURN_IF_ERROR(ReadCommon(e, "patient", body, &person));
  U5_RETURN_IF_ERROR(ReadOrgUnitRef(e, "managingOrganization", "EpisodeOfCare.managingOrganization", true, &orgunit));
  (*body)["orgunit"] = orgunit;
  if (const json period = e.value("period", json()); period.is_object() && period.contains("start")) (*body)["date"] = period["start"];
  return ReadExtensions("pregnancy", e, body);
}

// ---- visits and births → Encounter (+ parts)

struct EncounterSpec {
  std::string type;
  bool pregnancy = false;            // episodeOfCare = the pregnancy
  std::string start_field = "date";  // Encounter.period.start
  std::string part_of;               // Encounter.partOf = the delivery (a newborn)
};

Element ClassOf(const std::string& type, const json& body) {
  const Codes& t = Tables();
  const ClassSpec& c = t.classes.at(type);
  std::string code = c.fixed;
  if (!c.field.empty() && body.contains(c.field))
    if (auto it = c.values.find(body[c.field].get<std::string>()); it != c.values.end()) code = it->second;
  if (code.empty()) return Coding(t.class_unknown.system, t.class_unknown.code, t.class_unknown.display);
  return Coding(kActCode, code, t.class_display.at(code));
}

Status ReadClass(const std::string& type, const json& e, json* body) {
  const Codes& t = Tables();
  const ClassSpec& c = t.classes.at(type);
  if (!e.contains("class") || !e["class"].is_object()) return Status::Invalid("Encounter.class", "Encounter.class is required");
  const std::string system = Str(e["class"], "system"), code = Str(e["class"], "code");
  if (!c.fixed.empty()) {
    if (system == kActCode && code == c.fixed) return Status::Ok();
    return Status::Invalid("Encounter.class", "Encounter.class of a " + type + " is " + kActCode + "|" + c.fixed);
  }
  if (c.field.empty()) return Status::Ok();  // the registry does not record where a newborn was seen
  if (system == t.class_unknown.system && code == t.class_unknown.code) return Status::Ok();
  for (const auto& [value, act] : c.values)
    if (system == kActCode && code == act) {
      (*body)[c.field] = value;
      return Status::Ok();
    }
  std::string allowed;
  for (const auto& [value, act] : c.values) allowed += (allowed.empty() ? "" : ", ") + act + " (" + value + ")";
  return Status::Invalid("Encounter.class", "Encounter.class of a " + type + " is one of " + kActCode + " " + allowed +
                                                " or " + t.class_unknown.system + "|" + t.class_unknown.code);
}

Status ReadParticipant(const std::string& type, const json& e, json* body) {
  auto f = Tables().participant_field.find(type);
  if (!e.contains("participant")) return Status::Ok();
  if (f == Tables().participant_field.end())
    return Status::Invalid("Encounter.participant", "Encounter.participant: under5 records none for a " + type);
  const json& p = e["participant"];
  if (!p.is_array() || p.size() != 1 || !p[0].is_object() || !p[0].contains("type") || !p[0]["type"].is_array() ||
      p[0]["type"].empty())
    return Status::Invalid("Encounter.participant", "Encounter.participant: one participant with its type");
  const std::string v = LocalValue(p[0]["type"][0], type, f->second);
  if (v.empty())
    return Status::Invalid("Encounter.participant.type", "Encounter.participant.type: the " + f->second + " must be coded in " +
                                                             LocalSystem() + " as " + type + "." + f->second + ".<value>");
  (*body)[f->second] = v;
  return Status::Ok();
}

Status ToFhirEncounter(const EncounterSpec& s, const store::Record& r, const json& body, Context& ctx,
                       std::vector<Resource>* out) {
  const std::string start = FhirDateTime(body.value(s.start_field, ""));
  Resource e{"Encounter"};
  Object& m = e.members;
  m.Str("status", "finished")
      .Put("class", ClassOf(s.type, body))
      .Put("type", Array().Add(TypeConcept(s.type)).Close())
      .Ref("subject", "Patient", r.person_id)
      .Put("period", Object().Str("start", start).Close())
      .Put("serviceProvider", OrgUnitOf(body.value("orgunit", ""), ctx));
  if (s.pregnancy && body.contains("pregnancy_id"))
    m.Put("episodeOfCare", Array().Add(Ref("EpisodeOfCare", body["pregnancy_id"].get_ref<const std::string&>())).Close());
  if (!s.part_of.empty() && body.contains(s.part_of)) m.Ref("partOf", "Encounter", body[s.part_of].get_ref<const std::string&>());
  if (auto f = Tables().participant_field.find(s.type); f != Tables().participant_field.end() && body.contains(f->second)) {
    const Coded& atnd = Tables().attender;
    const Element type = WithLocal(atnd, LocalCoding(s.type, f->second, body[f->second].get<std::string>()));
    m.Put("participant", Array().Add(Object().Put("type", Array().Add(type).Close()).Close()).Close());
  }
  ExtensionList ext;
  WriteExtensions(s.type, body, ctx, ext);
  ext.PutInto(m);
  out->push_back(std::move(e));
  WriteParts(s.type, r, body, start, out);
  return Status::Ok();
}

Status FromFhirEncounter(const EncounterSpec& s, const json& e, const std::vector<json>& parts, json* body) {
  std::vector<std::string> known = {"status", "class", "type", "subject", "period", "serviceProvider", "participant"};
  if (s.pregnancy) known.push_back("episodeOfCare");
  if (!s.part_of.empty()) known.push_back("partOf");
  U5_RETURN_IF_ERROR(KnownOnly(e, known));
  std::string person, orgunit, ref;
  U5_RETURN_IF_ERROR(ReadCommon(e, "subject", body, &person));
  U5_RETURN_IF_ERROR(ReadClass(s.type, e, body));
  U5_RETURN_IF_ERROR(ReadParticipant(s.type, e, body));
  U5_RETURN_IF_ERROR(ReadOrgUnitRef(e, "serviceProvider", "Encounter.serviceProvider", true, &orgunit));
  (*body)["orgunit"] = orgunit;
  const json period = e.value("period", json());
  if (!period.is_object() || !period.contains("start") || !period["start"].is_string())
    return Status::Invalid("Encounter.period.start", "Encounter.period.start is required");
  const std::string start = period["start"];
  (*body)[s.start_field] = start;
  (*body)["date"] = start.substr(0, 10);  // a delivery's date is the day of delivered_at (registry rule)
  if (s.pregnancy) {
    U5_RETURN_IF_ERROR(ReadFirstRef(e, "episodeOfCare", "EpisodeOfCare", "Encounter.episodeOfCare", &ref));
    if (!ref.empty()) (*body)["pregnancy_id"] = ref;
  }
  if (!s.part_of.empty()) {
    U5_RETURN_IF_ERROR(ReadRef(e, "partOf", "Encounter", "Encounter.partOf", false, &ref));
    if (!ref.empty()) (*body)[s.part_of] = ref;
  }
  U5_RETURN_IF_ERROR(ReadExtensions(s.type, e, body));
  return ReadParts(s.type, parts, IdOf(*body), person, body);
}

Mapper EncounterMapper(const EncounterSpec& s) {
  Mapper m{.registry_type = s.type, .primary_type = "Encounter", .part_types = PartTypes(s.type)};
  m.claims = [type = s.type](const json& e) { return NamesType(e.value("type", json()), type); };
  m.to_fhir = [s](const store::Record& r, const json& body, Context& ctx, std::vector<Resource>* out) {
    return ToFhirEncounter(s, r, body, ctx, out);
  };
  m.from_fhir = [s](const json& e, const std::vector<json>& parts, Context&, json* body) {
    return FromFhirEncounter(s, e, parts, body);
  };
  m.elements = {{"id", "Encounter.id"}, {"person_id", "Encounter.subject"}, {"orgunit", "Encounter.serviceProvider"},
                {"date", "Encounter.period.start"}};
  if (s.start_field != "date") m.elements.emplace_back(s.start_field, "Encounter.period.start");
  if (s.pregnancy) m.elements.emplace_back("pregnancy_id", "Encounter.episodeOfCare");
  if (!s.part_of.empty()) m.elements.emplace_back(s.part_of, "Encounter.partOf");
  if (const ClassSpec& c = Tables().classes.at(s.type); !c.field.empty()) m.elements.emplace_back(c.field, "Encounter.class");
  if (auto f = Tables().participant_field.find(s.type); f != Tables().participant_field.end())
    m.elements.emplace_back(f->second, "Encounter.participant.type");
  TableElements(s.type, "Encounter", &m.elements);
  return m;
}

// ---- stillbirth → Observation (primary, with no encounter)

const char* const kCause = "cause";  // extension: the cause as ICD-10 code and the words written

Status ToFhirStillbirth(const store::Record& r, const json& body, Context& ctx, std::vector<Resource>* out) {
  const Codes& t = Tables();
  const std::string tod = body.value("time_of_death", "");
  Resource o{"Observation"};
  Object& m = o.members;
  m.Str("status", "final")
      .Put("code", TypeConcept("stillbirth"))
      .Ref("subject", "Patient", r.person_id)
      .Str("effectiveDateTime", tod.size() > 10 ? FhirDateTime(tod) : body.value("date", ""));
  if (body.contains("timing"))
    m.Put("valueCodeableConcept", WithLocal({}, LocalCoding("stillbirth", "timing", body["timing"].get<std::string>())));
  Array comps;
  for (const Measure& x : t.measures)
    if (x.type == "stillbirth" && body.contains(x.field))
      comps.Add(Object()
                    .Put("code", WithLocal(x.code, LocalCoding("stillbirth", x.field)))
                    .Put("valueQuantity", Quantity(body[x.field], x.unit, x.ucum))
                    .Close());
  if (body.contains("sex")) {
    const std::string sex = body["sex"];
    comps.Add(Object()
                  .Put("code", WithLocal(t.stillbirth_sex, LocalCoding("stillbirth", "sex")))
                  .Put("valueCodeableConcept", WithLocal(Coded{kGender, t.gender.at(sex), ""}, LocalCoding("stillbirth", "sex", sex)))
                  .Close());
  }
  if (!comps.empty()) m.Put("component", comps.Close());
  if (body.contains("note")) m.Put("note", Array().Add(Object().Value("text", body["note"]).Close()).Close());
  ExtensionList ext;
  if (body.contains("icd10") || body.contains("cause_text")) {
    Object cause;
    if (body.contains("icd10")) cause.Put("coding", Array().Add(Coding(kIcd10, body["icd10"].get_ref<const std::string&>())).Close());
    if (body.contains("cause_text")) cause.Value("text", body["cause_text"]);
    ext.Add(kCause, "CodeableConcept", cause.Close());
  }
  WriteExtensions("stillbirth", body, ctx, ext);
  ext.PutInto(m);
  out->push_back(std::move(o));
  return Status::Ok();
}

Status ReadStillbirthComponents(const json& o, json* body) {
  const Codes& t = Tables();
  auto it = o.find("component");
  if (it == o.end()) return Status::Ok();
  if (!it->is_array()) return Status::Invalid("Observation.component", "Observation.component must be a list");
  for (const json& c : *it) {
    const json code = c.is_object() ? c.value("code", json()) : json();
    const Measure* measure = nullptr;
    for (const Measure& m : t.measures)
      if (m.type == "stillbirth" && (HasCoding(code, LocalSystem(), "stillbirth." + m.field) || HasCoding(code, m.code.system, m.code.code)))
        measure = &m;
    std::string field;
    if (measure) {
      const json q = c.value("valueQuantity", json());
      if (!q.is_object() || !q.contains("value"))
        return Status::Invalid("Observation.component.valueQuantity.value", "Observation.component.valueQuantity.value is required");
      if (Str(q, "system") != kUcum || Str(q, "code") != measure->ucum)
        return Status::Invalid("Observation.component.valueQuantity.code", "Observation.component.valueQuantity: the unit must be UCUM " + measure->ucum);
      field = measure->field;
      if (body->contains(field)) return Status::Invalid("Observation.component.code.coding", "Observation.component: " + field + " given twice");
      (*body)[field] = q["value"];
    } else if (HasCoding(code, LocalSystem(), "stillbirth.sex") || HasCoding(code, t.stillbirth_sex.system, t.stillbirth_sex.code)) {
      const json v = c.value("valueCodeableConcept", json());
      std::string sex = LocalValue(v, "stillbirth", "sex");
      for (const auto& [value, gender] : t.gender)
        if (sex.empty() && CodeIn(v, kGender) == gender) sex = value;
      if (sex.empty())
        return Status::Invalid("Observation.component.valueCodeableConcept.coding",
                               "Observation.component.valueCodeableConcept.coding: the sex must be coded in " + std::string(kGender));
      if (body->contains("sex")) return Status::Invalid("Observation.component.code.coding", "Observation.component: sex given twice");
      (*body)["sex"] = sex;
    } else {
      return Status::Invalid("Observation.component.code.coding",
                             "Observation.component.code.coding: a stillbirth's components are gestational age, birth weight and sex");
    }
  }
  return Status::Ok();
}

// The cause extension into icd10 and cause_text; the other extensions are the table's.
Status ReadCause(json o, json* body, json* rest) {
  const std::string url = ExtensionUrl(kCause), path = "Observation.extension:" + std::string(kCause);
  if (o.contains("extension") && o["extension"].is_array()) {
    json keep = json::array();
    for (const json& x : o["extension"]) {
      if (Str(x, "url") != url) {
        keep.push_back(x);
        continue;
      }
      const json cc = x.value("valueCodeableConcept", json());
      if (!cc.is_object()) return Status::Invalid(path, path + " must carry valueCodeableConcept");
      if (cc.contains("text")) (*body)["cause_text"] = cc["text"];
      if (cc.contains("coding")) {
        const std::string code = CodeIn(cc, kIcd10);
        if (code.empty() || cc["coding"].size() != 1)
          return Status::Invalid(path + ".valueCodeableConcept.coding", path + ".valueCodeableConcept.coding: one ICD-10 code (" + kIcd10 + ")");
        (*body)["icd10"] = code;
      }
    }
    o["extension"] = keep;
  }
  *rest = std::move(o);
  return Status::Ok();
}

Status FromFhirStillbirth(const json& o, const std::vector<json>& parts, Context&, json* body) {
  U5_RETURN_IF_ERROR(KnownOnly(o, {"status", "code", "subject", "effectiveDateTime", "valueCodeableConcept", "component", "note"}));
  if (!parts.empty()) return Status::Invalid("resourceType", "a stillbirth Observation has no parts");
  std::string person;
  U5_RETURN_IF_ERROR(ReadCommon(o, "subject", body, &person));
  const std::string eff = Str(o, "effectiveDateTime");
  if (eff.size() < 10) return Status::Invalid("Observation.effectiveDateTime", "Observation.effectiveDateTime (the date of the stillbirth) is required");
  (*body)["date"] = eff.substr(0, 10);
  if (eff.size() > 10) (*body)["time_of_death"] = eff;
  if (o.contains("valueCodeableConcept")) {
    const std::string timing = LocalValue(o["valueCodeableConcept"], "stillbirth", "timing");
    if (timing.empty())
      return Status::Invalid("Observation.valueCodeableConcept.coding", "Observation.valueCodeableConcept.coding: the timing must be coded in " +
                                                                           LocalSystem() + " as stillbirth.timing.<value>");
    (*body)["timing"] = timing;
  }
  U5_RETURN_IF_ERROR(ReadStillbirthComponents(o, body));
  if (o.contains("note")) {
    if (!o["note"].is_array() || o["note"].size() != 1 || !o["note"][0].is_object() || !o["note"][0].contains("text"))
      return Status::Invalid("Observation.note", "Observation.note: one note with its text");
    (*body)["note"] = o["note"][0]["text"];
  }
  json rest;
  U5_RETURN_IF_ERROR(ReadCause(o, body, &rest));
  return ReadExtensions("stillbirth", rest, body);
}

Mapper StillbirthMapper() {
  Mapper m{.registry_type = "stillbirth", .primary_type = "Observation"};
  m.claims = [](const json& o) { return NamesType(o.value("code", json()), "stillbirth"); };
  m.to_fhir = ToFhirStillbirth;
  m.from_fhir = FromFhirStillbirth;
  m.elements = {{"id", "Observation.id"},
                {"person_id", "Observation.subject"},
                {"date", "Observation.effectiveDateTime"},
                {"time_of_death", "Observation.effectiveDateTime"},
                {"note", "Observation.note"},
                {"timing", "Observation.valueCodeableConcept"},
                {"sex", "Observation.component.valueCodeableConcept"},
                {"icd10", "Observation.extension:cause.valueCodeableConcept.coding"},
                {"cause_text", "Observation.extension:cause.valueCodeableConcept.text"}};
  TableElements("stillbirth", "Observation", &m.elements);
  return m;
}

Mapper PregnancyMapper() {
  Mapper m{.registry_type = "pregnancy", .primary_type = "EpisodeOfCare"};
  m.claims = [](const json&) { return true; };
  m.to_fhir = ToFhirPregnancy;
  m.from_fhir = FromFhirPregnancy;
  m.elements = {{"id", "EpisodeOfCare.id"},
                {"person_id", "EpisodeOfCare.patient"},
                {"orgunit", "EpisodeOfCare.managingOrganization"},
                {"date", "EpisodeOfCare.period.start"}};
  TableElements("pregnancy", "EpisodeOfCare", &m.elements);
  return m;
}

}  // namespace

std::vector<Mapper> MotherMappers() {
  return {PersonMapper(),
          PregnancyMapper(),
          EncounterMapper({.type = "anc_visit", .pregnancy = true}),
          EncounterMapper({.type = "delivery", .pregnancy = true, .start_field = "delivered_at"}),
          EncounterMapper({.type = "postnatal_visit"}),
          EncounterMapper({.type = "newborn", .part_of = "delivery_id"}),
          StillbirthMapper()};
}

}  // namespace u5::fhir
