#include "indicator/json_out.h"

#include <cmath>
#include <sstream>

namespace u5::indicator {
namespace {

using nlohmann::json;

json Opt(const std::optional<double>& v) {
  if (!v) return nullptr;
  return std::round(*v * 1e4) / 1e4;
}

std::string Num(const std::optional<double>& v) {
  if (!v) return "";
  std::ostringstream o;
  o.precision(10);
  o << std::round(*v * 1e4) / 1e4;
  return o.str();
}

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

}  // namespace

void AddPrecision(json& j, const Precision& p) {
  j["ci_low"] = Opt(p.low);
  j["ci_high"] = Opt(p.high);
  j["ci_method"] = p.method.empty() ? json(nullptr) : json(p.method);
  j["small"] = p.small;
}

json CellJson(const Catalogue& cat, const Indicator& ind, int64_t num, int64_t den) {
  json g = {{"numerator", num}, {"denominator", den}};
  // An entered denominator (population) is not in a breakdown cell: no value.
  if (ind.den_aggregate || den <= 0) return g;
  g["value"] = Opt(static_cast<double>(num) / static_cast<double>(den) * ind.multiplier);
  AddPrecision(g, PrecisionOf(cat, ind, num, den));
  return g;
}

json ToJson(const IndicatorValue& v) {
  const Indicator& ind = *v.indicator;
  json j = {{"indicator", ind.id},         {"name_vi", ind.name_vi},     {"name_en", ind.name_en},
            {"orgunit", v.orgunit},        {"period", v.period.text},    {"unit", ind.unit},
            {"multiplier", ind.multiplier}, {"direction", ind.direction}, {"value", Opt(v.value)},
            {"provenance", v.provenance.empty() ? json(nullptr) : json(v.provenance)}};
  if (v.from_records || v.den > 0) {
    j["numerator"] = v.num;
    j["denominator"] = v.den;
  }
  if (!v.value) j["reason"] = v.reason;
  AddPrecision(j, v.precision);
  json entered = json::array();
  for (const auto& e : v.entered)
    entered.push_back({{"source", e.source}, {"value", Opt(e.value)}, {"numerator", Opt(e.numerator)},
                       {"denominator", Opt(e.denominator)}, {"note", e.note}, {"entered_at", e.entered_at}});
  j["entered"] = entered;
  return j;
}

json CatalogueJson(const Catalogue& cat) {
  json items = json::array();
  for (const auto& i : cat.indicators())
    items.push_back({{"id", i.id}, {"name_vi", i.name_vi}, {"name_en", i.name_en}, {"kind", i.kind}, {"unit", i.unit},
                     {"multiplier", i.multiplier}, {"direction", i.direction}, {"source", i.source},
                     {"numerator", i.numerator_text}, {"denominator", i.denominator_text},
                     {"computed_from_records", i.computable}, {"disaggregations", i.disaggregations},
                     {"not_computable", i.computable ? json(nullptr) : json(i.not_computable)},
                     {"interval", IntervalMethod(cat, i)}});
  const SmallNumbers& sn = cat.small_numbers();
  json interval_by_kind = sn.method_by_kind;
  return {{"origin", cat.origin()}, {"indicators", items}, {"data_elements", cat.data_elements()},
          {"small_numbers", {{"confidence", sn.confidence}, {"min_events", sn.min_events},
                             {"min_denominator", sn.min_denominator}, {"interval_by_kind", interval_by_kind},
                             {"source", sn.source}}}};
}

json ToJson(const TargetEval& e) {
  const Target& t = e.target;
  json j = {{"plan", t.plan},         {"indicator", t.indicator}, {"year", t.year},          {"operator", t.op},
            {"target", t.value},      {"printed", t.printed},     {"printed_vi", t.printed_vi},
            {"printed_en", t.printed_en}, {"orgunit", e.orgunit},    {"threshold", Opt(e.threshold)},
            {"value", Opt(e.value)},  {"value_year", e.value_year ? json(e.value_year) : json(nullptr)},
            {"partial_year", e.partial_year}, {"numerator", e.num}, {"denominator", e.den},
            {"provenance", e.provenance}, {"gap", Opt(e.gap)},    {"projected", Opt(e.projected)},
            {"trend_per_year", Opt(e.slope)}, {"required_change_per_year", Opt(e.required_per_year)},
            {"status", e.status},     {"reason", e.reason}};
  AddPrecision(j, e.precision);
  j["uncertain"] = e.uncertain;
  if (!t.note.empty()) j["note"] = t.note;
  if (t.maintain) j["maintain"] = true;
  return j;
}

std::string ValuesCsv(const std::vector<IndicatorValue>& vs) {
  // Interval columns last, so readers of the older columns keep their places.
  std::string out = "indicator,orgunit,period,numerator,denominator,value,unit,provenance,reason,ci_low,ci_high,ci_method,small\n";
  for (const auto& v : vs) {
    out += Csv(v.indicator->id) + "," + Csv(v.orgunit) + "," + Csv(v.period.text) + ",";
    out += (v.from_records || v.den > 0 ? std::to_string(v.num) + "," + std::to_string(v.den) : std::string(",")) + ",";
    out += Num(v.value) + "," + Csv(v.indicator->unit) + "," + Csv(v.provenance) + "," + Csv(v.value ? "" : v.reason) + "," +
           Num(v.precision.low) + "," + Num(v.precision.high) + "," + v.precision.method + "," +
           (v.precision.small ? "true" : "false") + "\n";
  }
  return out;
}

std::string EvaluationCsv(const std::vector<TargetEval>& es) {
  std::string out =
      "plan,indicator,year,operator,target,value,status,reason,value_year,numerator,denominator,provenance,projected,"
      "required_change_per_year,ci_low,ci_high,small,uncertain\n";
  for (const auto& e : es) {
    const Target& t = e.target;
    out += Csv(t.plan) + "," + Csv(t.indicator) + "," + std::to_string(t.year) + "," + Csv(t.op) + "," +
           Num(t.value) + "," + Num(e.value) + "," + e.status + "," + Csv(e.reason) + "," +
           (e.value_year ? std::to_string(e.value_year) : "") + "," + std::to_string(e.num) + "," +
           std::to_string(e.den) + "," + Csv(e.provenance) + "," + Num(e.projected) + "," +
           Num(e.required_per_year) + "," + Num(e.precision.low) + "," + Num(e.precision.high) + "," +
           (e.precision.small ? "true" : "false") + "," + (e.uncertain ? "true" : "false") + "\n";
  }
  return out;
}

}  // namespace u5::indicator
