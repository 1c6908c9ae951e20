// The freeze of signed-off periods, a rule the report module sets on the
// store's writes (report::GuardSignedOffPeriods).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/id.h"
#include "core/text.h"
#include "report/signoff.h"
#include "store/store.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::report {
namespace {

using store::Record;

Record Person(const std::string& name, const std::string& orgunit = "03390", const std::string& birth = "1996-04-12") {
  Record r;
  r.type = "person";
  r.id = NewUuid7();
  r.orgunit_id = orgunit;
  r.full_name = name;
  r.name_folded = text::Fold(name);
  r.sex = "female";
  r.date = birth;
  r.version = 1;
  r.created_at = r.updated_at = "2026-01-01T00:00:00.000Z";
  r.body = nlohmann::json{{"id", r.id}, {"full_name", name}}.dump();
  return r;
}

Record Event(const Record& person, const std::string& type, const std::string& date) {
  Record r;
  r.type = type;
  r.id = NewUuid7();
  r.person_id = person.id;
  r.orgunit_id = person.orgunit_id;
  r.date = date;
  r.version = 1;
  r.created_at = r.updated_at = "2026-01-01T00:00:00.000Z";
  r.body = nlohmann::json{{"id", r.id}, {"date", date}}.dump();
  return r;
}

struct Freeze : ::testing::Test {
  test::TempDir dir;
  std::unique_ptr<store::Store> s;
  void SetUp() override {
    Status st = store::OpenSqliteStore(dir.File("t.db"), &s);
    ASSERT_TRUE(st.ok()) << st.ToString();
    test::SeedMiniOrgUnits(dir.File("t.db"));
    GuardSignedOffPeriods(*s);
  }
};

// A signed-off period (report_signoff) freezes the events dated in it, for the
// commune that signed and every unit below it; reopening lifts the freeze.
TEST_F(Freeze, EventsOfASignedOffPeriodCannotChange) {
  Record mother = Person("Lò Thị Mai", "tyt:03390");
  ASSERT_TRUE(s->Insert(mother).ok());
  Record june = Event(mother, "anc_visit", "2026-06-30");
  Record july = Event(mother, "anc_visit", "2026-07-01");
  ASSERT_TRUE(s->Insert(june).ok());
  ASSERT_TRUE(s->Insert(july).ok());
  auto signoff = [&](const char* ou, const char* period, const char* action) {
    test::Exec(dir.File("t.db"), std::string("INSERT INTO report_signoff(orgunit_id, period, action, username, at, on_date) VALUES ('") +
                                     ou + "','" + period + "','" + action + "','cw','2026-07-05T01:00:00.000Z','2026-07-05')");
  };
  signoff("03390", "2026S1", "close");

  Record late = Event(mother, "anc_visit", "2026-05-02");
  Status st = s->Insert(late);
  EXPECT_EQ(st.code(), Code::conflict) << st.ToString();
  EXPECT_EQ(st.field(), "date");
  EXPECT_NE(st.message().find("2026S1"), std::string::npos) << st.message();
  Record got;
  EXPECT_EQ(s->Get("anc_visit", late.id, &got).code(), Code::not_found) << "nothing stored";

  Record moved = june;
  moved.date = "2026-07-02";
  EXPECT_EQ(s->Update(moved, 1).code(), Code::conflict) << "moving an event out of a closed period";
  Record into = july;
  into.date = "2026-06-01";
  EXPECT_EQ(s->Update(into, 1).code(), Code::conflict) << "moving an event into a closed period";
  Record out;
  EXPECT_EQ(s->SoftDelete("anc_visit", june.id, 1, "nhập nhầm", &out).code(), Code::conflict);
  Record in_july = july;
  in_july.date = "2026-07-20";
  EXPECT_TRUE(s->Update(in_july, 1).ok()) << "the next half-year is open";
  EXPECT_TRUE(s->Insert(Event(mother, "anc_visit", "2026-05-02")).code() == Code::conflict);
  EXPECT_TRUE(s->Insert(Person("Lò Văn Páo", "03390", "2026-03-01")).ok()) << "persons are not figures of a period";

  // Another commune's records are not frozen.
  Record other = Person("Vàng Thị Dua", "03394");
  ASSERT_TRUE(s->Insert(other).ok());
  EXPECT_TRUE(s->Insert(Event(other, "anc_visit", "2026-05-02")).ok());

  // A month or a year signed off freezes its days too; the latest action counts.
  signoff("03394", "2026-08", "close");
  EXPECT_EQ(s->Insert(Event(other, "anc_visit", "2026-08-31")).code(), Code::conflict);
  EXPECT_TRUE(s->Insert(Event(other, "anc_visit", "2026-09-01")).ok());
  signoff("03394", "2026-08", "reopen");
  EXPECT_TRUE(s->Insert(Event(other, "anc_visit", "2026-08-31")).ok());

  signoff("03390", "2026S1", "reopen");
  EXPECT_TRUE(s->Insert(late).ok()) << "reopened";
}

TEST(FreezePeriods, ADayBelongsToItsYearHalfQuarterAndMonth) {
  EXPECT_EQ(PeriodsOfDay(*ParseDate("2026-06-30")), (std::vector<std::string>{"2026", "2026S1", "2026Q2", "2026-06"}));
  EXPECT_EQ(PeriodsOfDay(*ParseDate("2026-10-01")), (std::vector<std::string>{"2026", "2026S2", "2026Q4", "2026-10"}));
}

// Sign-off through the report module freezes too, and a store without the guard does not.
TEST_F(Freeze, ClosedThroughSignoffAndOnlyWhereRegistered) {
  Record mother = Person("Lò Thị Mai", "tyt:03390");
  ASSERT_TRUE(s->Insert(mother).ok());
  SignoffAction a{"03390", "2026Q2", "cw", "", "{}", *ParseDate("2026-07-03"), "id-cw"};
  ASSERT_TRUE(ClosePeriod(*s, a).ok());
  EXPECT_EQ(s->Insert(Event(mother, "anc_visit", "2026-04-02")).field(), "date");
  std::unique_ptr<store::Store> plain;
  ASSERT_TRUE(store::OpenSqliteStore(dir.File("t.db"), &plain).ok());
  EXPECT_TRUE(plain->Insert(Event(mother, "anc_visit", "2026-04-02")).ok()) << "the store itself knows no periods";
}

}  // namespace
}  // namespace u5::report
