#include "store/sqlite_orgunits.h"

namespace u5::store {
namespace {

#define U5_ORGUNIT_COLS \
  "o.id, o.code, o.scheme, o.kind, o.name, o.division_type, o.parent_id, o.valid_from, o.valid_to, o.population, o.area_km2"

OrgUnit FromRow(const Stmt& s) {
  OrgUnit u;
  u.id = s.Text(0);
  u.code = s.Text(1);
  u.scheme = s.Text(2);
  u.kind = s.Text(3);
  u.name = s.Text(4);
  u.division_type = s.OptText(5);
  u.parent_id = s.OptText(6);
  u.valid_from = s.OptText(7);
  u.valid_to = s.OptText(8);
  if (!s.IsNull(9)) u.population = s.Int(9);
  if (!s.IsNull(10)) u.area_km2 = s.Real(10);
  return u;
}

Status NotFound(std::string_view id) { return Status::NotFound("unknown org unit '" + std::string(id) + "'", "orgunit"); }

// Steps `s` to the end, handing each row to `row`; leaves the statement reset.
template <class Fn>
Status Rows(Stmt& s, Fn&& row) {
  Status st;
  while (s.Step(&st)) row(s);
  s.Reset();
  return st;
}

class SqliteOrgUnitReader final : public OrgUnitReader {
 public:
  explicit SqliteOrgUnitReader(std::function<Status(Db**)> conn) : conn_(std::move(conn)) {}

  Status Get(std::string_view id, OrgUnit* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(conn_(&db));
    Stmt& s = db->Cached("SELECT " U5_ORGUNIT_COLS " FROM orgunit o WHERE o.id = ?1");
    s.Bind(1, id);
    Status st;
    const bool found = s.Step(&st);
    if (found) *out = FromRow(s);
    s.Reset();
    U5_RETURN_IF_ERROR(st);
    return found ? Status::Ok() : NotFound(id);
  }

  Status Children(std::string_view parent_id, std::vector<OrgUnit>* out) override {
    out->clear();
    Db* db;
    U5_RETURN_IF_ERROR(conn_(&db));
    U5_RETURN_IF_ERROR(MustExist(*db, parent_id));
    Stmt& s = db->Cached("SELECT " U5_ORGUNIT_COLS " FROM orgunit o WHERE o.parent_id = ?1 ORDER BY o.id");
    s.Bind(1, parent_id);
    return Rows(s, [&](const Stmt& r) { out->push_back(FromRow(r)); });
  }

  Status Ancestors(std::string_view id, std::vector<OrgUnit>* out) override {
    out->clear();
    Db* db;
    U5_RETURN_IF_ERROR(conn_(&db));
    U5_RETURN_IF_ERROR(MustExist(*db, id));
    Stmt& s = db->Cached(
        "WITH RECURSIVE chain(id, n) AS ("
        "  SELECT parent_id, 1 FROM orgunit WHERE id = ?1 AND parent_id IS NOT NULL"
        "  UNION ALL"
        "  SELECT p.parent_id, chain.n + 1 FROM chain JOIN orgunit p ON p.id = chain.id"
        "  WHERE p.parent_id IS NOT NULL AND chain.n < 16)"
        " SELECT " U5_ORGUNIT_COLS " FROM chain JOIN orgunit o ON o.id = chain.id ORDER BY chain.n");
    s.Bind(1, id);
    return Rows(s, [&](const Stmt& r) { out->push_back(FromRow(r)); });
  }

  Status Successors(std::string_view old_id, std::vector<std::string>* out) override {
    out->clear();
    Db* db;
    U5_RETURN_IF_ERROR(conn_(&db));
    U5_RETURN_IF_ERROR(MustExist(*db, old_id));
    Stmt& s = db->Cached("SELECT new_id FROM orgunit_successor WHERE old_id = ?1 ORDER BY new_id");
    s.Bind(1, old_id);
    return Rows(s, [&](const Stmt& r) { out->push_back(r.Text(0)); });
  }

  Status ClosureDescendants(std::string_view id, std::vector<std::string>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(conn_(&db));
    Stmt& s = db->Cached("SELECT descendant FROM orgunit_closure WHERE ancestor = ?1");
    s.Bind(1, id);
    return Rows(s, [&](const Stmt& r) { out->push_back(r.Text(0)); });
  }

  Status ClosureAncestors(std::string_view id, std::vector<std::string>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(conn_(&db));
    Stmt& s = db->Cached("SELECT ancestor FROM orgunit_closure WHERE descendant = ?1");
    s.Bind(1, id);
    return Rows(s, [&](const Stmt& r) { out->push_back(r.Text(0)); });
  }

  Status FormerAncestors(std::string_view id, std::vector<std::string>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(conn_(&db));
    Stmt& s = db->Cached(
        "SELECT DISTINCT up.ancestor FROM orgunit_closure down "
        "JOIN orgunit_closure up ON up.descendant = down.descendant "
        "JOIN orgunit o ON o.id = up.ancestor "
        "WHERE down.ancestor = ?1 AND down.depth > 0 AND down.descendant LIKE 'pre2025:%' "
        "AND o.scheme = 'pre2025' AND o.kind IN ('district', 'province')");
    s.Bind(1, id);
    return Rows(s, [&](const Stmt& r) { out->push_back(r.Text(0)); });
  }

 private:
  static Status MustExist(Db& db, std::string_view id) {
    Stmt& s = db.Cached("SELECT 1 FROM orgunit WHERE id = ?1");
    s.Bind(1, id);
    Status st;
    const bool found = s.Step(&st);
    s.Reset();
    U5_RETURN_IF_ERROR(st);
    return found ? Status::Ok() : NotFound(id);
  }

  std::function<Status(Db**)> conn_;
};

}  // namespace

std::unique_ptr<OrgUnitReader> NewSqliteOrgUnitReader(std::function<Status(Db**)> conn) {
  return std::make_unique<SqliteOrgUnitReader>(std::move(conn));
}

}  // namespace u5::store
