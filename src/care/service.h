// The care service of a process: every person's plan and alerts in memory
// (packed, packed.h), recomputed for one person after each committed write
// (store listener, applied before the next read), and the health workers' acknowledgements of alerts
// (table care_alert_ack). Thread-safe.
#pragma once
#include <atomic>
#include <map>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "care/alerts.h"
#include "care/deaths.h"
#include "care/packed.h"
#include "care/plan.h"
#include "care/schedule.h"
#include "snapshot/keeper.h"
#include "store/attached.h"
#include "store/care_acks.h"
#include "store/store.h"

namespace u5::care {

// The bounds above for a computed plan and its alerts.
void ListBounds(const Plan& plan, const std::vector<Alert>& alerts, Date* wake, Date* until);

struct Ack {
  std::string alert_id, person_id, rule, by, at, note;
};

// A person the commune no longer follows (moved away, not found): off the
// worklists, still in the registry and in every indicator (docs/care.md).
using FollowUp = store::CarePersonStatus;

struct LoadStats {
  size_t persons = 0, events = 0;
  double seconds = 0;
};

class Service {
 public:
  static Status Open(store::Store& store, const std::string& data_dir,
                     std::unique_ptr<Service>* out);
  ~Service();
  static void Attach(store::Store& store, Service* service);
  static Service* For(store::Store& store);

  const Schedule& schedule() const { return schedule_; }
  // Deadlines of death notification, review and actions (schedules/deaths.json).
  const DeathDeadlines& death_deadlines() const { return deaths_; }
  // "Now" of the death deadlines: the system clock, a fake one in tests.
  const Clock& clock() const { return *clock_.load(); }
  void SetClock(const Clock* c) { clock_.store(c ? c : &Clock::System()); }
  // Reads everyone from the database and recomputes every plan.
  Status Rebuild(LoadStats* stats = nullptr);
  // Applies queued changes (building everything on first use: from the
  // snapshot when a path is set and it fits, snapshot/keeper.h).
  Status Refresh();
  // Where the snapshot of the entries is kept (`<db>.engines/care.snap`); set
  // before the first Refresh. Empty (the default): none, a start rebuilds.
  void SetSnapshotPath(std::string path);
  // How the first build went (from the snapshot, or why not; persons replayed).
  snapshot::StartReport start_report() {
    std::lock_guard k(keeper_mu_);
    return start_report_;
  }
  // Brings the snapshot up to the change log's head (the server's checkpoint
  // rounds); *seq: the position it holds, 0 with no path or nothing built yet.
  Status Checkpoint(int64_t* seq = nullptr);
  // Replays what the change log says changed since the last position, without
  // writing the snapshot: other processes' and servers' writes (the server's
  // follow rounds). Does nothing without a snapshot path or before the build.
  Status Follow(int64_t* seq = nullptr);
  // The layout of the snapshot's sections: bump it when a packed struct or
  // what BuildPlan, BuildAlerts or LoadHistories compute changes.
  static constexpr uint32_t kSnapshotFormat = 1;
  // The entries and their tables as snapshot sections, and back (Invalid,
  // field "snapshot", when a section does not decode; nothing is changed then).
  Status Save(snapshot::Writer& w);
  Status Load(const snapshot::Reader& r);
  // Re-reads these persons from the store (absent and deleted ones are removed).
  Status Replay(const std::vector<std::string>& person_ids);

  // Calls `fn` for each living person filed under `orgunit` or below (closure table), under a read lock.
  Status ForEachIn(const std::string& orgunit, const std::function<void(const Entry&)>& fn);
  // As ForEachIn, for the persons whose bounds allow a listing on [from, to]
  // (a superset of those listed); each entry is the caller's to keep.
  Status ForEachCandidate(const std::string& orgunit, Date from, Date to,
                          const std::function<void(const std::shared_ptr<const Entry>&)>& fn);
  // A candidate as a worklist reads it: its entry without the strings of its
  // items and alerts (UnpackLite: valid during the call only), and those strings
  // for the few items and alerts it lists.
  struct Candidate {
    const Entry& lite;
    const uint32_t* block;
    const Tables& tables;
    void ItemText(size_t i, Item* out) const { UnpackItemText(block, tables, i, out); }
    void AlertText(size_t i, Alert* out) const { UnpackAlertText(block, tables, i, out); }
  };
  // As ForEachCandidate, without building every candidate's entry whole.
  Status ForEachCandidateLite(const std::string& orgunit, Date from, Date to, const std::function<void(const Candidate&)>& fn);
  // A copy of one person's entry; NotFound when absent or deleted.
  Status Get(const std::string& person_id, Entry* out);
  // Name and phone of a person (for a child's mother): the person alone, no plan built.
  bool Contact(const std::string& person_id, Person* out);
  // The current entry of a person (built for the caller); null when absent.
  std::shared_ptr<const Entry> Snapshot(const std::string& person_id);

  // Records the acknowledgement and its audit entry in one transaction.
  Status Acknowledge(const Ack& ack, const audit::Entry& audit);
  Status Acks(std::map<std::string, Ack>* out);
  // Follow-up statuses, each written with its audit entry in one transaction.
  Status SetFollowUp(const FollowUp& f, const audit::Entry& audit);
  Status ClearFollowUp(const std::string& person_id, const audit::Entry& audit);
  // Every person's status, by person id (a small table, read per worklist so
  // that every process sees the others' writes).
  Status FollowUps(std::unordered_map<std::string, FollowUp>* out);
  // The org unit and every unit below it (closure table).
  Status Subtree(const std::string& orgunit, std::vector<std::string>* out);

  // Recomputes every plan from the given histories (a schedule edit; benchmarks).
  void RecomputeAll(const std::vector<History>& histories);

 private:
  Service(store::Store& store, Schedule schedule);
  void Put(const History& h);
  // Computes a person's plan, alerts and bounds into a block.
  Block MakeBlock(const History& h, Packer& packer) const;
  void Insert(Block b);
  void Unindex(const uint32_t* b);
  // Re-reads one person, under the exclusive lock.
  Status Reread(const std::string& id, Packer& packer);

  store::Store& store_;
  // Set once: the names of items are numbers into tables_ made from it, so
  // replacing it would require recomputing every entry under the same exclusive lock.
  Schedule schedule_;
  DeathDeadlines deaths_;
  std::atomic<const Clock*> clock_{&Clock::System()};
  std::shared_mutex mu_;
  // Names and shapes the blocks refer to: grown under the exclusive lock
  // only (by the packers of a write), read under the shared one.
  std::unique_ptr<Tables> tables_ = std::make_unique<Tables>();
  // Tables replaced by a snapshot's: kept, since entries built before may view their names.
  std::vector<std::unique_ptr<Tables>> retired_;
  // The key views the block's own person id (re-keyed whenever it is replaced).
  std::unordered_map<std::string_view, Block> entries_;
  struct Row {
    Date wake, until;
    const uint32_t* block;
  };
  // Each org unit's persons (by its number in tables_.names): a worklist scans its own compact rows only.
  std::unordered_map<uint32_t, std::vector<Row>> by_orgunit_;
  // Refreshes, then calls `fn` on every row filed under `orgunit` or below, under the read lock.
  template <class Fn>
  Status ForEachRowIn(const std::string& orgunit, Fn&& fn);
  std::atomic<bool> built_{false};
  std::unique_ptr<store::ChangedPersons> changed_;
  // Serializes the first build and the checkpoints (a Keeper is not thread-safe).
  std::mutex keeper_mu_;
  std::unique_ptr<snapshot::Keeper> keeper_;
  snapshot::StartReport start_report_;
};

// Loads every living person's history from the store, each person once (in no particular order).
Status LoadHistories(store::Store& store, const std::function<void(History&&)>& fn, LoadStats* stats);

}  // namespace u5::care
