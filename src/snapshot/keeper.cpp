#include "snapshot/keeper.h"

#include <cstdint>
#include <filesystem>

#include "core/date.h"
#include "core/log.h"

namespace u5::snapshot {

Keeper::Keeper(store::Store& store, std::string path, Engine engine)
    : store_(store), path_(std::move(path)), engine_(std::move(engine)) {}

Status Keeper::Start(StartReport* report) {
  StartReport local;
  StartReport& rep = report ? *report : local;
  rep = {};
  store::ChangeLogHead head;
  U5_RETURN_IF_ERROR(store_.ChangeHead(&head));
  db_id_ = head.db_id;
  if (!path_.empty()) {
    // Why the snapshot cannot be used, or "" when it was.
    auto use = [&]() -> std::string {
      std::unique_ptr<Reader> reader;
      Status st = Reader::Open(path_, &reader);
      if (st.code() == Code::not_found) return "absent";
      if (!st.ok()) return st.message();
      const Header& h = reader->header();
      if (h.kind != engine_.kind) return "holds " + h.kind + ", not " + engine_.kind;
      if (h.format != engine_.format) return "format " + std::to_string(h.format) + ", not " + std::to_string(engine_.format);
      if (h.inputs != engine_.inputs) return "computed from other definitions";
      if (h.db_id != head.db_id) return "of another database";
      if (h.seq > head.seq) return "ahead of the database's change log";
      store::ChangesAfter changed;
      if (Status c = store_.ChangedSince(h.seq, &changed); !c.ok()) return c.ToString();
      if (changed.everything) return "the records changed in bulk since it was written";
      if (Status l = engine_.load(*reader); !l.ok()) return l.ToString();
      if (Status r = engine_.replay(changed.persons); !r.ok()) return "replay failed: " + r.ToString();
      rep.replayed = changed.persons.size();
      saved_seq_ = h.seq;
      return "";
    };
    rep.rejected = use();
    rep.from_snapshot = rep.rejected.empty();
  }
  if (!rep.from_snapshot) {
    if (!path_.empty())
      log::Info("snapshot_rejected", {{"kind", engine_.kind}, {"path", path_}, {"reason", rep.rejected}});
    U5_RETURN_IF_ERROR(engine_.rebuild());
  }
  seq_ = rep.seq = head.seq;
  log::Info("snapshot_start", {{"kind", engine_.kind},
                               {"from_snapshot", rep.from_snapshot},
                               {"replayed", rep.replayed},
                               {"seq", head.seq}});
  // A rebuild is what a snapshot saves the next start: write it at once; so is
  // a long replay (a command-line run would otherwise repeat it every time).
  // The engine is built either way: a file that cannot be written is only logged.
  if (!path_.empty() && (!rep.from_snapshot || rep.replayed >= kReplayWorthSaving))
    if (Status st = Save(head.seq, head.db_id); !st.ok())
      log::Error("snapshot_not_written", {{"kind", engine_.kind}, {"path", path_}, {"error", st.ToString()}});
  return Status::Ok();
}

Status Keeper::Follow(size_t* replayed) {
  if (replayed) *replayed = 0;
  store::ChangeLogHead head;
  U5_RETURN_IF_ERROR(store_.ChangeHead(&head));
  if (head.db_id != db_id_ || head.seq < seq_) {
    // The file under the process was replaced (a restore): nothing held is trustworthy.
    U5_RETURN_IF_ERROR(engine_.rebuild());
    if (replayed) *replayed = SIZE_MAX;
  } else {
    if (head.seq == seq_) return Status::Ok();
    store::ChangesAfter changed;
    U5_RETURN_IF_ERROR(store_.ChangedSince(seq_, &changed));
    if (changed.everything) {
      U5_RETURN_IF_ERROR(engine_.rebuild());
      if (replayed) *replayed = SIZE_MAX;
    } else {
      U5_RETURN_IF_ERROR(engine_.replay(changed.persons));
      if (replayed) *replayed = changed.persons.size();
    }
  }
  db_id_ = head.db_id;
  seq_ = head.seq;
  return Status::Ok();
}

Status Keeper::Checkpoint(bool* written) {
  if (written) *written = false;
  if (path_.empty()) return Status::Ok();
  U5_RETURN_IF_ERROR(Follow());
  if (saved_seq_ == seq_) return Status::Ok();
  U5_RETURN_IF_ERROR(Save(seq_, db_id_));
  if (written) *written = true;
  return Status::Ok();
}

Status Keeper::Save(int64_t seq, const std::string& db_id) {
  const int64_t t0 = NowMillis();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  std::unique_ptr<Writer> w;
  U5_RETURN_IF_ERROR(Writer::Create(path_, Header{engine_.kind, engine_.format, engine_.inputs, db_id, seq}, &w));
  U5_RETURN_IF_ERROR(engine_.save(*w));
  U5_RETURN_IF_ERROR(w->Commit());
  saved_seq_ = seq;
  const auto bytes = std::filesystem::file_size(path_, ec);
  log::Info("snapshot_written", {{"kind", engine_.kind}, {"seq", seq}, {"ms", NowMillis() - t0},
                                 {"bytes", ec ? int64_t{-1} : static_cast<int64_t>(bytes)}});
  return Status::Ok();
}

}  // namespace u5::snapshot
