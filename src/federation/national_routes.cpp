#include "federation/national_routes.h"

#include <map>
#include <memory>
#include <set>

#include "auth/roles.h"
#include "auth/scope.h"
#include "auth/small_cells.h"
#include "core/date.h"
#include "federation/adx.h"
#include "federation/push.h"
#include "indicator/evaluate.h"
#include "indicator/interval.h"
#include "indicator/json_out.h"
#include "indicator/period.h"
#include "store/national.h"

namespace u5::federation {

using http::Audit;
using http::Call;
using http::ErrorReply;
using http::JsonReply;
using http::Response;
using nlohmann::json;

namespace {

struct Context {
  indicator::Catalogue cat;
  std::string schema;
};

// The one province a push account stands for.
Status PushProvince(Call& c, std::string* province) {
  if (c.who.orgunits.size() != 1)
    return Status::Forbidden("a push account holds exactly one province", "orgunit");
  store::OrgUnit u;
  if (!c.store.orgunits().Get(c.who.orgunits[0], &u).ok() || u.kind != "province")
    return Status::Forbidden("a push account's org unit must be a 2025 province", "orgunit");
  *province = u.id;
  return Status::Ok();
}

std::string Month(const Date& d) { return FormatDate(d).substr(0, 7); }

// Sums over months double-count an indicator that counts each person's
// latest state in the period (a prevalence): those have values by month only.
bool Additive(const indicator::Indicator& ind) { return !ind.den.latest_per_person && !ind.num.latest_per_person; }

Response PostAdx(const Context& ctx, Call& c) {
  std::string province;
  if (Status st = PushProvince(c, &province); !st.ok()) return ErrorReply(st);
  json body;
  if (Status st = http::ParseJsonObject(c.req.body, &body); !st.ok()) return ErrorReply(st);
  std::string xml;
  if (Status st = http::OptionalText(body, "adx", &xml); !st.ok()) return ErrorReply(st);
  if (xml.empty()) return ErrorReply(Status::Invalid("adx", "adx is required: the ADX document as a string"));
  AdxDocument doc;
  if (Status st = ParseAdx(xml, ctx.schema, &doc); !st.ok()) return ErrorReply(st);
  store::NationalPart part{province, "", {}};
  std::set<std::string> communes;
  for (const AdxGroup& g : doc.groups) {
    if (g.dataset != kDataSet)
      return ErrorReply(Status::Invalid("dataSet", "a push carries data set " + std::string(kDataSet) + ", not '" + g.dataset + "'"));
    std::string month;
    if (Status st = AdxMonth(g.period, &month); !st.ok()) return ErrorReply(st);
    if (!part.period.empty() && month != part.period)
      return ErrorReply(Status::Invalid("period", "one part carries one month: " + part.period + " and " + month));
    part.period = month;
    store::OrgUnit u;
    if (!c.store.orgunits().Get(g.orgunit, &u).ok() || u.kind != "commune")
      return ErrorReply(Status::Invalid("orgUnit", "'" + g.orgunit + "' is not a commune (2025 code)"));
    if (!c.store.InSubtree(province, g.orgunit))
      return ErrorReply(Status::Forbidden("orgUnit " + g.orgunit + " is not a commune of province " + province +
                                              ", the only one this account may push", "orgUnit"));
    if (!communes.insert(g.orgunit).second)
      return ErrorReply(Status::Invalid("orgUnit", "orgUnit " + g.orgunit + " appears twice in one part"));
    std::vector<store::NationalValue> values;
    if (Status st = GroupValues(ctx.cat, g, &values); !st.ok()) return ErrorReply(st);
    for (auto& v : values) part.values.push_back(std::move(v));
  }
  store::NationalApplied applied;
  audit::Entry e = c.Stamp("national_push");
  e.record_type = "national_value";
  e.orgunit_id = province;
  const size_t n_communes = communes.size();
  Status st = c.store.national().Apply(part, e, [&](const store::NationalApplied& a, audit::Entry* entry) {
    entry->detail = json{{"period", part.period}, {"communes", n_communes}, {"values", part.values.size()},
                         {"accepted", a.accepted}, {"replaced", a.replaced}, {"unchanged", a.unchanged}}.dump();
  }, &applied);
  if (!st.ok()) return ErrorReply(st);
  std::vector<store::NationalHolding> held;
  if (Status hs = c.store.national().Holdings(province, part.period, part.period, &held); !hs.ok()) return ErrorReply(hs);
  const bool nothing = applied.accepted == 0 && applied.replaced == 0;
  return JsonReply(200, {{"province", province}, {"period", part.period}, {"communes", n_communes},
                         {"values", part.values.size()}, {"accepted", applied.accepted}, {"replaced", applied.replaced},
                         {"unchanged", applied.unchanged}, {"status", nothing ? "unchanged" : "applied"},
                         {"fingerprint", held.empty() ? "" : held[0].fingerprint}});
}

Response GetHoldings(Call& c) {
  std::string province;
  if (Status st = PushProvince(c, &province); !st.ok()) return ErrorReply(st);
  std::string from = c.query("from"), to = c.query("to");
  for (const auto& [k, v] : {std::pair{"from", &from}, {"to", &to}}) {
    indicator::Period p;
    if (v->empty()) *v = std::string(k) == "from" ? "0000-01" : "9999-12";
    else if (!indicator::ParsePeriod(*v, &p).ok() || p.kind != indicator::PeriodKind::month)
      return ErrorReply(Status::Invalid(k, std::string(k) + " must be a month YYYY-MM"));
  }
  std::vector<store::NationalHolding> held;
  if (Status st = c.store.national().Holdings(province, from, to, &held); !st.ok()) return ErrorReply(st);
  json months = json::array();
  for (const auto& h : held) months.push_back({{"period", h.period}, {"values", h.values}, {"fingerprint", h.fingerprint}});
  return JsonReply(200, {{"province", province}, {"months", months}});
}

// The period asked as a range of months; Invalid naming `period`.
Status MonthRange(const std::string& text, indicator::Period* p, std::string* from, std::string* to) {
  if (text.empty()) return Status::Invalid("period", "period is required (2026, 2026S1, 2026Q3, 2026-07)");
  if (Status st = indicator::ParsePeriod(text, p); !st.ok()) return Status::Invalid("period", st.message());
  *from = Month(p->from);
  *to = Month(p->to);
  return Status::Ok();
}

std::vector<const indicator::Indicator*> AskedIndicators(const Context& ctx, const std::string& ids, Status* st) {
  std::vector<const indicator::Indicator*> out;
  if (ids.empty()) {
    for (const auto& ind : ctx.cat.indicators())
      if (Pushed(ind)) out.push_back(&ind);
    return out;
  }
  size_t i = 0;
  while (i <= ids.size()) {
    const size_t j = std::min(ids.find(',', i), ids.size());
    const std::string id = ids.substr(i, j - i);
    const indicator::Indicator* ind = ctx.cat.Find(id);
    if (!ind) {
      *st = Status::Invalid("ids", "unknown indicator '" + id + "'");
      return {};
    }
    out.push_back(ind);
    i = j + 1;
  }
  return out;
}

// One figure in the indicator API's item shape (indicator/json_out.h), its
// value recomputed from the summed numerator and denominator.
json Item(const Context& ctx, const indicator::Indicator& ind, const std::string& orgunit, const indicator::Period& p,
          int64_t num, int64_t den, int64_t months, int64_t months_in_period) {
  indicator::IndicatorValue v;
  v.indicator = &ind;
  v.orgunit = orgunit;
  v.period = p;
  v.from_records = true;
  v.num = num;
  v.den = den;
  v.provenance = "national_aggregate";
  if (months_in_period > 1 && !Additive(ind)) {
    v.reason = "not_additive: a prevalence counts each person's latest state; ask month by month";
  } else if (den > 0) {
    v.value = static_cast<double>(num) / static_cast<double>(den) * ind.multiplier;
    v.precision = indicator::PrecisionOf(ctx.cat, ind, num, den);
  } else {
    v.reason = months == 0 ? "no_data: nothing pushed for this period" : "zero_denominator";
  }
  json j = indicator::ToJson(v);
  j["months"] = months;
  return j;
}

int64_t MonthsIn(const indicator::Period& p) {
  int fy, ty;
  unsigned fm, tm, d;
  YmdFromDate(p.from, fy, fm, d);
  YmdFromDate(p.to, ty, tm, d);
  return (ty - fy) * 12 + static_cast<int64_t>(tm) - static_cast<int64_t>(fm) + 1;
}

struct Totals {
  int64_t num = 0, den = 0, months = 0;
};

// Roles that must never see one person (ministry) get small cells hidden, as
// from a province server (auth/small_cells.h, docs/security.md).
bool Suppressed(const auth::Principal& who) {
  const auth::Role* role = auth::Roles::Current().Find(who.role);
  return role && role->suppress_small_cells;
}

// The org unit asked (VN, a 2025 province or commune) within the caller's
// scope: VN needs a country-wide role. Its kind in *kind.
Status AskedUnit(Call& c, std::string* ou, std::string* kind, std::string* province) {
  if (ou->empty()) *ou = "VN";
  if (*ou == "VN") {
    if (!auth::CountryWide(c.who)) return Status::Forbidden("the whole country needs a country-wide role", "orgunit");
    *kind = "country";
    province->clear();
    return Status::Ok();
  }
  store::OrgUnit u;
  if (!c.store.orgunits().Get(*ou, &u).ok() || (u.kind != "province" && u.kind != "commune"))
    return Status::Invalid("orgunit", "'" + *ou + "' is not VN, a 2025 province or a commune");
  if (!auth::CanSee(c.store, c.who, *ou)) return Status::Forbidden("orgunit " + *ou + " is outside your org units", "orgunit");
  *kind = u.kind;
  *province = u.kind == "province" ? u.id : u.parent_id.value_or("");
  return Status::Ok();
}

// GET indicators?orgunit=&period=&ids=&by=orgunit and GET national/dashboard:
// the indicator API's answer from the pushed aggregates. Each item is the
// org unit's sum; with `breakdown` its children's cells (the country: its
// provinces; a province: its communes) as the indicator API's breakdown.
Response IndicatorsAt(const Context& ctx, Call& c, std::string ou, bool breakdown) {
  indicator::Period p;
  std::string from, to;
  if (Status st = MonthRange(c.query("period"), &p, &from, &to); !st.ok()) return ErrorReply(st);
  Status st;
  const auto inds = AskedIndicators(ctx, c.query("ids"), &st);
  if (!st.ok()) return ErrorReply(st);
  std::string kind, province;
  if (Status us = AskedUnit(c, &ou, &kind, &province); !us.ok()) return ErrorReply(us);
  std::vector<std::string> ids;
  for (const auto* i : inds) ids.push_back(i->id);
  std::vector<store::NationalSum> sums;
  if (Status ss = c.store.national().Sums(from, to, ids, province, kind != "country", &sums); !ss.ok()) return ErrorReply(ss);
  std::map<std::string, std::map<std::string, Totals>> cells;  // indicator -> child -> sums
  std::map<std::string, Totals> total;                         // indicator -> sums
  for (const auto& s : sums) {
    const std::string child = kind == "country" ? s.province : s.orgunit;
    if (kind == "commune" && child != ou) continue;
    cells[s.indicator][child] = {s.num, s.den, s.months};
    Totals& t = total[s.indicator];
    t.num += s.num;
    t.den += s.den;
    t.months = std::max(t.months, s.months);
  }
  std::set<std::string> reporting;
  for (const auto& [ind, by_child] : cells)
    for (const auto& [child, _] : by_child) reporting.insert(child);
  std::map<std::string, std::string> name_of;
  if (breakdown && kind != "commune") {
    std::vector<store::OrgUnitName> names;
    if (Status ns = c.store.OrgUnitNames({reporting.begin(), reporting.end()}, "", &names); !ns.ok()) return ErrorReply(ns);
    for (const auto& n : names) name_of[n.id] = n.name;
  }
  const int64_t n_months = MonthsIn(p);
  const bool suppress = Suppressed(c.who);
  json items = json::array();
  for (const auto* ind : inds) {
    const Totals t = total[ind->id];
    json j = Item(ctx, *ind, ou, p, t.num, t.den, t.months, n_months);
    if (breakdown && kind != "commune") {
      json groups = json::object();
      for (const auto& [child, v] : cells[ind->id]) {
        json g = indicator::CellJson(ctx.cat, *ind, v.num, v.den);
        if (n_months > 1 && !Additive(*ind)) g.erase("value");
        g["name"] = name_of[child];
        g["months"] = v.months;
        groups[child] = std::move(g);
      }
      j["breakdown"] = {{"by", "orgunit"}, {"groups", std::move(groups)}};
    }
    if (suppress) auth::SuppressSmallCells(j, auth::Roles::Current().small_cell_threshold());
    items.push_back(std::move(j));
  }
  return JsonReply(200, {{"orgunit", ou}, {"period", p.text}, {"from", FormatDate(p.from)}, {"to", FormatDate(p.to)},
                         {"months", n_months}, {"reporting", reporting.size()}, {"items", std::move(items)}});
}

Response GetIndicators(const Context& ctx, Call& c) {
  const std::string by = c.query("by");
  if (!by.empty() && by != "orgunit")
    return ErrorReply(Status::Invalid("by", "a national instance breaks values down by orgunit only"));
  return IndicatorsAt(ctx, c, c.query("orgunit"), by == "orgunit");
}

// The national plans (applies_to every_province): their targets evaluated
// against the country's (or a province's) annual values from the pushes.
Response GetPlans(const Context& ctx, Call&) {
  json items = json::array();
  for (const auto& plan : ctx.cat.plans())
    if (plan.national())
      items.push_back({{"id", plan.id}, {"orgunit", plan.orgunit}, {"document", plan.document}, {"targets", plan.targets.size()}});
  return JsonReply(200, {{"items", std::move(items)}});
}

Response GetEvaluation(const Context& ctx, Call& c) {
  const indicator::Plan* plan = ctx.cat.FindPlan(c.param(0));
  if (!plan || !plan->national())
    return ErrorReply(Status::NotFound("no national plan '" + c.param(0) + "' (a national instance evaluates the plans that apply to every province)", "id"));
  std::string ou = c.query("orgunit"), kind, province;
  if (Status us = AskedUnit(c, &ou, &kind, &province); !us.ok()) return ErrorReply(us);
  if (kind == "commune") return ErrorReply(Status::Invalid("orgunit", "plans are evaluated for VN or a province"));
  Date as_of = Today();
  if (const std::string a = c.query("as_of"); !a.empty()) {
    const std::optional<Date> d = ParseDate(a);
    if (!d) return ErrorReply(Status::Invalid("as_of", "as_of must be a date YYYY-MM-DD"));
    as_of = *d;
  }
  Status failed;
  auto annual = [&](const std::string& id, int year) {
    indicator::AnnualValue a;
    const indicator::Indicator* ind = ctx.cat.Find(id);
    std::vector<store::NationalSum> sums;
    const std::string y = std::to_string(year);
    if (!ind || !Additive(*ind)) {
      a.reason = "not_pushed_annually";
      return a;
    }
    if (Status st = c.store.national().Sums(y + "-01", y + "-12", {id}, ou == "VN" ? "" : ou, false, &sums); !st.ok()) {
      failed = st;
      return a;
    }
    for (const auto& s : sums) {
      a.num += s.num;
      a.den += s.den;
    }
    if (a.den > 0) {
      a.value = static_cast<double>(a.num) / static_cast<double>(a.den) * ind->multiplier;
      a.provenance = "national_aggregate";
    } else {
      a.reason = "no_data";
    }
    return a;
  };
  const bool suppress = Suppressed(c.who);
  json items = json::array();
  for (const auto& t : plan->targets) {
    indicator::TargetEval e = indicator::EvaluateTarget(ctx.cat, t, ou, as_of, annual);
    if (!failed.ok()) return ErrorReply(failed);
    json j = indicator::ToJson(e);
    if (suppress) {
      auth::SuppressSmallCells(j, auth::Roles::Current().small_cell_threshold());
      if (j.value("suppressed", false)) {
        // As on a province server: what would give the hidden value back goes with it.
        for (const char* k : {"gap", "projected", "trend_per_year", "required_change_per_year", "ci_low", "ci_high"}) j[k] = nullptr;
        j["uncertain"] = false;
        j["status"] = "suppressed";
      }
    }
    items.push_back(std::move(j));
  }
  return JsonReply(200, {{"plan", plan->id}, {"orgunit", ou}, {"as_of", FormatDate(as_of)}, {"items", std::move(items)}});
}

}  // namespace

Response NoPersonalData(const std::string& path) {
  return JsonReply(404, {{"error", "not_found"}, {"field", "path"},
                         {"message", "this is a national instance: it holds no personal data and serves only aggregates "
                                     "(docs/federation.md); " + path + " is not served here"}});
}

http::Routes NationalRoutes(const NationalOptions& o) {
  auto ctx = std::make_shared<Context>();
  if (Status st = indicator::Catalogue::Load(o.data_dir, &ctx->cat); !st.ok()) ctx->cat = indicator::Catalogue::Builtin();
  ctx->schema = o.data_dir + "/reports/schema/adx.xsd";
  return {
      {"POST", "national/adx", auth::kNationalPush, Audit::write, [ctx](Call& c) { return PostAdx(*ctx, c); }},
      {"GET", "national/holdings", auth::kNationalPush, Audit::none, [](Call& c) { return GetHoldings(c); }},
      {"GET", "national/dashboard", auth::kAggregateRead, Audit::none,
       [ctx](Call& c) { return IndicatorsAt(*ctx, c, c.query("orgunit"), true); }},
      {"GET", "indicators", auth::kAggregateRead, Audit::none, [ctx](Call& c) { return GetIndicators(*ctx, c); }},
      {"GET", "indicators/catalogue", auth::kAggregateRead, Audit::none,
       [ctx](Call&) { return JsonReply(200, indicator::CatalogueJson(ctx->cat)); }},
      {"GET", "plans", auth::kAggregateRead, Audit::none, [ctx](Call& c) { return GetPlans(*ctx, c); }},
      {"GET", "plans/{id}/evaluation", auth::kAggregateRead, Audit::none, [ctx](Call& c) { return GetEvaluation(*ctx, c); }},
  };
}

}  // namespace u5::federation
