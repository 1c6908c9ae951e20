// store::Signoffs over PostgreSQL: table report_signoff, append-only.
#include "core/date.h"
#include "store/pg_host.h"
#include "store/pg_topic.h"
#include "store/signoffs.h"

namespace u5::store {
namespace {

constexpr const char* kCols = "s.seq, s.orgunit_id, s.period, s.action, s.username, s.at, s.on_date, s.reason, s.figures";

// The lock of one (org unit, period): a sign-off holds it exclusively to its
// commit, a record write's guard shares it (LatestClose) before it reads.
constexpr const char* kLockPrefix = "report_signoff\x1f";
constexpr const char* kLockSeparator = "\x1f";

SignoffRow Row(const pg::Result& r, int i) {
  return {r.Int(i, 0),     r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4),
          r.Text(i, 5),    r.Text(i, 6), r.Text(i, 7), r.Text(i, 8)};
}

class PgSignoffs final : public Signoffs {
 public:
  explicit PgSignoffs(PgHost& host) : host_(host) {}

  Status History(const std::string& orgunit, const std::string& period, std::vector<SignoffRow>* out) override {
    return host_.Read([&](pg::Conn& c) {
      out->clear();
      return pg::ForRows(c,
                         std::string("SELECT ") + kCols +
                             " FROM report_signoff s WHERE s.orgunit_id = $1 AND s.period = $2 ORDER BY s.seq",
                         {orgunit, period}, [&](const pg::Result& r, int i) { out->push_back(Row(r, i)); });
    });
  }

  Status Append(SignoffRow* row, int64_t expected_last_seq, const audit::Entry& audit) override {
    return host_.WriteAudited(audit, [&](pg::Conn& c) {
      // SQLite's write lock makes the check and the append one step; here a
      // lock on the (org unit, period), held to the commit, does.
      U5_RETURN_IF_ERROR(pg::LockKey(c, kLockPrefix + row->orgunit + kLockSeparator + row->period));
      pg::Result last;
      U5_RETURN_IF_ERROR(c.Query("SELECT COALESCE(MAX(seq), 0) FROM report_signoff WHERE orgunit_id = $1 AND period = $2",
                                 {row->orgunit, row->period}, &last));
      if (last.Int(0, 0) != expected_last_seq)
        return Status::Conflict(row->orgunit + " " + row->period + " was signed off or reopened meanwhile; ask again", "period");
      row->at = NowIso();
      pg::Result seq;
      U5_RETURN_IF_ERROR(c.Query(
          "INSERT INTO report_signoff(orgunit_id, period, action, username, at, on_date, reason, figures) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING seq",
          {row->orgunit, row->period, row->action, row->username, row->at, row->on_date, row->reason, row->figures}, &seq));
      row->seq = seq.Int(0, 0);
      return Status::Ok();
    });
  }

  Status LatestClose(const std::string& orgunit, const std::vector<std::string>& periods, SignoffRow* out,
                     bool* found) override {
    *found = false;
    if (periods.empty()) return Status::Ok();
    return host_.Read([&](pg::Conn& c) {
      if (c.in_transaction()) U5_RETURN_IF_ERROR(ShareFreezeLocks(c, orgunit, periods));
      // One parameter a period code: few shapes, each prepared once per connection.
      std::string in;
      pg::Params params{orgunit};
      for (const std::string& p : periods) {
        in += (in.empty() ? "$" : ",$") + std::to_string(params.size() + 1);
        params.Add(p);
      }
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query(
          std::string("SELECT ") + kCols +
              " FROM report_signoff s WHERE s.period IN (" + in + ") "
              "AND s.orgunit_id IN (SELECT ancestor FROM orgunit_closure WHERE descendant = $1) "
              "AND s.action = 'close' "
              "AND s.seq = (SELECT MAX(t.seq) FROM report_signoff t WHERE t.orgunit_id = s.orgunit_id AND t.period = s.period) "
              "LIMIT 1",
          params, &r));
      if (r.rows() > 0) {
        *out = Row(r, 0);
        *found = true;
      }
      return Status::Ok();
    });
  }

 private:
  // Inside a record write (the guard): shares the lock of every (unit at or
  // above `orgunit`, period) that Append takes exclusively, held to the
  // commit. A close committed before the locks were granted is seen by the
  // read that follows (READ COMMITTED: a new snapshot per statement); a close
  // not yet committed waits for this write's commit. So a write either sees
  // the freeze or commits before it, as under SQLite's single writer. Keys
  // are taken in one order, so writers queued behind a waiting close cannot
  // deadlock with each other.
  static Status ShareFreezeLocks(pg::Conn& c, const std::string& orgunit, const std::vector<std::string>& periods) {
    return c.Run(
        "SELECT count(pg_advisory_xact_lock_shared(k)) FROM ("
        "SELECT DISTINCT hashtextextended($3 || a.ancestor || $4 || p.period, 0) AS k "
        "FROM orgunit_closure a, unnest($2::text[]) AS p(period) WHERE a.descendant = $1 ORDER BY k) s",
        {orgunit, pg::Conn::ArrayLiteral(periods), kLockPrefix, kLockSeparator});
  }

  PgHost& host_;
};

}  // namespace

std::unique_ptr<Signoffs> NewPgSignoffs(PgHost& host) { return std::make_unique<PgSignoffs>(host); }

}  // namespace u5::store
