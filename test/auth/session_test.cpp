// Sessions with a hand-moved clock: absolute expiry, idle timeout, logout,
// password change; stored hashes are argon2id strings. The rules whose store
// calls StoreTest does not cover (the idle touch, a password change ending
// the other sessions) on both stores, SessionStore; the rest on SQLite.
#include <gtest/gtest.h>

#include "auth/password.h"
#include "auth/session.h"
#include "core/date.h"
#include "support/raw_db.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::auth {
namespace {

template <class Base>
struct SessionsOn : Base {
  test::TempDir dir;
  std::unique_ptr<test::TestStoreLocation> where;
  std::unique_ptr<test::RawDb> raw;
  std::unique_ptr<store::Store> s;
  int64_t now = NowMillis();
  std::unique_ptr<Sessions> sessions;

  void SetUp() override {
    where = std::make_unique<test::TestStoreLocation>(Kind(), dir.path());
    raw = std::make_unique<test::RawDb>(where->location());
    ASSERT_TRUE(where->Open(&s).ok());
    test::SeedMiniOrgUnits(*s);
    ASSERT_TRUE(AddUser(*s, "cw1", "password-123", "commune_worker", {"03390"}).ok());
    SessionOptions o;
    o.ttl_ms = 8LL * 3600 * 1000;
    o.idle_ms = 30LL * 60 * 1000;
    o.clock = [this] { return now; };
    sessions = std::make_unique<Sessions>(*s, o);
  }
  virtual test::StoreKind Kind() const = 0;
};

struct SessionTest : SessionsOn<::testing::Test> {
  test::StoreKind Kind() const override { return test::StoreKind::sqlite; }
};
struct SessionStore : SessionsOn<::testing::TestWithParam<test::StoreKind>> {
  test::StoreKind Kind() const override { return GetParam(); }
};

TEST_F(SessionTest, StoredHashIsArgon2id) {
  const std::string h = raw->QueryOne("SELECT password_hash FROM app_user WHERE username='cw1'");
  EXPECT_EQ(h.rfind("$argon2id$v=19$", 0), 0u) << h;
  EXPECT_EQ(h.find("password-123"), std::string::npos);
}

TEST_F(SessionTest, ExpiresAfterTtlEvenWhenBusy) {
  std::string token;
  Principal who;
  ASSERT_TRUE(sessions->Login("cw1", "password-123", &token, &who).ok());
  for (int i = 0; i < 16; ++i) {  // a request every 29 minutes for ~7.7 hours: never idle
    now += 29LL * 60 * 1000;
    ASSERT_TRUE(sessions->Authenticate(token, &who).ok()) << i;
  }
  now += 29LL * 60 * 1000;  // past 8 hours
  Status st = sessions->Authenticate(token, &who);
  EXPECT_EQ(st.code(), Code::unauthenticated);
  EXPECT_NE(st.message().find("expired"), std::string::npos) << st.message();
  now += 1;
  EXPECT_FALSE(sessions->Authenticate(token, &who).ok());  // and stays ended
}

TEST_P(SessionStore, EndsAfterIdleTimeout) {
  std::string token;
  Principal who;
  ASSERT_TRUE(sessions->Login("cw1", "password-123", &token, &who).ok());
  now += 30LL * 60 * 1000;
  ASSERT_TRUE(sessions->Authenticate(token, &who).ok());  // exactly the limit is still fine
  now += 30LL * 60 * 1000 + 1;
  Status st = sessions->Authenticate(token, &who);
  EXPECT_EQ(st.code(), Code::unauthenticated);
  EXPECT_NE(st.message().find("inactivity"), std::string::npos) << st.message();
  EXPECT_EQ(raw->QueryInt("SELECT count(*) FROM session"), 0);
}

TEST_F(SessionTest, LogoutEndsAtOnce) {
  std::string token;
  Principal who;
  ASSERT_TRUE(sessions->Login("cw1", "password-123", &token, &who).ok());
  ASSERT_TRUE(sessions->Authenticate(token, &who).ok());  // now cached
  ASSERT_TRUE(sessions->Logout(token).ok());
  EXPECT_FALSE(sessions->Authenticate(token, &who).ok());
}

TEST_P(SessionStore, PasswordChange) {
  ASSERT_TRUE(AddUser(*s, "first", "printed-pass", "commune_worker", {"03390"}, "", true).ok());
  std::string token;
  Principal who;
  ASSERT_TRUE(sessions->Login("first", "printed-pass", &token, &who).ok());
  EXPECT_TRUE(who.must_change_password);
  EXPECT_EQ(sessions->ChangePassword(who, "wrong-one", "new-password-1").field(), "old_password");
  EXPECT_EQ(sessions->ChangePassword(who, "printed-pass", "short").field(), "new_password");
  EXPECT_EQ(sessions->ChangePassword(who, "printed-pass", "password1").field(), "new_password");
  EXPECT_EQ(sessions->ChangePassword(who, "printed-pass", "first-1234").field(), "new_password");  // the user name
  EXPECT_EQ(sessions->ChangePassword(who, "printed-pass", "printed-pass").field(), "new_password");
  ASSERT_TRUE(sessions->ChangePassword(who, "printed-pass", "new-password-1", token).ok());
  ASSERT_TRUE(sessions->Authenticate(token, &who).ok());
  EXPECT_FALSE(who.must_change_password);
  EXPECT_FALSE(sessions->Login("first", "printed-pass", &token, &who).ok());
  EXPECT_TRUE(sessions->Login("first", "new-password-1", &token, &who).ok());
  const std::string h = raw->QueryOne("SELECT password_hash FROM app_user WHERE username='first'");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
}

// A new password ends every other session of the user, stored and cached;
// the session that made the change stays.
TEST_P(SessionStore, PasswordChangeEndsTheOtherSessions) {
  std::string phone, laptop, other_user;
  Principal who, x;
  ASSERT_TRUE(AddUser(*s, "cw2", "password-123", "commune_worker", {"03390"}).ok());
  ASSERT_TRUE(sessions->Login("cw1", "password-123", &phone, &who).ok());
  ASSERT_TRUE(sessions->Login("cw1", "password-123", &laptop, &who).ok());
  ASSERT_TRUE(sessions->Login("cw2", "password-123", &other_user, &x).ok());
  for (const auto* t : {&phone, &laptop, &other_user}) ASSERT_TRUE(sessions->Authenticate(*t, &x).ok());  // all cached
  ASSERT_TRUE(sessions->ChangePassword(who, "password-123", "hoa ban nở tháng ba", laptop).ok());
  EXPECT_EQ(sessions->Authenticate(phone, &x).code(), Code::unauthenticated);
  EXPECT_TRUE(sessions->Authenticate(laptop, &x).ok());
  EXPECT_TRUE(sessions->Authenticate(other_user, &x).ok());
  EXPECT_EQ(raw->QueryInt("SELECT count(*) FROM session WHERE user_id='" + who.user_id + "'"), 1);
  // Without the current session (a caller outside a session), all end.
  ASSERT_TRUE(sessions->ChangePassword(who, "hoa ban nở tháng ba", "trạm y tế bình lư").ok());
  EXPECT_EQ(sessions->Authenticate(laptop, &x).code(), Code::unauthenticated);
  EXPECT_EQ(raw->QueryInt("SELECT count(*) FROM session WHERE user_id='" + who.user_id + "'"), 0);
}

U5_ON_BOTH_STORES(SessionStore);

}  // namespace
}  // namespace u5::auth
