#include "registry/growth_status.h"

#include "growth/nutrition.h"

namespace u5::registry {

void AddGrowthStatus(nlohmann::json& body, const std::string& sex, int age_days) {
  growth::Measurement m;
  m.sex = sex == "male" ? 1 : sex == "female" ? 2 : 0;
  m.age_days = age_days;
  if (body.contains("weight_kg")) m.weight_kg = body["weight_kg"].get<double>();
  if (body.contains("length_cm")) m.lenhei_cm = body["length_cm"].get<double>();
  if (body.contains("head_circumference_cm")) m.headc_cm = body["head_circumference_cm"].get<double>();
  if (body.contains("muac_mm")) m.muac_cm = body["muac_mm"].get<double>() / 10.0;
  const std::string measure = body.value("measure", "");
  m.measure = measure == "l" ? growth::Measure::lying : measure == "h" ? growth::Measure::standing : growth::Measure::unknown;
  m.oedema = body.value("oedema", false);

  const growth::ZResult z = growth::compute(m);
  const growth::NutritionStatus n = growth::classify(m, z);
  nlohmann::json implausible = nlohmann::json::array();
  auto put = [&](const char* name, const std::optional<growth::Score>& s) {
    if (!s) return;
    body[name] = s->z;
    if (s->flag) implausible.push_back(name);
  };
  put("z_lhfa", z.zlen);
  put("z_wfa", z.zwei);
  put("z_wflh", z.zwfl);
  put("z_bmi", z.zbmi);
  put("z_hc", z.zhc);
  put("z_muac", z.zac);
  if (!implausible.empty()) body["implausible"] = implausible;
  body["stunting"] = growth::to_string(n.stunting);
  body["underweight"] = growth::to_string(n.underweight);
  body["wasting"] = growth::to_string(n.wasting);
  body["weight_for_length"] = growth::to_string(n.wfl);
  body["sam"] = n.sam;
  body["remeasure"] = n.remeasure;
}

}  // namespace u5::registry
