// store::National on both stores: idempotent parts, replacements kept, sums,
// and a national instance refusing person-level records.
#include <gtest/gtest.h>

#include "store/national.h"
#include "store/store.h"
#include "support/records.h"
#include "support/store_kind.h"

namespace u5::federation {
namespace {

using store::NationalApplied;
using store::NationalPart;

audit::Entry Who() {
  audit::Entry e;
  e.user_id = "u1";
  e.username = "push12";
  e.action = "national_push";
  return e;
}

Status Apply(store::Store& s, const NationalPart& p, NationalApplied* a) {
  return s.national().Apply(p, Who(), [](const NationalApplied& n, audit::Entry* e) {
    e->detail = "{\"accepted\":" + std::to_string(n.accepted) + "}";
  }, a);
}

class NationalStore : public test::StoreTest {
 protected:
  void SetUp() override {
    test::StoreTest::SetUp();
    store_ = &store();
    test::SeedMiniOrgUnits(*store_);
  }
  store::Store* store_ = nullptr;
};

TEST_P(NationalStore, RepeatedPartChangesNothingAndChangedValueReplaces) {
  NationalPart p{"12", "2026-07", {{"03390", "anc4_coverage", 3, 10, "30.0000"}, {"03394", "anc4_coverage", 0, 0, ""}}};
  NationalApplied a;
  ASSERT_TRUE(Apply(*store_, p, &a).ok());
  EXPECT_EQ(a.accepted, 2);
  EXPECT_EQ(a.unchanged, 0);
  std::vector<store::NationalHolding> h1;
  ASSERT_TRUE(store_->national().Holdings("12", "2026-01", "2026-12", &h1).ok());
  ASSERT_EQ(h1.size(), 1u);
  EXPECT_EQ(h1[0].values, 2);
  EXPECT_EQ(h1[0].fingerprint, store::NationalFingerprint(p.values));

  ASSERT_TRUE(Apply(*store_, p, &a).ok());
  EXPECT_EQ(a.accepted, 0);
  EXPECT_EQ(a.replaced, 0);
  EXPECT_EQ(a.unchanged, 2);

  p.values[0].num = 4;
  p.values[0].value = "40.0000";
  ASSERT_TRUE(Apply(*store_, p, &a).ok());
  EXPECT_EQ(a.replaced, 1);
  EXPECT_EQ(a.unchanged, 1);
  std::vector<store::NationalHolding> h2;
  ASSERT_TRUE(store_->national().Holdings("12", "2026-07", "2026-07", &h2).ok());
  EXPECT_NE(h2[0].fingerprint, h1[0].fingerprint);
  EXPECT_EQ(h2[0].fingerprint, store::NationalFingerprint(p.values));

  std::vector<store::NationalSum> sums;
  ASSERT_TRUE(store_->national().Sums("2026-07", "2026-07", {"anc4_coverage"}, "", false, &sums).ok());
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].num, 4);
  EXPECT_EQ(sums[0].den, 10);
  // Every part wrote one audit entry, its counts filled in inside the transaction.
  std::vector<audit::Entry> trail;
  ASSERT_TRUE(store_->ListAudit({.username = "push12"}, &trail).ok());
  ASSERT_EQ(trail.size(), 3u);
  EXPECT_EQ(trail[0].detail, "{\"accepted\":2}");
  EXPECT_EQ(trail[2].detail, "{\"accepted\":0}");
}

TEST_P(NationalStore, SumsAddMonthsAndProvinces) {
  NationalApplied a;
  ASSERT_TRUE(Apply(*store_, {"12", "2026-07", {{"03390", "x", 1, 5, "20.0000"}}}, &a).ok());
  ASSERT_TRUE(Apply(*store_, {"12", "2026-08", {{"03390", "x", 2, 5, "40.0000"}}}, &a).ok());
  ASSERT_TRUE(Apply(*store_, {"01", "2026-08", {{"00004", "x", 7, 9, ""}}}, &a).ok());
  std::vector<store::NationalSum> s;
  ASSERT_TRUE(store_->national().Sums("2026-07", "2026-09", {}, "", false, &s).ok());
  ASSERT_EQ(s.size(), 2u);  // by province code
  EXPECT_EQ(s[0].province, "01");
  EXPECT_EQ(s[0].num, 7);
  EXPECT_EQ(s[0].months, 1);
  EXPECT_EQ(s[1].province, "12");
  EXPECT_EQ(s[1].num, 3);
  EXPECT_EQ(s[1].den, 10);
  EXPECT_EQ(s[1].months, 2);
  // By commune of one province.
  ASSERT_TRUE(store_->national().Sums("2026-07", "2026-09", {"x"}, "12", true, &s).ok());
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].orgunit, "03390");
  EXPECT_EQ(s[0].num, 3);
  ASSERT_TRUE(store_->national().Sums("2026-08", "2026-08", {"y"}, "", false, &s).ok());
  EXPECT_TRUE(s.empty());
}

TEST_P(NationalStore, NationalInstanceRefusesPersons) {
  bool national = true;
  ASSERT_TRUE(store_->national().IsNational(&national).ok());
  EXPECT_FALSE(national);
  ASSERT_TRUE(store_->national().MarkNational(Who()).ok());
  ASSERT_TRUE(store_->national().MarkNational(Who()).ok());  // idempotent
  ASSERT_TRUE(store_->national().IsNational(&national).ok());
  EXPECT_TRUE(national);
  Status st = store_->Insert(test::PersonRecord("Nguyễn Văn A"));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("holds no personal data"), std::string::npos) << st.ToString();
  std::unique_ptr<store::BulkWriter> bulk;
  ASSERT_TRUE(store_->OpenBulk(&bulk).ok());
  Status add = bulk->Add(test::PersonRecord("Nguyễn Văn B"));
  Status commit = add.ok() ? bulk->Commit() : add;
  EXPECT_FALSE(commit.ok());
  int64_t n = -1;
  ASSERT_TRUE(store_->Count({.type = "person"}, &n).ok());
  EXPECT_EQ(n, 0);
}

TEST_P(NationalStore, AStoreWithPersonsCannotBecomeNational) {
  ASSERT_TRUE(store_->Insert(test::PersonRecord("Lò Thị C")).ok());
  Status st = store_->national().MarkNational(Who());
  EXPECT_EQ(st.code(), Code::conflict);
  bool national = true;
  ASSERT_TRUE(store_->national().IsNational(&national).ok());
  EXPECT_FALSE(national);
}

INSTANTIATE_TEST_SUITE_P(, NationalStore, test::kStoreKinds, test::StoreKindName);

}  // namespace
}  // namespace u5::federation
