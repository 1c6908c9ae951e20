// Sign-off of a reporting period by a commune (or facility): it reviews its
// figures and confirms them; the confirmation (who, when, the figures as
// confirmed) is kept in `report_signoff` (migration 11), an append-only list of
// close/reopen actions. A closed period is reopened only with a reason. Every
// action also goes to the audit trail.
#pragma once
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace u5::report {

struct SignoffState {
  bool closed = false;
  std::string by, at;  // who confirmed, when (ISO 8601 UTC)
  Date on;             // the civil day of the confirmation (Vietnam)
  int reopened = 0;    // how many times the period was reopened before this state
  std::string figures; // JSON {"indicator": [num, den], ...} as confirmed
};

struct SignoffAction {
  std::string orgunit, period, user, reason, figures = "{}";
  Date on;  // day of the action (Today() outside tests)
};

// Conflict when the period is already closed.
Status ClosePeriod(store::Db& db, store::Store& store, const SignoffAction& a);
// Conflict when it is not closed; Invalid without a reason (at least 10 characters).
Status ReopenPeriod(store::Db& db, store::Store& store, const SignoffAction& a);
// The state after every action dated on or before `as_of`.
Status SignoffAsOf(store::Db& db, const std::string& orgunit, const std::string& period, Date as_of, SignoffState* out);

}  // namespace u5::report
