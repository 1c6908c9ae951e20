#include "support/store_kind.h"

#include <algorithm>
#include <stdexcept>

#include "store/orgunit_writer.h"
#include "store/pg_store.h"
#include "support/sqlite_probe.h"

namespace u5::test {

std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param == StoreKind::sqlite ? "sqlite" : "postgres";
}

store::OrgUnitSet MiniOrgUnits() {
  struct Unit { const char *id, *scheme, *kind, *parent; };
  const Unit units[] = {{"VN", "root", "country", nullptr},       {"12", "vn2025", "province", "VN"},
                        {"03390", "vn2025", "commune", "12"},     {"tyt:03390", "facility", "facility", "03390"},
                        {"03394", "vn2025", "commune", "12"},     {"01", "vn2025", "province", "VN"},
                        {"00004", "vn2025", "commune", "01"}};
  store::OrgUnitSet set;
  for (const Unit& u : units) {
    store::OrgUnitRow r;
    r.id = r.code = u.id;
    r.scheme = u.scheme;
    r.kind = u.kind;
    r.name = std::string("unit ") + u.id;
    if (u.parent) r.parent_id = u.parent;
    set.units.push_back(r);
  }
  // Closure: every unit with each of its ancestors (itself at depth 0).
  for (const Unit& u : units) {
    int depth = 0;
    for (const char* a = u.id; a; ++depth) {
      set.closure.push_back({a, u.id, depth});
      const auto* p = std::find_if(std::begin(units), std::end(units), [&](const Unit& x) { return std::string(x.id) == a; });
      a = p->parent;
    }
  }
  return set;
}

void SeedMiniOrgUnits(store::Store& s) {
  bool written = false;
  Status st = s.orgunit_writer().LoadIfEmpty(MiniOrgUnits(), nullptr, &written);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(written);
}

void StoreTest::SetUp() { store_ = OpenEmpty(); }

bool StoreTest::RawSqlSucceeds(const std::string& sql) {
  try {
    if (GetParam() == StoreKind::sqlite)
      Exec(dir_.File("t0.db"), sql);  // store() is the first opened
    else
      databases_.front()->Exec(sql);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::unique_ptr<store::Store> StoreTest::OpenEmpty() {
  std::unique_ptr<store::Store> s;
  Status st;
  if (GetParam() == StoreKind::sqlite) {
    st = store::OpenSqliteStore(dir_.File("t" + std::to_string(opened_++) + ".db"), &s);
  } else {
    databases_.push_back(std::make_unique<TestPgDatabase>());
    st = store::OpenPgStore(databases_.back()->uri(), store::PgOptions{}, &s);
  }
  EXPECT_TRUE(st.ok()) << st.ToString();
  return s;
}

}  // namespace u5::test
