#include "emergency/service.h"

#include <algorithm>

#include "auth/roles.h"
#include "auth/scope.h"
#include "core/id.h"
#include "core/log.h"
#include "store/attached.h"
#include "store/emergencies.h"

namespace u5::emergency {

using nlohmann::json;

// One subscriber's queue of server-sent events. A writer only appends and
// wakes the connection; a client that falls more than `max_queued` bytes
// behind is dropped (its EventSource reconnects and reloads the list), so a
// slow phone never holds up the others.
class Subscriber final : public http::StreamSource {
 public:
  Subscriber(auth::Principal who, std::string remote, size_t max_queued)
      : who_(std::move(who)), remote_(std::move(remote)), max_queued_(max_queued) {}

  void Start(std::function<void()> wake) override {
    std::lock_guard lock(mu_);
    wake_ = std::move(wake);
  }
  bool Take(std::string* out) override {
    std::lock_guard lock(mu_);
    if (dropped_) return false;
    *out = std::move(queued_);
    queued_.clear();
    return true;
  }
  void Stop() override {
    std::lock_guard lock(mu_);
    stopped_ = true;
    wake_ = nullptr;
  }

  // Queues one event; false when the subscriber is gone.
  bool Push(const std::string& event) {
    std::function<void()> wake;
    {
      std::lock_guard lock(mu_);
      if (stopped_) return false;
      if (queued_.size() + event.size() > max_queued_) dropped_ = true;
      else queued_ += event;
      wake = wake_;
    }
    if (wake) wake();
    return true;
  }

  const auth::Principal& who() const { return who_; }
  const std::string& remote() const { return remote_; }

 private:
  const auth::Principal who_;
  const std::string remote_;
  const size_t max_queued_;
  std::mutex mu_;
  std::string queued_;
  std::function<void()> wake_;
  bool dropped_ = false, stopped_ = false;
};

namespace {

std::string SseEvent(const char* name, const std::string& data) {
  return std::string("event: ") + name + "\ndata: " + data + "\n\n";
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

Service::Service(store::Store& store, Config cfg, const Clock& clock) : store_(store), cfg_(std::move(cfg)), clock_(clock) {}

Service::~Service() {
  {
    std::lock_guard lock(tick_mu_);
    stopping_ = true;
  }
  tick_cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  FlushStreamAudit();
  store::Attached<Service>::Forget(this);
}

void Service::Attach(store::Store& store, Service* service) { store::Attached<Service>::Set(store, service); }
Service* Service::For(store::Store& store) { return store::Attached<Service>::For(store); }

int64_t Service::Now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
}

Status Service::Create(const NewCase& in, const auth::Principal& who, const audit::Entry& stamp, Case* out) {
  if (!cfg_.HasKind(in.patient_kind))
    return Status::Invalid("patient_kind", "patient_kind must be one of the configured kinds (mother, newborn, child)");
  if (!cfg_.FindLevel(in.level)) return Status::Invalid("level", "unknown level '" + in.level + "'");
  const Reason* reason = cfg_.FindReason(in.reason);
  if (!reason) return Status::Invalid("reason", "unknown reason '" + in.reason + "'");
  if (std::find(reason->patient.begin(), reason->patient.end(), in.patient_kind) == reason->patient.end())
    return Status::Invalid("reason", "reason " + in.reason + " does not apply to a " + in.patient_kind);
  store::OrgUnit from, to;
  if (in.from_orgunit.empty()) return Status::Invalid("from_orgunit", "from_orgunit is required");
  if (!store_.orgunits().Get(in.from_orgunit, &from).ok())
    return Status::Invalid("from_orgunit", "unknown org unit '" + in.from_orgunit + "'");
  if (from.kind != "facility" && from.kind != "commune")
    return Status::Invalid("from_orgunit", "an alert is sent from a facility or a commune");
  if (!auth::CanSee(store_, who, in.from_orgunit))
    return Status::Forbidden("from_orgunit " + in.from_orgunit + " is outside your org units", "from_orgunit");
  if (in.to_orgunit.empty()) return Status::Invalid("to_orgunit", "to_orgunit is required");
  if (!store_.orgunits().Get(in.to_orgunit, &to).ok() || to.kind != "facility")
    return Status::Invalid("to_orgunit", "to_orgunit must be a facility");
  if (in.to_orgunit == in.from_orgunit) return Status::Invalid("to_orgunit", "the receiving facility is the sending one");
  Case c;
  if (!in.person_id.empty()) {
    store::Record p;
    if (!store_.Get("person", in.person_id, &p).ok() || p.deleted_at)
      return Status::Invalid("person_id", "unknown person '" + in.person_id + "'");
    if (!auth::Can(who, auth::kPersonRead) || !auth::CanSee(store_, who, p.orgunit_id))
      return Status::Forbidden("person " + in.person_id + " is outside your org units", "person_id");
    c.person_id = p.id;
    c.person_orgunit = p.orgunit_id;
  }
  if (in.patient_label.size() > 200) return Status::Invalid("patient_label", "at most 200 bytes");
  if (in.note.size() > 2000) return Status::Invalid("note", "at most 2000 bytes");
  c.patient_label = in.patient_label;
  if (c.patient_label.empty()) {
    if (c.person_id.empty()) return Status::Invalid("patient_label", "patient_label is required without person_id");
    for (const auto& k : cfg_.patient_kinds)
      if (k.id == in.patient_kind) c.patient_label = k.label_vi;  // a name is not copied where hospitals read it
  }
  const int64_t now = Now();
  c.raised_at = in.raised_at.value_or(now);
  if (c.raised_at > now) return Status::Invalid("raised_at", "the time is in the future");
  if (c.raised_at < now - 7 * 86400) return Status::Invalid("raised_at", "an alert is raised within the last 7 days");
  c.id = NewUuid7();
  c.version = 1;
  c.patient_kind = in.patient_kind;
  c.level = in.level;
  c.reason = in.reason;
  c.from_orgunit = in.from_orgunit;
  c.to_orgunit = in.to_orgunit;
  c.note = in.note;
  c.created_by = who.username;
  store::EmergencyRow row{c.id, 1, "open", FormatInstant(c.raised_at), c.from_orgunit, c.to_orgunit, ToBody(c)};
  audit::Entry e = stamp;
  e.record_type = "emergency";
  e.record_id = c.id;
  e.orgunit_id = c.from_orgunit;
  e.detail = Dump({{"level", c.level}, {"reason", c.reason}, {"to_orgunit", c.to_orgunit}, {"person_id", c.person_id}});
  U5_RETURN_IF_ERROR(store_.emergencies().Insert(row, e));
  Publish(c);
  *out = std::move(c);
  return Status::Ok();
}

Status Service::Get(const std::string& id, Case* out) {
  store::EmergencyRow row;
  U5_RETURN_IF_ERROR(store_.emergencies().Get(id, &row));
  U5_RETURN_IF_ERROR(FromBody(row.body, out));
  out->version = row.version;
  return Status::Ok();
}

Status Service::List(bool open_only, int64_t from, std::vector<Case>* out) {
  std::vector<store::EmergencyRow> rows;
  U5_RETURN_IF_ERROR(store_.emergencies().List(open_only, from > 0 ? FormatInstant(from) : std::string(), &rows));
  out->clear();
  out->reserve(rows.size());
  for (const auto& r : rows) {
    Case c;
    U5_RETURN_IF_ERROR(FromBody(r.body, &c));
    c.version = r.version;
    out->push_back(std::move(c));
  }
  return Status::Ok();
}

Status Service::Step(const std::string& id, const std::string& step, std::optional<int64_t> at, const std::string& outcome,
                     int64_t version, const auth::Principal& who, const audit::Entry& stamp, Case* out) {
  Case c;
  U5_RETURN_IF_ERROR(Get(id, &c));
  if (!Visible(c, who)) return Status::Forbidden("emergency " + id + " is outside your org units");
  const emergency::Step* s = cfg_.FindStep(step);
  if (!s) return Status::Invalid("step", "unknown step '" + step + "'");
  const std::string& side = s->owner == "from" ? c.from_orgunit : c.to_orgunit;
  if (!auth::CanSee(store_, who, side))
    return Status::Forbidden("step " + step + " is entered by the " + (s->owner == "from" ? "sending" : "receiving") + " side",
                             "step");
  if (version != c.version)
    return Status::Conflict("version is " + std::to_string(c.version) + ", not " + std::to_string(version), "version");
  const int64_t now = Now();
  U5_RETURN_IF_ERROR(ApplyStep(&c, cfg_, step, at.value_or(now), outcome, now));
  store::EmergencyRow row{c.id, c.version, c.closed() ? "closed" : "open", FormatInstant(c.raised_at), c.from_orgunit,
                          c.to_orgunit, ToBody(c)};
  audit::Entry e = stamp;
  e.record_type = "emergency";
  e.record_id = c.id;
  e.orgunit_id = side;
  json d = {{"step", step}, {"at", FormatInstant(c.times[step])}};
  if (!outcome.empty()) d["outcome"] = outcome;
  e.detail = Dump(d);
  U5_RETURN_IF_ERROR(store_.emergencies().Update(row, version, e));
  c.version = row.version;
  Publish(c);
  *out = std::move(c);
  return Status::Ok();
}

Status Service::EscalationTarget(const Case& c, const std::string& kind, std::string* orgunit) {
  std::vector<store::OrgUnit> up;
  U5_RETURN_IF_ERROR(store_.orgunits().Ancestors(c.to_orgunit, &up));
  std::string province;
  for (const auto& u : up)
    if (u.kind == "province") province = u.id;
  if (province.empty()) return Status::NotFound("facility " + c.to_orgunit + " has no province");
  if (kind == "coordinator") {
    auto it = cfg_.coordinators.find(province);
    // Without a coordinating facility the alert goes to the province at once.
    if (it != cfg_.coordinators.end() && it->second != c.to_orgunit && store_.OrgUnitExists(it->second)) {
      *orgunit = it->second;
      return Status::Ok();
    }
  }
  *orgunit = province;
  return Status::Ok();
}

size_t Service::Escalate() {
  std::lock_guard lock(escalate_mu_);
  const int64_t now = Now();
  std::vector<Case> open;
  if (Status st = List(true, now - 7 * 86400, &open); !st.ok()) {
    log::Error("emergency_escalate_failed", {{"error", st.ToString()}});
    return 0;
  }
  size_t made = 0;
  for (Case& c : open) {
    const size_t due = EscalationsDue(c, cfg_, now);
    if (due <= c.escalated.size()) continue;
    const int64_t version = c.version;
    for (size_t k = c.escalated.size(); k < due; ++k) {
      std::string target;
      if (!EscalationTarget(c, cfg_.chain[k], &target).ok()) break;
      c.escalated.push_back({target, EscalationDueAt(c, cfg_, k)});
    }
    if (c.escalated.size() < due) continue;  // no province above the facility: nothing to write
    store::EmergencyRow row{c.id, version, "open", FormatInstant(c.raised_at), c.from_orgunit, c.to_orgunit, ToBody(c)};
    audit::Entry e;
    e.username = "system";
    e.action = "emergency_escalate";
    e.record_type = "emergency";
    e.record_id = c.id;
    e.orgunit_id = c.escalated.back().orgunit;
    e.detail = Dump({{"escalations", c.escalated.size()}, {"to", c.escalated.back().orgunit}});
    Status st = store_.emergencies().Update(row, version, e);
    if (st.code() == Code::conflict) continue;  // a step came in meanwhile: the next pass decides again
    if (!st.ok()) {
      log::Error("emergency_escalate_failed", {{"id", c.id}, {"error", st.ToString()}});
      continue;
    }
    c.version = row.version;
    ++made;
    Publish(c);
  }
  return made;
}

void Service::StartTicker(std::chrono::milliseconds every) {
  ticker_ = std::thread([this, every] {
    std::unique_lock lock(tick_mu_);
    while (!stopping_) {
      tick_cv_.wait_for(lock, every, [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      Escalate();
      FlushStreamAudit();
      lock.lock();
    }
  });
}

bool Service::Visible(const Case& c, const auth::Principal& who) {
  if (auth::CanSee(store_, who, c.from_orgunit) || auth::CanSee(store_, who, c.to_orgunit)) return true;
  for (const auto& e : c.escalated)
    if (auth::CanSee(store_, who, e.orgunit)) return true;
  return false;
}

bool Service::SeesName(const Case& c, const auth::Principal& who) {
  return !c.person_id.empty() && auth::Can(who, auth::kPersonRead) && auth::CanSee(store_, who, c.person_orgunit);
}

std::map<std::string, std::string> Service::Names(const Case& c) {
  std::vector<std::string> ids = {c.from_orgunit, c.to_orgunit};
  for (const auto& e : c.escalated) ids.push_back(e.orgunit);
  std::map<std::string, std::string> out;
  std::vector<std::string> missing;
  {
    std::lock_guard lock(names_mu_);
    for (const auto& id : ids)
      if (auto it = names_.find(id); it != names_.end()) out[id] = it->second;
      else missing.push_back(id);
  }
  if (!missing.empty()) {
    std::vector<store::OrgUnitName> got;
    if (store_.OrgUnitNames(missing, "", &got).ok()) {
      std::lock_guard lock(names_mu_);
      for (const auto& n : got) out[n.id] = names_[n.id] = n.name;
    }
  }
  return out;
}

json Service::Render(const Case& c, const auth::Principal& who) {
  std::optional<std::string> name;
  if (SeesName(c, who)) {
    store::Record p;
    if (store_.Get("person", c.person_id, &p).ok()) name = p.full_name;
  }
  return CaseJson(c, cfg_, Names(c), name);
}

std::shared_ptr<http::StreamSource> Service::Subscribe(const auth::Principal& who, const std::string& remote) {
  auto s = std::make_shared<Subscriber>(who, remote, queue_bytes_.load());
  s->Push("retry: 3000\n" + SseEvent("hello", Dump({{"now", FormatInstant(Now())}})));
  std::lock_guard lock(subs_mu_);
  subs_.push_back(s);
  return s;
}

size_t Service::subscribers() const {
  std::lock_guard lock(subs_mu_);
  size_t n = 0;
  for (const auto& w : subs_) n += !w.expired();
  return n;
}

void Service::Publish(const Case& c) {
  std::vector<std::shared_ptr<Subscriber>> subs;
  {
    std::lock_guard lock(subs_mu_);
    subs.reserve(subs_.size());
    std::erase_if(subs_, [&](const std::weak_ptr<Subscriber>& w) {
      auto s = w.lock();
      if (!s) return true;
      subs.push_back(std::move(s));
      return false;
    });
  }
  if (subs.empty()) return;
  // Two renderings at most: with the patient's name and without.
  const auto names = Names(c);
  std::string plain, named;
  std::optional<std::string> person_name;
  for (const auto& s : subs) {
    if (!Visible(c, s->who())) continue;
    const bool with_name = SeesName(c, s->who());
    if (with_name && !person_name) {
      store::Record p;
      person_name = store_.Get("person", c.person_id, &p).ok() ? p.full_name : std::string();
      named = SseEvent("emergency", Dump(CaseJson(c, cfg_, names, person_name)));
    }
    if (!with_name && plain.empty()) plain = SseEvent("emergency", Dump(CaseJson(c, cfg_, names, std::nullopt)));
    if (!s->Push(with_name ? named : plain) || !with_name) continue;
    audit::Entry e;
    e.user_id = s->who().user_id;
    e.username = s->who().username;
    e.remote = s->remote();
    e.action = "read";
    e.record_type = "emergency";
    e.record_id = c.id;
    e.orgunit_id = c.person_orgunit;
    e.detail = Dump({{"via", "emergency_stream"}, {"records", {c.person_id}}});
    std::lock_guard lock(audit_mu_);
    stream_reads_.push_back(std::move(e));
  }
}

void Service::FlushStreamAudit() {
  std::vector<audit::Entry> batch;
  {
    std::lock_guard lock(audit_mu_);
    batch.swap(stream_reads_);
  }
  if (batch.empty()) return;
  if (Status st = store_.AppendAudit(std::move(batch)); !st.ok())
    log::Error("audit_append_failed", {{"action", "read"}, {"via", "emergency_stream"}, {"error", st.ToString()}});
}

}  // namespace u5::emergency
