// The one rule for user names (auth::CheckUsername), as a table; and that
// AddUser, the path of `under5 user add` and of the demo accounts, applies it
// as the API's UserAdmin::Create does.
#include <gtest/gtest.h>

#include "auth/demo_accounts.h"
#include "auth/session.h"
#include "auth/username.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::auth {
namespace {

struct Case {
  std::string name;
  bool accepted;
};

const Case kCases[] = {
    {"cw1", true},
    {"abc", true},
    {"tinh", true},
    {"cw.tan_uyen", true},
    {"district_01", true},
    {"nguyen-van-a", true},
    {"0123456789", true},
    {std::string(64, 'a'), true},
    {"", false},
    {"a", false},
    {"cw", false},
    {std::string(65, 'a'), false},
    {"Cw1", false},             // upper case: two accounts must not differ by case alone
    {"CW1", false},
    {"nguyễn", false},          // not ASCII
    {"cw 1", false},            // space
    {" cw1", false},
    {"cw1\n", false},           // control characters
    {std::string("cw\0" "1", 4), false},
    {"cw1;rm", false},          // needs quoting in a shell
    {"cw1@tram", false},
    {"cw/1", false},
    {"cw+1", false},
    {"cw%31", false},
    {"\xff\xfe\xfd", false},    // not UTF-8
};

TEST(Username, TableOfAcceptedAndRefused) {
  for (const Case& c : kCases) {
    Status st = CheckUsername(c.name);
    EXPECT_EQ(st.ok(), c.accepted) << "'" << c.name << "': " << st.ToString();
    if (!c.accepted) {
      EXPECT_EQ(st.code(), Code::invalid) << c.name;
      EXPECT_EQ(st.field(), "username") << c.name;
    }
  }
}

TEST(Username, TheDemoAccountsFollowTheRule) {
  for (const auto& a : DemoAccounts()) EXPECT_TRUE(CheckUsername(a.username).ok()) << a.username;
}

TEST(Username, AddUserAppliesTheRule) {
  test::TempDir dir;
  std::unique_ptr<store::Store> s;
  ASSERT_TRUE(store::OpenSqliteStore(dir.File("t.db"), &s).ok());
  test::SeedMiniOrgUnits(dir.File("t.db"));
  for (const Case& c : kCases) {
    Status st = AddUser(*s, c.name, "password-123", "commune_worker", {"03390"});
    EXPECT_EQ(st.ok(), c.accepted) << "'" << c.name << "': " << st.ToString();
    if (!c.accepted) {
      EXPECT_EQ(st.field(), "username") << c.name;
    }
  }
}

}  // namespace
}  // namespace u5::auth
