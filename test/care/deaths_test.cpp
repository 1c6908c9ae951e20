// The death deadlines file (data/schedules/deaths.json): every value has a
// source, the loader refuses one without, and the follow-ups keep review
// content and review items from those without the review board's permission.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "care/deaths.h"
#include "core/date.h"

namespace u5::care {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DeathDeadlines, FileValuesWithSources) {
  DeathDeadlines d;
  ASSERT_TRUE(DeathDeadlines::Load(U5_DATA_DIR, &d).ok());
  EXPECT_EQ(d.notification_within_hours, 24);
  EXPECT_EQ(d.details_complete_within_hours, 72);
  EXPECT_EQ(d.review_maternal_days, 30);
  EXPECT_EQ(d.review_perinatal_days, 30);
  EXPECT_EQ(d.review_child_days, 60);
  EXPECT_EQ(d.action_reminder_days, 7);
  DeathDeadlines builtin;
  ASSERT_TRUE(DeathDeadlines::Load("", &builtin).ok());
  EXPECT_EQ(builtin.review_child_days, d.review_child_days) << "the compiled-in copy is the file";

  nlohmann::json j = nlohmann::json::parse(ReadAll(std::string(U5_SCHEDULE_DIR) + "/deaths.json"));
  j["sources"].erase("action_reminder_days_before_due");
  Status st = DeathDeadlines::FromJson(j.dump(), &d);
  EXPECT_EQ(st.field(), "deaths.json.action_reminder_days_before_due") << st.ToString();
  j = nlohmann::json::parse(ReadAll(std::string(U5_SCHEDULE_DIR) + "/deaths.json"));
  j["review_within_days"]["child"] = -1;
  EXPECT_FALSE(DeathDeadlines::FromJson(j.dump(), &d).ok());
}

TEST(DeathFollowUps, ReviewItemsOnlyForTheBoard) {
  DeathDeadlines d;
  ASSERT_TRUE(DeathDeadlines::Load("", &d).ok());
  store::Record death;
  death.type = "death";
  death.id = "0190d000-0000-7000-8000-000000000001";
  death.person_id = "0190d000-0000-7000-8000-000000000002";
  death.orgunit_id = "03390";
  death.date = "2026-01-10";
  death.body = R"({"category":"early_neonatal","time_of_death":"2026-01-10T05:00","place":"home","notifier_role":"family",)"
               R"("notified_at":"2026-01-10T07:00"})";
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(*ParseInstant("2026-02-10T08:00")));
  EXPECT_TRUE(DeathFollowUps(d, {death}, now, {.reviews = false}).empty()) << "notified in full; no review item";
  auto board = DeathFollowUps(d, {death}, now, {.reviews = true});
  ASSERT_EQ(board.size(), 1u);
  EXPECT_EQ(board[0].kind, "review_due");
  EXPECT_EQ(board[0].due, "2026-02-09");
  EXPECT_TRUE(board[0].overdue) << "perinatal: 30 days";
  store::Record review = death;
  review.type = "death_review";
  review.id = "0190d000-0000-7000-8000-000000000003";
  review.body = R"({"death_id":"0190d000-0000-7000-8000-000000000001","status":"draft"})";
  EXPECT_EQ(DeathFollowUps(d, {death, review}, now, {.reviews = true}).size(), 1u) << "a draft does not count";
  review.body = R"({"death_id":"0190d000-0000-7000-8000-000000000001","status":"complete"})";
  EXPECT_TRUE(DeathFollowUps(d, {death, review}, now, {.reviews = true}).empty());

  // A stillbirth is reviewed like a death in the first week (ICD-PM), on its mother.
  store::Record stillbirth = death;
  stillbirth.type = "stillbirth";
  stillbirth.body = R"({"category":"stillbirth_intrapartum","time_of_death":"2026-01-10T05:00","place":"home",)"
                    R"("notifier_role":"family","notified_at":"2026-01-10T07:00"})";
  board = DeathFollowUps(d, {stillbirth}, now, {.reviews = true});
  ASSERT_EQ(board.size(), 1u);
  EXPECT_EQ(board[0].kind, "review_due");
  EXPECT_EQ(board[0].due, "2026-02-09") << "perinatal: 30 days";
  EXPECT_TRUE(DeathFollowUps(d, {stillbirth, review}, now, {.reviews = true}).empty()) << "its complete review";
}

}  // namespace
}  // namespace u5::care
