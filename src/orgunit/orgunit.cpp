#include "orgunit/orgunit.h"

namespace u5::orgunit {
namespace {

#define U5_ORGUNIT_COLS \
  "o.id, o.code, o.scheme, o.kind, o.name, o.division_type, o.parent_id, o.valid_from, o.valid_to, o.population, o.area_km2"

OrgUnit FromRow(const store::Stmt& s) {
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

bool Exists(store::Db& db, std::string_view id) {
  store::Stmt& s = db.Cached("SELECT 1 FROM orgunit WHERE id = ?");
  s.Bind(1, id);
  bool found = s.Step();
  s.Reset();
  return found;
}

bool ExistsIn(store::Db& db, const std::string& id, const char* scheme, const char* kind) {
  store::Stmt& s = db.Cached("SELECT 1 FROM orgunit WHERE id = ? AND scheme = ? AND kind = ?");
  s.Bind(1, id).Bind(2, scheme).Bind(3, kind);
  bool found = s.Step();
  s.Reset();
  return found;
}

Status Found(const std::string& v, std::string* id) {
  *id = v;
  return Status::Ok();
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

Status GetOrgUnit(store::Db& db, std::string_view id, OrgUnit* out) {
  store::Stmt& s = db.Cached("SELECT " U5_ORGUNIT_COLS " FROM orgunit o WHERE o.id = ?");
  s.Bind(1, id);
  Status st;
  if (!s.Step(&st)) {
    s.Reset();
    return st.ok() ? NotFound(id) : st;
  }
  *out = FromRow(s);
  s.Reset();
  return Status::Ok();
}

Status ListChildren(store::Db& db, std::string_view parent_id, std::vector<OrgUnit>* out) {
  out->clear();
  if (!Exists(db, parent_id)) return NotFound(parent_id);
  store::Stmt& s = db.Cached("SELECT " U5_ORGUNIT_COLS " FROM orgunit o WHERE o.parent_id = ? ORDER BY o.id");
  s.Bind(1, parent_id);
  Status st;
  while (s.Step(&st)) out->push_back(FromRow(s));
  s.Reset();
  return st;
}

Status Ancestors(store::Db& db, std::string_view id, std::vector<OrgUnit>* out) {
  out->clear();
  if (!Exists(db, id)) return NotFound(id);
  store::Stmt& s = db.Cached(
      "WITH RECURSIVE chain(id, n) AS ("
      "  SELECT parent_id, 1 FROM orgunit WHERE id = ? AND parent_id IS NOT NULL"
      "  UNION ALL"
      "  SELECT p.parent_id, chain.n + 1 FROM chain JOIN orgunit p ON p.id = chain.id"
      "  WHERE p.parent_id IS NOT NULL AND chain.n < 16)"
      " SELECT " U5_ORGUNIT_COLS " FROM chain JOIN orgunit o ON o.id = chain.id ORDER BY chain.n");
  s.Bind(1, id);
  Status st;
  while (s.Step(&st)) out->push_back(FromRow(s));
  s.Reset();
  return st;
}

bool IsInSubtree(store::Db& db, std::string_view ancestor, std::string_view descendant) {
  store::Stmt& s = db.Cached("SELECT 1 FROM orgunit_closure WHERE ancestor = ? AND descendant = ?");
  s.Bind(1, ancestor).Bind(2, descendant);
  bool found = s.Step();
  s.Reset();
  return found;
}

Status Successors(store::Db& db, std::string_view old_id, std::vector<std::string>* out) {
  out->clear();
  if (!Exists(db, old_id)) return NotFound(old_id);
  store::Stmt& s = db.Cached("SELECT new_id FROM orgunit_successor WHERE old_id = ? ORDER BY new_id");
  s.Bind(1, old_id);
  Status st;
  while (s.Step(&st)) out->push_back(s.Text(0));
  s.Reset();
  return st;
}

Status ResolveOrgUnit(store::Db& db, std::string_view code_or_id, std::string* id) {
  std::string_view in = code_or_id;
  while (!in.empty() && (in.front() == ' ' || in.front() == '\t')) in.remove_prefix(1);
  while (!in.empty() && (in.back() == ' ' || in.back() == '\t')) in.remove_suffix(1);
  if (in.empty()) return Status::NotFound("empty org unit", "orgunit");
  const std::string s(in);
  if (AllDigits(s)) {
    // Bare NSO code: the current (2025) scheme wins, then the pre-2025 one.
    const std::string old = "pre2025:" + s;
    if (s.size() == 5) {
      if (ExistsIn(db, s, "vn2025", "commune")) return Found(s, id);
      if (ExistsIn(db, old, "pre2025", "commune")) return Found(old, id);
    } else if (s.size() == 2) {
      if (ExistsIn(db, s, "vn2025", "province")) return Found(s, id);
      if (ExistsIn(db, old, "pre2025", "province")) return Found(old, id);
    } else if (s.size() == 3) {
      if (ExistsIn(db, old, "pre2025", "district")) return Found(old, id);
    }
    return NotFound(s);
  }
  if (Exists(db, s)) return Found(s, id);
  return NotFound(s);
}

}  // namespace u5::orgunit
