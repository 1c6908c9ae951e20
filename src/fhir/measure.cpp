#include "fhir/measure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "auth/roles.h"
#include "auth/scope.h"
#include "auth/small_cells.h"
#include "fhir/elements.h"
#include "fhir/server_util.h"
#include "indicator/json_out.h"
#include "indicator/period.h"

namespace u5::fhir {

// data/fhir/measure.json, compiled in (src/fhir/CMakeLists.txt).
extern const char* const kBuiltinMeasure;

namespace {

using indicator::Catalogue;
using indicator::Indicator;

const json& Table() {
  static const json t = json::parse(kBuiltinMeasure);
  return t;
}

// The code a table of measure.json gives `key`; the table lists every value
// the catalogue loader accepts, so a miss is a catalogue the table was not updated for.
std::string Lookup(const char* table, const char* map, const std::string& key) {
  const json& m = Table()[table][map];
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->get<std::string>();
}

std::string Scoring(const Indicator& ind) { return Lookup("scoring", "by_kind", ind.kind); }

json ImprovementNotation(const Indicator& ind) {
  const std::string code = Lookup("improvement_notation", "by_direction", ind.direction);
  if (code.empty()) return nullptr;
  return Concept(Table()["improvement_notation"]["system"].get<std::string>(), code).ToJson();
}

// The Vietnamese text with its English translation (the core extension
// http://hl7.org/fhir/StructureDefinition/translation on the primitive).
json Translation(const std::string& en) {
  return {{"extension",
           {{{"url", "http://hl7.org/fhir/StructureDefinition/translation"},
             {"extension", {{{"url", "lang"}, {"valueCode", "en"}}, {{"url", "content"}, {"valueString", en}}}}}}}};
}

// "neonatal_mortality_rate" -> "NeonatalMortalityRate": Measure.name is a
// machine-processable name (invariant mea-0, [A-Z][A-Za-z0-9_]*).
std::string PascalName(const std::string& id) {
  std::string out;
  bool up = true;
  for (char c : id) {
    if (c == '_' || c == '-') {
      up = true;
      continue;
    }
    if (out.empty() && c >= '0' && c <= '9') out += "M";
    out += up && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    up = false;
  }
  return out;
}

// What a population of the measure counts: the catalogue's numerator or
// denominator text.
std::string PopulationText(const Indicator& ind, const std::string& code) {
  return code == "denominator" ? ind.denominator_text : ind.numerator_text;
}

json PopulationCode(const std::string& code) {
  return Concept(Table()["populations"]["system"].get<std::string>(), code).ToJson();
}

const json& PopulationCodes(const std::string& scoring) {
  const json& by = Table()["populations"]["by_scoring"];
  auto it = by.find(scoring);
  // A kind the table does not know (a province's catalogue is read at run
  // time and may add one) has no scoring, but its value is still numerator / denominator.
  return it != by.end() ? *it : by["ratio"];
}

// A number as the indicator API rounds it (json_out.cpp: 4 decimals).
json Rounded(double v) { return std::round(v * 1e4) / 1e4; }

json MeasureScore(const Indicator& ind, double value) {
  json q = {{"value", Rounded(value)}, {"unit", ind.unit}};
  if (std::string code = Lookup("units", "by_unit", ind.unit); !code.empty()) {
    q["system"] = Table()["units"]["system"];
    q["code"] = code;
  }
  return q;
}

void AddSub(json& ext, const char* url, const char* kind, json value) {
  ext["extension"].push_back({{"url", url}, {std::string("value") + kind, std::move(value)}});
}

// One plan target with its verdict: extension `target` (docs/fhir.md).
json TargetExtension(const indicator::TargetEval& e, Date as_of, bool suppressed) {
  const indicator::Target& t = e.target;
  json x = {{"url", ExtensionUrl("target")}, {"extension", json::array()}};
  AddSub(x, "plan", "String", t.plan);
  AddSub(x, "year", "Integer", t.year);
  AddSub(x, "operator", "Code", t.op);
  AddSub(x, "value", "Decimal", t.value);
  if (t.baseline_year) AddSub(x, "baseline-year", "Integer", *t.baseline_year);
  if (e.threshold) AddSub(x, "threshold", "Decimal", Rounded(*e.threshold));
  if (!t.printed_vi.empty()) AddSub(x, "printed", "String", t.printed_vi);
  if (!t.printed_en.empty()) AddSub(x, "printed-en", "String", t.printed_en);
  // Hidden with the value it judges: a verdict on a small count would give it back.
  AddSub(x, "target-status", "Code", suppressed ? "suppressed" : e.status);
  if (!suppressed) {
    AddSub(x, "uncertain", "Boolean", e.uncertain);
    if (!e.reason.empty()) AddSub(x, "reason", "String", e.reason);
    if (e.value_year) AddSub(x, "value-year", "Integer", e.value_year);
  }
  AddSub(x, "as-of", "Date", FormatDate(as_of));
  return x;
}

json EnteredExtension(const indicator::EnteredValue& v) {
  json x = {{"url", ExtensionUrl("entered-value")}, {"extension", json::array()}};
  AddSub(x, "source", "Code", v.source);
  if (v.value) AddSub(x, "value", "Decimal", Rounded(*v.value));
  if (v.numerator) AddSub(x, "numerator", "Decimal", Rounded(*v.numerator));
  if (v.denominator) AddSub(x, "denominator", "Decimal", Rounded(*v.denominator));
  if (!v.document.empty()) AddSub(x, "document", "String", v.document);
  if (!v.note.empty()) AddSub(x, "note", "String", v.note);
  if (!v.entered_at.empty()) AddSub(x, "entered-at", "DateTime", v.entered_at);
  return x;
}

}  // namespace

std::string MeasureId(std::string_view indicator_id) {
  std::string id(indicator_id);
  std::replace(id.begin(), id.end(), '_', '-');
  return id;
}

std::string MeasureUrl(std::string_view indicator_id) { return std::string(kBase) + "/Measure/" + MeasureId(indicator_id); }

const Indicator* FindMeasure(const Catalogue& cat, std::string_view ref) {
  std::string id(ref);
  for (const std::string prefix : {std::string(kBase) + "/Measure/", std::string("Measure/")})
    if (id.rfind(prefix, 0) == 0) id.erase(0, prefix.size());
  std::replace(id.begin(), id.end(), '-', '_');
  return id.empty() ? nullptr : cat.Find(id);
}

json MeasureOf(const Indicator& ind) {
  const std::string scoring = Scoring(ind);
  json m = {{"resourceType", "Measure"},
            {"id", MeasureId(ind.id)},
            {"url", MeasureUrl(ind.id)},
            {"identifier", {{{"system", std::string(kBase) + "/sid/indicator"}, {"value", ind.id}}}},
            {"language", "vi"},
            {"name", PascalName(ind.id)},
            {"title", ind.name_vi},
            {"_title", Translation(ind.name_en)},
            {"status", "active"}};
  AddExtension(m, "indicator-source", "Code", ind.source);
  AddExtension(m, "unit", "String", ind.unit);
  AddExtension(m, "multiplier", "Decimal", ind.multiplier);
  if (!ind.computable && !ind.not_computable.empty()) AddExtension(m, "not-computable", "String", ind.not_computable);
  char multiplier[32];
  std::snprintf(multiplier, sizeof multiplier, "%g", ind.multiplier);
  m["description"] = ind.name_en + (scoring == "cohort" ? ". A count" : ". Numerator / denominator x " + std::string(multiplier)) +
                     " (" + ind.unit + "), " + (ind.computable ? "computed from registry records" : "entered (" + ind.source + ")") + ".";
  if (!scoring.empty()) m["scoring"] = Concept(Table()["scoring"]["system"].get<std::string>(), scoring).ToJson();
  if (json n = ImprovementNotation(ind); !n.is_null()) m["improvementNotation"] = n;
  json pops = json::array();
  for (const auto& code : PopulationCodes(scoring)) {
    const std::string text = PopulationText(ind, code.get<std::string>());
    json p = {{"code", PopulationCode(code)}};
    if (!text.empty()) p["description"] = text;
    // criteria is required (1..1); the rule itself is catalogue data in under5's
    // own format, so the population's text stands as a plain-text expression.
    p["criteria"] = {{"language", "text/plain"}, {"expression", text.empty() ? ind.id : text}};
    pops.push_back(std::move(p));
  }
  m["group"] = {{{"population", pops}}};
  return m;
}

json MeasureReportOf(const Catalogue& cat, const ReportInput& in) {
  const indicator::IndicatorValue& v = in.value;
  const Indicator& ind = *v.indicator;
  // The indicator API's own answer, hidden as it hides small cells, so both say the same.
  json item = indicator::ToJson(v);
  if (in.suppress_small_cells) auth::SuppressSmallCells(item, in.small_cell_threshold);
  const bool suppressed = item.value("suppressed", false);
  const std::string scoring = Scoring(ind);
  json r = {{"resourceType", "MeasureReport"},
            {"status", "complete"},
            {"type", "summary"},
            {"measure", MeasureUrl(ind.id)},
            {"subject", OrgUnitRef(v.orgunit, in.orgunit_name).ToJson()},
            {"date", NowIso()},
            {"reporter", OrgUnitRef(v.orgunit, in.orgunit_name).ToJson()},
            {"period", {{"start", FormatDate(v.period.from)}, {"end", FormatDate(v.period.to)}}}};
  if (json n = ImprovementNotation(ind); !n.is_null()) r["improvementNotation"] = n;
  if (!v.provenance.empty()) AddExtension(r, "provenance", "Code", v.provenance);
  // A count from records is its numerator, zero included (the API's value,
  // num/den with num = den, is 1, or none for zero); an entered count is the
  // entered value.
  const bool record_count = scoring == "cohort" && v.from_records;
  const std::optional<double> score = record_count ? std::optional<double>(static_cast<double>(v.num)) : v.value;
  if (!score && !v.reason.empty()) AddExtension(r, "no-value-reason", "String", v.reason);
  if (suppressed) AddExtension(r, "suppressed", "Boolean", true);
  for (const auto& e : v.entered) r["extension"].push_back(EnteredExtension(e));
  for (const auto& e : in.targets) {
    bool hide = false;
    if (in.suppress_small_cells) {
      json ej = indicator::ToJson(e);
      auth::SuppressSmallCells(ej, in.small_cell_threshold);
      hide = ej.value("suppressed", false);
    }
    r["extension"].push_back(TargetExtension(e, in.as_of, hide));
  }
  json group = json::object();
  if (!suppressed && item.contains("numerator")) {
    json pops = json::array();
    for (const auto& code : PopulationCodes(scoring)) {
      const bool den = code == "denominator";
      pops.push_back({{"code", PopulationCode(code)}, {"count", den ? v.den : v.num}});
    }
    group["population"] = pops;
  }
  if (!suppressed && score) {
    group["measureScore"] = MeasureScore(ind, *score);
    if (v.precision.low && v.precision.high) {
      json ci = {{"url", ExtensionUrl("interval")}, {"extension", json::array()}};
      AddSub(ci, "low", "Decimal", Rounded(*v.precision.low));
      AddSub(ci, "high", "Decimal", Rounded(*v.precision.high));
      AddSub(ci, "method", "Code", v.precision.method);
      AddSub(ci, "confidence", "Decimal", cat.small_numbers().confidence);
      group["extension"].push_back(std::move(ci));
    }
    if (v.from_records) AddExtension(group, "small-numbers", "Boolean", v.precision.small);
  }
  if (!group.empty()) r["group"] = json::array({group});
  return r;
}

namespace {

constexpr const char* kFhirJson = "application/fhir+json";

http::Response Fhir(int status, const json& j) {
  http::Response r = http::JsonReply(status, j);
  r.content_type = kFhirJson;
  return r;
}

// An OperationOutcome naming the search parameter (or element) at fault.
http::Response Outcome(const Status& st) { return Fhir(st.http_status(), http::FhirOutcome(st)); }

// The same failure, naming `param` instead of the field the shared helper named.
Status Rename(const Status& st, const std::string& param) {
  switch (st.code()) {
    case Code::invalid: return Status::Invalid(param, st.message());
    case Code::forbidden: return Status::Forbidden(st.message(), param);
    case Code::not_found: return Status::NotFound(st.message(), param);
    default: return st;
  }
}

json Searchset(const http::Call& c, const std::string& self, json entries) {
  const size_t n = entries.size();
  return {{"resourceType", "Bundle"}, {"type", "searchset"}, {"total", n},
          {"link", {{{"relation", "self"}, {"url", BaseUrl(c) + "/" + self}}}}, {"entry", std::move(entries)}};
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = std::min(s.find(',', i), s.size());
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// An org unit search value: the code, or the identifier token "<system>|<code>".
Status OrgUnitParam(const std::string& v, const std::string& param, std::string* out) {
  const size_t bar = v.find('|');
  if (bar == std::string::npos) {
    *out = v;
    return Status::Ok();
  }
  if (v.substr(0, bar) != kOrgUnitSystem)
    return Status::Invalid(param, param + " must be an org unit code or " + std::string(kOrgUnitSystem) + "|<code>");
  *out = v.substr(bar + 1);
  return Status::Ok();
}

http::Response MeasureList(indicator::Service& svc, http::Call& c) {
  const Catalogue& cat = svc.catalogue();
  const std::string url = c.query("url");
  json entries = json::array();
  for (const Indicator& ind : cat.indicators()) {
    if (!url.empty() && MeasureUrl(ind.id) != url) continue;
    entries.push_back({{"fullUrl", BaseUrl(c) + "/Measure/" + MeasureId(ind.id)}, {"resource", MeasureOf(ind)},
                       {"search", {{"mode", "match"}}}});
  }
  return Fhir(200, Searchset(c, url.empty() ? "Measure" : "Measure?url=" + url, std::move(entries)));
}

http::Response MeasureRead(indicator::Service& svc, http::Call& c) {
  const Indicator* ind = FindMeasure(svc.catalogue(), c.param(0));
  if (!ind || MeasureId(ind->id) != c.param(0)) return Outcome(Status::NotFound("no Measure '" + c.param(0) + "'", "Measure.id"));
  return Fhir(200, MeasureOf(*ind));
}

// Whether plan `p` sets targets for org unit `ou`: the national plan
// everywhere, a province's plan in its territory (and a former province's in
// the province that took it over).
bool PlanApplies(store::Store& store, const indicator::Plan& p, const std::string& ou) {
  return p.national() || store.InSubtree(p.orgunit, ou) || (!p.successor_orgunit.empty() && store.InSubtree(p.successor_orgunit, ou));
}

http::Response MeasureReports(indicator::Service& svc, http::Call& c) {
  const Catalogue& cat = svc.catalogue();
  const std::string ptext = c.query("period");
  if (ptext.empty()) return Outcome(Status::Invalid("period", "period is required (2025, 2025S1, 2025Q3, 2025-06, or a range)"));
  indicator::Period period;
  if (Status st = indicator::ParsePeriod(ptext, &period); !st.ok()) return Outcome(Rename(st, "period"));
  // subject and reporter both name the org unit the report is for.
  std::string asked;
  for (const char* param : {"subject", "reporter"}) {
    const std::string v = c.query(param);
    if (v.empty()) continue;
    std::string ou;
    if (Status st = OrgUnitParam(v, param, &ou); !st.ok()) return Outcome(st);
    if (!asked.empty() && ou != asked) return Outcome(Status::Invalid(param, "subject and reporter name different org units"));
    asked = ou;
  }
  std::string ou;
  if (Status st = auth::ResolveOrgUnit(c.store, c.who, asked, &ou); !st.ok())
    return Outcome(Rename(st, c.query("subject").empty() && !c.query("reporter").empty() ? "reporter" : "subject"));
  std::vector<const Indicator*> measures;
  if (const std::string m = c.query("measure"); !m.empty()) {
    for (const std::string& ref : SplitComma(m)) {
      const Indicator* ind = FindMeasure(cat, ref);
      if (!ind) return Outcome(Status::NotFound("no Measure '" + ref + "'", "measure"));
      measures.push_back(ind);
    }
  } else {
    for (const Indicator& ind : cat.indicators()) measures.push_back(&ind);
  }
  // Verdicts as of the period's end (today while it runs): the plan
  // evaluation of GET /api/v1/plans/{id}/evaluation?orgunit=&as_of=.
  const Date as_of = std::min(period.to, Today());
  std::multimap<std::string, indicator::TargetEval> evals;
  for (const indicator::Plan& p : cat.plans()) {
    if (!PlanApplies(c.store, p, ou)) continue;
    std::vector<indicator::TargetEval> es;
    if (Status st = svc.Evaluate(p.id, ou, std::nullopt, as_of, &es); !st.ok()) return Outcome(st);
    for (auto& e : es) evals.emplace(e.target.indicator, std::move(e));
  }
  store::OrgUnit unit;
  std::string name = ou;
  if (c.store.orgunits().Get(ou, &unit).ok()) name = unit.name;
  const auth::Role* role = auth::Roles::Current().Find(c.who.role);
  json entries = json::array();
  for (const Indicator* ind : measures) {
    ReportInput in;
    if (Status st = svc.Value(ind->id, ou, period, &in.value); !st.ok()) return Outcome(st);
    auto [from, to] = evals.equal_range(ind->id);
    for (auto it = from; it != to; ++it) in.targets.push_back(it->second);
    in.as_of = as_of;
    in.orgunit_name = name;
    in.suppress_small_cells = role && role->suppress_small_cells;
    in.small_cell_threshold = auth::Roles::Current().small_cell_threshold();
    entries.push_back({{"resource", MeasureReportOf(cat, in)}, {"search", {{"mode", "match"}}}});
  }
  std::string self = "MeasureReport?period=" + period.text + "&subject=" + ou;
  if (!c.query("measure").empty()) self += "&measure=" + c.query("measure");
  return Fhir(200, Searchset(c, self, std::move(entries)));
}

}  // namespace

http::Routes MeasureRoutes() {
  // The handlers need the indicator engine attached to the store (indicator::Service::Attach).
  auto engine = [](auto fn) {
    return [fn](http::Call& c) {
      indicator::Service* svc = c.service<indicator::Service>();
      if (!svc) return Outcome(Status::Internal("the indicator engine is not running in this process"));
      return fn(*svc, c);
    };
  };
  using http::Audit;
  return {
      {"GET", "/fhir/Measure", auth::kAggregateRead, Audit::none, engine(MeasureList)},
      {"GET", "/fhir/Measure/{id}", auth::kAggregateRead, Audit::none, engine(MeasureRead)},
      {"GET", "/fhir/MeasureReport", auth::kAggregateRead, Audit::none, engine(MeasureReports)},
  };
}

}  // namespace u5::fhir
