#include "report/signoff.h"

#include <nlohmann/json.hpp>

#include "store/signoffs.h"

namespace u5::report {
namespace {

// The state after the rows dated on or before `as_of` (rows in seq order).
SignoffState StateOf(const std::vector<store::SignoffRow>& rows, Date as_of) {
  SignoffState out;
  const std::string last_day = FormatDate(as_of);
  for (const store::SignoffRow& r : rows) {
    if (r.on_date > last_day) continue;
    out.last_action = r.action;
    out.last_by = r.username;
    out.last_at = r.at;
    out.last_reason = r.reason;
    if (r.action == "close") {
      out.closed = true;
      out.by = r.username;
      out.at = r.at;
      out.on = ParseDate(r.on_date).value_or(Date());
      out.figures = r.figures;
    } else {
      out.closed = false;
      out.reopened++;
    }
  }
  return out;
}

// Appends the action if the period is still in the state it was judged in.
Status Append(store::Store& store, const SignoffAction& a, const char* action, int64_t last_seq) {
  store::SignoffRow row;
  row.orgunit = a.orgunit;
  row.period = a.period;
  row.action = action;
  row.username = a.user;
  row.on_date = FormatDate(a.on);
  row.reason = a.reason;
  row.figures = a.figures;
  audit::Entry e;
  e.user_id = a.user_id;
  e.username = a.user;
  e.remote = a.remote;
  e.action = std::string("period_") + action;
  e.record_type = "report_signoff";
  e.record_id = a.orgunit + "/" + a.period;
  e.orgunit_id = a.orgunit;
  e.detail = nlohmann::json{{"period", a.period}, {"on", FormatDate(a.on)}, {"reason", a.reason}}.dump();
  return store.signoffs().Append(&row, last_seq, e);
}

// The current state and the seq it was read at.
Status Current(store::Store& store, const SignoffAction& a, SignoffState* state, int64_t* last_seq) {
  if (a.user.empty()) return Status::Invalid("user", "sign-off needs the user who confirms");
  if (a.user_id.empty()) return Status::Invalid("user_id", "sign-off needs the id of the user who confirms");
  std::vector<store::SignoffRow> rows;
  U5_RETURN_IF_ERROR(store.signoffs().History(a.orgunit, a.period, &rows));
  *state = StateOf(rows, DateFromYmd(9999, 12, 31));
  *last_seq = rows.empty() ? 0 : rows.back().seq;
  return Status::Ok();
}

}  // namespace

Status SignoffAsOf(store::Store& store, const std::string& orgunit, const std::string& period, Date as_of, SignoffState* out) {
  std::vector<store::SignoffRow> rows;
  U5_RETURN_IF_ERROR(store.signoffs().History(orgunit, period, &rows));
  *out = StateOf(rows, as_of);
  return Status::Ok();
}

Status ClosePeriod(store::Store& store, const SignoffAction& a) {
  SignoffState cur;
  int64_t seq = 0;
  U5_RETURN_IF_ERROR(Current(store, a, &cur, &seq));
  if (cur.closed)
    return Status::Conflict(a.orgunit + " " + a.period + " is already closed (by " + cur.by + " on " + FormatDate(cur.on) + ")", "period");
  return Append(store, a, "close", seq);
}

Status ReopenPeriod(store::Store& store, const SignoffAction& a) {
  if (a.reason.size() < 10) return Status::Invalid("reason", "reopening a closed period needs a reason (at least 10 characters)");
  SignoffState cur;
  int64_t seq = 0;
  U5_RETURN_IF_ERROR(Current(store, a, &cur, &seq));
  if (!cur.closed) return Status::Conflict(a.orgunit + " " + a.period + " is not closed", "period");
  SignoffAction b = a;
  b.figures = "{}";
  return Append(store, b, "reopen", seq);
}

std::vector<std::string> PeriodsOfDay(Date day) {
  int y;
  unsigned m, d;
  YmdFromDate(day, y, m, d);
  const std::string year = std::to_string(y);
  return {year, year + (m <= 6 ? "S1" : "S2"), year + "Q" + std::to_string((m - 1) / 3 + 1),
          year + (m < 10 ? "-0" : "-") + std::to_string(m)};
}

void GuardSignedOffPeriods(store::Store& store) {
  store.AddWriteGuard([&store](const store::Record& r) -> Status {
    if (r.is_person()) return Status::Ok();
    const auto day = ParseDate(r.date);
    if (!day) return Status::Ok();  // validation reports the date
    store::SignoffRow row;
    bool closed = false;
    U5_RETURN_IF_ERROR(store.signoffs().LatestClose(r.orgunit_id, PeriodsOfDay(*day), &row, &closed));
    if (!closed) return Status::Ok();
    return Status::Conflict("the period " + row.period + " of " + row.orgunit + " was signed off by " + row.username +
                                "; reopen it with a reason before changing its records",
                            "date");
  });
}

}  // namespace u5::report
