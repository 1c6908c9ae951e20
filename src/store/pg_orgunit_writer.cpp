// store::OrgUnitWriter over PostgreSQL: tables orgunit, orgunit_successor and
// orgunit_closure, written with COPY (the closure of the whole country is
// some hundred thousand rows).
#include <charconv>

#include "store/orgunit_writer.h"
#include "store/pg_change_log.h"
#include "store/pg_host.h"

namespace u5::store {
namespace {

// One field of a COPY text row (pg::Conn's escaping; \N for NULL).
void Field(std::string* out, std::string_view v) { pg::Conn::AppendCopyField(out, v); }
void Field(std::string* out, const std::string& v) { pg::Conn::AppendCopyField(out, v); }
void Field(std::string* out, const std::optional<std::string>& v) { v ? Field(out, *v) : pg::Conn::AppendCopyNull(out); }
void Field(std::string* out, int64_t v) { *out += std::to_string(v); }
void Field(std::string* out, const std::optional<int64_t>& v) { v ? Field(out, *v) : pg::Conn::AppendCopyNull(out); }
void Field(std::string* out, const std::optional<double>& v) {
  if (!v) return pg::Conn::AppendCopyNull(out);
  char buf[32];  // the shortest text that reads back as the same double
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *v);
  out->append(buf, ec == std::errc() ? end : buf);
}

// The row's columns, tab-separated, then the end of the line.
template <class... Cols>
void Line(std::string* out, const Cols&... cols) {
  bool first = true;
  ((first ? void(first = false) : void(*out += '\t'), Field(out, cols)), ...);
  *out += '\n';
}

// Streams `rows` through one COPY, `line` writing row i; progress every `every` rows.
template <class Row, class WriteLine>
Status Copy(pg::Conn& c, const std::string& sql, const std::vector<Row>& rows, const char* stage, size_t every,
            const OrgUnitProgress& progress, WriteLine&& line) {
  auto tell = [&](size_t done) {
    if (progress && stage) progress(stage, done, rows.size());
  };
  tell(0);
  U5_RETURN_IF_ERROR(c.CopyBegin(sql));
  std::string buf;
  for (size_t i = 0; i < rows.size(); ++i) {
    line(&buf, rows[i]);
    if ((i + 1) % every == 0) {
      U5_RETURN_IF_ERROR(c.CopyData(buf));
      buf.clear();
      tell(i + 1);
    }
  }
  U5_RETURN_IF_ERROR(c.CopyData(buf));
  if (Status st = c.CopyEnd(); !st.ok()) return Status::Internal(sql.substr(0, sql.find('(')) + ": " + st.message());
  tell(rows.size());
  return Status::Ok();
}

class PgOrgUnitWriter final : public OrgUnitWriter {
 public:
  explicit PgOrgUnitWriter(PgHost& host) : host_(host) {}

  Status Loaded(bool* yes) override {
    return host_.Read([&](pg::Conn& c) {
      return Populated(c, yes);
    });
  }

  Status LoadIfEmpty(const OrgUnitSet& set, const OrgUnitProgress& progress, bool* written) override {
    *written = false;
    bool loaded_here = false;
    // A write transaction that survives a failover (PgHost::WriteTx): it may run again from the start.
    U5_RETURN_IF_ERROR(host_.WriteTx([&](pg::Conn& c) {
      loaded_here = false;
      // SQLite's write lock: another server may be loading the same tables now;
      // the second to get the lock finds them loaded. Readers go on meanwhile.
      U5_RETURN_IF_ERROR(c.Exec("LOCK TABLE orgunit IN SHARE ROW EXCLUSIVE MODE"));
      bool yes = false;
      U5_RETURN_IF_ERROR(Populated(c, &yes));
      if (yes) return Status::Ok();
      // Progress as SQLite's load tells it: units every 2,000 rows, the closure every 10,000.
      U5_RETURN_IF_ERROR(Copy(c,
                              "COPY orgunit(id, code, scheme, kind, name, division_type, parent_id, valid_from, valid_to, "
                              "population, area_km2) FROM STDIN",
                              set.units, "write_units", 2000, progress, [](std::string* out, const OrgUnitRow& u) {
                                Line(out, u.id, u.code, u.scheme, u.kind, u.name, u.division_type, u.parent_id,
                                     u.valid_from, u.valid_to, u.population, u.area_km2);
                              }));
      U5_RETURN_IF_ERROR(Copy(c, "COPY orgunit_successor(old_id, new_id, note) FROM STDIN", set.successors, nullptr, 2000,
                              progress, [](std::string* out, const OrgUnitSuccessorRow& r) {
                                Line(out, r.old_id, r.new_id, r.note);
                              }));
      U5_RETURN_IF_ERROR(Copy(c, "COPY orgunit_closure(ancestor, descendant, depth) FROM STDIN", set.closure, "closure",
                              10000, progress, [](std::string* out, const OrgUnitClosureRow& r) {
                                Line(out, r.ancestor, r.descendant, int64_t{r.depth});
                              }));
      // Engines file records under these units: state saved before is rebuilt.
      U5_RETURN_IF_ERROR(PgLogChangeIn(c, nullptr));
      loaded_here = true;
      return Status::Ok();
    }));
    *written = loaded_here;
    return Status::Ok();
  }

 private:
  static Status Populated(pg::Conn& c, bool* yes) {
    pg::Result r;
    U5_RETURN_IF_ERROR(c.Query("SELECT EXISTS (SELECT 1 FROM orgunit)", {}, &r));
    if (r.rows() == 0) return Status::Internal("orgunit: empty result");
    *yes = r.Text(0, 0) == "t";
    return Status::Ok();
  }

  PgHost& host_;
};

}  // namespace

std::unique_ptr<OrgUnitWriter> NewPgOrgUnitWriter(PgHost& host) { return std::make_unique<PgOrgUnitWriter>(host); }

}  // namespace u5::store
