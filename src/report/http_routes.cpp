#include "report/http_routes.h"

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "auth/roles.h"
#include "auth/scope.h"
#include "indicator/service.h"
#include "report/cli.h"
#include "report/due.h"
#include "report/line_list.h"
#include "report/model.h"
#include "report/render.h"
#include "report/signoff.h"
#include "report/suppress.h"

namespace u5::report {
namespace {

using nlohmann::json;


constexpr auto& Json = http::JsonReply;
constexpr auto& Err = http::ErrorReply;
constexpr auto& Q = http::QueryParam;

using auth::CanSee;

json TableJson(const Table& t) {
  json cols = json::array(), rows = json::array();
  for (const auto& c : t.columns)
    cols.push_back({{"title_vi", c.title_vi}, {"title_en", c.title_en}, {"group_vi", c.group_vi}, {"group_en", c.group_en}, {"indicator", c.indicator}});
  for (const auto& r : t.rows) {
    json cells = json::array();
    for (const auto& c : r.cells) cells.push_back(c.num ? json(*c.num) : json(c.text));
    rows.push_back({{"orgunit", r.orgunit}, {"name", r.name}, {"total", r.total}, {"cells", cells}});
  }
  return {{"id", t.id}, {"title_vi", t.title_vi}, {"title_en", t.title_en}, {"columns", cols}, {"rows", rows}};
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// XLSX and PDF are written by their libraries to a file: render into a
// temporary one, answer its bytes and remove it.
Status RenderFile(const RouteContext& ctx, const Report& r, const std::string& format, http::Response* resp) {
  const std::string tmp = std::filesystem::temp_directory_path() / ("u5-report-" + std::to_string(NowMillis()) + "-" +
                                                                      std::to_string(reinterpret_cast<uintptr_t>(&r)) + "." + format);
  Status st = format == "xlsx" ? WriteXlsx(r, tmp) : WritePdf(r, tmp, ctx.font_dir.empty() ? DefaultFontDir() : ctx.font_dir);
  if (st.ok()) resp->body = ReadAll(tmp);
  std::filesystem::remove(tmp);
  U5_RETURN_IF_ERROR(st);
  resp->content_type = format == "pdf" ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  return Status::Ok();
}

// A line list (CV 2854's deaths of women 15-49): names, so only for a role
// holding the template's permission, in the caller's scope; every export is
// one audit entry naming each person listed.
http::Response LineListGet(const RouteContext& ctx, store::Store& store, const http::Request& req, const auth::Principal& who,
                           const Template& t) {
  if (!auth::Roles::Current().Has(who.role, t.permission))
    return Err(Status::Forbidden("report " + t.id + " names persons: it needs the permission " + t.permission));
  LineListOptions o;
  if (Status st = ParseLang(Q(req, "lang"), "lang", &o.lang); !st.ok()) return Err(st);
  if (Status st = auth::ResolveOrgUnit(store, who, Q(req, "orgunit"), &o.orgunit); !st.ok()) return Err(st);
  const std::string ptext = Q(req, "period");
  if (Status st = indicator::ParsePeriod(ptext, &o.period); !st.ok() || ptext.empty())
    return Err(ptext.empty() ? Status::Invalid("period", "period is required (e.g. 2026Q3 for the 9-month list)") : st);
  const bool kind_ok = (t.period_kind == "quarter" && o.period.kind == indicator::PeriodKind::quarter) ||
                       (t.period_kind == "year" && o.period.kind == indicator::PeriodKind::year) ||
                       (t.period_kind == "half" && o.period.kind == indicator::PeriodKind::half) ||
                       (t.period_kind == "month" && o.period.kind == indicator::PeriodKind::month);
  if (!kind_ok) return Err(Status::Invalid("period", "report " + t.id + " is by " + t.period_kind + ", not '" + ptext + "'"));
  o.as_of = Today();
  const indicator::Service* svc = indicator::Service::For(store);
  const indicator::Catalogue& cat = svc ? svc->catalogue() : indicator::Catalogue::Builtin();
  o.place_labels = cat.death_analysis().value("labels", json::object());
  const std::string format = Q(req, "format").empty() ? "json" : Q(req, "format");
  if (format != "json" && format != "csv" && format != "xlsx" && format != "pdf")
    return Err(Status::Invalid("format", "a line list is json, csv, xlsx or pdf"));
  Report r;
  if (Status st = BuildDeathsOfWomen(store, t, o, &r); !st.ok()) return Err(st);
  http::AuditNote note{.via = "report", .records = r.persons, .record_type = "report", .record_id = t.id, .orgunit = r.orgunit,
                       .detail = {{"period", r.period.text}, {"format", format}, {"persons", std::to_string(r.persons.size())}}};
  http::Response resp;
  const std::string base = t.id + "_" + r.orgunit + "_" + r.period.text + (r.lang == Lang::en ? "_en" : "");
  if (format == "json") {
    resp = Json(200, {{"template", t.id}, {"orgunit", r.orgunit}, {"period", r.period.text}, {"from", FormatDate(r.period.from)},
                      {"to", FormatDate(r.period.to)}, {"lang", LangCode(r.lang)}, {"title", Pick(r.lang, t.title_vi, t.title_en)},
                      {"tables", json::array({TableJson(r.tables[0])})}});
  } else if (format == "csv") {
    resp.body = LineListCsv(r, Q(req, "bom") == "1");
    resp.content_type = "text/csv; charset=utf-8";
  } else {
    if (Status st = RenderFile(ctx, r, format, &resp); !st.ok()) return Err(st);
  }
  if (format != "json") resp.headers["Content-Disposition"] = "attachment; filename=\"" + base + "." + format + "\"";
  resp.audit = std::move(note);
  return resp;
}

http::Response ReportGet(const RouteContext& ctx, store::Store& store, const http::Request& req, const auth::Principal& who,
                         const std::string& id) {
  Template t;
  if (Status st = LoadTemplate(ctx.data_dir, id, &t); !st.ok()) return Err(st);
  if (t.line_list()) return LineListGet(ctx, store, req, who, t);
  BuildOptions b;
  if (Status st = ParseLang(Q(req, "lang"), "lang", &b.lang); !st.ok()) return Err(st);
  b.orgunit = Q(req, "orgunit").empty() ? t.orgunit : Q(req, "orgunit");
  // A statistics form is filed by the caller's own commune or province unless another is asked for.
  if (t.statistics_form())
    if (Status st = auth::ResolveOrgUnit(store, who, Q(req, "orgunit"), &b.orgunit); !st.ok()) return Err(st);
  if (!store.OrgUnitExists(b.orgunit)) return Err(Status::Invalid("orgunit", "unknown org unit '" + b.orgunit + "'"));
  if (!CanSee(store, who, b.orgunit)) return Err(Status::Forbidden("orgunit " + b.orgunit + " is outside your org units"));
  b.period = Q(req, "period");
  b.as_of = Today();
  if (std::string a = Q(req, "as_of"); !a.empty()) {
    auto d = ParseDate(a);
    if (!d) return Err(Status::Invalid("as_of", "as_of must be a date YYYY-MM-DD"));
    b.as_of = *d;
  }
  indicator::Service* svc = indicator::Service::For(store);
  if (!svc) return Err(Status::Internal("the indicator engine is not running in this process"));
  Report r;
  if (Status st = BuildReport(*svc, store, t, b, &r); !st.ok()) return Err(st);
  const int threshold = auth::Roles::Current().small_cell_threshold();
  const auth::Role* role = auth::Roles::Current().Find(who.role);
  if (role && role->suppress_small_cells) SuppressSmallCells(&r, threshold);
  const std::string format = Q(req, "format").empty() ? "json" : Q(req, "format");
  // ADX and dataValueSets carry indicators' numerators and denominators; a form's rows are counts of its own.
  if (t.statistics_form() && (format == "adx" || format == "dvs"))
    return Err(Status::Invalid("format", "a statistics form is json, csv, xlsx or pdf"));
  // Every report answered leaves an entry: counts below the suppression level
  // can point at a person, so how many it showed is part of the entry.
  size_t small = 0;
  for (const auto& tb : r.tables)
    for (const auto& row : tb.rows)
      for (const auto& c : row.cells)
        if (c.num && *c.num > 0 && *c.num < threshold) ++small;
  http::AuditNote note{.via = "report", .record_type = "report", .record_id = t.id, .orgunit = r.orgunit,
                       .detail = {{"period", r.period.text}, {"format", format}, {"small_cells", std::to_string(small)}}};
  http::Response resp;
  resp.audit = note;
  // An English file gets its own name so it does not replace the Vietnamese one in a downloads folder.
  const std::string base = t.id + "_" + r.orgunit + "_" + r.period.text + (r.lang == Lang::en ? "_en" : "");
  if (format == "json") {
    json tables = json::array();
    for (const auto& tb : r.tables) tables.push_back(TableJson(tb));
    http::Response j = Json(200, {{"template", t.id}, {"orgunit", r.orgunit}, {"period", r.period.text}, {"lang", LangCode(r.lang)},
                                  {"title", Pick(r.lang, t.title_vi, t.title_en)}, {"due_before", FormatDate(r.due_before)},
                                  {"completeness", r.completeness.completeness_pct()}, {"timeliness", r.completeness.timeliness_pct()},
                                  {"tables", tables}});
    j.audit = std::move(note);
    return j;
  } else if (format == "csv") {
    resp.body = ToCsv(r, Q(req, "bom") == "1");
    resp.content_type = "text/csv; charset=utf-8";
  } else if (format == "adx") {
    resp.body = ToAdx(r, NowIso());
    resp.content_type = "application/adx+xml";
  } else if (format == "dvs") {
    if (Status st = ToDataValueSets(r, &resp.body); !st.ok()) return Err(st);
  } else if (format == "xlsx" || format == "pdf") {
    if (Status st = RenderFile(ctx, r, format, &resp); !st.ok()) return Err(st);
  } else {
    return Err(Status::Invalid("format", "format must be json, csv, xlsx, pdf, adx or dvs"));
  }
  resp.headers["Content-Disposition"] = "attachment; filename=\"" + base + "." + (format == "dvs" ? "json" : format) + "\"";
  return resp;
}

http::Response Signoffs(http::Call& c) {
  store::Store& store = c.store;
  const http::Request& req = c.req;
  const auth::Principal& who = c.who;
  std::string ou = Q(req, "orgunit"), period = Q(req, "period"), action = "status", reason;
  if (req.method == "POST") {
    json b;
    if (Status st = http::ParseJsonObject(req.body, &b); !st.ok()) return Err(st);
    ou.clear();
    period.clear();
    action.clear();
    for (auto [k, out] : {std::pair<const char*, std::string*>{"orgunit", &ou}, {"period", &period}, {"action", &action}, {"reason", &reason}})
      if (Status st = http::OptionalText(b, k, out); !st.ok()) return Err(st);
    if (action.empty()) return Err(Status::Invalid("action", "action must be close or reopen"));
  }
  if (ou.empty() || !store.OrgUnitExists(ou)) return Err(Status::Invalid("orgunit", "orgunit must be a known org unit"));
  if (!CanSee(store, who, ou)) return Err(Status::Forbidden("orgunit " + ou + " is outside your org units"));
  indicator::Period p;
  if (Status st = indicator::ParsePeriod(period, &p); !st.ok()) return Err(st);
  SignoffAction a{ou, p.text, who.username, reason, "{}", Today(), who.user_id, req.remote};
  if (action != "status") c.Stamp("");  // the sign-off's entry is written with its row, from these fields
  if (action == "close") {
    indicator::Service* svc = indicator::Service::For(store);
    if (!svc) return Err(Status::Internal("the indicator engine is not running in this process"));
    a.figures = FiguresJson(*svc, ou, p);
    if (Status st = ClosePeriod(store, a); !st.ok()) return Err(st);
  } else if (action == "reopen") {
    if (Status st = ReopenPeriod(store, a); !st.ok()) return Err(st);
  } else if (action != "status") {
    return Err(Status::Invalid("action", "action must be close or reopen"));
  }
  SignoffState s;
  if (Status st = SignoffAsOf(store, ou, p.text, Today(), &s); !st.ok()) return Err(st);
  return Json(200, {{"orgunit", ou}, {"period", p.text}, {"closed", s.closed}, {"by", s.by}, {"at", s.at},
                    {"on", s.closed ? FormatDate(s.on) : ""}, {"reopened", s.reopened}});
}

http::Response TemplateList(const RouteContext& ctx) {
  json items = json::array();
  for (const auto& id : ListTemplates(ctx.data_dir)) {
    Template t;
    if (LoadTemplate(ctx.data_dir, id, &t).ok())
      items.push_back({{"id", t.id}, {"kind", t.kind}, {"permission", t.permission}, {"plan", t.plan}, {"orgunit", t.orgunit}, {"period_kind", t.period_kind},
                       {"title_vi", t.title_vi}, {"title_en", t.title_en},
                       {"due", t.due_working_days ? json{{"working_days_after", t.due_working_days}}
                                                  : json{{"before_month", t.due_month}, {"before_day", t.due_day}}}});
    // A statistics form: who files it, for which periods, under which regime's dates.
    if (t.statistics_form())
      items.back().update({{"level", t.level}, {"period_kinds", t.period_kinds},
                           {"effective_from", t.effective_from ? json(FormatDate(*t.effective_from)) : json()},
                           {"effective_to", t.effective_to ? json(FormatDate(*t.effective_to)) : json()},
                           {"legal_basis_vi", t.legal_basis_vi}, {"legal_basis_en", t.legal_basis_en}});
  }
  return Json(200, {{"items", items}});
}

// "as_of" of a desk query: the day statuses are judged on (tests and
// look-backs), today by default.
Status AsOf(const http::Request& req, Date* out) {
  *out = Today();
  if (std::string a = Q(req, "as_of"); !a.empty()) {
    auto d = ParseDate(a);
    if (!d) return Status::Invalid("as_of", "as_of must be a date YYYY-MM-DD");
    *out = *d;
  }
  return Status::Ok();
}

json StateJson(const std::string& status, const SignoffState& s) {
  return {{"status", status}, {"closed", s.closed}, {"closed_by", s.closed ? s.by : ""}, {"closed_at", s.closed ? s.at : ""},
          {"closed_on", s.closed ? FormatDate(s.on) : ""}, {"last_action", s.last_action}, {"last_by", s.last_by},
          {"last_at", s.last_at}, {"last_reason", s.last_reason}};
}

// The desk's list: every template that expects a report from the unit (its
// own, or its province's for a commune), each period of the year with its due
// date and the unit's status on `as_of`.
http::Response DueList(const RouteContext& ctx, store::Store& store, const http::Request& req, const auth::Principal& who) {
  std::string ou;
  if (Status st = auth::ResolveOrgUnit(store, who, Q(req, "orgunit"), &ou); !st.ok()) return Err(st);
  Date as_of;
  if (Status st = AsOf(req, &as_of); !st.ok()) return Err(st);
  int y;
  unsigned m, d;
  YmdFromDate(as_of, y, m, d);
  if (std::string ys = Q(req, "year"); !ys.empty()) {
    if (ys.size() != 4 || ys.find_first_not_of("0123456789") != std::string::npos)
      return Err(Status::Invalid("year", "year must be four digits, e.g. 2026"));
    y = std::stoi(ys);
  }
  std::vector<std::string> above;
  if (Status st = store.orgunits().ClosureAncestors(ou, &above); !st.ok()) return Err(st);
  above.push_back(ou);
  store::OrgUnit self;
  if (Status st = store.orgunits().Get(ou, &self); !st.ok()) return Err(st);
  json items = json::array();
  for (const auto& id : ListTemplates(ctx.data_dir)) {
    Template t;
    if (!LoadTemplate(ctx.data_dir, id, &t).ok() || t.line_list()) continue;
    // A statistics form is filed by every unit of its level, for the periods
    // its circular is in force; a plan report by the units under its province.
    if (t.statistics_form() ? self.kind != t.level : std::find(above.begin(), above.end(), t.orgunit) == above.end()) continue;
    json formats = {"xlsx", "pdf", "csv"};
    if (!t.dataset_code.empty() && !t.statistics_form()) formats.insert(formats.end(), {"adx", "dvs"});
    json periods = json::array();
    for (const auto& p : PeriodsOfYear(t, y)) {
      if ((t.effective_from && p.to < *t.effective_from) || (t.effective_to && p.to > *t.effective_to)) continue;
      SignoffState s;
      if (Status st = SignoffAsOf(store, ou, p.text, as_of, &s); !st.ok()) return Err(st);
      const Date due = FirstLateDay(t, p);
      json e = StateJson(ReportStatus(s, due, as_of), s);
      e["period"] = p.text;
      e["from"] = FormatDate(p.from);
      e["to"] = FormatDate(p.to);
      e["due"] = FormatDate(due);
      periods.push_back(std::move(e));
    }
    if (periods.empty()) continue;
    items.push_back({{"template", t.id}, {"title_vi", t.title_vi}, {"title_en", t.title_en}, {"period_kind", t.period_kind},
                     {"kind", t.kind}, {"report_orgunit", t.statistics_form() ? ou : t.orgunit}, {"formats", formats},
                     {"periods", periods}});
  }
  return Json(200, {{"orgunit", ou}, {"year", y}, {"as_of", FormatDate(as_of)}, {"items", items}});
}

// Completeness and timeliness by unit: the report model's own count (the
// sign-off table of the report), one line per expected unit with its status.
http::Response CompletenessGet(const RouteContext& ctx, store::Store& store, const http::Request& req, const auth::Principal& who,
                               const std::string& id) {
  Template t;
  if (Status st = LoadTemplate(ctx.data_dir, id, &t); !st.ok()) return Err(st);
  if (t.line_list()) return Err(Status::Invalid("template", "report " + t.id + " is a line list: it has no sign-off by unit"));
  BuildOptions b;
  b.orgunit = Q(req, "orgunit").empty() ? t.orgunit : Q(req, "orgunit");
  if (!store.OrgUnitExists(b.orgunit)) return Err(Status::Invalid("orgunit", "unknown org unit '" + b.orgunit + "'"));
  if (!CanSee(store, who, b.orgunit)) return Err(Status::Forbidden("orgunit " + b.orgunit + " is outside your org units"));
  b.period = Q(req, "period");
  if (Status st = AsOf(req, &b.as_of); !st.ok()) return Err(st);
  indicator::Service* svc = indicator::Service::For(store);
  if (!svc) return Err(Status::Internal("the indicator engine is not running in this process"));
  Report r;
  if (Status st = BuildReport(*svc, store, t, b, &r); !st.ok()) return Err(st);
  json units = json::array();
  for (const auto& u : r.units) {
    json e = StateJson(ReportStatus(u.state, r.due_before, r.as_of), u.state);
    e["orgunit"] = u.orgunit;
    e["name"] = u.name;
    e["on_time"] = u.on_time;
    e["changed_since"] = u.changed;
    units.push_back(std::move(e));
  }
  const Completeness& c = r.completeness;
  return Json(200, {{"template", t.id}, {"orgunit", r.orgunit}, {"period", r.period.text}, {"due", FormatDate(r.due_before)},
                    {"as_of", FormatDate(r.as_of)}, {"expected", c.expected}, {"signed_off", c.signed_off}, {"on_time", c.on_time},
                    {"changed_since", c.changed_since}, {"completeness", c.completeness_pct()}, {"timeliness", c.timeliness_pct()},
                    {"units", units}});
}

}  // namespace

http::Routes Routes(const RouteContext& ctx) {
  using http::Audit;
  using http::Call;
  auto signoffs = [](Call& c) { return Signoffs(c); };
  return {
      {"GET", "reports", auth::kAggregateRead, Audit::none, [ctx](Call&) { return TemplateList(ctx); }},
      {"GET", "reports/due", auth::kAggregateRead, Audit::none, [ctx](Call& c) { return DueList(ctx, c.store, c.req, c.who); }},
      {"GET", "reports/{id}/completeness", auth::kAggregateRead, Audit::none,
       [ctx](Call& c) { return CompletenessGet(ctx, c.store, c.req, c.who, c.param(0)); }},
      // Person-level only when small counts are shown: the handler's note says how many.
      {"GET", "reports/{id}", auth::kAggregateRead, Audit::person_read,
       [ctx](Call& c) { return ReportGet(ctx, c.store, c.req, c.who, c.param(0)); }, false, true},
      {"GET", "signoffs", auth::kAggregateRead, Audit::none, signoffs},
      {"POST", "signoffs", auth::kReportSignoff, Audit::write, signoffs},
  };
}

}  // namespace u5::report
