// The PostgreSQL OrgUnitReader (twin of sqlite_orgunits.cpp).
#include "store/pg_orgunits.h"

#include "store/pg_topic.h"

namespace u5::store {
namespace {

#define U5_ORGUNIT_COLS \
  "o.id, o.code, o.scheme, o.kind, o.name, o.division_type, o.parent_id, o.valid_from, o.valid_to, o.population, o.area_km2"

OrgUnit FromRow(const pg::Result& r, int i) {
  OrgUnit u;
  u.id = r.Text(i, 0);
  u.code = r.Text(i, 1);
  u.scheme = r.Text(i, 2);
  u.kind = r.Text(i, 3);
  u.name = r.Text(i, 4);
  u.division_type = r.OptText(i, 5);
  u.parent_id = r.OptText(i, 6);
  u.valid_from = r.OptText(i, 7);
  u.valid_to = r.OptText(i, 8);
  if (!r.IsNull(i, 9)) u.population = r.Int(i, 9);
  if (!r.IsNull(i, 10)) u.area_km2 = r.Real(i, 10);
  return u;
}

Status NotFound(std::string_view id) { return Status::NotFound("unknown org unit '" + std::string(id) + "'", "orgunit"); }

class PgOrgUnitReader final : public OrgUnitReader {
 public:
  explicit PgOrgUnitReader(PgReadFn read) : read_(std::move(read)) {}

  Status Get(std::string_view id, OrgUnit* out) override {
    return read_([&](pg::Conn& c) {
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query("SELECT " U5_ORGUNIT_COLS " FROM orgunit o WHERE o.id = $1", {std::string(id)}, &r));
      if (r.rows() == 0) return NotFound(id);
      *out = FromRow(r, 0);
      return Status::Ok();
    });
  }

  Status Children(std::string_view parent_id, std::vector<OrgUnit>* out) override {
    out->clear();
    return read_([&](pg::Conn& c) {
      U5_RETURN_IF_ERROR(MustExist(c, parent_id));
      return Units(c, "SELECT " U5_ORGUNIT_COLS " FROM orgunit o WHERE o.parent_id = $1 ORDER BY o.id", parent_id,
                   out);
    });
  }

  Status Ancestors(std::string_view id, std::vector<OrgUnit>* out) override {
    out->clear();
    return read_([&](pg::Conn& c) {
      U5_RETURN_IF_ERROR(MustExist(c, id));
      return Units(c,
                   "WITH RECURSIVE chain(id, n) AS ("
                   "  SELECT parent_id, 1 FROM orgunit WHERE id = $1 AND parent_id IS NOT NULL"
                   "  UNION ALL"
                   "  SELECT p.parent_id, chain.n + 1 FROM chain JOIN orgunit p ON p.id = chain.id"
                   "  WHERE p.parent_id IS NOT NULL AND chain.n < 16)"
                   " SELECT " U5_ORGUNIT_COLS " FROM chain JOIN orgunit o ON o.id = chain.id ORDER BY chain.n",
                   id, out);
    });
  }

  Status Successors(std::string_view old_id, std::vector<std::string>* out) override {
    out->clear();
    return read_([&](pg::Conn& c) {
      U5_RETURN_IF_ERROR(MustExist(c, old_id));
      return Ids(c, "SELECT new_id FROM orgunit_successor WHERE old_id = $1 ORDER BY new_id", old_id, out);
    });
  }

  Status ClosureDescendants(std::string_view id, std::vector<std::string>* out) override {
    return read_([&](pg::Conn& c) {
      return Ids(c, "SELECT descendant FROM orgunit_closure WHERE ancestor = $1", id, out);
    });
  }

  Status ClosureAncestors(std::string_view id, std::vector<std::string>* out) override {
    return read_([&](pg::Conn& c) {
      return Ids(c, "SELECT ancestor FROM orgunit_closure WHERE descendant = $1", id, out);
    });
  }

  Status FormerAncestors(std::string_view id, std::vector<std::string>* out) override {
    return read_([&](pg::Conn& c) {
      // starts_with, not LIKE: SQLite's LIKE ignores ASCII case, PostgreSQL's does not; the ids' prefix is lower case.
      return Ids(c,
                 "SELECT DISTINCT up.ancestor FROM orgunit_closure down "
                 "JOIN orgunit_closure up ON up.descendant = down.descendant "
                 "JOIN orgunit o ON o.id = up.ancestor "
                 "WHERE down.ancestor = $1 AND down.depth > 0 AND starts_with(down.descendant, 'pre2025:') "
                 "AND o.scheme = 'pre2025' AND o.kind IN ('district', 'province')",
                 id, out);
    });
  }

 private:
  static Status MustExist(pg::Conn& c, std::string_view id) {
    pg::Result r;
    U5_RETURN_IF_ERROR(c.Query("SELECT 1 FROM orgunit WHERE id = $1", {std::string(id)}, &r));
    return r.rows() > 0 ? Status::Ok() : NotFound(id);
  }

  static Status Units(pg::Conn& c, const char* sql, std::string_view key, std::vector<OrgUnit>* out) {
    return pg::ForRows(c, sql, {key}, [&](const pg::Result& r, int i) { out->push_back(FromRow(r, i)); });
  }

  // Appends the first column of each row.
  static Status Ids(pg::Conn& c, const char* sql, std::string_view key, std::vector<std::string>* out) {
    return pg::ForRows(c, sql, {key}, [&](const pg::Result& r, int i) { out->push_back(r.Text(i, 0)); });
  }

  PgReadFn read_;
};

}  // namespace

std::unique_ptr<OrgUnitReader> NewPgOrgUnitReader(PgReadFn read) {
  return std::make_unique<PgOrgUnitReader>(std::move(read));
}

}  // namespace u5::store
