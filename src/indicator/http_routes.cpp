#include "indicator/http_routes.h"

#include <nlohmann/json.hpp>

#include "auth/scope.h"
#include "auth/roles.h"
#include "auth/small_cells.h"
#include "core/date.h"
#include "core/log.h"
#include "indicator/json_out.h"
#include "indicator/lifetable.h"
#include "indicator/service.h"

namespace u5::indicator {
namespace {

using nlohmann::json;

constexpr auto& Json = http::JsonReply;
constexpr auto& Err = http::ErrorReply;
constexpr auto& Q = http::QueryParam;

using auth::CanSee;

bool CanSeePlan(store::Store& store, const auth::Principal& who, const Plan& p, const std::string& ou) {
  if (CanSee(store, who, ou)) return true;
  // A former province's plan (A27) is visible to the scope of the province that took it over.
  return ou == p.orgunit && !p.successor_orgunit.empty() && CanSee(store, who, p.successor_orgunit);
}

// Who may change a plan's targets (the route already asked for plan.manage): a
// national plan's (applies_to every_province) only a country-wide role, the
// ministry; a province's only its own officers, never a country-wide role.
Status CheckTargetEditor(store::Store& store, const auth::Principal& who, const Plan& p) {
  if (p.national())
    return auth::CountryWide(who) ? Status::Ok()
                                  : Status::Forbidden("the targets of the national plan " + p.id + " are edited by a country-wide role (ministry)");
  if (auth::CountryWide(who))
    return Status::Forbidden("the targets of " + p.id + " are edited by the province's own officers");
  if (!CanSeePlan(store, who, p, p.orgunit)) return Status::Forbidden("plan " + p.id + " is outside your org units");
  return Status::Ok();
}

// Who may read a plan's targets and their versions (the plan document's words,
// no person in them): anyone whose unit lies in the plan's territory, so a
// commune worker sees the province's targets; the national plan, every reader.
bool CanReadPlanTargets(store::Store& store, const auth::Principal& who, const Plan& p) {
  if (p.national() || CanSeePlan(store, who, p, p.orgunit)) return true;
  for (const auto& u : who.orgunits)
    if (store.InSubtree(p.orgunit, u) || (!p.successor_orgunit.empty() && store.InSubtree(p.successor_orgunit, u))) return true;
  return false;
}

std::vector<std::string> SplitIds(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

Status ParseBody(const http::Request& req, json* out) { return http::ParseJsonObject(req.body, out); }

// The audit entry of a change of an aggregate value or a target: the store
// appends it in the change's own transaction.
audit::Entry ChangeEntry(http::Call& c, const char* action, const char* type, const std::string& id, const std::string& orgunit,
                         const json& detail) {
  audit::Entry e = c.Stamp(action);
  e.record_type = type;
  e.record_id = id;
  e.orgunit_id = orgunit;
  e.detail = detail.dump(-1, ' ', false, json::error_handler_t::replace);
  return e;
}

json VersionJson(const store::TargetVersion& v) {
  return {{"version", v.version}, {"indicator", v.indicator}, {"year", v.year}, {"op", v.op}, {"value", v.value},
          {"baseline_year", v.baseline_year ? json(*v.baseline_year) : json(nullptr)}, {"note", v.note},
          {"origin", v.origin}, {"by", v.by}, {"at", v.at}, {"reason", v.reason}};
}


http::Response Indicators(Service& svc, http::Call& c) {
  store::Store& store = c.store;
  const http::Request& req = c.req;
  const auth::Principal& who = c.who;
  std::string ou;
  if (Status st = auth::ResolveOrgUnit(store, who, Q(req, "orgunit"), &ou); !st.ok()) return Err(st);
  const std::string ptext = Q(req, "period");
  if (ptext.empty()) return Err(Status::Invalid("period", "period is required (2025, 2025S1, 2025Q3, 2025-06, or a range)"));
  Period p;
  if (Status st = ParsePeriod(ptext, &p); !st.ok()) return Err(st);
  std::vector<std::string> ids = SplitIds(Q(req, "ids"));
  if (ids.empty())
    for (const auto& i : svc.catalogue().indicators()) ids.push_back(i.id);
  const std::string by = Q(req, "by");
  json items = json::array();
  for (const auto& id : ids) {
    IndicatorValue v;
    if (Status st = svc.Value(id, ou, p, &v); !st.ok()) return Err(st);
    json j = ToJson(v);
    if (!by.empty() && v.from_records) {
      std::map<std::string, Cell> parts;
      if (Status st = svc.Breakdown(id, ou, p, by, &parts); !st.ok()) return Err(st);
      json b = json::object();
      for (const auto& [k, c] : parts) {
        // Org-unit breakdowns stay within the caller's scope.
        if (by == "orgunit" && !CanSee(store, who, k)) continue;
        b[k] = CellJson(svc.catalogue(), *v.indicator, c.num, c.den);
      }
      j["breakdown"] = {{"by", by}, {"groups", b}};
    }
    // Roles that must never see one person (ministry) get small cells hidden (docs/security.md).
    if (const auth::Role* role = auth::Roles::Current().Find(who.role); role && role->suppress_small_cells)
      auth::SuppressSmallCells(j, auth::Roles::Current().small_cell_threshold());
    items.push_back(j);
  }
  return Json(200, {{"orgunit", ou}, {"period", p.text}, {"from", FormatDate(p.from)}, {"to", FormatDate(p.to)}, {"items", items}});
}

json Opt(const std::optional<double>& d) { return d ? json(*d) : json(nullptr); }

json ValueJson(const EnteredValue& v) {
  return {{"element", v.element}, {"orgunit", v.orgunit}, {"period", v.period}, {"source", v.source},
          {"value", Opt(v.value)}, {"numerator", Opt(v.numerator)}, {"denominator", Opt(v.denominator)},
          {"document", v.document}, {"note", v.note}, {"entered_by", v.entered_by}, {"entered_at", v.entered_at}};
}

// Who may enter or delete a value of `orgunit`: the user's subtree, never a country-wide role.
Status CheckEnterer(store::Store& store, const auth::Principal& who, const std::string& orgunit) {
  if (orgunit.empty() || !store.OrgUnitExists(orgunit)) return Status::Invalid("orgunit", "orgunit must be a known org unit");
  if (auth::CountryWide(who)) return Status::Forbidden("aggregate values are entered by the province's own officers");
  if (!CanSee(store, who, orgunit)) return Status::Forbidden("orgunit " + orgunit + " is outside your org units");
  return Status::Ok();
}

// DELETE indicator-values {"element","orgunit","period","source","reason"}:
// a value entered by mistake (wrong unit or period) leaves the indicators; its
// history keeps it and a deleted version with the reason.
http::Response DeleteValue(Service& svc, http::Call& c) {
  json b;
  if (Status st = ParseBody(c.req, &b); !st.ok()) return Err(st);
  EnteredValue k;
  std::string reason;
  for (auto [key, out] : {std::pair<const char*, std::string*>{"element", &k.element}, {"orgunit", &k.orgunit},
                          {"period", &k.period}, {"source", &k.source}, {"reason", &reason}})
    if (Status st = http::OptionalText(b, key, out); !st.ok()) return Err(st);
  k.entered_by = c.who.username;
  if (Status st = CheckEnterer(c.store, c.who, k.orgunit); !st.ok()) return Err(st);
  const audit::Entry entry = ChangeEntry(c, "aggregate_value_delete", "indicator_value", k.element, k.orgunit,
      {{"element", k.element}, {"orgunit", k.orgunit}, {"period", k.period}, {"source", k.source}, {"reason", reason}});
  if (Status st = svc.DeleteValue(k, reason, entry); !st.ok()) return Err(st);
  log::Info("indicator_value_deleted", {{"element", k.element}, {"orgunit", k.orgunit}, {"period", k.period}, {"user", c.who.username}});
  return Json(200, {{"status", "deleted"}, {"element", k.element}, {"orgunit", k.orgunit}, {"period", k.period}, {"source", k.source}});
}

// GET indicator-values/history: every version of one value, newest first,
// each with the value it replaced (of the same source) as "old".
http::Response ValueHistory(Service& svc, http::Call& c) {
  const std::string element = Q(c.req, "element");
  if (element.empty()) return Err(Status::Invalid("element", "element is required"));
  std::string ou;
  if (Status st = auth::ResolveOrgUnit(c.store, c.who, Q(c.req, "orgunit"), &ou); !st.ok()) return Err(st);
  Period p;
  if (Status st = ParsePeriod(Q(c.req, "period"), &p); !st.ok()) return Err(st);
  std::vector<EnteredValue> vs;
  if (Status st = svc.ValueHistory(element, ou, p.text, &vs); !st.ok()) return Err(st);
  json items = json::array();
  for (size_t i = 0; i < vs.size(); ++i) {
    json item = ValueJson(vs[i]);
    item["deleted"] = vs[i].deleted;
    item["old"] = nullptr;
    for (size_t k = i + 1; k < vs.size(); ++k)
      if (vs[k].source == vs[i].source) {
        if (!vs[k].deleted)
          item["old"] = {{"value", Opt(vs[k].value)}, {"numerator", Opt(vs[k].numerator)}, {"denominator", Opt(vs[k].denominator)},
                         {"document", vs[k].document}};
        break;
      }
    items.push_back(std::move(item));
  }
  return Json(200, {{"element", element}, {"orgunit", ou}, {"period", p.text}, {"items", items}});
}

// GET indicator-values/figures: the groups of entered figures with labels
// (a catalogue indicator's from the catalogue) and bounds, for the web page.
http::Response FiguresJson(Service& svc) {
  json groups = json::array();
  for (const FigureGroup& g : svc.figures().groups()) {
    json els = json::array();
    for (const FigureElement& e : g.elements) {
      std::string vi = e.label_vi, en = e.label_en;
      if (const Indicator* ind = svc.catalogue().Find(e.id); ind && vi.empty()) vi = ind->name_vi, en = ind->name_en;
      els.push_back({{"id", e.id}, {"label_vi", vi}, {"label_en", en}, {"unit", e.unit}, {"max", e.max}});
    }
    groups.push_back({{"id", g.id}, {"label_vi", g.label_vi}, {"label_en", g.label_en}, {"source", g.source},
                      {"level", g.level}, {"elements", els}});
  }
  return Json(200, {{"groups", groups}, {"facilities_rule", svc.figures().facilities_rule()}});
}

// GET indicator-values/staffing: facilities below an org unit with their
// entered doctors, the verdict of each applicable plan norm, and each norm's
// compliance (share of facilities with staffing entered that meet it).
http::Response StaffingJson(Service& svc, http::Call& c) {
  std::string ou;
  if (Status st = auth::ResolveOrgUnit(c.store, c.who, Q(c.req, "orgunit"), &ou); !st.ok()) return Err(st);
  Period p;
  if (Status st = ParsePeriod(Q(c.req, "period"), &p); !st.ok()) return Err(st);
  std::vector<FacilityStaff> fs;
  if (Status st = svc.FacilityStaffing(ou, p.text, &fs); !st.ok()) return Err(st);
  const Figures& fig = svc.figures();
  json facilities = json::array();
  std::map<const StaffingNorm*, std::vector<Staffing>> by_norm;
  for (const FacilityStaff& f : fs) {
    json verdicts = json::array();
    for (const Plan* plan : f.plans)
      for (const StaffingNorm& n : fig.norms())
        if (n.plan == plan->id) {
          NormVerdict v = fig.Judge(n, f.staffing);
          by_norm[&n].push_back(f.staffing);
          verdicts.push_back({{"plan", n.plan}, {"indicator", n.indicator}, {"total", v.total}, {"specialist", v.specialist},
                              {"meets", v.entered ? json(v.meets) : json(nullptr)}});
        }
    facilities.push_back({{"id", f.unit.id}, {"name", f.unit.name}, {"kind", f.unit.kind}, {"staffing", f.staffing},
                          {"verdicts", verdicts}});
  }
  json norms = json::array();
  for (const StaffingNorm& n : fig.norms()) {
    auto it = by_norm.find(&n);
    if (it == by_norm.end()) continue;
    NormCompliance cmp = fig.Compliance(n, it->second);
    norms.push_back({{"plan", n.plan}, {"indicator", n.indicator}, {"scope", n.scope}, {"printed", n.printed}, {"note", n.note},
                     {"min_total", n.min_total}, {"min_specialist", n.min_specialist}, {"facilities", cmp.facilities},
                     {"entered", cmp.entered}, {"meeting", cmp.meeting}, {"share", cmp.share ? json(*cmp.share) : json(nullptr)}});
  }
  return Json(200, {{"orgunit", ou}, {"period", p.text}, {"facilities", facilities}, {"norms", norms}});
}

http::Response Values(Service& svc, http::Call& c) {
  store::Store& store = c.store;
  const http::Request& req = c.req;
  const auth::Principal& who = c.who;
  if (req.method == "GET") {
    std::string ou;
    if (Status st = auth::ResolveOrgUnit(store, who, Q(req, "orgunit"), &ou); !st.ok()) return Err(st);
    Period p;
    if (Status st = ParsePeriod(Q(req, "period"), &p); !st.ok()) return Err(st);
    std::vector<EnteredValue> vs;
    if (Status st = svc.ListValues(ou, p.text, &vs); !st.ok()) return Err(st);
    json items = json::array();
    for (const auto& v : vs) items.push_back(ValueJson(v));
    return Json(200, {{"items", items}});
  }
  json b;
  if (Status st = ParseBody(req, &b); !st.ok()) return Err(st);
  EnteredValue v;
  for (auto [k, out] : {std::pair<const char*, std::string*>{"element", &v.element}, {"orgunit", &v.orgunit},
                        {"period", &v.period}, {"source", &v.source}, {"note", &v.note}, {"document", &v.document}})
    if (Status st = http::OptionalText(b, k, out); !st.ok()) return Err(st);
  for (auto [k, out] : {std::pair<const char*, std::optional<double>*>{"value", &v.value}, {"numerator", &v.numerator},
                        {"denominator", &v.denominator}})
    if (Status st = http::OptionalNumber(b, k, out); !st.ok()) return Err(st);
  v.entered_by = who.username;
  if (Status st = CheckEnterer(store, who, v.orgunit); !st.ok()) return Err(st);
  const audit::Entry entry = ChangeEntry(c, "aggregate_value_change", "indicator_value", v.element, v.orgunit,
      {{"element", v.element}, {"orgunit", v.orgunit}, {"period", v.period}, {"source", v.source},
       {"value", b.contains("value") ? b["value"] : json(nullptr)}, {"numerator", b.contains("numerator") ? b["numerator"] : json(nullptr)},
       {"denominator", b.contains("denominator") ? b["denominator"] : json(nullptr)}, {"document", v.document}});
  if (Status st = svc.PutValue(v, entry); !st.ok()) return Err(st);
  log::Info("indicator_value_entered", {{"element", v.element}, {"orgunit", v.orgunit}, {"period", v.period}, {"user", who.username}});
  return Json(200, {{"status", "saved"}, {"element", v.element}, {"orgunit", v.orgunit}, {"period", v.period}, {"source", v.source}});
}

http::Response Plans(Service& svc, http::Call& c, const std::vector<std::string>& parts) {
  store::Store& store = c.store;
  const http::Request& req = c.req;
  const auth::Principal& who = c.who;
  const Catalogue& cat = svc.catalogue();
  if (parts.size() == 1) {
    json items = json::array();
    for (const auto& p : cat.plans())
      items.push_back({{"id", p.id}, {"province", p.province}, {"province_vi", p.province}, {"province_en", p.province_en},
                       {"orgunit", p.orgunit}, {"document", p.document},
                       {"targets", p.targets.size()}, {"applies_to", p.applies_to.empty() ? json(nullptr) : json(p.applies_to)}});
    return Json(200, {{"items", items}});
  }
  const Plan* plan = cat.FindPlan(parts[1]);
  if (!plan) return Err(Status::NotFound("no plan '" + parts[1] + "'", "plan"));
  if (parts.size() == 3 && parts[2] == "evaluation" && req.method == "GET") {
    std::string ou = Q(req, "orgunit").empty() ? plan->orgunit : Q(req, "orgunit");
    // The national plan applies to every unit: without ?orgunit, the user's own (the country for the ministry).
    if (plan->national() && Q(req, "orgunit").empty())
      if (Status st = auth::ResolveOrgUnit(store, who, "", &ou); !st.ok()) return Err(st);
    if (!store.OrgUnitExists(ou)) return Err(Status::Invalid("orgunit", "unknown org unit '" + ou + "'"));
    if (!CanSeePlan(store, who, *plan, ou)) return Err(Status::Forbidden("orgunit " + ou + " is outside your org units"));
    std::optional<int> year;
    if (std::string y = Q(req, "year"); !y.empty()) {
      if (y.size() != 4 || y.find_first_not_of("0123456789") != std::string::npos) return Err(Status::Invalid("year", "year must be YYYY"));
      year = std::stoi(y);
    }
    Date as_of = Today();
    if (std::string a = Q(req, "as_of"); !a.empty()) {
      auto d = ParseDate(a);
      if (!d) return Err(Status::Invalid("as_of", "as_of must be a date YYYY-MM-DD"));
      as_of = *d;
    }
    std::vector<TargetEval> es;
    if (Status st = svc.Evaluate(plan->id, ou, year, as_of, &es); !st.ok()) return Err(st);
    // Roles that must never see one person (ministry) get small counts hidden,
    // with what could be worked back from them (gap, trend, status).
    const auth::Role* role = auth::Roles::Current().Find(who.role);
    const bool suppress = role && role->suppress_small_cells;
    json items = json::array();
    for (const auto& e : es) {
      json j = ToJson(e);
      if (suppress) {
        auth::SuppressSmallCells(j, auth::Roles::Current().small_cell_threshold());
        if (j.value("suppressed", false)) {
          // The interval would give the value back; "uncertain" compares it with the target.
          for (const char* k : {"gap", "projected", "trend_per_year", "required_change_per_year", "ci_low", "ci_high"}) j[k] = nullptr;
          j["uncertain"] = false;
          j["status"] = "suppressed";
        }
      }
      items.push_back(std::move(j));
    }
    json baseline = json::array();
    for (const auto& b : plan->baseline)
      baseline.push_back({{"indicator", b.indicator}, {"year", b.year}, {"value", b.value}, {"printed", b.printed},
                          {"source", b.source}, {"scope", b.scope}});
    return Json(200, {{"plan", plan->id}, {"province", plan->province}, {"province_vi", plan->province},
                      {"province_en", plan->province_en}, {"document", plan->document}, {"orgunit", ou}, {"as_of", FormatDate(as_of)},
                      {"targets_missing", plan->targets_missing}, {"baseline", baseline}, {"items", items}});
  }
  if (parts.size() == 3 && parts[2] == "targets" && req.method == "GET") {
    // A target's versions: the data file's, then each edit with who, when and why.
    if (!CanReadPlanTargets(store, who, *plan)) return Err(Status::Forbidden("plan " + plan->id + " is outside your org units"));
    const std::string y = Q(req, "year");
    if (y.size() != 4 || y.find_first_not_of("0123456789") != std::string::npos) return Err(Status::Invalid("year", "year must be YYYY"));
    std::vector<store::TargetVersion> vs;
    if (Status st = svc.TargetHistory(plan->id, Q(req, "indicator"), std::stoi(y), &vs); !st.ok()) return Err(st);
    json items = json::array();
    for (const auto& v : vs) items.push_back(VersionJson(v));
    return Json(200, {{"plan", plan->id}, {"document", plan->document}, {"indicator", Q(req, "indicator")}, {"year", std::stoi(y)},
                      {"versions", items}});
  }
  if (parts.size() == 3 && parts[2] == "targets") {
    if (Status st = CheckTargetEditor(store, who, *plan); !st.ok()) return Err(st);
    json b;
    if (Status st = ParseBody(req, &b); !st.ok()) return Err(st);
    Target t;
    t.plan = plan->id;
    // A year is a whole number in the plans' range; anything else is refused before it is narrowed to int.
    auto year = [&](const char* k, bool required, std::optional<int>* out) {
      auto it = b.find(k);
      if (it == b.end() || it->is_null())
        return required ? Status::Invalid(k, std::string(k) + " is required") : Status::Ok();
      if (!it->is_number_integer() || it->get<double>() < 2000 || it->get<double>() > 2100)
        return Status::Invalid(k, std::string(k) + " must be a year from 2000 to 2100");
      *out = it->get<int>();
      return Status::Ok();
    };
    if (!b.contains("indicator") || !b["indicator"].is_string()) return Err(Status::Invalid("indicator", "indicator is required"));
    std::optional<int> y;
    if (Status st = year("year", true, &y); !st.ok()) return Err(st);
    if (!b.contains("op") || !b["op"].is_string()) return Err(Status::Invalid("op", "op is required"));
    std::optional<double> value;
    if (Status st = http::OptionalNumber(b, "value", &value); !st.ok()) return Err(st);
    if (!value) return Err(Status::Invalid("value", "value (a number) is required"));
    t.indicator = b["indicator"];
    t.year = *y;
    t.op = b["op"];
    t.value = *value;
    if (Status st = year("baseline_year", false, &t.baseline_year); !st.ok()) return Err(st);
    if (t.op == "increase_pct_vs_2020") t.baseline_year = 2020;
    if (Status st = http::OptionalText(b, "note", &t.note); !st.ok()) return Err(st);
    // Why the target changed; the note stands in when no reason is given, and
    // an edit with neither is refused: a version nobody can explain is no record.
    std::string reason;
    if (Status st = http::OptionalText(b, "reason", &reason); !st.ok()) return Err(st);
    if (reason.empty()) reason = t.note;
    // The target's own fields are named first, as a form reads top to bottom.
    if (Status st = CheckTarget(cat, t); !st.ok()) return Err(st);
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
      return Err(Status::Invalid("reason", "reason is required: why the target changes (a decision, a survey, ...)"));
    const audit::Entry entry = ChangeEntry(c, "target_change", "plan_target", t.plan, plan->orgunit,
                                           {{"indicator", t.indicator}, {"year", t.year}, {"op", t.op}, {"value", t.value},
                                            {"reason", reason}});
    store::TargetVersion saved;
    if (Status st = svc.PutTarget(t, reason, entry, &saved); !st.ok()) return Err(st);
    log::Info("plan_target_edited", {{"plan", t.plan}, {"indicator", t.indicator}, {"year", t.year}, {"user", who.username}});
    return Json(200, {{"status", "saved"}, {"plan", t.plan}, {"indicator", t.indicator}, {"year", t.year}, {"op", t.op},
                      {"value", t.value}, {"version", saved.version}});
  }
  return Err(Status::NotFound("no such endpoint: " + req.path));
}

// Cohort (life-table) mortality over five years (indicator/lifetable.h). It
// reads the store itself, so it answers without the indicator engine.
http::Response CohortMortalityRoute(http::Call& c) {
  CohortQuery q;
  if (Status st = auth::ResolveOrgUnit(c.store, c.who, Q(c.req, "orgunit"), &q.orgunit); !st.ok()) return Err(st);
  q.as_of = Today();
  if (std::string a = Q(c.req, "as_of"); !a.empty()) {
    auto d = ParseDate(a);
    if (!d) return Err(Status::Invalid("as_of", "as_of must be a date YYYY-MM-DD"));
    q.as_of = *d;
  }
  if (std::string y = Q(c.req, "year"); !y.empty()) {
    if (y.size() != 4 || y.find_first_not_of("0123456789") != std::string::npos)
      return Err(Status::Invalid("year", "year must be YYYY"));
    q.year = std::stoi(y);
  } else {
    int yy = 0;
    unsigned m = 0, d = 0;
    YmdFromDate(q.as_of, yy, m, d);
    q.year = yy - 1;  // the last full year
  }
  CohortAnswer a;
  if (Status st = CohortMortality(c.store, q, &a); !st.ok()) return Err(st);
  json j = CohortJson(a);
  // Roles that must never see one person (ministry): a window with a small
  // count of births or deaths shows neither its counts nor what follows from them.
  if (const auth::Role* role = auth::Roles::Current().Find(c.who.role); role && role->suppress_small_cells) {
    const int threshold = auth::Roles::Current().small_cell_threshold();
    if (auth::IsSmallCell({a.estimate.deaths_under5, a.estimate.births}, threshold)) {
      for (const char* k : {"nmr", "imr", "u5mr"}) j[k] = {{"symbol", j[k]["symbol"]}, {"ages", j[k]["ages"]}, {"per_1000", nullptr},
                                                           {"lower", nullptr}, {"upper", nullptr}};
      for (const char* k : {"births", "deaths_under5", "child_years", "segments"}) j.erase(k);
      j["suppressed"] = true;
    }
  }
  return Json(200, j);
}

// The label of one value of a death analysis dimension: the catalogue's
// death_analysis labels, ICD-10 chapters for "icd10_<id>", org unit names for
// communes; the key itself when nothing names it.
std::pair<std::string, std::string> DeathLabel(store::Store& store, const json& da, const std::string& dim, const std::string& key) {
  if (dim == "commune") {
    store::OrgUnit u;
    if (store.orgunits().Get(key, &u).ok()) return {u.name, u.name};
    return {key, key};
  }
  if (dim == "month") return {key, key};
  if (key.rfind("icd10_", 0) == 0)
    for (const auto& c : da.value("icd10_chapters", json::array()))
      if ("icd10_" + c.value("id", "") == key) return {c.value("label_vi", key), c.value("label_en", key)};
  const json labels = da.value("labels", json::object());
  if (labels.contains(key) && labels[key].is_object()) return {labels[key].value("vi", key), labels[key].value("en", key)};
  return {key, key};
}

// GET deaths/analysis?orgunit=&period=&by=category,place,...: counts only, no
// names and no record ids, so it needs aggregate.read like the indicators;
// small cells hidden for roles that must never see one person.
http::Response DeathAnalysis(Service& svc, http::Call& c) {
  std::string ou;
  if (Status st = auth::ResolveOrgUnit(c.store, c.who, Q(c.req, "orgunit"), &ou); !st.ok()) return Err(st);
  const std::string ptext = Q(c.req, "period");
  if (ptext.empty()) return Err(Status::Invalid("period", "period is required (2026, 2026S1, 2026Q1, 2026-05, or a range)"));
  Period p;
  if (Status st = ParsePeriod(ptext, &p); !st.ok()) return Err(st);
  std::vector<std::string> by = SplitIds(Q(c.req, "by"));
  if (by.empty()) by.assign(std::begin(kDeathDimensions), std::end(kDeathDimensions));
  DeathCounts counts;
  if (Status st = svc.Deaths(ou, p, by, &counts); !st.ok()) return Err(st);
  const auth::Role* role = auth::Roles::Current().Find(c.who.role);
  const bool suppress = role && role->suppress_small_cells;
  const int threshold = auth::Roles::Current().small_cell_threshold();
  const bool hide_all = suppress && auth::IsSmallCell({counts.total, 0}, threshold);
  const json& da = svc.catalogue().death_analysis();
  json dims = json::object();
  for (const auto& b : by) {
    const auto& m = counts.by[b];
    std::vector<auth::CountCell> cells;
    for (const auto& [k, n] : m) cells.push_back({n, 0});
    const std::vector<bool> hide = suppress ? auth::CellsToHide(cells, threshold) : std::vector<bool>(cells.size(), false);
    json groups = json::array();
    size_t i = 0;
    for (const auto& [k, n] : m) {
      const auto [vi, en] = DeathLabel(c.store, da, b, k);
      json g = {{"key", k}, {"label_vi", vi}, {"label_en", en}};
      if (hide_all || hide[i]) g["suppressed"] = true;
      else g["count"] = n;
      groups.push_back(std::move(g));
      ++i;
    }
    json d = da.value("dimensions", json::object()).value(b, json::object());
    dims[b] = {{"label_vi", d.value("vi", b)}, {"label_en", d.value("en", b)}, {"groups", hide_all ? json::array() : groups}};
  }
  json out = {{"orgunit", ou}, {"period", p.text}, {"from", FormatDate(p.from)}, {"to", FormatDate(p.to)}, {"by", dims}};
  if (hide_all) out["suppressed"] = true;
  else out["total"] = counts.total, out["reviewed"] = counts.reviewed;
  return Json(200, out);
}

}  // namespace

http::Routes Routes() {
  using http::Audit;
  using http::Call;
  using auth::kAggregateRead;
  using auth::kPlanManage;
  using auth::kAggregateEnter;
  // The handlers need the indicator engine attached to the store (Service::Attach).
  auto engine = [](auto fn) {
    return [fn](Call& c) {
      Service* svc = c.service<Service>();
      if (!svc) return Err(Status::Internal("the indicator engine is not running in this process"));
      return fn(*svc, c);
    };
  };
  auto values = engine([](Service& s, Call& c) { return Values(s, c); });
  auto targets = engine([](Service& s, Call& c) { return Plans(s, c, {"plans", c.param(0), "targets"}); });
  return {
      {"GET", "indicators", kAggregateRead, Audit::none,
       engine([](Service& s, Call& c) { return Indicators(s, c); })},
      {"GET", "indicators/catalogue", kAggregateRead, Audit::none, engine([](Service& s, Call&) { return Json(200, CatalogueJson(s.catalogue())); })},
      {"GET", "indicator-values", kAggregateRead, Audit::none, values},
      {"PUT", "indicator-values", kAggregateEnter, Audit::write, values},
      {"POST", "indicator-values", kAggregateEnter, Audit::write, values},
      {"DELETE", "indicator-values", kAggregateEnter, Audit::write, engine([](Service& s, Call& c) { return DeleteValue(s, c); })},
      {"GET", "indicator-values/history", kAggregateRead, Audit::none,
       engine([](Service& s, Call& c) { return ValueHistory(s, c); })},
      {"GET", "indicator-values/figures", kAggregateRead, Audit::none, engine([](Service& s, Call&) { return FiguresJson(s); })},
      {"GET", "indicator-values/staffing", kAggregateRead, Audit::none,
       engine([](Service& s, Call& c) { return StaffingJson(s, c); })},
      {"GET", "plans", kAggregateRead, Audit::none,
       engine([](Service& s, Call& c) { return Plans(s, c, {"plans"}); })},
      {"GET", "plans/{id}/evaluation", kAggregateRead, Audit::none,
       engine([](Service& s, Call& c) { return Plans(s, c, {"plans", c.param(0), "evaluation"}); })},
      {"GET", "plans/{id}/targets", kAggregateRead, Audit::none, targets},
      {"PUT", "plans/{id}/targets", kPlanManage, Audit::write, targets},
      {"POST", "plans/{id}/targets", kPlanManage, Audit::write, targets},
      {"GET", "deaths/analysis", kAggregateRead, Audit::none, engine([](Service& s, Call& c) { return DeathAnalysis(s, c); })},
      {"GET", "mortality/cohort", kAggregateRead, Audit::none, [](Call& c) { return CohortMortalityRoute(c); }},
  };
}

}  // namespace u5::indicator
