#include "care/http_routes.h"

#include <nlohmann/json.hpp>

#include "auth/roles.h"
#include "auth/scope.h"
#include "care/service.h"
#include "care/worklist.h"
#include "core/log.h"

namespace u5::care {
namespace {

using nlohmann::json;

constexpr auto& Json = http::JsonReply;
constexpr auto& Err = http::ErrorReply;
constexpr auto& Q = http::QueryParam;

using auth::CanSee;

Status DateParam(const http::Request& req, const char* k, Date fallback, Date* out) {
  const std::string v = Q(req, k);
  if (v.empty()) {
    *out = fallback;
    return Status::Ok();
  }
  auto d = ParseDate(v);
  if (!d) return Status::Invalid(k, std::string(k) + " must be a date YYYY-MM-DD");
  *out = *d;
  return Status::Ok();
}

// The org unit a worklist or alert list covers (auth/scope.h), refusals audited.
std::optional<http::Response> Scope(http::Call& c, std::string* orgunit) {
  const std::string asked = c.query("orgunit");
  Status st = auth::ResolveOrgUnit(c.store, c.who, asked, orgunit);
  if (st.ok()) return std::nullopt;
  if (st.code() == Code::forbidden) return http::Refused(c, st, "", "", asked);
  return Err(st);
}

// The care engine of this process; the routes answer 500 without one.
Service* Engine(http::Call& c) { return c.service<Service>(); }
const Status kNotRunning = Status::Internal("the care service is not running");

http::Response WorklistRoute(http::Call& c) {
  const http::Request& req = c.req;
  Service* svc = Engine(c);
  if (!svc) return Err(kNotRunning);
  WorklistQuery q;
  if (auto refused = Scope(c, &q.orgunit)) return *refused;
  if (Status st = DateParam(req, "from", Today(), &q.from); !st.ok()) return Err(st);
  if (Status st = DateParam(req, "to", Date{q.from.days + 6}, &q.to); !st.ok()) return Err(st);
  if (q.to < q.from) return Err(Status::Invalid("to", "to is before from"));
  if (q.to.days - q.from.days > 92) return Err(Status::Invalid("to", "a worklist covers at most 93 days"));
  q.village = Q(req, "village");
  if (q.village.size() > 200) return Err(Status::Invalid("village", "village is at most 200 bytes"));
  q.kind = Q(req, "kind");
  if (!q.kind.empty() && !KnownKind(svc->schedule(), q.kind))
    return Err(Status::Invalid("kind", "kind is a group of the schedules: epi, anc, pnc, growth, vitamin_a or health_check"));
  if (const std::string l = Q(req, "list"); !l.empty()) {
    auto k = ParseWorkList(l);
    if (!k) return Err(Status::Invalid("list", "list is current, long_lost or set_aside"));
    q.list = *k;
  }
  Worklist w;
  if (Status st = BuildWorklist(*svc, q, &w); !st.ok()) return Err(st);
  // One audit entry: the persons listed, and the mothers whose name (and phone) is shown.
  http::AuditNote note;
  note.via = "worklist";
  note.record_type = "person";
  note.orgunit = q.orgunit;
  for (const auto& v : w.villages)
    for (const auto& p : v.persons) {
      note.records.push_back(p.person().id);
      if (!p.mother_name.empty()) note.records.push_back(p.person().mother_id);
    }
  http::Response r = Json(200, WorklistJson(svc->schedule(), w));
  r.audit = std::move(note);
  return r;
}

http::Response Alerts(http::Call& c) {
  const http::Request& req = c.req;
  Service* svc = Engine(c);
  if (!svc) return Err(kNotRunning);
  std::string ou;
  if (auto refused = Scope(c, &ou)) return *refused;
  Date on;
  if (Status st = DateParam(req, "date", Today(), &on); !st.ok()) return Err(st);
  const std::string status = Q(req, "status").empty() ? "all" : Q(req, "status");
  if (status != "all" && status != "open" && status != "acknowledged")
    return Err(Status::Invalid("status", "status is open, acknowledged or all"));
  std::map<std::string, Ack> acks;
  if (Status st = svc->Acks(&acks); !st.ok()) return Err(st);
  // Persons set aside (moved away, not found) are no longer the commune's to follow.
  std::unordered_map<std::string, FollowUp> follow;
  if (Status st = svc->FollowUps(&follow); !st.ok()) return Err(st);
  json items = json::array();
  http::AuditNote note;
  note.via = "alerts";
  note.record_type = "person";
  note.orgunit = ou;
  // Candidates for the day: a person's bounds cover their alerts. Each built
  // without its strings, and an active alert's read when it is met.
  Alert a;
  Status st = svc->ForEachCandidateLite(ou, on, on, [&](const Service::Candidate& c) {
    const Entry& e = c.lite;
    if (follow.count(e.person.id)) return;
    for (size_t i = 0; i < e.alerts.size(); ++i) {
      if (!e.alerts[i].ActiveOn(on)) continue;
      a = e.alerts[i];
      c.AlertText(i, &a);
      auto ack = acks.find(a.id);
      if ((status == "open" && ack != acks.end()) || (status == "acknowledged" && ack == acks.end())) continue;
      json j = AlertJson(a);
      j["full_name"] = e.person.full_name;
      j["village"] = e.person.village;
      j["phone"] = e.person.phone;
      j["acknowledged"] = ack == acks.end() ? json(nullptr)
                                            : json({{"by", ack->second.by}, {"at", ack->second.at}, {"note", ack->second.note}});
      items.push_back(j);
      note.records.push_back(e.person.id);
    }
  });
  if (!st.ok()) return Err(st);
  std::sort(items.begin(), items.end(), [](const json& a, const json& b) {
    return std::tie(a["since"].get_ref<const std::string&>(), a["id"].get_ref<const std::string&>()) <
           std::tie(b["since"].get_ref<const std::string&>(), b["id"].get_ref<const std::string&>());
  });
  http::Response r = Json(200, {{"orgunit", ou}, {"date", FormatDate(on)}, {"items", items}});
  r.audit = std::move(note);
  return r;
}

http::Response AckAlert(http::Call& c) {
  const http::Request& req = c.req;
  const auth::Principal& who = c.who;
  store::Store& store = c.store;
  const std::string& id = c.param(0);
  Service* svc = Engine(c);
  if (!svc) return Err(kNotRunning);
  json body = json::object();
  if (!req.body.empty())
    if (Status st = http::ParseJsonObject(req.body, &body); !st.ok()) return Err(st);
  std::string note;
  if (body.contains("note")) {
    if (!body["note"].is_string() || body["note"].get<std::string>().size() > 2000)
      return Err(Status::Invalid("note", "note must be text of at most 2000 bytes"));
    note = body["note"];
  }
  // The alert must exist now and be the caller's to see.
  const size_t a = id.find(':');
  if (a == std::string::npos) return Err(Status::NotFound("no alert " + id));
  Alert found;
  Entry owner;
  bool ok = false;
  // Alert ids name a person or one of their records; find the person through the store.
  const size_t b = id.find(':', a + 1);
  const std::string key = id.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  store::Record rec;
  std::string person_id;
  if (store.Find(key, &rec).ok()) person_id = rec.is_person() ? rec.id : rec.person_id;
  if (!person_id.empty() && svc->Get(person_id, &owner).ok())
    for (const auto& x : owner.alerts)
      if (x.id == id) {
        found = x;
        ok = true;
      }
  // Another commune's alert answers exactly as an invented id, so ids cannot be probed; the attempt is audited.
  if (!ok) return Err(Status::NotFound("no alert " + id));
  if (!CanSee(store, who, owner.person.orgunit))
    return http::Refused(c, Status::NotFound("no alert " + id), "person", owner.person.id, owner.person.orgunit);
  Ack ack{id, owner.person.id, found.rule, who.username, NowIso(), note};
  // Audited in the acknowledgement's own transaction.
  audit::Entry e = c.Stamp("alert_ack");
  e.record_type = "person";
  e.record_id = owner.person.id;
  e.orgunit_id = owner.person.orgunit;
  e.detail = json{{"alert", id}, {"rule", found.rule}, {"note", note}}.dump(-1, ' ', false, json::error_handler_t::replace);
  if (Status st = svc->Acknowledge(ack, e); !st.ok()) return Err(st);
  log::Info("alert_acknowledged", {{"alert", id}, {"user", who.username}});
  return Json(200, {{"id", id}, {"acknowledged", {{"by", ack.by}, {"at", ack.at}, {"note", ack.note}}}});
}

}  // namespace

json DueJson(const Schedule& schedule, const Entry& e, Date on, const FollowUp* f) {
  const DueList dl = Evaluate(e.plan, on);
  json items = json::array(), alerts = json::array();
  for (const auto& v : dl.items) items.push_back(ItemJson(schedule, v));
  for (const auto& a : e.alerts)
    if (a.ActiveOn(on)) alerts.push_back(AlertJson(a));
  json follow_up = nullptr;
  if (f) follow_up = {{"status", f->status}, {"date", f->date}, {"reason", f->reason}, {"by", f->by}, {"at", f->at}};
  return {{"person_id", e.person.id}, {"date", FormatDate(on)}, {"dead", e.plan.dead},
          {"next_visit", dl.next_visit ? json(FormatDate(*dl.next_visit)) : json(nullptr)},
          {"items", items}, {"alerts", alerts}, {"follow_up", follow_up}};
}

namespace {

http::Response PersonDue(http::Call& c) {
  const http::Request& req = c.req;
  const std::string& id = c.param(0);
  Service* svc = Engine(c);
  if (!svc) return Err(kNotRunning);
  Entry e;
  if (Status st = svc->Get(id, &e); !st.ok()) return Err(st);
  if (!CanSee(c.store, c.who, e.person.orgunit))
    return http::Refused(c, Status::NotFound("no person " + id), "person", id, e.person.orgunit);
  Date on;
  if (Status st = DateParam(req, "date", Today(), &on); !st.ok()) return Err(st);
  std::unordered_map<std::string, FollowUp> follow;
  if (Status st = svc->FollowUps(&follow); !st.ok()) return Err(st);
  auto f = follow.find(id);
  http::Response r = Json(200, DueJson(svc->schedule(), e, on, f == follow.end() ? nullptr : &f->second));
  // One person: the entry names them as a single-record read does.
  r.audit = http::AuditNote{.via = "due", .record_type = "person", .record_id = id, .orgunit = e.person.orgunit};
  return r;
}

// Marks a person the commune no longer follows ("moved_away", "not_found") or
// follows again ("active": found again). Each change is audited in its own
// transaction; the person's records are not touched.
http::Response FollowUpRoute(http::Call& c) {
  const std::string& id = c.param(0);
  Service* svc = Engine(c);
  if (!svc) return Err(kNotRunning);
  json body;
  if (Status st = http::ParseJsonObject(c.req.body, &body); !st.ok()) return Err(st);
  Entry e;
  if (Status st = svc->Get(id, &e); !st.ok()) return Err(st);
  if (!CanSee(c.store, c.who, e.person.orgunit))
    return http::Refused(c, Status::NotFound("no person " + id), "person", id, e.person.orgunit);
  const std::string status = body.contains("status") && body["status"].is_string() ? body["status"].get<std::string>() : "";
  if (status != "moved_away" && status != "not_found" && status != "active")
    return Err(Status::Invalid("status", "status is moved_away, not_found or active (found again)"));
  std::string reason;
  if (body.contains("reason")) {
    if (!body["reason"].is_string() || body["reason"].get<std::string>().size() > 2000)
      return Err(Status::Invalid("reason", "reason must be text of at most 2000 bytes"));
    reason = body["reason"];
  }
  if (status != "active" && reason.find_first_not_of(" \t\n") == std::string::npos)
    return Err(Status::Invalid("reason", "say why the person is no longer followed"));
  Date on = Today();
  if (body.contains("date")) {
    const auto d = body["date"].is_string() ? ParseDate(body["date"].get<std::string>()) : std::nullopt;
    if (!d) return Err(Status::Invalid("date", "date must be a date YYYY-MM-DD"));
    if (*d > Today()) return Err(Status::Invalid("date", "date is in the future"));
    if (*d < e.person.birth) return Err(Status::Invalid("date", "date is before the person's birth"));
    on = *d;
  }
  audit::Entry a = c.Stamp("care_status");
  a.record_type = "person";
  a.record_id = id;
  a.orgunit_id = e.person.orgunit;
  a.detail = json{{"status", status}, {"date", FormatDate(on)}, {"reason", reason}}.dump(-1, ' ', false, json::error_handler_t::replace);
  if (status == "active") {
    if (Status st = svc->ClearFollowUp(id, a); !st.ok()) return Err(st);
    return Json(200, {{"person_id", id}, {"status", "active"}});
  }
  FollowUp f{id, status, FormatDate(on), reason, c.who.username, NowIso()};
  if (Status st = svc->SetFollowUp(f, a); !st.ok()) return Err(st);
  log::Info("care_status", {{"person", id}, {"status", status}, {"user", c.who.username}});
  return Json(200, {{"person_id", id}, {"status", f.status}, {"date", f.date}, {"reason", f.reason}, {"by", f.by}, {"at", f.at}});
}

// Every live record of `type` under `orgunit` ("" = everywhere), page by page.
Status ListAll(store::Store& store, const std::string& type, const std::string& orgunit, std::vector<store::Record>* out) {
  store::ListQuery q;
  q.type = type;
  q.orgunit = orgunit;
  q.limit = 1000;
  for (;;) {
    std::vector<store::Record> page;
    U5_RETURN_IF_ERROR(store.List(q, &page));
    out->insert(out->end(), page.begin(), page.end());
    if (static_cast<int>(page.size()) < q.limit) return Status::Ok();
    q.after = page.back().id;
  }
}

// Deaths on the worklist of the org unit (care/deaths.h): notifications to
// complete, deaths awaiting review (the review board only), actions falling
// due for their owner org unit. Overdue items are the alerts.
http::Response DeathFollowUpsRoute(http::Call& c) {
  Service* svc = Engine(c);
  if (!svc) return Err(kNotRunning);
  std::string ou;
  if (auto refused = Scope(c, &ou)) return *refused;
  std::vector<store::Record> records;
  for (const char* t : {"death", "stillbirth", "death_review"})
    if (Status st = ListAll(c.store, t, ou, &records); !st.ok()) return Err(st);
  // An action is its owner's to carry out, wherever the death was: all are read, those owned in scope kept.
  std::vector<store::Record> actions;
  if (Status st = ListAll(c.store, "review_action", "", &actions); !st.ok()) return Err(st);
  for (auto& a : actions) {
    const json b = json::parse(a.body, nullptr, false);
    if (b.is_object() && b.contains("owner_orgunit") && CanSee(c.store, c.who, b["owner_orgunit"]) &&
        c.store.InSubtree(ou, b["owner_orgunit"].get<std::string>()))
      records.push_back(std::move(a));
  }
  const FollowUpScope scope{.reviews = auth::Can(c.who, auth::kDeathReview)};
  json items = json::array();
  http::AuditNote note{.via = "death_followups", .record_type = "person", .orgunit = ou};
  for (const DeathFollowUp& f : DeathFollowUps(svc->death_deadlines(), records, svc->clock().Now(), scope)) {
    items.push_back(FollowUpJson(f));
    note.records.push_back(f.person_id);
  }
  // The notification deadline too, so a list of deaths can say which were notified in time.
  http::Response r = Json(200, {{"orgunit", ou}, {"notification_within_hours", svc->death_deadlines().notification_within_hours}, {"items", items}});
  r.audit = std::move(note);
  return r;
}

// The vaccine series of the schedule in use (data/schedules/epi.json, or the
// province's file): which vaccines and newborn flag count for each series and
// its doses in order with their names and ages, so that an offline client lays
// out a child's whole immunization card from its own records, counting doses as
// the engine does (plan.cpp Chain) (docs/web.md "Offline").
std::string SpanText(const Span& s) { return std::to_string(s.n) + s.unit; }

http::Response ScheduleRoute(http::Call& c) {
  Service* svc = Engine(c);
  if (!svc) return Err(kNotRunning);
  json series = json::array();
  for (const Series& s : svc->schedule().series()) {
    json doses = json::array();
    for (const Dose& d : s.doses) {
      json dj = {{"id", d.id}, {"dose", d.label}, {"label_vi", d.label_vi}, {"label_en", d.label_en}, {"off", d.prov.Off()},
                 {"min_age", SpanText(d.min_age)}, {"due_age", SpanText(d.due_age)}};
      if (d.max_age) dj["max_age"] = SpanText(*d.max_age);
      if (d.min_interval) dj["min_interval"] = SpanText(*d.min_interval);
      doses.push_back(std::move(dj));
    }
    series.push_back({{"id", s.id}, {"label_vi", s.label_vi}, {"label_en", s.label_en}, {"vaccines", s.vaccines},
                      {"newborn_flag", s.newborn_flag}, {"doses", doses}});
  }
  return Json(200, {{"series", series}});
}

}  // namespace

http::Routes Routes() {
  using http::Audit;
  return {
      {"GET", "worklist", auth::kPersonRead, Audit::person_read, WorklistRoute, false, true},
      {"GET", "alerts", auth::kPersonRead, Audit::person_read, Alerts, false, true},
      {"GET", "death-followups", auth::kPersonRead, Audit::person_read, DeathFollowUpsRoute, false, true},
      {"POST", "alerts/{id}/ack", auth::kPersonWrite, Audit::write, AckAlert},
      {"GET", "persons/{id}/due", auth::kPersonRead, Audit::person_read, PersonDue},
      {"GET", "care/schedule", "", Audit::none, ScheduleRoute},
      {"POST", "persons/{id}/care-status", auth::kPersonWrite, Audit::write, FollowUpRoute},
  };
}

}  // namespace u5::care
