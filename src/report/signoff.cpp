#include "report/signoff.h"

#include <nlohmann/json.hpp>

namespace u5::report {
namespace {

Status Append(store::Db& db, store::Store& store, const SignoffAction& a, const char* action) {
  const std::string at = NowIso();
  store::Stmt& s = db.Cached(
      "INSERT INTO report_signoff(orgunit_id, period, action, username, at, on_date, reason, figures) VALUES (?,?,?,?,?,?,?,?)");
  s.Bind(1, a.orgunit).Bind(2, a.period).Bind(3, action).Bind(4, a.user).Bind(5, at).Bind(6, FormatDate(a.on));
  s.Bind(7, a.reason).Bind(8, a.figures);
  U5_RETURN_IF_ERROR(s.Run());
  // The sign-off row is the record of the confirmation; the audit entry makes it
  // part of the tamper-evident trail (a separate transaction on the store's own connection).
  audit::Entry e;
  e.user_id = a.user;
  e.username = a.user;
  e.remote = "report";
  e.action = std::string("period_") + action;
  e.record_type = "report_signoff";
  e.record_id = a.orgunit + "/" + a.period;
  e.orgunit_id = a.orgunit;
  e.detail = nlohmann::json{{"period", a.period}, {"on", FormatDate(a.on)}, {"reason", a.reason}}.dump();
  return store.AppendAudit({e});
}

}  // namespace

Status SignoffAsOf(store::Db& db, const std::string& orgunit, const std::string& period, Date as_of, SignoffState* out) {
  *out = SignoffState();
  store::Stmt& s = db.Cached(
      "SELECT action, username, at, on_date, figures FROM report_signoff WHERE orgunit_id = ? AND period = ? AND on_date <= ? "
      "ORDER BY seq");
  s.Bind(1, orgunit).Bind(2, period).Bind(3, FormatDate(as_of));
  Status st;
  while (s.Step(&st)) {
    if (s.Text(0) == "close") {
      out->closed = true;
      out->by = s.Text(1);
      out->at = s.Text(2);
      out->on = ParseDate(s.Text(3)).value_or(Date());
      out->figures = s.Text(4);
    } else {
      out->closed = false;
      out->reopened++;
    }
  }
  s.Reset();
  return st;
}

Status ClosePeriod(store::Db& db, store::Store& store, const SignoffAction& a) {
  if (a.user.empty()) return Status::Invalid("user", "sign-off needs the user who confirms");
  SignoffState cur;
  U5_RETURN_IF_ERROR(SignoffAsOf(db, a.orgunit, a.period, DateFromYmd(9999, 12, 31), &cur));
  if (cur.closed)
    return Status::Conflict(a.orgunit + " " + a.period + " is already closed (by " + cur.by + " on " + FormatDate(cur.on) + ")", "period");
  return Append(db, store, a, "close");
}

Status ReopenPeriod(store::Db& db, store::Store& store, const SignoffAction& a) {
  if (a.reason.size() < 10) return Status::Invalid("reason", "reopening a closed period needs a reason (at least 10 characters)");
  SignoffState cur;
  U5_RETURN_IF_ERROR(SignoffAsOf(db, a.orgunit, a.period, DateFromYmd(9999, 12, 31), &cur));
  if (!cur.closed) return Status::Conflict(a.orgunit + " " + a.period + " is not closed", "period");
  SignoffAction b = a;
  b.figures = "{}";
  return Append(db, store, b, "reopen");
}

}  // namespace u5::report
