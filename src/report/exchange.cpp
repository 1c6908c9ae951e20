// Machine exports: ADX (IHE QRPH ADX, ISO 9785 draft; urn:ihe:qrph:adx:2015)
// and DHIS2 dataValueSets JSON. Codes follow docs/reports.md: org units by
// their under5 id, data elements U5_<INDICATOR>_NUM / _DEN / _VAL.
#include <cstdio>
#include <map>
#include <vector>
#include <nlohmann/json.hpp>

#include "report/render.h"

namespace u5::report {
namespace {

std::string XmlEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

// ADX periods are ISO 8601 intervals: a start date and a duration.
std::string AdxPeriod(const indicator::Period& p) {
  const std::string from = FormatDate(p.from);
  switch (p.kind) {
    case indicator::PeriodKind::month: return from + "/P1M";
    case indicator::PeriodKind::quarter: return from + "/P3M";
    case indicator::PeriodKind::half: return from + "/P6M";
    case indicator::PeriodKind::year: return from + "/P1Y";
    default: return from + "/P" + std::to_string(p.to.days - p.from.days + 1) + "D";
  }
}

std::string Number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string ToAdx(const Report& r, const std::string& exported_at) {
  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<adx xmlns=\"urn:ihe:qrph:adx:2015\" exported=\"" + XmlEscape(exported_at) + "\">\n";
  const std::string period = AdxPeriod(r.period);
  // Values come section by section; ADX wants one group per org unit.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const DataValue*>> by_unit;
  for (const auto& v : r.values) {
    auto& list = by_unit[v.orgunit];
    if (list.empty()) order.push_back(v.orgunit);
    list.push_back(&v);
  }
  for (const auto& ou : order) {
    o += "  <group orgUnit=\"" + XmlEscape(ou) + "\" period=\"" + period + "\" dataSet=\"" + XmlEscape(r.tmpl->dataset_code) + "\">\n";
    for (const DataValue* v : by_unit[ou]) {
      o += "    <dataValue dataElement=\"" + DataElementCode(v->indicator, "NUM") + "\" value=\"" + std::to_string(v->num) + "\"/>\n";
      o += "    <dataValue dataElement=\"" + DataElementCode(v->indicator, "DEN") + "\" value=\"" + std::to_string(v->den) + "\"/>\n";
      if (v->value)
        o += "    <dataValue dataElement=\"" + DataElementCode(v->indicator, "VAL") + "\" value=\"" + Number(*v->value, 4) + "\"/>\n";
    }
    o += "  </group>\n";
  }
  o += "</adx>\n";
  return o;
}

Status ToDataValueSets(const Report& r, std::string* out) {
  if (r.period.kind == indicator::PeriodKind::range)
    return Status::Invalid("period", "dataValueSets needs a calendar period (DHIS2 has no code for a custom range)");
  // DHIS2 period codes: 2026, 2026S1, 2026Q3, 202606.
  std::string pe = r.period.text;
  if (r.period.kind == indicator::PeriodKind::month) pe.erase(4, 1);
  nlohmann::json values = nlohmann::json::array();
  for (const auto& v : r.values) {
    // DHIS2 carries every value as a string.
    values.push_back({{"dataElement", DataElementCode(v.indicator, "NUM")}, {"period", pe}, {"orgUnit", v.orgunit},
                      {"value", std::to_string(v.num)}});
    values.push_back({{"dataElement", DataElementCode(v.indicator, "DEN")}, {"period", pe}, {"orgUnit", v.orgunit},
                      {"value", std::to_string(v.den)}});
    if (v.value)
      values.push_back({{"dataElement", DataElementCode(v.indicator, "VAL")}, {"period", pe}, {"orgUnit", v.orgunit},
                        {"value", Number(*v.value, 4)}});
  }
  nlohmann::json j = {{"dataSet", r.tmpl->dataset_code}, {"period", pe}, {"orgUnit", r.orgunit},
                      {"completeDate", FormatDate(r.as_of)}, {"dataValues", values}};
  *out = j.dump(1);
  return Status::Ok();
}

}  // namespace u5::report
