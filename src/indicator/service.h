// The indicator service of a running process: the catalogue, the matrix kept
// current from the store's change notifications, entered values and edited
// targets. Thread-safe. Changes are queued by the store listener and applied
// before the next read, so a burst of writes (an import) costs one pass.
// With a snapshot path the first build goes through a snapshot::Keeper: the
// engine's state saved by an earlier process plus the persons changed since.
#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "indicator/aggregates.h"
#include "indicator/catalogue.h"
#include "indicator/engine.h"
#include "indicator/evaluate.h"
#include "indicator/interval.h"
#include "indicator/loader.h"
#include "snapshot/keeper.h"
#include "store/attached.h"
#include "store/store.h"

namespace u5::indicator {

struct IndicatorValue {
  const Indicator* indicator = nullptr;
  std::string orgunit;
  Period period;
  bool from_records = false;
  int64_t num = 0, den = 0;
  std::optional<double> value;
  std::string provenance;  // computed_from_registry, or the entered source
  std::string reason;      // when there is no value
  std::vector<EnteredValue> entered;  // shown beside the computed value, each labelled
  // The 95 % interval and small-number mark of a value computed from records
  // (interval.h); entered values (surveys) carry their own design's precision.
  Precision precision;
};

struct FacilityStaff {
  store::OrgUnit unit;
  Staffing staffing;
  std::vector<const Plan*> plans;
};

class Service {
 public:
  // `snapshot_path` "": no snapshot, the first Refresh reads every record.
  static Status Open(store::Store& store, const std::string& data_dir,
                     std::unique_ptr<Service>* out, const std::string& snapshot_path = "");
  ~Service();
  // The snapshot's layout (Engine::Encode and the Fact, DeathRow and Cell
  // structs): bump it when they change, or when fact extraction changes what
  // a record counts as, so that an older file is rebuilt rather than read.
  static constexpr uint32_t kSnapshotFormat = 1;
  // Where the indicator snapshot is kept in a store's engines folder
  // (store::Location::engines_dir, e.g. <db>.engines): "" for no folder.
  static std::string SnapshotPath(const std::string& engines_dir);

  // The service a process attached to a store (the HTTP API finds it this way).
  static void Attach(store::Store& store, Service* service);
  static Service* For(store::Store& store);

  const Catalogue& catalogue() const { return cat_; }
  const Figures& figures() const { return figures_; }
  // Applies queued changes (building the matrix on first use: from the
  // snapshot and the changes after it when there is one, else from every record).
  Status Refresh();
  Status Rebuild(LoadStats* stats = nullptr);
  // Replays what the change log says changed since the last snapshot and
  // writes a new one if anything did (a snapshot::Checkpointer step: *seq is
  // the change-log position the snapshot now holds).
  Status Checkpoint(int64_t* seq = nullptr, bool* written = nullptr);
  // Replays what the change log says changed since the last position, without
  // writing a snapshot: how a server learns of other processes' and other
  // servers' writes (a snapshot::Checkpointer follow step; *seq as above).
  Status Follow(int64_t* seq = nullptr);
  // How the first build went (from the snapshot or why not; tests, logs).
  snapshot::StartReport start_report() const;

  Status Value(const std::string& indicator, const std::string& orgunit, const Period& p, IndicatorValue* out);
  Status Breakdown(const std::string& indicator, const std::string& orgunit, const Period& p, const std::string& by,
                   std::map<std::string, Cell>* out);
  // Deaths and stillbirths of an org unit subtree in a period, counted by each
  // dimension of `by` (death_analysis.h); a dimension not listed there is a 422 on "by".
  Status Deaths(const std::string& orgunit, const Period& p, const std::vector<std::string>& by, DeathCounts* out);
  Status Evaluate(const std::string& plan_id, const std::string& orgunit, std::optional<int> year, Date as_of,
                  std::vector<TargetEval>* out);
  // Writes are audited with `audit` (who, from where, what) in their own transaction.
  Status PutValue(const EnteredValue& v, const audit::Entry& audit);
  Status ListValues(const std::string& orgunit, const std::string& period, std::vector<EnteredValue>* out);
  Status DeleteValue(const EnteredValue& key, const std::string& reason, const audit::Entry& audit);
  // Every version of an entered value, newest first.
  Status ValueHistory(const std::string& element, const std::string& orgunit, const std::string& period,
                      std::vector<EnteredValue>* out);
  // The facilities whose staffing is entered (figures.json "facilities":
  // hospitals, pre-2025 districts) in `orgunit`'s subtree, each with its
  // staffing for `period` (the preferred source of each staff element) and the
  // plans whose norms apply to it (the plan's org unit is above the facility).
  Status FacilityStaffing(const std::string& orgunit, const std::string& period, std::vector<FacilityStaff>* out);
  // A new version of a plan's target, by `audit`'s user, for `reason`; t->... as stored in *out when given.
  Status PutTarget(const Target& t, const std::string& reason, const audit::Entry& audit,
                   store::TargetVersion* out = nullptr);
  // Every version of one target, oldest first.
  Status TargetHistory(const std::string& plan, const std::string& indicator, int year,
                       std::vector<store::TargetVersion>* out);

  // For tests and benchmarks.
  Engine& engine() { return *engine_; }
  size_t pending() const;

 private:
  Service(store::Store& store, Catalogue cat, Figures figures);
  AnnualValue Annual(const std::string& indicator, const std::string& orgunit, int year);
  Status ValueLocked(const Indicator& ind, const std::string& orgunit, const Period& p, IndicatorValue* out);
  // Re-reads these persons (and the mothers their links name) with the lock held.
  Status ReplayLocked(std::unordered_set<std::string> todo);
  Status Start();

  store::Store& store_;
  Catalogue cat_;
  Figures figures_;
  std::unique_ptr<Engine> engine_;
  mutable std::shared_mutex engine_mu_;
  bool built_ = false;
  std::unique_ptr<store::ChangedPersons> changed_;
  std::unique_ptr<snapshot::Keeper> keeper_;
  std::mutex start_mu_;  // one Keeper::Start at a time
  bool started_ = false;  // Keeper::Start done (Rebuild alone does not stamp a snapshot)
  snapshot::StartReport start_report_;
};

}  // namespace u5::indicator
