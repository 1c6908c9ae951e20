// Sign-off of a reporting period by a commune (or facility): it reviews its
// figures and confirms them; the confirmation (who, when, the figures as
// confirmed) is kept by the store (store/signoffs.h), an append-only list of
// close/reopen actions. A closed period is reopened only with a reason. Every
// action is audited in its own transaction, under the user's id.
//
// A signed-off period also freezes the events dated in it (GuardSignedOffPeriods).
#pragma once
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "store/store.h"

namespace u5::report {

struct SignoffState {
  bool closed = false;
  std::string by, at;  // who confirmed, when (ISO 8601 UTC)
  Date on;             // the civil day of the confirmation (Vietnam)
  int reopened = 0;    // how many times the period was reopened before this state
  std::string figures; // JSON {"indicator": [num, den], ...} as confirmed
  // The latest action of any kind ("close" or "reopen"; empty: none yet), for
  // the desk that shows who last acted and why.
  std::string last_action, last_by, last_at, last_reason;
};

struct SignoffAction {
  std::string orgunit, period, user, reason, figures = "{}";
  Date on;               // day of the action (Today() outside tests)
  std::string user_id;   // app_user.id of `user`, for the audit entry
  std::string remote = "report";  // where the action came from (client address, "cli")
};

// Conflict when the period is already closed.
Status ClosePeriod(store::Store& store, const SignoffAction& a);
// Conflict when it is not closed; Invalid without a reason (at least 10 characters).
Status ReopenPeriod(store::Store& store, const SignoffAction& a);
// The state after every action dated on or before `as_of`.
Status SignoffAsOf(store::Store& store, const std::string& orgunit, const std::string& period, Date as_of, SignoffState* out);

// The period codes a day belongs to: its year, half-year, quarter and month
// ("2026", "2026S1", "2026Q2", "2026-06").
std::vector<std::string> PeriodsOfDay(Date day);
// Registers with the store the rule that a commune answers for the figures of
// a period it has signed off: until it reopens the period with a reason, no
// event dated in it may be added, changed or deleted under that commune or
// any unit above it that signed off (Conflict naming `date`). Persons are not
// figures of a period; bulk imports are an operator's tool and not asked.
void GuardSignedOffPeriods(store::Store& store);

}  // namespace u5::report
