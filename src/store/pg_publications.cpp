// store::Publications over PostgreSQL: table publication, append-only.
#include "core/date.h"
#include "store/pg_host.h"
#include "store/pg_topic.h"
#include "store/publications.h"

namespace u5::store {
namespace {

class PgPublications final : public Publications {
 public:
  explicit PgPublications(PgHost& host) : host_(host) {}

  Status List(const std::string& orgunit, std::vector<PublicationRow>* out) override {
    out->clear();
    return host_.Read([&](pg::Conn& c) {
      return pg::ForRows(c,
          "SELECT p.orgunit_id, p.period, p.version, p.username, p.at, p.sha256, p.signed_off_at, p.body "
          "FROM publication p WHERE ($1 = '' OR p.orgunit_id = $1) "
          "AND p.version = (SELECT MAX(q.version) FROM publication q WHERE q.orgunit_id = p.orgunit_id AND q.period = p.period) "
          "ORDER BY p.at DESC, p.period DESC",
          {orgunit}, [&](const pg::Result& r, int i) {
            out->push_back({r.Text(i, 0), r.Text(i, 1), r.Int(i, 2), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5), r.Text(i, 6),
                            r.Text(i, 7)});
          });
    });
  }

  Status Append(PublicationRow* row, const audit::Entry& audit,
                const std::function<Status(const PublicationRow&)>& write_files) override {
    return host_.WriteAudited(audit, [&](pg::Conn& c) {
      // SQLite's write lock keeps the next version free until the commit; here
      // a lock on the (org unit, period), held to the commit, does.
      U5_RETURN_IF_ERROR(pg::LockKey(c, "publication\x1f" + row->orgunit + "\x1f" + row->period));
      pg::Result last;
      U5_RETURN_IF_ERROR(c.Query("SELECT COALESCE(MAX(version), 0) FROM publication WHERE orgunit_id = $1 AND period = $2",
                                 {row->orgunit, row->period}, &last));
      row->version = last.Int(0, 0) + 1;
      if (row->at.empty()) row->at = NowIso();
      U5_RETURN_IF_ERROR(write_files(*row));
      return c.Run(
          "INSERT INTO publication(orgunit_id, period, version, username, at, sha256, signed_off_at, body) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
          {row->orgunit, row->period, row->version, row->username, row->at, row->sha256, row->signed_off_at, row->body});
    });
  }

 private:
  PgHost& host_;
};

}  // namespace

std::unique_ptr<Publications> NewPgPublications(PgHost& host) { return std::make_unique<PgPublications>(host); }

}  // namespace u5::store
