// illness → Encounter + Condition (+ dehydration Observation), injury →
// Condition, referral → ServiceRequest (docs/fhir.md).
#include <algorithm>

#include "fhir/map_child.h"

namespace u5::fhir::child {
namespace {

constexpr const char* kConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";

// The kind of an illness or injury: its local code, and the ICD-10 code of
// `table` (codes_child.json) where one fits.
Element KindConcept(const char* table, const char* system, const std::string& kind) {
  Array coding;
  coding.Add(Local(system, kind));
  const json& codes = Codes().at(table).at("codes");
  if (auto it = codes.find(kind); it != codes.end())
    coding.Add(Coding(kIcd10, AsStr(it->at("code")), AsStr(it->at("display"))));
  return Object().Put("coding", coding.Close()).Close();
}

// The kind back from the local code, or from an ICD-10 code that stands for
// one kind only; codings that disagree are refused.
Status ReadKind(const json& res, const std::string& type, const char* table, const char* system, json* body) {
  const std::string path = type + ".code";
  auto it = res.find("code");
  if (it == res.end()) return Status::Ok();
  if (!it->is_object() || !it->contains("coding") || !(*it)["coding"].is_array())
    return Status::Invalid(path, path + " must be a CodeableConcept with coding");
  std::string local, icd;
  for (const json& c : (*it)["coding"]) {
    if (!c.is_object() || !c.contains("code") || !c["code"].is_string())
      return Status::Invalid(path + ".coding", path + ".coding must have system and code");
    const std::string s = c.value("system", "");
    if (s == CodeSystemUrl(system)) local = c["code"];
    else if (s == kIcd10) icd = c["code"];
    else
      return Status::Invalid(path + ".coding", path + ".coding: system \"" + s + "\" is not read by under5 (" +
                                                   CodeSystemUrl(system) + " or ICD-10)");
  }
  std::vector<std::string> by_icd;
  for (const auto& [kind, row] : Codes().at(table).at("codes").items())
    if (row.at("code") == icd) by_icd.push_back(kind);
  if (!local.empty()) {
    if (!icd.empty() && std::find(by_icd.begin(), by_icd.end(), local) == by_icd.end())
      return Status::Invalid(path + ".coding", path + ".coding: ICD-10 " + icd + " is not the " + std::string(system) +
                                                   " \"" + local + "\" (docs/fhir.md)");
    (*body)["kind"] = local;
    return Status::Ok();
  }
  if (icd.empty()) return Status::Ok();
  if (by_icd.size() != 1)
    return Status::Invalid(path + ".coding", path + ".coding: ICD-10 " + icd + (by_icd.empty() ? " names no " : " names more than one ") +
                                                 std::string(system) + " under5 records; give its code in " + CodeSystemUrl(system));
  (*body)["kind"] = by_icd[0];
  return Status::Ok();
}

// ---- illness

Status IllnessToFhir(const store::Record& r, const json& body, Context& ctx, std::vector<Resource>* out) {
  ExtensionList ext;
  Resource enc = Encounter(r, body, ctx, &ext);
  for (const char* f : {"antibiotic", "ors", "zinc", "referred"})
    if (body.contains(f)) ext.Add(f, "Boolean", body[f]);
  if (body.contains("outcome")) ext.Add("illness-outcome", "Code", body["outcome"]);
  ext.PutInto(enc.members);
  out->push_back(std::move(enc));
  Resource condition{"Condition", "condition"};
  condition.members
      .Put("category", Array().Add(Concept(kConditionCategory, "encounter-diagnosis", "Encounter Diagnosis")).Close())
      .Put("code", KindConcept("illness_icd10", "illness", AsStr(body.at("kind"))))
      .Ref("subject", "Patient", AsStr(body.at("person_id")))
      .Ref("encounter", "Encounter", r.id)
      .Value("recordedDate", body.at("date"));
  out->push_back(std::move(condition));
  if (body.contains("dehydration")) {
    Resource obs = Observation("dehydration", r, body, LocalConcept("observation", "dehydration", "Dehydration (IMCI)"));
    obs.members.Put("category", ObservationCategory("exam"));
    obs.members.Put("valueCodeableConcept", LocalConcept("dehydration", AsStr(body["dehydration"])));
    out->push_back(std::move(obs));
  }
  return Status::Ok();
}

Status IllnessFromFhir(const json& enc, const std::vector<json>& parts, Context&, json* body) {
  const std::string t = "Encounter";
  U5_RETURN_IF_ERROR(OnlyKnownElements(enc, {"status", "class", "type", "subject", "period", "serviceProvider"}));
  U5_RETURN_IF_ERROR(OnlyExtensions(enc, t, {"note", "antibiotic", "ors", "zinc", "referred", "illness-outcome"}));
  U5_RETURN_IF_ERROR(ReadEncounter(enc, body));
  for (const char* f : {"antibiotic", "ors", "zinc", "referred"}) U5_RETURN_IF_ERROR(ExtensionField(enc, t, f, "Boolean", f, body));
  U5_RETURN_IF_ERROR(ExtensionField(enc, t, "illness-outcome", "Code", "outcome", body));
  bool condition = false, dehydration = false;
  for (const json& p : parts) {
    const std::string type = p.value("resourceType", "Resource");
    if (type == "Condition") {
      if (condition) return Status::Invalid("Condition", "Condition: an illness Encounter has one Condition");
      condition = true;
      U5_RETURN_IF_ERROR(CheckPart(p, enc, *body));
      U5_RETURN_IF_ERROR(OnlyKnownElements(p, {"category", "code", "subject", "encounter", "recordedDate"}));
      U5_RETURN_IF_ERROR(OnlyExtensions(p, type, {}));
      U5_RETURN_IF_ERROR(ReadKind(p, type, "illness_icd10", "illness", body));
    } else if (type == "Observation") {
      std::string code;
      U5_RETURN_IF_ERROR(ReadLocal(p.value("code", json()), "Observation.code", "observation", true, &code));
      if (code != "dehydration" || dehydration)
        return Status::Invalid("Observation.code", "Observation.code: an illness Encounter has one Observation, of dehydration");
      dehydration = true;
      U5_RETURN_IF_ERROR(CheckPart(p, enc, *body));
      U5_RETURN_IF_ERROR(OnlyKnownElements(p, {"status", "category", "code", "subject", "encounter", "effectiveDateTime",
                                               "valueCodeableConcept"}));
      U5_RETURN_IF_ERROR(OnlyExtensions(p, type, {}));
      U5_RETURN_IF_ERROR(ReadFixed(p, type, "status", {"final", "amended", "corrected"}, true));
      std::string v;
      U5_RETURN_IF_ERROR(ReadLocal(p.value("valueCodeableConcept", json()), "Observation.valueCodeableConcept", "dehydration", true, &v));
      (*body)["dehydration"] = v;
    } else {
      return Status::Invalid(type, type + ": an illness Encounter's parts are its Condition and dehydration Observation");
    }
  }
  return Status::Ok();
}

// ---- injury

Status InjuryToFhir(const store::Record&, const json& body, Context& ctx, std::vector<Resource>* out) {
  Resource c{"Condition"};
  c.members.Put("category", Array().Add(Concept(kRecordTypeSystem, "injury")).Close())
      .Put("code", KindConcept("injury_icd10", "injury", AsStr(body.at("kind"))))
      .Ref("subject", "Patient", AsStr(body.at("person_id")))
      .Value("onsetDateTime", body.at("date"));
  ExtensionList ext;
  PutOrgUnitExtension(ext, ctx, body);
  if (body.contains("place")) ext.Add("injury-place", "Code", body["place"]);
  if (body.contains("outcome")) ext.Add("injury-outcome", "Code", body["outcome"]);
  ext.PutInto(c.members);
  PutNote(c.members, body);
  out->push_back(std::move(c));
  return Status::Ok();
}

Status InjuryFromFhir(const json& c, const std::vector<json>& parts, Context&, json* body) {
  const std::string t = "Condition";
  U5_RETURN_IF_ERROR(NoParts(parts, t));
  U5_RETURN_IF_ERROR(OnlyKnownElements(c, {"category", "code", "subject", "onsetDateTime", "note"}));
  U5_RETURN_IF_ERROR(OnlyExtensions(c, t, {"orgunit", "injury-place", "injury-outcome"}));
  U5_RETURN_IF_ERROR(ReadId(c, t, body));
  std::string person;
  U5_RETURN_IF_ERROR(ReadRef(c, "subject", "Patient", t + ".subject", true, &person));
  (*body)["person_id"] = person;
  U5_RETURN_IF_ERROR(ReadString(c, t, "onsetDateTime", "date", body));
  U5_RETURN_IF_ERROR(ReadKind(c, t, "injury_icd10", "injury", body));
  U5_RETURN_IF_ERROR(ReadOrgUnitExtension(c, t, body));
  U5_RETURN_IF_ERROR(ExtensionField(c, t, "injury-place", "Code", "place", body));
  U5_RETURN_IF_ERROR(ExtensionField(c, t, "injury-outcome", "Code", "outcome", body));
  return ReadNote(c, t, body);
}

// ---- referral

Status ReferralToFhir(const store::Record&, const json& body, Context& ctx, std::vector<Resource>* out) {
  const json& code = Codes().at("referral");
  Resource sr{"ServiceRequest"};
  Object& m = sr.members;
  m.Str("status", body.contains("arrived_at") ? "completed" : "active")
      .Str("intent", "order")
      .Put("category", Array().Add(Concept(kRecordTypeSystem, "referral")).Close())
      .Put("code", Concept(AsStr(code.at("system")), AsStr(code.at("code")), AsStr(code.at("display"))))
      .Ref("subject", "Patient", AsStr(body.at("person_id")))
      .Value("occurrenceDateTime", body.at("date"))
      .Put("requester", OrgUnit(ctx, AsStr(body.at("from_orgunit"))))
      .Put("reasonCode", Array().Add(Object().Value("text", body.at("reason")).Close()).Close());
  // An unrecorded red alert stays unrecorded: no priority.
  if (body.contains("red_alert")) m.Str("priority", body["red_alert"].get<bool>() ? "stat" : "routine");
  Array performer;
  if (body.contains("to_orgunit")) performer.Add(OrgUnit(ctx, AsStr(body["to_orgunit"])));
  if (body.contains("to_facility_name")) performer.Add(Object().Value("display", body["to_facility_name"]).Close());
  if (!performer.empty()) m.Put("performer", performer.Close());
  if (body.contains("referred_at")) m.Str("authoredOn", FhirDateTime(AsStr(body["referred_at"])));
  ExtensionList ext;
  PutOrgUnitExtension(ext, ctx, body);
  if (body.contains("arrived_at")) ext.Add("arrived-at", "DateTime", FhirDateTime(AsStr(body["arrived_at"])));
  if (body.contains("feedback")) ext.Add("feedback", "String", body["feedback"]);
  ext.PutInto(m);
  PutNote(m, body);
  out->push_back(std::move(sr));
  return Status::Ok();
}

Status ReferralFromFhir(const json& sr, const std::vector<json>& parts, Context&, json* body) {
  const std::string t = "ServiceRequest";
  U5_RETURN_IF_ERROR(NoParts(parts, t));
  U5_RETURN_IF_ERROR(OnlyKnownElements(sr, {"status", "intent", "category", "code", "subject", "occurrenceDateTime",
                                            "requester", "reasonCode", "priority", "performer", "authoredOn", "note"}));
  U5_RETURN_IF_ERROR(OnlyExtensions(sr, t, {"orgunit", "arrived-at", "feedback"}));
  U5_RETURN_IF_ERROR(ReadId(sr, t, body));
  // status follows arrival (arrived-at); it is read, not stored.
  U5_RETURN_IF_ERROR(ReadFixed(sr, t, "status", {"active", "completed"}, true));
  U5_RETURN_IF_ERROR(ReadFixed(sr, t, "intent", {"order"}, true));
  if (sr.contains("code")) {
    const json& ref = Codes().at("referral");
    std::string code;
    U5_RETURN_IF_ERROR(ReadCode(sr, "code", ref.at("system").get<std::string>(), t + ".code", true, &code));
    if (code != ref.at("code")) return Status::Invalid(t + ".code", t + ".code must be SNOMED CT " + ref["code"].get<std::string>() + " (patient referral)");
  }
  std::string person, from;
  U5_RETURN_IF_ERROR(ReadRef(sr, "subject", "Patient", t + ".subject", true, &person));
  (*body)["person_id"] = person;
  U5_RETURN_IF_ERROR(ReadString(sr, t, "occurrenceDateTime", "date", body));
  U5_RETURN_IF_ERROR(ReadOrgUnitRef(sr, "requester", t + ".requester", false, &from));
  if (!from.empty()) (*body)["from_orgunit"] = from;
  if (auto it = sr.find("reasonCode"); it != sr.end()) {
    const std::string path = t + ".reasonCode";
    if (!it->is_array() || it->size() != 1 || !(*it)[0].is_object() || !(*it)[0].contains("text") ||
        !(*it)[0]["text"].is_string() || (*it)[0].size() != 1)
      return Status::Invalid(path, path + " must be one concept with text only (the reason as written)");
    (*body)["reason"] = (*it)[0]["text"];
  }
  if (auto it = sr.find("priority"); it != sr.end()) {
    if (*it == "stat") (*body)["red_alert"] = true;
    else if (*it == "routine") (*body)["red_alert"] = false;
    else return Status::Invalid(t + ".priority", t + ".priority must be stat (red alert) or routine");
  }
  if (auto it = sr.find("performer"); it != sr.end()) {
    const std::string path = t + ".performer";
    if (!it->is_array()) return Status::Invalid(path, path + " must be an array");
    for (const json& p : *it) {
      if (p.is_object() && p.contains("identifier")) {
        if ((*body).contains("to_orgunit")) return Status::Invalid(path, path + ": one org unit receives the referral");
        const json holder = {{"p", p}};
        std::string to;
        U5_RETURN_IF_ERROR(ReadOrgUnitRef(holder, "p", path, true, &to));
        (*body)["to_orgunit"] = to;
      } else if (p.is_object() && p.size() == 1 && p.contains("display") && p["display"].is_string()) {
        if ((*body).contains("to_facility_name")) return Status::Invalid(path, path + ": one facility name receives the referral");
        (*body)["to_facility_name"] = p["display"];
      } else {
        return Status::Invalid(path, path + " must be an org unit reference by identifier or {\"display\": \"<facility name>\"}");
      }
    }
  }
  U5_RETURN_IF_ERROR(ReadString(sr, t, "authoredOn", "referred_at", body));
  U5_RETURN_IF_ERROR(ReadOrgUnitExtension(sr, t, body));
  U5_RETURN_IF_ERROR(ExtensionField(sr, t, "arrived-at", "DateTime", "arrived_at", body));
  U5_RETURN_IF_ERROR(ExtensionField(sr, t, "feedback", "String", "feedback", body));
  return ReadNote(sr, t, body);
}

}  // namespace

std::vector<Mapper> CareMappers() {
  Mapper illness{.registry_type = "illness",
                 .primary_type = "Encounter",
                 .part_types = {"Condition", "Observation"},
                 .claims = [](const json& res) { return HasRecordType(res, "type", "illness"); },
                 .to_fhir = IllnessToFhir,
                 .from_fhir = IllnessFromFhir,
                 .elements = {{"id", "Encounter.id"},
                              {"person_id", "Encounter.subject"},
                              {"orgunit", "Encounter.serviceProvider"},
                              {"date", "Encounter.period.start"},
                              {"note", "Encounter.extension:note"},
                              {"kind", "Condition.code.coding"},
                              {"dehydration", "Observation.valueCodeableConcept"},
                              {"antibiotic", "Encounter.extension:antibiotic"},
                              {"ors", "Encounter.extension:ors"},
                              {"zinc", "Encounter.extension:zinc"},
                              {"referred", "Encounter.extension:referred"},
                              {"outcome", "Encounter.extension:illness-outcome"}}};
  Mapper injury{.registry_type = "injury",
                .primary_type = "Condition",
                .part_types = {},
                .claims = [](const json& res) { return HasRecordType(res, "category", "injury"); },
                .to_fhir = InjuryToFhir,
                .from_fhir = InjuryFromFhir,
                .elements = {{"id", "Condition.id"},
                             {"person_id", "Condition.subject"},
                             {"orgunit", "Condition.extension:orgunit"},
                             {"date", "Condition.onsetDateTime"},
                             {"note", "Condition.note"},
                             {"kind", "Condition.code.coding"},
                             {"place", "Condition.extension:injury-place"},
                             {"outcome", "Condition.extension:injury-outcome"}}};
  Mapper referral{.registry_type = "referral",
                  .primary_type = "ServiceRequest",
                  .part_types = {},
                  .claims = [](const json& res) { return HasRecordType(res, "category", "referral"); },
                  .to_fhir = ReferralToFhir,
                  .from_fhir = ReferralFromFhir,
                  .elements = {{"id", "ServiceRequest.id"},
                               {"person_id", "ServiceRequest.subject"},
                               {"orgunit", "ServiceRequest.extension:orgunit"},
                               {"date", "ServiceRequest.occurrenceDateTime"},
                               {"note", "ServiceRequest.note"},
                               {"from_orgunit", "ServiceRequest.requester"},
                               {"to_orgunit", "ServiceRequest.performer"},
                               {"to_facility_name", "ServiceRequest.performer.display"},
                               {"reason", "ServiceRequest.reasonCode.text"},
                               {"referred_at", "ServiceRequest.authoredOn"},
                               {"arrived_at", "ServiceRequest.extension:arrived-at"},
                               {"red_alert", "ServiceRequest.priority"},
                               {"feedback", "ServiceRequest.extension:feedback"}}};
  return {std::move(illness), std::move(injury), std::move(referral)};
}

}  // namespace u5::fhir::child
