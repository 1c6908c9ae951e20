// Roles as data: the shipped file parses, grants what the issue says each
// role may do, and a bad file is refused with the role named.
#include <gtest/gtest.h>

#include <fstream>

#include "auth/roles.h"
#include "support/temp_dir.h"

namespace u5::auth {
namespace {

TEST(Roles, ShippedFileMatchesBuiltin) {
  std::ifstream in(U5_ROLES_FILE);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  Roles r;
  ASSERT_TRUE(Roles::Parse(text, &r).ok());
  EXPECT_EQ(r.Names(), Roles::Builtin().Names());
  for (const auto& n : r.Names()) EXPECT_EQ(r.Find(n)->permissions, Roles::Builtin().Find(n)->permissions) << n;
}

TEST(Roles, WhatEachRoleMayDo) {
  const Roles& r = Roles::Builtin();
  EXPECT_TRUE(r.Has("commune_worker", kPersonWrite));
  EXPECT_TRUE(r.Has("district_officer", kPersonRead));
  EXPECT_FALSE(r.Has("district_officer", kPersonWrite));
  EXPECT_TRUE(r.Has("province_officer", kPlanManage));
  EXPECT_TRUE(r.Has("province_officer", kUserManage));
  EXPECT_TRUE(r.Has("ministry", kAggregateRead));
  EXPECT_FALSE(r.Has("ministry", kPersonRead));
  EXPECT_TRUE(r.Find("ministry")->suppress_small_cells);
  EXPECT_FALSE(r.Has("admin", kPersonRead));
  EXPECT_FALSE(r.Has("admin", kAggregateRead));
  EXPECT_TRUE(r.Has("admin", kUserManage));
  EXPECT_FALSE(r.Has("nobody", kPersonRead));
  EXPECT_EQ(r.small_cell_threshold(), 5);
}

TEST(Roles, BadFilesAreRefused) {
  Roles r;
  EXPECT_FALSE(Roles::Parse("{", &r).ok());
  EXPECT_FALSE(Roles::Parse(R"({"roles":{}})", &r).ok());
  Status st = Roles::Parse(R"({"roles":{"x":{"permissions":["person.fly"]}}})", &r);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("person.fly"), std::string::npos);
  // A country-wide role with person access would see every child in Vietnam.
  EXPECT_FALSE(Roles::Parse(R"({"roles":{"x":{"permissions":["person.read"],"all_orgunits":true}}})", &r).ok());
  EXPECT_FALSE(Roles::Parse(R"({"small_cell_threshold":0,"roles":{"x":{"permissions":[]}}})", &r).ok());
}

TEST(Roles, LoadedFileReplacesBuiltinAndResetRestores) {
  test::TempDir dir;
  {
    std::ofstream out(dir.File("roles.json"));
    out << R"({"small_cell_threshold": 10, "roles": {"nurse": {"permissions": ["person.read"]}}})";
  }
  ASSERT_TRUE(LoadRoles(dir.File("roles.json")).ok());
  EXPECT_TRUE(Roles::Current().Has("nurse", kPersonRead));
  EXPECT_FALSE(Roles::Current().Known("commune_worker"));
  EXPECT_EQ(Roles::Current().small_cell_threshold(), 10);
  EXPECT_FALSE(LoadRoles(dir.File("missing.json")).ok());
  EXPECT_TRUE(Roles::Current().Known("nurse"));  // a failed load keeps what was in force
  ResetRoles();
  EXPECT_TRUE(Roles::Current().Known("commune_worker"));
}

}  // namespace
}  // namespace u5::auth
