// growth and health_check → Encounter + Observations of each measure, of the
// WHO z-scores (derived) and, for a health check, of development (docs/fhir.md).
#include <map>
#include <set>

#include "fhir/map_child.h"

namespace u5::fhir::child {
namespace {

// A measure kept as one Observation.
struct Measure {
  const char* field;   // registry field, also the local observation code
  const char* suffix;  // part id suffix
  const char* ucum;    // "" for oedema (valueBoolean)
};
constexpr Measure kMeasures[] = {{"weight_kg", "weight", "kg"},
                                 {"length_cm", "length", "cm"},
                                 {"head_circumference_cm", "head", "cm"},
                                 {"muac_mm", "muac", "mm"},
                                 {"oedema", "oedema", ""}};

// A derived WHO z-score and the nutrition statuses read from it (its interpretation).
struct ZScore {
  const char* field;
  const char* suffix;
  const char* display;
  std::vector<std::pair<const char*, const char*>> statuses;  // registry field, local code system
};
const std::vector<ZScore>& ZScores() {
  static const std::vector<ZScore> z = {
      {"z_lhfa", "z-lhfa", "Length/height-for-age z-score (WHO)", {{"stunting", "stunting"}}},
      {"z_wfa", "z-wfa", "Weight-for-age z-score (WHO)", {{"underweight", "underweight"}}},
      {"z_wflh", "z-wflh", "Weight-for-length/height z-score (WHO)",
       {{"wasting", "wasting"}, {"weight_for_length", "weight-for-length"}}},
      {"z_bmi", "z-bmi", "BMI-for-age z-score (WHO)", {}},
      {"z_hc", "z-hc", "Head circumference-for-age z-score (WHO)", {}},
      {"z_muac", "z-muac", "MUAC-for-age z-score (WHO)", {}}};
  return z;
}

const json& ObservationCodes() { return Codes().at("observations").at("codes"); }

Element MeasureCode(const json& row, const std::string& local) {
  return Object()
      .Put("coding", Array()
                         .Add(Coding(AsStr(row.at("system")), AsStr(row.at("code")), AsStr(row.at("display"))))
                         .Add(Local("observation", local))
                         .Close())
      .Close();
}

// What every Observation of a measure or z-score of the same kind shares,
// written once: its code, category and unit.
struct Written {
  Element code, category;
  std::string unit;
};
const Written& MeasureWritten(const std::string& key) {
  static const std::map<std::string, Written, std::less<>> all = [] {
    std::map<std::string, Written, std::less<>> out;
    for (const Measure& m : kMeasures)
      for (const std::string key : {std::string(m.field), std::string(m.field) + "_l"}) {
        if (!ObservationCodes().contains(key)) continue;
        const json& row = ObservationCodes().at(key);
        out[key] = {MeasureCode(row, m.field), ObservationCategory(AsStr(row.at("category"))),
                    row.contains("unit") ? AsStr(row["unit"]) : ""};
      }
    return out;
  }();
  return all.at(key);
}
const Written& ZScoreWritten(const ZScore& z) {
  static const std::map<std::string, Written, std::less<>> all = [] {
    std::map<std::string, Written, std::less<>> out;
    for (const ZScore& x : ZScores())
      out[x.field] = {LocalConcept("observation", x.field, x.display), ObservationCategory("exam"), "z-score"};
    return out;
  }();
  return all.at(z.field);
}

void PutMeasures(const store::Record& r, const json& body, std::vector<Resource>* out) {
  for (const Measure& m : kMeasures) {
    const auto value = body.find(m.field);
    if (value == body.end()) continue;
    const bool length = std::string_view(m.field) == "length_cm";
    const auto measure = body.find("measure");
    const bool lying = length && measure != body.end() && *measure == "l";
    const Written& w = MeasureWritten(lying ? "length_cm_l" : m.field);
    Resource obs = Observation(m.suffix, r, body, w.code);
    obs.members.Put("category", w.category);
    if (*m.ucum) obs.members.Put("valueQuantity", Quantity(*value, w.unit, m.ucum));
    else obs.members.Value("valueBoolean", *value);
    if (length && measure != body.end())
      obs.members.Put("method", LocalConcept("length-measure", AsStr(*measure), lying ? "recumbent length" : "standing height"));
    out->push_back(std::move(obs));
  }
  for (const ZScore& z : ZScores()) {
    const auto value = body.find(z.field);
    if (value == body.end()) continue;
    const Written& w = ZScoreWritten(z);
    Resource obs = Observation(z.suffix, r, body, w.code);
    obs.members.Put("category", w.category);
    obs.members.Put("valueQuantity", Quantity(*value, w.unit, "{z-score}"));
    Array interpretation;
    for (const auto& [field, system] : z.statuses)
      if (auto status = body.find(field); status != body.end()) interpretation.Add(LocalConcept(system, AsStr(*status)));
    if (auto flags = body.find("implausible"); flags != body.end())
      for (const json& f : *flags)
        if (f == z.field) interpretation.Add(LocalConcept("z-score-flag", "implausible", "outside WHO's plausible range"));
    if (!interpretation.empty()) obs.members.Put("interpretation", interpretation.Close());
    out->push_back(std::move(obs));
  }
}

void PutDerivedFlags(ExtensionList& ext, const json& body) {
  for (const char* f : {"sam", "remeasure"})
    if (body.contains(f)) ext.Add(f, "Boolean", body[f]);
}

Status GrowthToFhir(const store::Record& r, const json& body, Context& ctx, std::vector<Resource>* out) {
  ExtensionList ext;
  Resource enc = Encounter(r, body, ctx, &ext);
  PutDerivedFlags(ext, body);
  ext.PutInto(enc.members);
  out->push_back(std::move(enc));
  PutMeasures(r, body, out);
  return Status::Ok();
}

Status HealthCheckToFhir(const store::Record& r, const json& body, Context& ctx, std::vector<Resource>* out) {
  ExtensionList ext;
  Resource enc = Encounter(r, body, ctx, &ext);
  if (body.contains("age_band")) ext.Add("age-band", "Code", body["age_band"]);
  ext.Add("conclusion", "Code", body.at("conclusion"));
  if (body.contains("counselling"))
    for (const json& c : body["counselling"]) ext.Add("counselling", "Code", c);
  if (body.contains("referral")) ext.Add("referral", "Boolean", body["referral"]);
  if (body.contains("referral_to")) ext.Add("referral-to", "String", body["referral_to"]);
  PutDerivedFlags(ext, body);
  ext.PutInto(enc.members);
  out->push_back(std::move(enc));
  PutMeasures(r, body, out);
  if (body.contains("development") || body.contains("milestones_achieved") || body.contains("milestones_not_achieved")) {
    Resource obs = Observation("development", r, body, LocalConcept("observation", "development", "Child development"));
    obs.members.Put("category", ObservationCategory("exam"));
    if (body.contains("development"))
      obs.members.Put("valueCodeableConcept", LocalConcept("development", body["development"].get_ref<const std::string&>()));
    Array components;
    for (const auto& [key, achieved] : {std::pair{"milestones_achieved", true}, std::pair{"milestones_not_achieved", false}})
      if (body.contains(key))
        for (const json& m : body[key])
          components.Add(Object().Put("code", LocalConcept("milestone", m.get_ref<const std::string&>())).Bool("valueBoolean", achieved).Close());
    if (!components.empty()) obs.members.Put("component", components.Close());
    out->push_back(std::move(obs));
  }
  return Status::Ok();
}

// Which registry field an Observation part of a growth record holds: its local
// code, else its standard one ("" for one that is not a measure).
std::string FieldOf(const json& obs) {
  std::string local;
  if (ReadLocal(obs.value("code", json()), "", "observation", true, &local).ok()) return local;
  for (const auto& [key, row] : ObservationCodes().items()) {
    std::string code;
    if (ReadCode(obs, "code", row.at("system").get<std::string>(), "", true, &code).ok() && code == row["code"])
      return key == "length_cm_l" ? "length_cm" : key;
  }
  return "";
}

Status ReadMeasure(const json& obs, const Measure& m, json* body) {
  const std::string t = "Observation";
  const bool length = std::string(m.field) == "length_cm";
  if (length)
    U5_RETURN_IF_ERROR(OnlyKnownElements(obs, {"status", "category", "code", "subject", "encounter", "effectiveDateTime",
                                               "valueQuantity", "method"}));
  else
    U5_RETURN_IF_ERROR(OnlyKnownElements(obs, {"status", "category", "code", "subject", "encounter", "effectiveDateTime",
                                               *m.ucum ? "valueQuantity" : "valueBoolean"}));
  U5_RETURN_IF_ERROR(OnlyExtensions(obs, t, {}));
  U5_RETURN_IF_ERROR(ReadFixed(obs, t, "status", {"final", "amended", "corrected"}, true));
  if (*m.ucum) {
    json v;
    U5_RETURN_IF_ERROR(ReadAmount(obs, t + ".valueQuantity", "valueQuantity", m.ucum, &v));
    if (v.is_null()) return Status::Invalid(t + ".valueQuantity", t + ".valueQuantity is required for " + std::string(m.field));
    (*body)[m.field] = v;
  } else {
    if (!obs.contains("valueBoolean") || !obs["valueBoolean"].is_boolean())
      return Status::Invalid(t + ".valueBoolean", t + ".valueBoolean (true or false) is required for oedema");
    (*body)[m.field] = obs["valueBoolean"];
  }
  if (length) {
    std::string measure, loinc;
    const bool lying = ReadCode(obs, "code", kLoinc, "", true, &loinc).ok() && loinc == ObservationCodes()["length_cm_l"]["code"];
    if (obs.contains("method")) {
      U5_RETURN_IF_ERROR(ReadLocal(obs["method"], t + ".method", "length-measure", true, &measure));
      if (lying && measure != "l")
        return Status::Invalid(t + ".method", t + ".method: LOINC " + loinc + " is a length measured lying, not \"" + measure + "\"");
    } else if (lying) {
      measure = "l";  // the LOINC code of a lying length says how it was measured
    }
    if (!measure.empty()) (*body)["measure"] = measure;
  }
  return Status::Ok();
}

Status ReadDevelopment(const json& obs, json* body) {
  const std::string t = "Observation";
  U5_RETURN_IF_ERROR(OnlyKnownElements(obs, {"status", "category", "code", "subject", "encounter", "effectiveDateTime",
                                             "valueCodeableConcept", "component"}));
  U5_RETURN_IF_ERROR(OnlyExtensions(obs, t, {}));
  U5_RETURN_IF_ERROR(ReadFixed(obs, t, "status", {"final", "amended", "corrected"}, true));
  if (obs.contains("valueCodeableConcept")) {
    std::string dev;
    U5_RETURN_IF_ERROR(ReadLocal(obs["valueCodeableConcept"], t + ".valueCodeableConcept", "development", true, &dev));
    (*body)["development"] = dev;
  }
  if (auto it = obs.find("component"); it != obs.end()) {
    const std::string path = t + ".component";
    if (!it->is_array()) return Status::Invalid(path, path + " must be an array");
    json achieved = json::array(), not_achieved = json::array();
    for (const json& c : *it) {
      if (!c.is_object()) return Status::Invalid(path, path + " must hold objects");
      for (auto e = c.begin(); e != c.end(); ++e)
        if (e.key() != "code" && e.key() != "valueBoolean")
          return Status::Invalid(path + "." + e.key(), path + "." + e.key() + ": element not supported by under5 (docs/fhir.md)");
      std::string m;
      U5_RETURN_IF_ERROR(ReadLocal(c.value("code", json()), path + ".code", "milestone", true, &m));
      if (!c.contains("valueBoolean") || !c["valueBoolean"].is_boolean())
        return Status::Invalid(path + ".valueBoolean", path + ".valueBoolean (achieved or not) is required");
      (c["valueBoolean"].get<bool>() ? achieved : not_achieved).push_back(m);
    }
    if (!achieved.empty()) (*body)["milestones_achieved"] = achieved;
    if (!not_achieved.empty()) (*body)["milestones_not_achieved"] = not_achieved;
  }
  return Status::Ok();
}

// The parts of a growth or health_check record: its measures (those of
// `fields`), development for a health check; the z-scores are derived and skipped.
Status ReadParts(const json& enc, const std::vector<json>& parts, const std::set<std::string>& fields, bool development,
                 json* body) {
  std::set<std::string> seen;
  for (const json& p : parts) {
    const std::string type = p.value("resourceType", "Resource");
    if (type != "Observation")
      return Status::Invalid(type, type + ": the parts of an under5 Encounter of this kind are Observations");
    U5_RETURN_IF_ERROR(CheckPart(p, enc, *body));
    const std::string field = FieldOf(p);
    bool derived = false;
    for (const ZScore& z : ZScores()) derived = derived || field == z.field;
    if (derived) continue;
    const bool known = fields.count(field) || (development && field == "development");
    if (!known)
      return Status::Invalid("Observation.code", "Observation.code: not a measure under5 keeps in this Encounter (docs/fhir.md)");
    if (!seen.insert(field).second)
      return Status::Invalid("Observation.code", "Observation.code: two Observations of " + field + " in one Encounter");
    if (field == "development") {
      U5_RETURN_IF_ERROR(ReadDevelopment(p, body));
      continue;
    }
    for (const Measure& m : kMeasures)
      if (field == m.field) U5_RETURN_IF_ERROR(ReadMeasure(p, m, body));
  }
  return Status::Ok();
}

Status GrowthFromFhir(const json& enc, const std::vector<json>& parts, Context&, json* body) {
  U5_RETURN_IF_ERROR(OnlyKnownElements(enc, {"status", "class", "type", "subject", "period", "serviceProvider"}));
  U5_RETURN_IF_ERROR(OnlyExtensions(enc, "Encounter", {"note", "sam", "remeasure"}));
  U5_RETURN_IF_ERROR(ReadEncounter(enc, body));
  return ReadParts(enc, parts, {"weight_kg", "length_cm", "head_circumference_cm", "muac_mm", "oedema"}, false, body);
}

Status HealthCheckFromFhir(const json& enc, const std::vector<json>& parts, Context&, json* body) {
  const std::string t = "Encounter";
  U5_RETURN_IF_ERROR(OnlyKnownElements(enc, {"status", "class", "type", "subject", "period", "serviceProvider"}));
  U5_RETURN_IF_ERROR(OnlyExtensions(
      enc, t, {"note", "sam", "remeasure", "age-band", "conclusion", "counselling", "referral", "referral-to"}));
  U5_RETURN_IF_ERROR(ReadEncounter(enc, body));
  U5_RETURN_IF_ERROR(ExtensionField(enc, t, "conclusion", "Code", "conclusion", body));
  U5_RETURN_IF_ERROR(ExtensionField(enc, t, "referral", "Boolean", "referral", body));
  U5_RETURN_IF_ERROR(ExtensionField(enc, t, "referral-to", "String", "referral_to", body));
  std::vector<json> counselling;
  U5_RETURN_IF_ERROR(Extensions(enc, t, "counselling", "Code", &counselling));
  if (!counselling.empty()) (*body)["counselling"] = counselling;
  return ReadParts(enc, parts, {"weight_kg", "length_cm"}, true, body);
}

// The elements of the fields both kinds share.
std::vector<std::pair<std::string, std::string>> CommonElements() {
  return {{"id", "Encounter.id"},
          {"person_id", "Encounter.subject"},
          {"orgunit", "Encounter.serviceProvider"},
          {"date", "Encounter.period.start"},
          {"note", "Encounter.extension:note"},
          {"weight_kg", "Observation.valueQuantity.value"},
          {"length_cm", "Observation.valueQuantity.value"},
          {"measure", "Observation.method"},
          {"z_lhfa", "Observation.valueQuantity.value"},
          {"z_wfa", "Observation.valueQuantity.value"},
          {"z_wflh", "Observation.valueQuantity.value"},
          {"z_bmi", "Observation.valueQuantity.value"},
          {"implausible", "Observation.interpretation"},
          {"stunting", "Observation.interpretation"},
          {"underweight", "Observation.interpretation"},
          {"wasting", "Observation.interpretation"},
          {"weight_for_length", "Observation.interpretation"},
          {"sam", "Encounter.extension:sam"},
          {"remeasure", "Encounter.extension:remeasure"}};
}

}  // namespace

std::vector<Mapper> GrowthMappers() {
  Mapper growth{.registry_type = "growth",
                .primary_type = "Encounter",
                .part_types = {"Observation"},
                .claims = [](const json& res) { return HasRecordType(res, "type", "growth"); },
                .to_fhir = GrowthToFhir,
                .from_fhir = GrowthFromFhir,
                .elements = CommonElements()};
  for (auto e : std::initializer_list<std::pair<std::string, std::string>>{
           {"oedema", "Observation.valueBoolean"},
           {"head_circumference_cm", "Observation.valueQuantity.value"},
           {"muac_mm", "Observation.valueQuantity.value"},
           {"z_hc", "Observation.valueQuantity.value"},
           {"z_muac", "Observation.valueQuantity.value"}})
    growth.elements.push_back(e);
  Mapper check{.registry_type = "health_check",
               .primary_type = "Encounter",
               .part_types = {"Observation"},
               .claims = [](const json& res) { return HasRecordType(res, "type", "health_check"); },
               .to_fhir = HealthCheckToFhir,
               .from_fhir = HealthCheckFromFhir,
               .elements = CommonElements()};
  for (auto e : std::initializer_list<std::pair<std::string, std::string>>{
           {"age_band", "Encounter.extension:age-band"},
           {"milestones_achieved", "Observation.component"},
           {"milestones_not_achieved", "Observation.component"},
           {"development", "Observation.valueCodeableConcept"},
           {"conclusion", "Encounter.extension:conclusion"},
           {"counselling", "Encounter.extension:counselling"},
           {"referral", "Encounter.extension:referral"},
           {"referral_to", "Encounter.extension:referral-to"}})
    check.elements.push_back(e);
  return {std::move(growth), std::move(check)};
}

}  // namespace u5::fhir::child
