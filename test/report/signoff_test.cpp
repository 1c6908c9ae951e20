// Sign-off: close, reopen with a reason (audited), state as of a day, and the
// report's completeness and timeliness before and after the due date.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "demo_db.h"
#include "report/model.h"
#include "report/signoff.h"
#include "support/process.h"
#include "support/store_kind.h"
#include "support/temp_dir.h"

namespace u5::report {
namespace {

Date D(const char* s) { return *ParseDate(s); }

// A fresh store of each kind, with raw SQL beside it for what the store must refuse.
class SignoffEachStore : public test::StoreTest {
 protected:
  std::vector<audit::Entry> Audits(const std::string& prefix) {
    store::AuditQuery q;
    q.limit = 1000;
    std::vector<audit::Entry> all, out;
    EXPECT_TRUE(store().ListAudit(q, &all).ok());
    for (audit::Entry& e : all)
      if (e.action.rfind(prefix, 0) == 0) out.push_back(std::move(e));
    return out;
  }
};

TEST_P(SignoffEachStore, CloseReopenWithReasonAndStateAsOfADay) {
  store::Store& st = store();
  SignoffAction a{"03390", "2026S1", "cw.tan_uyen", "", R"({"neonatal_mortality_rate":[1,40]})", D("2026-06-05"), "id-cw"};
  ASSERT_TRUE(ClosePeriod(st, a).ok());
  SignoffState s;
  ASSERT_TRUE(SignoffAsOf(st, "03390", "2026S1", D("2026-06-04"), &s).ok());
  EXPECT_FALSE(s.closed) << "not yet closed the day before";
  ASSERT_TRUE(SignoffAsOf(st, "03390", "2026S1", D("2026-06-05"), &s).ok());
  EXPECT_TRUE(s.closed);
  EXPECT_EQ(s.by, "cw.tan_uyen");
  EXPECT_EQ(FormatDate(s.on), "2026-06-05");
  EXPECT_EQ(s.figures, a.figures);
  EXPECT_FALSE(s.at.empty());
  EXPECT_EQ(ClosePeriod(st, a).code(), Code::conflict) << "a closed period is not closed twice";

  SignoffAction r = a;
  r.on = D("2026-06-20");
  r.reason = "";
  EXPECT_EQ(ReopenPeriod(st, r).field(), "reason");
  r.reason = "short";
  EXPECT_EQ(ReopenPeriod(st, r).field(), "reason");
  r.reason = "hồ sơ tử vong sơ sinh nhập muộn";
  ASSERT_TRUE(ReopenPeriod(st, r).ok());
  EXPECT_EQ(ReopenPeriod(st, r).code(), Code::conflict) << "only a closed period reopens";
  ASSERT_TRUE(SignoffAsOf(st, "03390", "2026S1", D("2026-06-19"), &s).ok());
  EXPECT_TRUE(s.closed) << "history: closed until the reopening";
  ASSERT_TRUE(SignoffAsOf(st, "03390", "2026S1", D("2026-06-20"), &s).ok());
  EXPECT_FALSE(s.closed);
  EXPECT_EQ(s.reopened, 1);

  const std::vector<audit::Entry> trail = Audits("period_");
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].action, "period_close");
  EXPECT_EQ(trail[1].action, "period_reopen");
  for (const audit::Entry& e : trail)
    EXPECT_EQ(e.user_id + ":" + e.username, "id-cw:cw.tan_uyen") << "the user's id, not the name, in user_id";
  EXPECT_EQ(nlohmann::json::parse(trail[1].detail)["reason"], r.reason);
  int64_t checked = 0;
  EXPECT_TRUE(st.VerifyAudit(&checked).ok());
  // The sign-off list itself is append-only, whoever writes to it.
  EXPECT_FALSE(RawSqlSucceeds("UPDATE report_signoff SET username = 'someone else'"));
  EXPECT_FALSE(RawSqlSucceeds("DELETE FROM report_signoff"));
  // Other periods and units are independent.
  ASSERT_TRUE(SignoffAsOf(st, "03390", "2026S2", D("2026-12-31"), &s).ok());
  EXPECT_FALSE(s.closed);
}

INSTANTIATE_TEST_SUITE_P(, SignoffEachStore, test::kStoreKinds, test::StoreKindName);

const Table& Find(const Report& r, const std::string& id) {
  for (const auto& t : r.tables)
    if (t.id == id) return t;
  throw std::runtime_error("no table " + id);
}

TEST(Signoff, CompletenessAndTimelinessBeforeAndAfterTheDueDate) {
  test::DemoProvince& lc = test::Demo("12");
  Template t;
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "lai_chau_6m", &t).ok());
  // 2025S1 here: the formats tests use 2026S1 of the same demo province.
  BuildOptions b{"", "2025S1", D("2025-06-30")};
  Report r;
  ASSERT_TRUE(BuildReport(*lc.svc, *lc.store, t, b, &r).ok());
  const int n = r.completeness.expected;
  ASSERT_GE(n, 4) << "Lai Châu has dozens of communes";
  EXPECT_EQ(r.completeness.signed_off, 0);
  const Table& so = Find(r, "signoff");
  ASSERT_EQ(static_cast<int>(so.rows.size()), n + 1);
  std::vector<std::string> units;
  for (int i = 0; i < 4; ++i) units.push_back(so.rows[i].orgunit);

  indicator::Period p;
  ASSERT_TRUE(indicator::ParsePeriod("2025S1", &p).ok());
  auto close = [&](const std::string& ou, const char* day) {
    SignoffAction a{ou, "2025S1", "cw." + ou, "", FiguresJson(*lc.svc, ou, p), D(day), "id-cw"};
    ASSERT_TRUE(ClosePeriod(*lc.store, a).ok());
  };
  close(units[0], "2025-06-02");  // on time
  close(units[1], "2025-06-09");  // last day before "before 10 June"
  close(units[2], "2025-06-10");  // late
  close(units[3], "2025-06-03");  // on time, then reopened and closed again late
  SignoffAction re{units[3], "2025S1", "do.laichau", "sửa số trẻ sinh sống tháng 3", "{}", D("2025-06-12"), "id-do"};
  ASSERT_TRUE(ReopenPeriod(*lc.store, re).ok());

  auto at = [&](const char* day) {
    BuildOptions o{"", "2025S1", D(day)};
    Report x;
    EXPECT_TRUE(BuildReport(*lc.svc, *lc.store, t, o, &x).ok());
    return x.completeness;
  };
  Completeness c = at("2025-06-05");
  EXPECT_EQ(c.signed_off, 2);
  EXPECT_EQ(c.on_time, 2);
  c = at("2025-06-09");
  EXPECT_EQ(c.signed_off, 3);
  EXPECT_EQ(c.on_time, 3);
  c = at("2025-06-10");
  EXPECT_EQ(c.signed_off, 4);
  EXPECT_EQ(c.on_time, 3) << "closed on the due day is late";
  c = at("2025-06-12");
  EXPECT_EQ(c.signed_off, 3) << "reopened";
  EXPECT_EQ(c.on_time, 2);
  close(units[3], "2025-06-14");
  c = at("2025-06-30");
  EXPECT_EQ(c.signed_off, 4);
  EXPECT_EQ(c.on_time, 2) << "the confirmation in force came after the due date";
  EXPECT_NEAR(c.completeness_pct(), 400.0 / n, 1e-9);
  EXPECT_NEAR(c.timeliness_pct(), 200.0 / n, 1e-9);
  EXPECT_EQ(c.changed_since, 0) << "no record changed since the sign-off";

  // The sign-off table names who confirmed and whether on time.
  BuildOptions o{"", "2025S1", D("2025-06-30")};
  ASSERT_TRUE(BuildReport(*lc.svc, *lc.store, t, o, &r).ok());
  const Table& so2 = Find(r, "signoff");
  EXPECT_EQ(so2.rows[0].cells[1].text, "cw." + units[0]);
  EXPECT_EQ(so2.rows[0].cells[3].text, "Có");
  EXPECT_EQ(so2.rows[2].cells[3].text, "Không");
  EXPECT_EQ(so2.rows[4].cells[0].text, "Chưa xác nhận");
}

TEST(Signoff, ChangedFiguresShowAfterSignoff) {
  test::DemoProvince& lc = test::Demo("12");
  Template t;
  ASSERT_TRUE(LoadTemplate(test::DataDir(), "lai_chau_6m", &t).ok());
  Report r;
  ASSERT_TRUE(BuildReport(*lc.svc, *lc.store, t, BuildOptions{"", "2024S1", D("2024-07-01")}, &r).ok());
  const std::string ou = Find(r, "signoff").rows[0].orgunit;
  // Figures confirmed that differ from the registry's now: as if records were edited after sign-off.
  SignoffAction a{ou, "2024S1", "cw", "", R"({"neonatal_mortality_rate":[999,1]})", D("2024-06-01"), "id-cw"};
  ASSERT_TRUE(ClosePeriod(*lc.store, a).ok());
  ASSERT_TRUE(BuildReport(*lc.svc, *lc.store, t, BuildOptions{"", "2024S1", D("2024-07-01")}, &r).ok());
  EXPECT_EQ(r.completeness.changed_since, 1);
  EXPECT_EQ(*Find(r, "signoff").rows[0].cells[4].num, 1.0);
}

}  // namespace
}  // namespace u5::report
