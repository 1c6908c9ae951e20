#include "fuzz/fuzz_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace u5::fuzz {

namespace {

void SeedOrgUnits(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::abort();
  const char* sql =
      "BEGIN;"
      "INSERT INTO orgunit(id, code, scheme, kind, name, parent_id) VALUES"
      " ('VN','VN','root','country','VN',NULL), ('12','12','vn2025','province','12','VN'),"
      " ('03390','03390','vn2025','commune','03390','12'), ('03394','03394','vn2025','commune','03394','12'),"
      " ('01','01','vn2025','province','01','VN'), ('00004','00004','vn2025','commune','00004','01');"
      "INSERT INTO orgunit_closure VALUES ('VN','VN',0), ('12','12',0), ('VN','12',1), ('03390','03390',0),"
      " ('12','03390',1), ('VN','03390',2), ('03394','03394',0), ('12','03394',1), ('VN','03394',2),"
      " ('01','01',0), ('VN','01',1), ('00004','00004',0), ('01','00004',1), ('VN','00004',2);"
      "COMMIT;";
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) std::abort();
  sqlite3_close(db);
}

}  // namespace

store::Store& SharedStore() {
  static std::unique_ptr<store::Store> s = [] {
    char dir[] = "/tmp/u5fuzzXXXXXX";
    if (!mkdtemp(dir)) std::abort();
    const std::string path = std::string(dir) + "/fuzz.db";
    std::unique_ptr<store::Store> out;
    if (!store::OpenSqliteStore(path, &out).ok()) std::abort();
    SeedOrgUnits(path);
    return out;
  }();
  return *s;
}

}  // namespace u5::fuzz
