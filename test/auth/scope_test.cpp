// auth::ResolveOrgUnit: which org unit a request is about, one rule for every module's routes.
#include "auth/scope.h"

#include <gtest/gtest.h>

#include "auth/roles.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::auth {
namespace {

struct Case {
  const char* name;
  const char* role;
  std::vector<std::string> mine;
  const char* asked;
  Code code;            // ok, invalid (422), forbidden (403)
  const char* expect;   // the org unit when ok, the field otherwise
};

TEST(ResolveOrgUnit, AskedOrImpliedAndOnlyWithinScope) {
  test::TempDir dir;
  std::unique_ptr<store::Store> s;
  ASSERT_TRUE(store::OpenSqliteStore(dir.File("t.db"), &s).ok());
  test::SeedMiniOrgUnits(dir.File("t.db"));  // VN > 12 > 03390 > tyt:03390, 12 > 03394, VN > 01 > 00004
  const Case cases[] = {
      {"asked, own unit", "commune_worker", {"03390"}, "03390", Code::ok, "03390"},
      {"asked, below own unit", "province_officer", {"12"}, "03394", Code::ok, "03394"},
      {"asked, a sibling commune", "commune_worker", {"03390"}, "03394", Code::forbidden, "orgunit"},
      {"asked, the parent province", "commune_worker", {"03390"}, "12", Code::forbidden, "orgunit"},
      {"asked, another province", "province_officer", {"12"}, "00004", Code::forbidden, "orgunit"},
      {"asked, unknown unit", "province_officer", {"12"}, "99999", Code::invalid, "orgunit"},
      {"implied, the only unit", "commune_worker", {"03390"}, "", Code::ok, "03390"},
      {"implied, two units", "commune_worker", {"03390", "03394"}, "", Code::invalid, "orgunit"},
      {"implied, no unit", "commune_worker", {}, "", Code::invalid, "orgunit"},
      {"country-wide, implied", "ministry", {}, "", Code::ok, "VN"},
      {"country-wide, asked anywhere", "ministry", {}, "00004", Code::ok, "00004"},
      {"country-wide, unknown unit", "ministry", {}, "99999", Code::invalid, "orgunit"},
  };
  ASSERT_TRUE(Roles::Current().Find("ministry") && Roles::Current().Find("ministry")->all_orgunits);
  for (const Case& c : cases) {
    Principal who{"u1", "user", c.role, c.mine};
    std::string ou = "unchanged";
    const Status st = ResolveOrgUnit(*s, who, c.asked, &ou);
    EXPECT_EQ(st.code(), c.code) << c.name << ": " << st.ToString();
    if (c.code == Code::ok) EXPECT_EQ(ou, c.expect) << c.name;
    else EXPECT_EQ(st.field(), c.expect) << c.name;
  }
}

}  // namespace
}  // namespace u5::auth
