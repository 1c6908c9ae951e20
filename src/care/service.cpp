#include "care/service.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <thread>

#include "store/attached.h"
#include "store/care_acks.h"

namespace u5::care {
namespace {

// Above this many queued persons one full reload is cheaper than a read each.
constexpr size_t kRebuildThreshold = 20000;

}  // namespace

Status LoadHistories(store::Store& store, const std::function<void(History&&)>& fn, LoadStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  store::HistoryQuery q;
  q.event_types = UsedTypes();
  q.person_fields = {"village"};
  size_t n_persons = 0, n_events = 0;
  U5_RETURN_IF_ERROR(store.ForEachHistory(q, [&](const store::PersonRow& p, std::span<const store::EventRow> events) {
    History h;
    h.person.id = p.id;
    h.person.orgunit = p.orgunit_id;
    h.person.full_name = p.full_name;
    h.person.sex = p.sex;
    h.person.birth = ParseDate(p.birth_date).value_or(Date{});
    if (p.phone) h.person.phone = *p.phone;
    if (p.mother_id) h.person.mother_id = *p.mother_id;
    if (p.fields[0]) h.person.village = *p.fields[0];
    h.events.reserve(events.size());
    for (const store::EventRow& e : events) {
      const Date d = ParseDate(e.date).value_or(Date{});
      const std::string type(e.type);
      if (type == "death") h.death = h.death ? std::min(*h.death, d) : d;
      h.events.push_back(FactFromBody(std::string(e.id), type, std::string(e.pregnancy_id.value_or("")), d, e.body));
    }
    n_events += h.events.size();
    ++n_persons;
    fn(std::move(h));
    return Status::Ok();
  }));
  if (stats) {
    stats->persons = n_persons;
    stats->events = n_events;
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return Status::Ok();
}

Service::Service(store::Store& store, Schedule schedule) : store_(store), schedule_(std::move(schedule)) {}

Service::~Service() { store::Attached<Service>::Forget(this); }

Status Service::Open(store::Store& store, const std::string& data_dir,
                     std::unique_ptr<Service>* out) {
  Schedule sched;
  U5_RETURN_IF_ERROR(Schedule::Load(data_dir, &sched));
  std::unique_ptr<Service> s(new Service(store, std::move(sched)));
  U5_RETURN_IF_ERROR(DeathDeadlines::Load(data_dir, &s->deaths_));
  // A child's contact is its mother's phone: read at display time, so a change
  // to the mother queues nothing for the child.
  s->changed_ = std::make_unique<store::ChangedPersons>(store);
  *out = std::move(s);
  return Status::Ok();
}

void Service::Attach(store::Store& store, Service* service) { store::Attached<Service>::Set(store, service); }

Service* Service::For(store::Store& store) { return store::Attached<Service>::For(store); }

void ListBounds(const Plan& plan, const std::vector<Alert>& alerts, Date* wake, Date* until) {
  constexpr Date kNever{INT32_MAX}, kEver{INT32_MIN};
  *wake = kNever;
  *until = kEver;
  if (plan.dead) return;
  // Evaluate only moves windows later (a later previous dose, today), so the
  // recorded due date is the earliest an open item can be listed, and the
  // recorded maximum the last day it can still be open.
  for (const auto& it : plan.items) {
    if (it.done) continue;
    *wake = std::min(*wake, it.due);
    *until = std::max(*until, it.max.value_or(kNever));
  }
  for (const auto& a : alerts) {
    *wake = std::min(*wake, a.from);
    *until = std::max(*until, a.until.value_or(kNever));
  }
  // Nothing of a child is listed from the fifth birthday (Evaluate).
  if (plan.child) *until = std::min(*until, Date{Span{60, 'm'}.After(plan.birth).days - 1});
}

void Service::Unindex(const uint32_t* b) {
  auto it = by_orgunit_.find(BlockOrgunit(b));
  if (it == by_orgunit_.end()) return;
  auto& rows = it->second;
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].block == b) {
      rows[i] = rows.back();
      rows.pop_back();
      return;
    }
}

Block Service::MakeBlock(const History& h, Packer& packer) const {
  // Computed into an entry of the thread's, whose buffers the next person reuses.
  thread_local Entry e;
  e.person = h.person;
  BuildPlan(schedule_, h, &e.plan);
  BuildAlerts(schedule_, h, e.plan, &e.alerts);
  ListBounds(e.plan, e.alerts, &e.wake, &e.until);
  return packer.Pack(e);
}

void Service::Insert(Block b) {
  const uint32_t* p = b.get();
  by_orgunit_[BlockOrgunit(p)].push_back({BlockWake(p), BlockUntil(p), p});
  const std::string_view key = BlockId(p);
  // try_emplace leaves `b` alone when the key is already there.
  auto [it, added] = entries_.try_emplace(key, std::move(b));
  if (added) return;
  Unindex(it->second.get());
  // The old key views the old block's id, which dies with it.
  auto node = entries_.extract(it);
  node.key() = key;
  node.mapped() = std::move(b);
  entries_.insert(std::move(node));
}

void Service::Put(const History& h) {
  Packer packer(tables_);
  Insert(MakeBlock(h, packer));
}

Status Service::Rebuild(LoadStats* stats) {
  std::unique_lock lock(mu_);
  changed_->Clear();
  entries_.clear();
  by_orgunit_.clear();
  Packer packer(tables_);
  U5_RETURN_IF_ERROR(LoadHistories(store_, [&](History&& h) { Insert(MakeBlock(h, packer)); }, stats));
  built_ = true;
  return Status::Ok();
}

void Service::RecomputeAll(const std::vector<History>& histories) {
  std::unique_lock lock(mu_);
  changed_->Clear();
  // Readers build their own entries from the blocks under the lock, so the
  // old blocks can go at once.
  entries_.clear();
  // Rows emptied, not freed: the same org units fill them again.
  for (auto& [ou, rows] : by_orgunit_) rows.clear();
  std::vector<Block> fresh(histories.size());
  // Each thread builds a contiguous share; blocks are indexed afterwards in
  // history order, so the result does not depend on the threads.
  const size_t n_threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
  std::vector<std::exception_ptr> failed(n_threads);
  auto work = [&](size_t t) {
    try {
      Packer packer(tables_);
      for (size_t i = histories.size() * t / n_threads, end = histories.size() * (t + 1) / n_threads; i < end; ++i)
        fresh[i] = MakeBlock(histories[i], packer);
    } catch (...) {
      failed[t] = std::current_exception();  // rethrown below, as on one thread
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < n_threads; ++t) threads.emplace_back(work, t);
  work(0);
  for (auto& th : threads) th.join();
  for (auto& f : failed)
    if (f) std::rethrow_exception(f);
  entries_.reserve(histories.size());
  for (auto& b : fresh) Insert(std::move(b));
  built_ = true;
}

Status Service::Refresh() {
  if (built_ && changed_->size() == 0) return Status::Ok();
  const std::unordered_set<std::string> dirty = changed_->Take();
  if (!built_ || dirty.size() > kRebuildThreshold) return Rebuild();
  std::unique_lock lock(mu_);
  Packer packer(tables_);
  for (const auto& id : dirty) {
    store::Record p;
    std::vector<store::Record> evs;
    Status st = store_.Handbook(id, &p, &evs);
    if (st.code() == Code::not_found || (st.ok() && p.deleted_at)) {
      auto it = entries_.find(id);
      if (it != entries_.end()) {
        Unindex(it->second.get());
        entries_.erase(it);
      }
      continue;
    }
    U5_RETURN_IF_ERROR(st);
    Insert(MakeBlock(HistoryFromRecords(p, evs), packer));
  }
  return Status::Ok();
}

Status Service::Subtree(const std::string& orgunit, std::vector<std::string>* out) {
  U5_RETURN_IF_ERROR(store_.orgunits().ClosureDescendants(orgunit, out));
  if (out->empty()) out->push_back(orgunit);
  return Status::Ok();
}

Status Service::ForEachIn(const std::string& orgunit, const std::function<void(const Entry&)>& fn) {
  U5_RETURN_IF_ERROR(Refresh());
  std::vector<std::string> units;
  U5_RETURN_IF_ERROR(Subtree(orgunit, &units));
  std::shared_lock lock(mu_);
  Entry e;
  for (const auto& ou : units) {
    auto it = by_orgunit_.find(tables_.names.Find(ou));
    if (it == by_orgunit_.end()) continue;
    for (const auto& r : it->second) {
      Unpack(r.block, tables_, &e);
      fn(e);
    }
  }
  return Status::Ok();
}

Status Service::ForEachCandidate(const std::string& orgunit, Date from, Date to,
                                 const std::function<void(const std::shared_ptr<const Entry>&)>& fn) {
  U5_RETURN_IF_ERROR(Refresh());
  std::vector<std::string> units;
  U5_RETURN_IF_ERROR(Subtree(orgunit, &units));
  std::shared_lock lock(mu_);
  for (const auto& ou : units) {
    auto it = by_orgunit_.find(tables_.names.Find(ou));
    if (it == by_orgunit_.end()) continue;
    for (const auto& r : it->second)
      if (r.wake <= std::max(from, to) && from <= r.until) {
        auto e = std::make_shared<Entry>();
        Unpack(r.block, tables_, e.get());
        fn(e);
      }
  }
  return Status::Ok();
}

Status Service::ForEachCandidateLite(const std::string& orgunit, Date from, Date to,
                                     const std::function<void(const Candidate&)>& fn) {
  U5_RETURN_IF_ERROR(Refresh());
  std::vector<std::string> units;
  U5_RETURN_IF_ERROR(Subtree(orgunit, &units));
  std::shared_lock lock(mu_);
  Entry e;
  for (const auto& ou : units) {
    auto it = by_orgunit_.find(tables_.names.Find(ou));
    if (it == by_orgunit_.end()) continue;
    for (const auto& r : it->second)
      if (r.wake <= std::max(from, to) && from <= r.until) {
        UnpackLite(r.block, tables_, &e);
        fn(Candidate{e, r.block, tables_});
      }
  }
  return Status::Ok();
}

Status Service::Get(const std::string& person_id, Entry* out) {
  U5_RETURN_IF_ERROR(Refresh());
  std::shared_lock lock(mu_);
  auto it = entries_.find(person_id);
  if (it == entries_.end()) return Status::NotFound("no person " + person_id);
  Unpack(it->second.get(), tables_, out);
  return Status::Ok();
}

bool Service::Contact(const std::string& person_id, Person* out) {
  std::shared_lock lock(mu_);
  auto it = entries_.find(person_id);
  if (it == entries_.end()) return false;
  UnpackPerson(it->second.get(), tables_, out);
  return true;
}

std::shared_ptr<const Entry> Service::Snapshot(const std::string& person_id) {
  std::shared_lock lock(mu_);
  auto it = entries_.find(person_id);
  if (it == entries_.end()) return nullptr;
  auto e = std::make_shared<Entry>();
  Unpack(it->second.get(), tables_, e.get());
  return e;
}

Status Service::Acknowledge(const Ack& a, const audit::Entry& audit) {
  return store_.care_acks().Put({a.alert_id, a.person_id, a.rule, a.by, a.at, a.note}, audit);
}

Status Service::Acks(std::map<std::string, Ack>* out) {
  std::vector<store::CareAck> rows;
  U5_RETURN_IF_ERROR(store_.care_acks().List(&rows));
  for (auto& r : rows) (*out)[r.alert_id] = Ack{r.alert_id, r.person_id, r.rule, r.by, r.at, r.note};
  return Status::Ok();
}

Status Service::SetFollowUp(const FollowUp& f, const audit::Entry& audit) { return store_.care_acks().PutStatus(f, audit); }

Status Service::ClearFollowUp(const std::string& person_id, const audit::Entry& audit) {
  return store_.care_acks().ClearStatus(person_id, audit);
}

Status Service::FollowUps(std::unordered_map<std::string, FollowUp>* out) {
  std::vector<FollowUp> rows;
  U5_RETURN_IF_ERROR(store_.care_acks().ListStatuses(&rows));
  out->clear();
  for (auto& r : rows) {
    std::string id = r.person_id;
    out->emplace(std::move(id), std::move(r));
  }
  return Status::Ok();
}

}  // namespace u5::care
