#include "support/test_store.h"

#include <filesystem>
#include <stdexcept>

#include "store/orgunit_writer.h"
#include "support/pg_database.h"

namespace u5::test {

std::vector<StoreKind> TestedStores() { return {StoreKind::sqlite}; }

std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param == StoreKind::postgres ? "postgres" : "sqlite";
}

void PrintTo(StoreKind kind, std::ostream* os) { *os << (kind == StoreKind::postgres ? "postgres" : "sqlite"); }

struct TestStoreLocation::PgDb {
  TestPgDatabase db;
};

TestStoreLocation::TestStoreLocation(StoreKind kind, const std::string& dir) : kind_(kind) {
  if (kind == StoreKind::sqlite) {
    if (!store::ParseLocation(dir + "/t.db", "", "", &loc_).ok()) throw std::runtime_error("bad test location");
    return;
  }
  pg_ = std::make_unique<PgDb>();
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


void SeedMiniOrgUnits(store::Store& store, bool hospital) {
  bool loaded = false;
  if (!store.orgunit_writer().Loaded(&loaded).ok()) throw std::runtime_error("org unit tables unreadable");
  if (loaded) return;
  struct Unit { const char *id, *scheme, *kind, *parent; };
  const Unit units[] = {{"VN", "root", "country", nullptr},       {"12", "vn2025", "province", "VN"},
                        {"03390", "vn2025", "commune", "12"},     {"tyt:03390", "facility", "facility", "03390"},
                        {"03394", "vn2025", "commune", "12"},     {"01", "vn2025", "province", "VN"},
                        {"00004", "vn2025", "commune", "01"}};
  std::vector<Unit> all(std::begin(units), std::end(units));
  if (hospital) all.push_back({"bv:12-sannhi", "facility", "facility", "03390"});
  store::OrgUnitSet set;
  for (const Unit& u : all) {
    store::OrgUnitRow r;
    r.id = r.code = u.id;
    r.scheme = u.scheme;
    r.kind = u.kind;
    r.name = std::string(u.id) == "bv:12-sannhi" ? "Bệnh viện Sản Nhi" : std::string("unit ") + u.id;
    if (std::string(u.id) == "bv:12-sannhi") r.code = "12-sannhi";
    if (u.parent) r.parent_id = u.parent;
    set.units.push_back(r);
  }
  // Closure: every unit with each of its ancestors (itself at depth 0).
  for (const Unit& u : all) {
    int depth = 0;
    for (const char* a = u.id; a; ++depth) {
      set.closure.push_back({a, u.id, depth});
      const char* parent = nullptr;
      for (const Unit& p : all)
        if (std::string(p.id) == a) parent = p.parent;
      a = parent;
    }
  }
  bool written = false;
  if (Status st = store.orgunit_writer().LoadIfEmpty(set, nullptr, &written); !st.ok())
    throw std::runtime_error("seeding org units: " + st.ToString());
}

}  // namespace u5::test
