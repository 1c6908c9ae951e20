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
  json items = json::array();
  http::AuditNote note;
  note.via = "alerts";
  note.record_type = "person";
  note.orgunit = ou;
  Status st = svc->ForEachIn(ou, [&](const Entry& e) {
    for (const auto& a : e.alerts) {
      if (!a.ActiveOn(on)) continue;
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
  const DueList dl = Evaluate(e.plan, on);
  json items = json::array(), alerts = json::array();
  for (const auto& v : dl.items) items.push_back(ItemJson(svc->schedule(), v));
  for (const auto& a : e.alerts)
    if (a.ActiveOn(on)) alerts.push_back(AlertJson(a));
  http::Response r = Json(200, {{"person_id", id}, {"date", FormatDate(on)}, {"dead", e.plan.dead},
                                {"next_visit", dl.next_visit ? json(FormatDate(*dl.next_visit)) : json(nullptr)},
                                {"items", items}, {"alerts", alerts}});
  // One person: the entry names them as a single-record read does.
  r.audit = http::AuditNote{.via = "due", .record_type = "person", .record_id = id, .orgunit = e.person.orgunit};
  return r;
}

}  // namespace

http::Routes Routes() {
  using http::Audit;
  return {
      {"GET", "worklist", auth::kPersonRead, Audit::person_read, WorklistRoute, false, true},
      {"GET", "alerts", auth::kPersonRead, Audit::person_read, Alerts, false, true},
      {"POST", "alerts/{id}/ack", auth::kPersonWrite, Audit::write, AckAlert},
      {"GET", "persons/{id}/due", auth::kPersonRead, Audit::person_read, PersonDue},
  };
}

}  // namespace u5::care
