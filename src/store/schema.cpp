#include "store/schema.h"

#include "core/log.h"
#include "store/migrations.h"

namespace u5::store {

int SchemaVersion(Db& db) {
  Stmt s;
  if (!db.Prepare("PRAGMA user_version", &s).ok() || !s.Step()) return -1;
  return static_cast<int>(s.Int(0));
}

int LatestSchemaVersion() { return Migrations().back().version; }

Status Migrate(Db& db, int target) {
  if (target < 0) target = LatestSchemaVersion();
  int current = SchemaVersion(db);
  if (current > LatestSchemaVersion())
    return Status::Internal("database schema version " + std::to_string(current) +
                            " is newer than this program knows (" + std::to_string(LatestSchemaVersion()) + ")");
  for (const Migration& m : Migrations()) {
    if (m.version <= current || m.version > target) continue;
    Tx tx(db);
    U5_RETURN_IF_ERROR(tx.status());
    Status st = db.Exec(m.sql);
    if (!st.ok()) return Status::Internal("migration " + std::to_string(m.version) + " failed: " + st.message());
    U5_RETURN_IF_ERROR(db.Exec("PRAGMA user_version=" + std::to_string(m.version)));
    U5_RETURN_IF_ERROR(tx.Commit());
    log::Info("migration_applied", {{"version", m.version}, {"description", m.description}});
  }
  return Status::Ok();
}

}  // namespace u5::store
