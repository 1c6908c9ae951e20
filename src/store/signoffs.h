// Sign-off rows (table report_signoff, migration 11): an append-only list of
// close/reopen actions per (org unit, period code). The store keeps the rows
// and appends them with their audit entry; what a period is and what a
// sign-off means (src/report/signoff.h, the write freeze) is not its business.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "core/status.h"

namespace u5::store {

struct SignoffRow {
  int64_t seq = 0;  // set by the store
  std::string orgunit, period, action, username, at, on_date, reason, figures = "{}";
};

class Signoffs {
 public:
  virtual ~Signoffs() = default;
  // The rows of one (org unit, period), in seq order.
  virtual Status History(const std::string& orgunit, const std::string& period, std::vector<SignoffRow>* out) = 0;
  // Appends `row` (seq and `at` set by the store) and `audit` in one
  // transaction, if the latest seq of its (org unit, period) is still
  // `expected_last_seq` (0: no row); Conflict("period") otherwise.
  virtual Status Append(SignoffRow* row, int64_t expected_last_seq, const audit::Entry& audit) = 0;
  // Of the units at or above `orgunit` (closure table) and the given period
  // codes, the first pair whose latest action is "close"; *found false when none.
  // Usable inside a write guard (store.h): it reads in the writer's transaction.
  virtual Status LatestClose(const std::string& orgunit, const std::vector<std::string>& periods, SignoffRow* out,
                             bool* found) = 0;
};

}  // namespace u5::store
