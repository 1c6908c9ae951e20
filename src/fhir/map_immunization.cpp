// immunization → Immunization, vitamin_a → MedicationAdministration (docs/fhir.md).
#include "fhir/map_child.h"

namespace u5::fhir::child {
namespace {

constexpr const char* kCvx = "http://hl7.org/fhir/sid/cvx";
constexpr const char* kAtc = "http://www.whocc.no/atc";
constexpr const char* kPerformerFunction = "http://terminology.hl7.org/CodeSystem/v2-0443";

const json& VaccineTable() { return Codes().at("vaccines").at("codes"); }

Status ImmunizationToFhir(const store::Record&, const json& body, Context& ctx, std::vector<Resource>* out) {
  const std::string& vaccine = AsStr(body.at("vaccine"));
  const json& row = VaccineTable().at(vaccine);
  Array coding;
  coding.Add(Local("vaccine", vaccine, AsStr(row.at("display"))));
  if (row.contains("cvx"))
    coding.Add(Coding(kCvx, AsStr(row["cvx"]), AsStr(Codes()["cvx"]["codes"].at(AsStr(row["cvx"])))));
  if (row.contains("atc"))
    coding.Add(Coding(kAtc, AsStr(row["atc"]), AsStr(Codes()["atc"]["codes"].at(AsStr(row["atc"])))));
  Resource imm{"Immunization"};
  Object& m = imm.members;
  m.Str("status", "completed")
      .Put("vaccineCode", Object().Put("coding", coding.Close()).Close())
      .Ref("patient", "Patient", AsStr(body.at("person_id")))
      .Value("occurrenceDateTime", body.at("date"));
  ExtensionList ext;
  PutOrgUnitExtension(ext, ctx, body);
  ext.PutInto(m);
  if (body.contains("lot")) m.Value("lotNumber", body["lot"]);
  if (body.contains("facility"))
    m.Put("performer", Array()
                           .Add(Object()
                                    .Put("function", Concept(kPerformerFunction, "AP", "Administering Provider"))
                                    .Put("actor", OrgUnit(ctx, AsStr(body["facility"])))
                                    .Close())
                           .Close());
  // The birth dose is dose 0, which positiveInt cannot carry.
  const int dose = body.at("dose").get<int>();
  Object applied;
  if (dose >= 1) applied.Value("doseNumberPositiveInt", dose);
  else applied.Str("doseNumberString", "0");
  m.Put("protocolApplied", Array().Add(applied.Close()).Close());
  PutNote(m, body);
  out->push_back(std::move(imm));
  return Status::Ok();
}

// The local vaccine code, or the one a CVX or ATC code stands for; codings
// that contradict each other are refused.
Status ReadVaccine(const json& imm, std::string* vaccine) {
  const std::string path = "Immunization.vaccineCode";
  auto it = imm.find("vaccineCode");
  if (it == imm.end()) return Status::Invalid(path, path + " is required");
  if (!it->is_object() || !it->contains("coding") || !(*it)["coding"].is_array())
    return Status::Invalid(path, path + " must be a CodeableConcept with coding");
  std::string local, by_standard, standard;
  for (const json& c : (*it)["coding"]) {
    if (!c.is_object() || !c.contains("code") || !c["code"].is_string()) continue;
    const std::string system = c.value("system", ""), code = c["code"].get<std::string>();
    if (system == CodeSystemUrl("vaccine")) {
      if (!VaccineTable().contains(code))
        return Status::Invalid(path + ".coding", path + ".coding: \"" + code + "\" is not an under5 vaccine code");
      local = code;
      continue;
    }
    const char* key = system == kCvx ? "cvx" : system == kAtc ? "atc" : nullptr;
    if (!key) continue;
    std::string found;
    for (const auto& [v, row] : VaccineTable().items())
      if (row.value(key, "") == code) found = v;
    if (found.empty())
      return Status::Invalid(path + ".coding", path + ".coding: " + std::string(system == kCvx ? "CVX " : "ATC ") + code +
                                                   " is no vaccine the programme gives (docs/fhir.md)");
    if (!by_standard.empty() && by_standard != found)
      return Status::Invalid(path + ".coding", path + ".coding: the CVX and ATC codes name different vaccines");
    by_standard = found;
    standard = std::string(system == kCvx ? "CVX " : "ATC ") + code;
  }
  if (!local.empty() && !by_standard.empty() && local != by_standard)
    return Status::Invalid(path + ".coding", path + ".coding: " + standard + " is not the vaccine \"" + local + "\"");
  *vaccine = local.empty() ? by_standard : local;
  if (vaccine->empty())
    return Status::Invalid(path + ".coding", path + ".coding: no code under5 knows (" + CodeSystemUrl("vaccine") +
                                                 ", CVX or ATC)");
  return Status::Ok();
}

Status ReadDose(const json& imm, json* body) {
  const std::string path = "Immunization.protocolApplied";
  auto it = imm.find("protocolApplied");
  if (it == imm.end()) return Status::Ok();
  if (!it->is_array() || it->size() != 1 || !(*it)[0].is_object())
    return Status::Invalid(path, path + " must hold one entry: the dose of this vaccination");
  const json& p = (*it)[0];
  for (auto e = p.begin(); e != p.end(); ++e)
    if (e.key() != "doseNumberPositiveInt" && e.key() != "doseNumberString")
      return Status::Invalid(path + "." + e.key(), path + "." + e.key() + ": element not supported by under5 (docs/fhir.md)");
  if (p.contains("doseNumberPositiveInt")) {
    if (!p["doseNumberPositiveInt"].is_number_integer())
      return Status::Invalid(path + ".doseNumber", path + ".doseNumberPositiveInt must be a whole number");
    (*body)["dose"] = p["doseNumberPositiveInt"];
  } else if (p.contains("doseNumberString")) {
    const json& s = p["doseNumberString"];
    if (!s.is_string() || s.get<std::string>().empty() || s.get<std::string>().size() > 2 ||
        s.get<std::string>().find_first_not_of("0123456789") != std::string::npos)
      return Status::Invalid(path + ".doseNumber", path + ".doseNumberString must be a dose number (\"0\" = birth dose)");
    (*body)["dose"] = std::stoi(s.get<std::string>());
  }
  return Status::Ok();
}

Status ImmunizationFromFhir(const json& imm, const std::vector<json>& parts, Context&, json* body) {
  const std::string t = "Immunization";
  U5_RETURN_IF_ERROR(NoParts(parts, t));
  U5_RETURN_IF_ERROR(OnlyKnownElements(
      imm, {"status", "vaccineCode", "patient", "occurrenceDateTime", "lotNumber", "performer", "protocolApplied", "note"}));
  U5_RETURN_IF_ERROR(OnlyExtensions(imm, t, {"orgunit"}));
  U5_RETURN_IF_ERROR(ReadId(imm, t, body));
  U5_RETURN_IF_ERROR(ReadFixed(imm, t, "status", {"completed"}, true));
  std::string vaccine, person;
  U5_RETURN_IF_ERROR(ReadVaccine(imm, &vaccine));
  (*body)["vaccine"] = vaccine;
  U5_RETURN_IF_ERROR(ReadRef(imm, "patient", "Patient", "Immunization.patient", true, &person));
  (*body)["person_id"] = person;
  U5_RETURN_IF_ERROR(ReadString(imm, t, "occurrenceDateTime", "date", body));
  U5_RETURN_IF_ERROR(ReadString(imm, t, "lotNumber", "lot", body));
  U5_RETURN_IF_ERROR(ReadOrgUnitExtension(imm, t, body));
  U5_RETURN_IF_ERROR(ReadDose(imm, body));
  if (auto it = imm.find("performer"); it != imm.end()) {
    const std::string path = "Immunization.performer";
    if (!it->is_array() || it->size() != 1 || !(*it)[0].is_object())
      return Status::Invalid(path, path + " must hold one entry: the facility that vaccinated");
    const json& p = (*it)[0];
    for (auto e = p.begin(); e != p.end(); ++e)
      if (e.key() != "function" && e.key() != "actor")
        return Status::Invalid(path + "." + e.key(), path + "." + e.key() + ": element not supported by under5 (docs/fhir.md)");
    if (p.contains("function")) {
      std::string fn;
      U5_RETURN_IF_ERROR(ReadCode(p, "function", kPerformerFunction, path + ".function", true, &fn));
      if (fn != "AP") return Status::Invalid(path + ".function", path + ".function must be AP (administering provider)");
    }
    std::string facility;
    U5_RETURN_IF_ERROR(ReadOrgUnitRef(p, "actor", path + ".actor", true, &facility));
    (*body)["facility"] = facility;
  }
  return ReadNote(imm, t, body);
}

Status VitaminAToFhir(const store::Record&, const json& body, Context& ctx, std::vector<Resource>* out) {
  const std::string& atc = AsStr(Codes().at("vitamin_a").at("atc"));
  Resource ma{"MedicationAdministration"};
  Object& m = ma.members;
  m.Str("status", "completed")
      .Put("category", Concept(kRecordTypeSystem, "vitamin_a"))
      .Put("medicationCodeableConcept",
           Object()
               .Put("coding", Array()
                                  .Add(Coding(kAtc, atc, AsStr(Codes()["atc"]["codes"].at(atc))))
                                  .Add(Local("medication", "vitamin_a", "Vitamin A"))
                                  .Close())
               .Close())
      .Ref("subject", "Patient", AsStr(body.at("person_id")))
      .Value("effectiveDateTime", body.at("date"))
      .Put("dosage", Object().Put("dose", Quantity(body.at("dose_iu"), "IU", "[iU]")).Close());
  ExtensionList ext;
  PutOrgUnitExtension(ext, ctx, body);
  if (body.contains("campaign_round")) ext.Add("campaign-round", "Code", body["campaign_round"]);
  ext.PutInto(m);
  PutNote(m, body);
  out->push_back(std::move(ma));
  return Status::Ok();
}

Status VitaminAFromFhir(const json& ma, const std::vector<json>& parts, Context&, json* body) {
  const std::string t = "MedicationAdministration";
  U5_RETURN_IF_ERROR(NoParts(parts, t));
  U5_RETURN_IF_ERROR(OnlyKnownElements(
      ma, {"status", "category", "medicationCodeableConcept", "subject", "effectiveDateTime", "dosage", "note"}));
  U5_RETURN_IF_ERROR(OnlyExtensions(ma, t, {"orgunit", "campaign-round"}));
  U5_RETURN_IF_ERROR(ReadId(ma, t, body));
  U5_RETURN_IF_ERROR(ReadFixed(ma, t, "status", {"completed"}, true));
  const json holder = {{"m", ma.value("medicationCodeableConcept", json())}};
  std::string atc, local;
  const std::string mpath = t + ".medicationCodeableConcept";
  if (!ReadCode(holder, "m", kAtc, mpath, true, &atc).ok() &&
      !ReadLocal(holder["m"], mpath, "medication", true, &local).ok())
    return Status::Invalid(mpath + ".coding", mpath + ".coding must be vitamin A (ATC " +
                                                  Codes()["vitamin_a"]["atc"].get<std::string>() + ")");
  if ((!atc.empty() && atc != Codes()["vitamin_a"]["atc"]) || (!local.empty() && local != "vitamin_a"))
    return Status::Invalid(mpath + ".coding", mpath + ".coding must be vitamin A (ATC " +
                                                  Codes()["vitamin_a"]["atc"].get<std::string>() + ")");
  std::string person;
  U5_RETURN_IF_ERROR(ReadRef(ma, "subject", "Patient", t + ".subject", true, &person));
  (*body)["person_id"] = person;
  U5_RETURN_IF_ERROR(ReadString(ma, t, "effectiveDateTime", "date", body));
  U5_RETURN_IF_ERROR(ReadOrgUnitExtension(ma, t, body));
  U5_RETURN_IF_ERROR(ExtensionField(ma, t, "campaign-round", "Code", "campaign_round", body));
  if (auto it = ma.find("dosage"); it != ma.end()) {
    const std::string path = t + ".dosage";
    if (!it->is_object()) return Status::Invalid(path, path + " must be an object");
    for (auto e = it->begin(); e != it->end(); ++e)
      if (e.key() != "dose") return Status::Invalid(path + "." + e.key(), path + "." + e.key() + ": element not supported by under5 (docs/fhir.md)");
    json dose;
    U5_RETURN_IF_ERROR(ReadAmount(*it, path + ".dose", "dose", "[iU]", &dose));
    if (!dose.is_null()) (*body)["dose_iu"] = dose;
  }
  return ReadNote(ma, t, body);
}

}  // namespace

std::vector<Mapper> ImmunizationMappers() {
  Mapper imm{.registry_type = "immunization",
             .primary_type = "Immunization",
             .part_types = {},
             // Only vaccinations are kept as Immunization.
             .claims = [](const json&) { return true; },
             .to_fhir = ImmunizationToFhir,
             .from_fhir = ImmunizationFromFhir,
             .elements = {{"id", "Immunization.id"},
                          {"person_id", "Immunization.patient"},
                          {"orgunit", "Immunization.extension:orgunit"},
                          {"date", "Immunization.occurrenceDateTime"},
                          {"note", "Immunization.note"},
                          {"vaccine", "Immunization.vaccineCode.coding"},
                          {"dose", "Immunization.protocolApplied.doseNumber"},
                          {"facility", "Immunization.performer.actor"},
                          {"lot", "Immunization.lotNumber"}}};
  Mapper vita{.registry_type = "vitamin_a",
              .primary_type = "MedicationAdministration",
              .part_types = {},
              .claims = [](const json& res) { return HasRecordType(res, "category", "vitamin_a"); },
              .to_fhir = VitaminAToFhir,
              .from_fhir = VitaminAFromFhir,
              .elements = {{"id", "MedicationAdministration.id"},
                           {"person_id", "MedicationAdministration.subject"},
                           {"orgunit", "MedicationAdministration.extension:orgunit"},
                           {"date", "MedicationAdministration.effectiveDateTime"},
                           {"note", "MedicationAdministration.note"},
                           {"dose_iu", "MedicationAdministration.dosage.dose.value"},
                           {"campaign_round", "MedicationAdministration.extension:campaign-round"}}};
  return {std::move(imm), std::move(vita)};
}

}  // namespace u5::fhir::child
