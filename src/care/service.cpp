#include "care/service.h"

#include <algorithm>
#include <chrono>
#include <cstring>
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
  // Computed into a plan and alerts of the thread's, whose buffers the next person reuses.
  thread_local Plan plan;
  thread_local std::vector<Alert> alerts;
  BuildPlan(schedule_, h, &plan);
  BuildAlerts(schedule_, h, plan, &alerts);
  Date wake, until;
  ListBounds(plan, alerts, &wake, &until);
  return packer.Pack(h.person, plan, alerts, wake, until);
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
  Packer packer(*tables_);
  Insert(MakeBlock(h, packer));
}

Status Service::Rebuild(LoadStats* stats) {
  std::unique_lock lock(mu_);
  changed_->Clear();
  entries_.clear();
  by_orgunit_.clear();
  Packer packer(*tables_);
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
      Packer packer(*tables_);
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

Status Service::Reread(const std::string& id, Packer& packer) {
  store::Record p;
  std::vector<store::Record> evs;
  Status st = store_.Handbook(id, &p, &evs);
  if (st.code() == Code::not_found || (st.ok() && p.deleted_at)) {
    auto it = entries_.find(id);
    if (it != entries_.end()) {
      Unindex(it->second.get());
      entries_.erase(it);
    }
    return Status::Ok();
  }
  U5_RETURN_IF_ERROR(st);
  Insert(MakeBlock(HistoryFromRecords(p, evs), packer));
  return Status::Ok();
}

Status Service::Refresh() {
  if (built_ && changed_->size() == 0) return Status::Ok();
  if (!built_) {
    std::lock_guard k(keeper_mu_);
    // Another request may have built it while this one waited.
    if (!built_) return keeper_ ? keeper_->Start(&start_report_) : Rebuild();
  }
  const std::unordered_set<std::string> dirty = changed_->Take();
  if (dirty.size() > kRebuildThreshold) return Rebuild();
  std::unique_lock lock(mu_);
  Packer packer(*tables_);
  for (const auto& id : dirty) U5_RETURN_IF_ERROR(Reread(id, packer));
  return Status::Ok();
}

Status Service::Replay(const std::vector<std::string>& person_ids) {
  if (person_ids.size() > kRebuildThreshold) return Rebuild();
  std::unique_lock lock(mu_);
  Packer packer(*tables_);
  for (const auto& id : person_ids) U5_RETURN_IF_ERROR(Reread(id, packer));
  return Status::Ok();
}

void Service::SetSnapshotPath(std::string path) {
  std::lock_guard k(keeper_mu_);
  if (path.empty()) {
    keeper_.reset();
    return;
  }
  snapshot::Engine e;
  e.kind = "care";
  e.format = kSnapshotFormat;
  // Entries depend on the records and the schedule only: org units are read
  // per query (Subtree), acknowledgements and follow-ups from their tables.
  e.inputs = schedule_.source_hash();
  e.load = [this](const snapshot::Reader& r) { return Load(r); };
  e.save = [this](snapshot::Writer& w) { return Save(w); };
  e.rebuild = [this] { return Rebuild(); };
  e.replay = [this](const std::vector<std::string>& ids) { return Replay(ids); };
  keeper_ = std::make_unique<snapshot::Keeper>(store_, std::move(path), std::move(e));
}

Status Service::Checkpoint(int64_t* seq) {
  std::lock_guard k(keeper_mu_);
  if (seq) *seq = 0;
  // Before the first build the keeper is not started: a checkpoint would rebuild beside it.
  if (!keeper_ || !built_) return Status::Ok();
  U5_RETURN_IF_ERROR(keeper_->Checkpoint());
  if (seq) *seq = keeper_->seq();
  return Status::Ok();
}

Status Service::Follow(int64_t* seq) {
  std::lock_guard k(keeper_mu_);
  if (seq) *seq = 0;
  if (!keeper_ || !built_) return Status::Ok();
  U5_RETURN_IF_ERROR(keeper_->Follow());
  if (seq) *seq = keeper_->seq();
  return Status::Ok();
}

namespace {

constexpr size_t kChunkBytes = 8 << 20;  // a section of blocks: what a save holds at once besides the state

Status Corrupt(const std::string& what) { return Status::Invalid("snapshot", "care snapshot: " + what); }

std::string Strings(const Interner& in) {
  snapshot::Encoder e;
  e.U32(in.size());
  for (uint32_t i = 0; i < in.size(); ++i) e.Str(in.At(i));
  return e.Take();
}

// Adds the strings in their order: each must get its position ("" first, no repeats).
bool ReadStrings(std::string_view bytes, Interner* in) {
  snapshot::Decoder d(bytes);
  uint32_t n = 0;
  if (!d.U32(&n)) return false;
  std::string s;
  for (uint32_t i = 0; i < n; ++i)
    if (!d.Str(&s) || in->Add(s, false) != i) return false;
  return d.done();
}

}  // namespace

Status Service::Save(snapshot::Writer& w) {
  std::shared_lock lock(mu_);
  U5_RETURN_IF_ERROR(w.Section("names", Strings(tables_->names)));
  U5_RETURN_IF_ERROR(w.Section("shapes", Strings(tables_->shapes)));
  // Blocks back to back (each starts with its size), in sections of a few
  // MiB so that a save does not hold a second copy of the state.
  std::string chunk;
  uint32_t chunks = 0;
  auto flush = [&]() -> Status {
    if (chunk.empty()) return Status::Ok();
    U5_RETURN_IF_ERROR(w.Section("blocks." + std::to_string(chunks++), chunk));
    chunk.clear();
    return Status::Ok();
  };
  for (const auto& [id, b] : entries_) {
    chunk.append(reinterpret_cast<const char*>(b.get()), BlockBytes(b.get()));
    if (chunk.size() >= kChunkBytes) U5_RETURN_IF_ERROR(flush());
  }
  U5_RETURN_IF_ERROR(flush());
  snapshot::Encoder meta;
  meta.I64(static_cast<int64_t>(entries_.size()));
  meta.U32(chunks);
  return w.Section("meta", meta.bytes());
}

Status Service::Load(const snapshot::Reader& r) {
  std::string_view meta_bytes, names, shapes;
  if (!r.Section("meta", &meta_bytes).ok() || !r.Section("names", &names).ok() || !r.Section("shapes", &shapes).ok())
    return Corrupt("a section is missing");
  snapshot::Decoder meta(meta_bytes);
  int64_t persons = 0;
  uint32_t chunks = 0;
  if (!meta.I64(&persons) || !meta.U32(&chunks) || !meta.done() || persons < 0) return Corrupt("meta");
  auto tables = std::make_unique<Tables>();
  if (!ReadStrings(names, &tables->names) || !ReadStrings(shapes, &tables->shapes) || !ValidShapes(tables.get()))
    return Corrupt("names or shapes");
  std::vector<Block> blocks;
  blocks.reserve(static_cast<size_t>(std::min<int64_t>(persons, 1 << 24)));
  for (uint32_t c = 0; c < chunks; ++c) {
    std::string_view rest;
    if (!r.Section("blocks." + std::to_string(c), &rest).ok()) return Corrupt("blocks." + std::to_string(c) + " is missing");
    while (!rest.empty()) {
      uint32_t size = 0;
      if (rest.size() < sizeof size) return Corrupt("a block is cut");
      std::memcpy(&size, rest.data(), sizeof size);
      if (size < sizeof size || size % 4 || size > rest.size()) return Corrupt("a block's size");
      Block b(new uint32_t[size / 4]);
      std::memcpy(b.get(), rest.data(), size);
      if (!ValidBlock(b.get(), size, *tables)) return Corrupt("a block does not decode");
      blocks.push_back(std::move(b));
      rest.remove_prefix(size);
    }
  }
  if (static_cast<int64_t>(blocks.size()) != persons) return Corrupt("the number of persons");
  {
    std::unordered_set<std::string_view> ids;
    ids.reserve(blocks.size());
    for (const auto& b : blocks)
      if (!ids.insert(BlockId(b.get())).second) return Corrupt("a person twice");
  }
  std::unique_lock lock(mu_);
  entries_.clear();
  by_orgunit_.clear();
  if (tables_->names.size() > 1 || tables_->shapes.size() > 1) retired_.push_back(std::move(tables_));
  tables_ = std::move(tables);
  entries_.reserve(blocks.size());
  for (auto& b : blocks) Insert(std::move(b));
  built_ = true;
  return Status::Ok();
}

Status Service::Subtree(const std::string& orgunit, std::vector<std::string>* out) {
  U5_RETURN_IF_ERROR(store_.orgunits().ClosureDescendants(orgunit, out));
  if (out->empty()) out->push_back(orgunit);
  return Status::Ok();
}

template <class Fn>
Status Service::ForEachRowIn(const std::string& orgunit, Fn&& fn) {
  U5_RETURN_IF_ERROR(Refresh());
  std::vector<std::string> units;
  U5_RETURN_IF_ERROR(Subtree(orgunit, &units));
  std::shared_lock lock(mu_);
  for (const auto& ou : units) {
    auto it = by_orgunit_.find(tables_->names.Find(ou));
    if (it == by_orgunit_.end()) continue;
    for (const Row& r : it->second) fn(r);
  }
  return Status::Ok();
}

Status Service::ForEachIn(const std::string& orgunit, const std::function<void(const Entry&)>& fn) {
  Entry e;
  return ForEachRowIn(orgunit, [&](const Row& r) {
    Unpack(r.block, *tables_, &e);
    fn(e);
  });
}

Status Service::ForEachCandidate(const std::string& orgunit, Date from, Date to,
                                 const std::function<void(const std::shared_ptr<const Entry>&)>& fn) {
  return ForEachRowIn(orgunit, [&](const Row& r) {
    if (r.wake > std::max(from, to) || from > r.until) return;
    auto e = std::make_shared<Entry>();
    Unpack(r.block, *tables_, e.get());
    fn(e);
  });
}

Status Service::ForEachCandidateLite(const std::string& orgunit, Date from, Date to,
                                     const std::function<void(const Candidate&)>& fn) {
  Entry e;
  return ForEachRowIn(orgunit, [&](const Row& r) {
    if (r.wake > std::max(from, to) || from > r.until) return;
    UnpackLite(r.block, *tables_, &e);
    fn(Candidate{e, r.block, *tables_});
  });
}

Status Service::Get(const std::string& person_id, Entry* out) {
  U5_RETURN_IF_ERROR(Refresh());
  std::shared_lock lock(mu_);
  auto it = entries_.find(person_id);
  if (it == entries_.end()) return Status::NotFound("no person " + person_id);
  Unpack(it->second.get(), *tables_, out);
  return Status::Ok();
}

bool Service::Contact(const std::string& person_id, Person* out) {
  std::shared_lock lock(mu_);
  auto it = entries_.find(person_id);
  if (it == entries_.end()) return false;
  UnpackPerson(it->second.get(), *tables_, out);
  return true;
}

std::shared_ptr<const Entry> Service::Snapshot(const std::string& person_id) {
  std::shared_lock lock(mu_);
  auto it = entries_.find(person_id);
  if (it == entries_.end()) return nullptr;
  auto e = std::make_shared<Entry>();
  Unpack(it->second.get(), *tables_, e.get());
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
