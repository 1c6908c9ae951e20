// store::OrgUnitWriter over SQLite: tables orgunit, orgunit_successor and
// orgunit_closure (migration 1).
#include "store/orgunit_writer.h"
#include "store/sqlite_change_log.h"
#include "store/sqlite_host.h"

namespace u5::store {
namespace {

class SqliteOrgUnitWriter final : public OrgUnitWriter {
 public:
  explicit SqliteOrgUnitWriter(SqliteHost& host) : host_(host) {}

  Status Loaded(bool* yes) override {
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    return Populated(*db, yes);
  }

  Status LoadIfEmpty(const OrgUnitSet& set, const OrgUnitProgress& progress, bool* written) override {
    *written = false;
    Db* db;
    U5_RETURN_IF_ERROR(host_.Conn(&db));
    Tx tx(*db);
    U5_RETURN_IF_ERROR(tx.status());
    // Under the write lock: another process may have loaded meanwhile.
    bool yes = false;
    U5_RETURN_IF_ERROR(Populated(*db, &yes));
    if (yes) return Status::Ok();  // Tx rolls back the empty transaction
    auto tell = [&](std::string_view stage, size_t done, size_t total) {
      if (progress) progress(stage, done, total);
    };
    Stmt ins;
    U5_RETURN_IF_ERROR(db->Prepare(
        "INSERT INTO orgunit(id, code, scheme, kind, name, division_type, parent_id, valid_from, valid_to, "
        "population, area_km2) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &ins));
    for (size_t i = 0; i < set.units.size(); ++i) {
      const OrgUnitRow& u = set.units[i];
      ins.Reset();
      ins.Bind(1, u.id).Bind(2, u.code).Bind(3, u.scheme).Bind(4, u.kind).Bind(5, u.name).Bind(6, u.division_type);
      ins.Bind(7, u.parent_id).Bind(8, u.valid_from).Bind(9, u.valid_to);
      if (u.population) ins.Bind(10, *u.population); else ins.BindNull(10);
      if (u.area_km2) ins.Bind(11, *u.area_km2); else ins.BindNull(11);
      if (Status st = ins.Run(); !st.ok()) return Status::Internal("insert orgunit " + u.id + ": " + st.message());
      if (i % 2000 == 0) tell("write_units", i, set.units.size());
    }
    tell("write_units", set.units.size(), set.units.size());
    Stmt succ;
    U5_RETURN_IF_ERROR(db->Prepare("INSERT INTO orgunit_successor(old_id, new_id, note) VALUES (?, ?, ?)", &succ));
    for (const OrgUnitSuccessorRow& r : set.successors) {
      succ.Reset();
      succ.Bind(1, r.old_id).Bind(2, r.new_id).Bind(3, r.note);
      if (Status st = succ.Run(); !st.ok())
        return Status::Internal("insert successor " + r.old_id + " -> " + r.new_id + ": " + st.message());
    }
    Stmt clo;
    U5_RETURN_IF_ERROR(db->Prepare("INSERT INTO orgunit_closure(ancestor, descendant, depth) VALUES (?, ?, ?)", &clo));
    const size_t total = set.closure.size();
    tell("closure", 0, total);
    for (size_t i = 0; i < total; ++i) {
      const OrgUnitClosureRow& r = set.closure[i];
      clo.Reset();
      clo.Bind(1, r.ancestor).Bind(2, r.descendant).Bind(3, r.depth);
      if (Status st = clo.Run(); !st.ok()) return Status::Internal("insert closure: " + st.message());
      if (i % 10000 == 0 && i) tell("closure", i, total);
    }
    tell("closure", total, total);
    ins = Stmt();
    succ = Stmt();
    clo = Stmt();
    // Engines file records under these units: state saved before is rebuilt.
    U5_RETURN_IF_ERROR(LogChangeIn(*db, nullptr));
    U5_RETURN_IF_ERROR(tx.Commit());
    *written = true;
    return Status::Ok();
  }

 private:
  static Status Populated(Db& db, bool* yes) {
    Stmt& q = db.Cached("SELECT EXISTS (SELECT 1 FROM orgunit)");
    Status st;
    const bool row = q.Step(&st);
    *yes = row && q.Int(0) != 0;
    q.Reset();
    if (!row && st.ok()) return Status::Internal("orgunit: empty result");
    return st;
  }

  SqliteHost& host_;
};

}  // namespace

std::unique_ptr<OrgUnitWriter> NewSqliteOrgUnitWriter(SqliteHost& host) {
  return std::make_unique<SqliteOrgUnitWriter>(host);
}

}  // namespace u5::store
