#include "support/test_store.h"

#include <filesystem>
#include <stdexcept>

#include "store/orgunit_writer.h"
#include "support/pg_database.h"
#include "support/sqlite_probe.h"

namespace u5::test {

std::vector<StoreKind> TestedStores() { return {StoreKind::sqlite, StoreKind::postgres}; }

void PrintTo(StoreKind kind, std::ostream* os) { *os << (kind == StoreKind::postgres ? "postgres" : "sqlite"); }

struct TestStoreLocation::PgDb {
  PgDb() = default;
  explicit PgDb(const std::string& template_db) : db(template_db) {}
  TestPgDatabase db;
};

TestStoreLocation::TestStoreLocation(StoreKind kind, const std::string& dir) : TestStoreLocation(kind, dir, "") {}

TestStoreLocation::TestStoreLocation(StoreKind kind, const std::string& dir, const std::string& pg_template)
    : kind_(kind) {
  if (kind == StoreKind::sqlite) {
    if (!store::ParseLocation(dir + "/t.db", "", "", &loc_).ok()) throw std::runtime_error("bad test location");
    return;
  }
  pg_ = pg_template.empty() ? std::make_unique<PgDb>() : std::make_unique<PgDb>(pg_template);
  // The local files where every command finds them by default: named after
  // the (unique) database in the working directory, removed at the end.
  if (!store::ParseLocation("", pg_->db.uri(), "", &loc_).ok()) throw std::runtime_error("bad test URI " + pg_->db.uri());
}

TestStoreLocation::~TestStoreLocation() {
  if (!loc_.postgres()) return;
  std::error_code ec;
  for (const char* suffix : {".engines", ".public", ".audit-key", ".audit-key.pub", ".audit-heads", ".fhir-export"})
    std::filesystem::remove_all(loc_.Beside(suffix), ec);
}

std::vector<std::string> TestStoreLocation::StoreArgs() const {
  return {loc_.postgres() ? "--pg" : "--db", loc_.target};
}

std::string TestStoreLocation::QueryOne(const std::string& sql) const {
  return pg_ ? pg_->db.QueryOne(sql) : test::QueryOne(loc_.target, sql);
}
int64_t TestStoreLocation::QueryInt(const std::string& sql) const {
  return pg_ ? pg_->db.QueryInt(sql) : test::QueryInt(loc_.target, sql);
}

void SeedMiniOrgUnitsAndHospital(store::Store& store) {
  store::OrgUnitSet set = MiniOrgUnits();
  store::OrgUnitRow h;
  h.id = "bv:12-sannhi";
  h.code = "12-sannhi";
  h.scheme = h.kind = "facility";
  h.name = "Bệnh viện Sản Nhi";
  h.parent_id = "03390";
  set.units.push_back(h);
  for (auto [ancestor, depth] : {std::pair{"bv:12-sannhi", 0}, {"03390", 1}, {"12", 2}, {"VN", 3}})
    set.closure.push_back({ancestor, "bv:12-sannhi", depth});
  bool written = false;
  Status st = store.orgunit_writer().LoadIfEmpty(set, nullptr, &written);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(written);
}

}  // namespace u5::test
