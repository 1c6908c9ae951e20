// How an engine that is derived from the records (indicators, care) starts
// from its snapshot and keeps it current. The protocol, the same for every
// engine:
//  - Start: read the change log's head H; open the snapshot; if it is of this
//    kind, format, inputs and database and not ahead of H, decode it and replay
//    the persons changed after its seq (re-read from the store: replaying a
//    person twice is harmless); otherwise rebuild from the store and write a
//    snapshot stamped H. A rejected snapshot is logged with its reason.
//  - Follow: H = head; replay the persons changed after the last stamp (the
//    change log, not the listener, so writes of other processes and other
//    servers on the same database count too); the stamp becomes H. A log that
//    says "everything" (a bulk load, an org unit change, a trimmed log) rebuilds.
//  - Checkpoint: Follow, then write a snapshot stamped H if the file is behind.
// The state an engine holds at stamp S is thus at least as new as every
// change up to S, which is all a later replay needs.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "snapshot/file.h"
#include "store/store.h"

namespace u5::snapshot {

struct Engine {
  std::string kind;
  uint32_t format = 0;
  std::string inputs;  // hash of the catalogue / schedule the engine runs
  // Decodes the whole state from a verified file (Invalid when a section does not decode).
  std::function<Status(const Reader&)> load;
  // Encodes the whole state (the engine locks itself as it needs).
  std::function<Status(Writer&)> save;
  // Reads everything from the store.
  std::function<Status()> rebuild;
  // Re-reads these persons from the store (absent ones are removed).
  std::function<Status(const std::vector<std::string>&)> replay;
};

struct StartReport {
  bool from_snapshot = false;
  std::string rejected;  // why the snapshot was not used ("" when used or none was asked)
  size_t replayed = 0;
  int64_t seq = 0;
};

class Keeper {
 public:
  // A start that replays at least this many persons writes a new snapshot
  // (replaying a thousand costs about what writing a province's file does).
  static constexpr size_t kReplayWorthSaving = 1000;
  // `path` empty: no snapshot, Start rebuilds and Checkpoint does nothing.
  Keeper(store::Store& store, std::string path, Engine engine);
  // Loads the snapshot and replays, or rebuilds (and writes one).
  Status Start(StartReport* report = nullptr);
  // Replays what changed since the last stamp (*replayed: how many persons;
  // a rebuild counts as every one). Needs no snapshot path.
  Status Follow(size_t* replayed = nullptr);
  // Follows, then writes a snapshot if the file is behind the stamp.
  Status Checkpoint(bool* written = nullptr);
  int64_t seq() const { return seq_; }

 private:
  Status Save(int64_t seq, const std::string& db_id);
  store::Store& store_;
  std::string path_;
  Engine engine_;
  int64_t seq_ = 0;        // what the engine holds
  int64_t saved_seq_ = -1;  // what the file holds (-1: none known)
  std::string db_id_;
};

}  // namespace u5::snapshot
