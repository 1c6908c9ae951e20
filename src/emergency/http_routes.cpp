#include "emergency/http_routes.h"

#include <climits>
#include <cmath>
#include <map>

#include "auth/roles.h"
#include "auth/scope.h"
#include "emergency/service.h"
#include "emergency/stats.h"

namespace u5::emergency {
namespace {

using nlohmann::json;
using http::Call;
using http::ErrorReply;
using http::JsonReply;
using http::Response;

Service* Svc(Call& c) { return Service::For(c.store); }

Response NotRunning() {
  return JsonReply(503, {{"error", "unavailable"}, {"message", "the emergency service is not running in this process"}});
}

Response GetConfig(Call& c) {
  Service* s = Svc(c);
  if (!s) return NotRunning();
  return JsonReply(200, ConfigJson(s->config()));
}

// Reads an ISO time field; 422 naming it when present but not a time.
Status TimeField(const json& b, const char* k, std::optional<int64_t>* out) {
  std::string text;
  U5_RETURN_IF_ERROR(http::OptionalText(b, k, &text));
  if (text.empty()) return Status::Ok();
  auto t = ParseInstant(text);
  if (!t) return Status::Invalid(k, std::string(k) + " must be an ISO date and time (2026-05-01T08:30+07:00)");
  *out = t;
  return Status::Ok();
}

Response Create(Call& c) {
  Service* s = Svc(c);
  if (!s) return NotRunning();
  json b;
  if (Status st = http::ParseJsonObject(c.req.body, &b); !st.ok()) return ErrorReply(st);
  NewCase in;
  std::vector<Status> errors;
  for (auto [k, out] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"patient_kind", &in.patient_kind}, {"person_id", &in.person_id}, {"patient_label", &in.patient_label},
           {"level", &in.level}, {"reason", &in.reason}, {"from_orgunit", &in.from_orgunit},
           {"to_orgunit", &in.to_orgunit}, {"note", &in.note}})
    if (Status st = http::OptionalText(b, k, out); !st.ok()) errors.push_back(st);
  if (Status st = TimeField(b, "raised_at", &in.raised_at); !st.ok()) errors.push_back(st);
  if (!errors.empty()) return http::FieldErrorsReply(errors.front(), errors);
  Case out;
  Status st = s->Create(in, c.who, c.Stamp("create"), &out);
  if (st.code() == Code::forbidden) return http::Refused(c, st, "emergency", "", in.from_orgunit);
  if (!st.ok()) return ErrorReply(st);
  return JsonReply(201, s->Render(out, c.who));
}

Response PostStep(Call& c) {
  Service* s = Svc(c);
  if (!s) return NotRunning();
  json b;
  if (Status st = http::ParseJsonObject(c.req.body, &b); !st.ok()) return ErrorReply(st);
  std::string step, outcome;
  std::optional<int64_t> at;
  std::optional<double> version;
  std::vector<Status> errors;
  if (Status st = http::OptionalText(b, "step", &step); !st.ok()) errors.push_back(st);
  else if (step.empty()) errors.push_back(Status::Invalid("step", "step is required"));
  if (Status st = TimeField(b, "at", &at); !st.ok()) errors.push_back(st);
  if (Status st = http::OptionalText(b, "outcome", &outcome); !st.ok()) errors.push_back(st);
  if (Status st = http::OptionalNumber(b, "version", &version); !st.ok()) errors.push_back(st);
  else if (!version || *version != std::floor(*version) || *version < 1 || *version > 1e15)
    errors.push_back(Status::Invalid("version", "version (a whole number) is required"));
  if (!errors.empty()) return http::FieldErrorsReply(errors.front(), errors);
  Case out;
  Status st = s->Step(c.param(0), step, at, outcome, static_cast<int64_t>(*version), c.who, c.Stamp("update"), &out);
  if (st.code() == Code::forbidden) return http::Refused(c, st, "emergency", c.param(0), "");
  if (st.code() == Code::not_found) return ErrorReply(Status::NotFound("no emergency " + c.param(0)));
  if (!st.ok()) return ErrorReply(st);
  return JsonReply(200, s->Render(out, c.who));
}

// The audit note of an answer that may carry patients' names.
http::AuditNote ReadNote(Service& s, Call& c, const std::vector<const Case*>& shown, const char* via) {
  http::AuditNote n{.action = "read", .via = via};
  for (const Case* x : shown)
    if (s.SeesName(*x, c.who)) n.records.push_back(x->person_id);
  return n;
}

Response Get(Call& c) {
  Service* s = Svc(c);
  if (!s) return NotRunning();
  s->Escalate();
  Case x;
  if (Status st = s->Get(c.param(0), &x); !st.ok())
    return ErrorReply(st.code() == Code::not_found ? Status::NotFound("no emergency " + c.param(0)) : st);
  if (!s->Visible(x, c.who))
    return http::Refused(c, Status::Forbidden("emergency " + x.id + " is outside your org units"), "emergency", x.id,
                         x.to_orgunit);
  Response r = JsonReply(200, s->Render(x, c.who));
  http::AuditNote n = ReadNote(*s, c, {&x}, "emergency");
  n.record_type = "emergency";
  n.record_id = x.id;
  if (s->SeesName(x, c.who)) n.detail.push_back({"person_id", x.person_id});
  r.audit = std::move(n);
  return r;
}

Response List(Call& c) {
  Service* s = Svc(c);
  if (!s) return NotRunning();
  const std::string status = c.query("status").empty() ? "open" : c.query("status");
  if (status != "open" && status != "closed" && status != "all")
    return ErrorReply(Status::Invalid("status", "status must be open, closed or all"));
  std::string unit = c.query("orgunit");
  if (!unit.empty()) {
    if (!c.store.OrgUnitExists(unit)) return ErrorReply(Status::Invalid("orgunit", "unknown org unit '" + unit + "'"));
    if (!auth::CanSee(c.store, c.who, unit))
      return http::Refused(c, Status::Forbidden("orgunit " + unit + " is outside your org units", "orgunit"), "emergency",
                           "", unit);
  }
  s->Escalate();
  const int64_t now = s->Now();
  std::vector<Case> all;
  // Closed cases of the last 30 days: the board's history, not an archive (stats cover periods).
  if (Status st = s->List(status == "open", status == "open" ? 0 : now - 30 * 86400, &all); !st.ok()) return ErrorReply(st);
  auto under = [&](const std::string& id) { return id == unit || c.store.InSubtree(unit, id); };
  json items = json::array();
  std::vector<const Case*> shown;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {  // newest first
    const Case& x = *it;
    if (status == "closed" && !x.closed()) continue;
    if (!s->Visible(x, c.who)) continue;
    if (!unit.empty()) {
      bool in = under(x.from_orgunit) || under(x.to_orgunit);
      for (const auto& e : x.escalated) in = in || under(e.orgunit);
      if (!in) continue;
    }
    items.push_back(s->Render(x, c.who));
    shown.push_back(&x);
  }
  Response r = JsonReply(200, {{"items", items}, {"now", FormatInstant(now)}});
  r.audit = ReadNote(*s, c, shown, "emergencies");
  return r;
}

Response Stream(Call& c) {
  Service* s = Svc(c);
  if (!s) return NotRunning();
  Response r;
  r.status = 200;
  r.content_type = "text/event-stream; charset=utf-8";
  r.stream = s->Subscribe(c.who, c.req.remote);
  // Names sent later on the stream are audited as they go (Service::Publish).
  r.audit = http::AuditNote{.action = "read", .via = "emergency_stream"};
  return r;
}

Response Stats(Call& c) {
  Service* s = Svc(c);
  if (!s) return NotRunning();
  std::string unit;
  if (Status st = auth::ResolveOrgUnit(c.store, c.who, c.query("orgunit"), &unit); !st.ok()) return ErrorReply(st);
  const std::string by = c.query("by").empty() ? "facility" : c.query("by");
  if (by != "facility" && by != "commune") return ErrorReply(Status::Invalid("by", "by must be facility or commune"));
  int64_t from = 0, to = INT64_MAX;
  if (const std::string p = c.query("period"); !p.empty())
    if (Status st = ParsePeriod(p, &from, &to); !st.ok()) return ErrorReply(st);
  std::vector<Case> all;
  if (Status st = s->List(false, from, &all); !st.ok()) return ErrorReply(st);
  auto under = [&](const std::string& id) { return id == unit || unit == "VN" || c.store.InSubtree(unit, id); };
  std::map<std::string, std::vector<const Case*>> groups;
  std::vector<const Case*> total;
  std::map<std::string, std::string> commune_of;
  for (const Case& x : all) {
    if (x.raised_at >= to || !(under(x.from_orgunit) || under(x.to_orgunit))) continue;
    std::string key = x.to_orgunit;
    if (by == "commune") {
      // A health station counts for its commune.
      auto [it, fresh] = commune_of.try_emplace(x.from_orgunit, x.from_orgunit);
      if (fresh) {
        store::OrgUnit u;
        if (c.store.orgunits().Get(x.from_orgunit, &u).ok() && u.kind == "facility" && u.parent_id) it->second = *u.parent_id;
      }
      key = it->second;
    }
    groups[key].push_back(&x);
    total.push_back(&x);
  }
  std::vector<std::string> ids;
  for (const auto& [k, v] : groups) ids.push_back(k);
  std::vector<store::OrgUnitName> names;
  if (!ids.empty()) (void)c.store.OrgUnitNames(ids, "", &names);
  std::map<std::string, std::string> name_of;
  for (const auto& n : names) name_of[n.id] = n.name;
  json rows = json::array();
  const int64_t now = s->Now();
  for (const auto& [k, v] : groups) {
    IntervalStats st = Summarise(v, s->config(), now);
    st.key = k;
    st.label = name_of.count(k) ? name_of[k] : k;
    rows.push_back(StatsJson(st));
  }
  IntervalStats t = Summarise(total, s->config(), now);
  t.key = unit;
  t.label = "total";
  return JsonReply(200, {{"rows", rows}, {"total", StatsJson(t)}, {"orgunit", unit}, {"by", by}});
}

}  // namespace

http::Routes Routes() {
  using A = http::Audit;
  const char* p = auth::kEmergencyRespond;
  return {
      {"GET", "emergency-config", p, A::none, GetConfig},
      {"POST", "emergencies", p, A::write, Create},
      {"GET", "emergencies", p, A::person_read, List, false, true},
      {"GET", "emergencies/stream", p, A::person_read, Stream},
      {"GET", "emergencies/stats", p, A::none, Stats, false, true},
      {"GET", "emergencies/{id}", p, A::person_read, Get},
      {"POST", "emergencies/{id}/steps", p, A::write, PostStep},
  };
}

}  // namespace u5::emergency
