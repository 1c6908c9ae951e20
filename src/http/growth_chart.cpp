#include "http/growth_chart.h"

#include "core/date.h"
#include "growth/curves.h"

namespace u5::http {
namespace {

using nlohmann::json;

struct Chart {
  const char* id;
  growth::Indicator indicator;
  const char* x_unit;   // "days" or "cm"
  const char* y_field;  // the child's value on this chart
  const char* z_field;
  int step;             // keep every step-th table row: curves stay smooth and small
};

const Chart kCharts[] = {
    {"length_height_for_age", growth::Indicator::length_height_for_age, "days", "length_cm", "z_lhfa", 14},
    {"weight_for_age", growth::Indicator::weight_for_age, "days", "weight_kg", "z_wfa", 14},
    {"weight_for_length", growth::Indicator::weight_for_length, "cm", "weight_kg", "z_wflh", 5},
    {"weight_for_height", growth::Indicator::weight_for_height, "cm", "weight_kg", "z_wflh", 5},
    {"bmi_for_age", growth::Indicator::bmi_for_age, "days", "bmi", "z_bmi", 14},
    {"head_circumference_for_age", growth::Indicator::head_circumference_for_age, "days", "head_circumference_cm", "z_hc", 14},
};

}  // namespace

json GrowthChart(const store::Record& child, const std::vector<store::Record>& events) {
  const Date birth = *ParseDate(child.date);
  json points = json::array();
  for (const auto& e : events) {
    if (e.type != "growth") continue;
    json b = json::parse(e.body);
    const int age_days = ParseDate(e.date)->days - birth.days;
    json p = {{"id", e.id}, {"date", e.date}, {"age_days", age_days}};
    for (const char* k : {"weight_kg", "length_cm", "measure", "head_circumference_cm", "muac_mm", "oedema", "z_lhfa", "z_wfa",
                          "z_wflh", "z_bmi", "z_hc", "z_muac", "implausible", "stunting", "underweight", "wasting",
                          "weight_for_length", "sam", "remeasure"})
      if (b.contains(k)) p[k] = b[k];
    if (b.contains("weight_kg") && b.contains("length_cm")) {
      const double m = b["length_cm"].get<double>() / 100.0;
      p["bmi"] = std::round(b["weight_kg"].get<double>() / (m * m) * 100.0) / 100.0;
    }
    // Under 731 days the weight-for-length chart applies, from then on weight-for-height (WHO).
    p["wfl_chart"] = age_days < 731 ? "weight_for_length" : "weight_for_height";
    points.push_back(p);
  }
  json out = GrowthReference(child.sex);
  out["person_id"] = child.id;
  out["birth_date"] = child.date;
  out["points"] = std::move(points);
  return out;
}

json GrowthReference(const std::string& sex_name) {
  const int sex = sex_name == "male" ? 1 : sex_name == "female" ? 2 : 0;
  json charts = json::array();
  for (const Chart& c : kCharts) {
    json curve = json::array();
    for (const auto& pt : growth::who_curve(c.indicator, sex, c.step)) {
      json row = json::array();
      row.push_back(pt.x);
      for (double y : pt.y) row.push_back(std::round(y * 1000.0) / 1000.0);
      curve.push_back(row);
    }
    charts.push_back({{"id", c.id}, {"x_unit", c.x_unit}, {"y_field", c.y_field}, {"z_field", c.z_field},
                      {"sd_lines", {-3, -2, -1, 0, 1, 2, 3}}, {"curve", curve}});
  }
  return {{"sex", sex_name}, {"charts", charts}, {"source", "WHO Child Growth Standards 2006 (LMS tables of WHO anthro)"}};
}

}  // namespace u5::http
