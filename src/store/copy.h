// `under5 copy`: everything of one store written into another through the
// Store interface (a commune's SQLite file into a province's PostgreSQL
// server, docs/deploy.md). Idempotent and resumable: a run after a complete
// or an interrupted one adds only what is missing.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "audit/entry.h"
#include "core/status.h"
#include "store/store.h"

namespace u5::store {

struct CopyOptions {
  int batch = 2000;  // records or audit entries a transaction
  // The source as the target's audit trail names it (a file path).
  std::string source_name;
  // Who copies (the CLI's operator): the audit entries of the target's own writes.
  audit::Entry actor;
  std::function<void(std::string_view stage, int64_t done)> progress;
};

struct CopyReport {
  int64_t records_added = 0, records_replaced = 0, records_kept = 0;
  int64_t users_added = 0, users_kept = 0;
  std::vector<std::string> users_taken;  // a user name the target already gives another user: not copied
  int64_t audit_copied = 0;               // source entries appended this run
  int64_t care_acks = 0, care_statuses = 0, emergencies_added = 0, emergencies_replaced = 0;
  int64_t aggregates = 0, signoffs = 0;  // entered values and sign-off rows written
};

// The rule of a record (by id): absent in `to` → added with its version and
// timestamps; present at the same or a higher version → kept; present at a
// lower version → brought up to the source's version by replaying its later
// versions as updates (and its deletion). Entered aggregate values and
// sign-off histories of the calendar's periods (CalendarPeriods in copy.cpp)
// and the org units the records and users name: added when the target has
// none, else kept. The audit trail: the source's
// entries after the last copied one are appended to the target's chain in
// order (re-chained there), each batch closed in the same transaction by a
// `copy_audit` entry naming the source's db_id (its record_id), the source
// seq and hash reached, which is where the next run resumes.
Status CopyStore(Store& from, Store& to, const CopyOptions& options, CopyReport* report);

}  // namespace u5::store
