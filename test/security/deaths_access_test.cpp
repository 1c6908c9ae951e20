// Deaths through the API (issue 21): a commune worker notifies a death and a
// stillbirth, the province's review board reviews the death and agrees an
// action, another commune sees neither, a commune worker never reads a review,
// the action's owner may close it and nothing else; bad input is refused
// naming its field with nothing stored; deadlines move on a fake clock.
#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/date.h"
#include "security/records_fixture.h"

namespace u5::test {
namespace {

using nlohmann::json;

struct DeathsAccess : OnBothStores<RecordsFixture> {
  std::string kid;  // a child of 03390 whose death is notified below
  void SetUp() override {
    OpenWithRecords();
    kid = Create("persons", {{"full_name", "Lò Văn Tính"}, {"sex", "male"}, {"birth_date", "2025-03-01"}, {"orgunit", "03390"},
                             {"mother_id", mother}});
  }
  json Body(const http::Response& r) { return json::parse(r.body); }
  http::Response Put(const std::string& path, const std::string& token, int version, const json& body) {
    http::Request req;
    req.method = "PUT";
    req.path = path;
    req.authorization = "Bearer " + token;
    req.if_match = "\"" + std::to_string(version) + "\"";
    req.body = body.dump();
    req.content_type = "application/json";
    return api->Handle(req);
  }
  int64_t Count(const std::string& type) { return CountRecords(type); }
  json KidDeath() {
    return Event(kid, "2025-09-14", {{"time_of_death", "2025-09-14T03:10:00+07:00"}, {"place", "on_the_way"},
                                     {"notified_by", "Lò Thị Hoa"}, {"notifier_role", "village_health_worker"},
                                     {"notified_at", "2025-09-14T09:40:00+07:00"}, {"icd10", "J18.9"}});
  }
  json Review(const std::string& death_id) {
    return Event(kid, "2025-10-02", {{"death_id", death_id}, {"review_type", "community"}, {"status", "complete"},
                                     {"underlying_icd10", "J18.9"}, {"contributing_icd10", "E43"}, {"delay1_seeking", true},
                                     {"delay1_note", "Gia đình chờ thầy cúng"}, {"avoidability", "avoidable"},
                                     {"findings", "Không nhận biết dấu hiệu thở nhanh"}});
  }
  json Action(const std::string& review_id, const std::string& owner, const std::string& due) {
    return Event(kid, "2025-10-02", {{"review_id", review_id}, {"what", "Tập huấn nhận biết viêm phổi cho y tế thôn bản"},
                                     {"owner_orgunit", owner}, {"due_date", due}, {"status", "open"}});
  }
};

TEST_P(DeathsAccess, NotifyReviewAct) {
  // The commune worker notifies the death of a child and a stillbirth.
  http::Response d = Call("POST", "/api/v1/deaths", cw, KidDeath().dump());
  ASSERT_EQ(d.status, 201) << d.body;
  EXPECT_EQ(Body(d)["category"], "post_neonatal");
  EXPECT_EQ(Body(d)["hours_to_notification"], 6.5);
  EXPECT_EQ(Body(d)["mother_id"], mother);
  const std::string death_id = Body(d)["id"];
  json sb = Event(mother, "2025-01-10", {{"pregnancy_id", pregnancy}, {"gestational_weeks", 39}, {"birth_weight_g", 2900},
                                         {"timing", "intrapartum"}, {"place", "home"}, {"time_of_death", "2025-01-10T07:00"},
                                         {"notified_at", "2025-01-10T12:00"}, {"notifier_role", "family"}});
  http::Response s = Call("POST", "/api/v1/stillbirths", cw, sb.dump());
  ASSERT_EQ(s.status, 201) << s.body;
  EXPECT_EQ(Body(s)["category"], "stillbirth_intrapartum");
  // The mother lives on: her handbook still takes records after the stillbirth.
  EXPECT_EQ(Call("POST", "/api/v1/immunizations", cw, Event(mother, "2025-02-01", {{"vaccine", "td"}, {"dose", 2}}).dump()).status, 201);

  // The review board reviews it and agrees an action; it cannot write a death itself.
  EXPECT_EQ(Call("POST", "/api/v1/deaths", board, KidDeath().dump()).status, 403);
  http::Response r = Call("POST", "/api/v1/death-reviews", board, Review(death_id).dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string review_id = Body(r)["id"];
  http::Response a = Call("POST", "/api/v1/review-actions", board, Action(review_id, "03390", "2025-11-30").dump());
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(Body(a)["overdue"], true) << "open and due before today";

  // Every read of a review is audited, naming it.
  api->FlushAudit();
  const int64_t before = AuditHead();
  EXPECT_EQ(Call("GET", "/api/v1/death-reviews/" + review_id, board).status, 200);
  api->FlushAudit();
  EXPECT_EQ(CountAudit([&](const audit::Entry& e) {
              return e.action == "read" && e.username == "board" && e.record_id == review_id;
            }, before),
            1);

  // The commune worker never reads a review: not by id, not listed, not in the handbook.
  EXPECT_EQ(Call("GET", "/api/v1/death-reviews/" + review_id, cw).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/death-reviews", cw, "", {{"orgunit", "03390"}}).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/death-reviews", cw, Review(death_id).dump()).status, 403);
  http::Response hb = Call("GET", "/api/v1/persons/" + kid + "/handbook", cw);
  ASSERT_EQ(hb.status, 200);
  std::set<std::string> types;
  const json book = Body(hb);
  for (const json& e : book["events"]) types.insert(e["type"].get<std::string>());
  EXPECT_TRUE(types.count("death"));
  EXPECT_TRUE(types.count("review_action"));
  EXPECT_FALSE(types.count("death_review")) << hb.body;
  EXPECT_EQ(hb.body.find("thầy cúng"), std::string::npos);
  http::Response hb_board = Call("GET", "/api/v1/persons/" + kid + "/handbook", board);
  EXPECT_NE(hb_board.body.find("thầy cúng"), std::string::npos);
  // The audit trail does not show a commune worker the review's values either.
  http::Response trail = Call("GET", "/api/v1/audit", Login("prov"), "", {{"record", review_id}});
  ASSERT_EQ(trail.status, 200) << trail.body;
  EXPECT_EQ(trail.body.find("thầy cúng"), std::string::npos) << "a province officer lacks death.review";

  // Another commune sees neither the death nor the review.
  const std::string other = Login("cw_b");
  EXPECT_EQ(Call("GET", "/api/v1/deaths/" + death_id, other).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/stillbirths/" + Body(s)["id"].get<std::string>(), other).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/death-reviews/" + review_id, other).status, 403);
  api->FlushAudit();
  auto denied = [&](const std::string& user, const std::string& record) {
    return CountAudit([&](const audit::Entry& e) { return e.action == "read_denied" && e.username == user && e.record_id == record; });
  };
  EXPECT_EQ(denied("cw_b", death_id), 1);
  // Refused for the permission, the attempts on the review are in the trail too.
  EXPECT_EQ(denied("cw_b", review_id), 1);
  EXPECT_EQ(denied("cw_a", review_id), 1);
}

TEST_P(DeathsAccess, TheOwnerClosesAnActionAndNothingElse) {
  const std::string death_id = Body(Call("POST", "/api/v1/deaths", cw, KidDeath().dump()))["id"];
  const std::string review_id = Body(Call("POST", "/api/v1/death-reviews", board, Review(death_id).dump()))["id"];
  // The action is commune 03394's to carry out, for a death in 03390.
  json action = Action(review_id, "03394", "2026-12-31");
  http::Response a = Call("POST", "/api/v1/review-actions", board, action.dump());
  ASSERT_EQ(a.status, 201) << a.body;
  const std::string id = Body(a)["id"];
  const std::string path = "/api/v1/review-actions/" + id;
  const std::string owner = Login("cw_b");
  EXPECT_EQ(Call("GET", path, owner).status, 200) << "the owner sees its action";
  EXPECT_EQ(Call("GET", "/api/v1/deaths/" + death_id, owner).status, 404) << "but not the death";
  // Anything but status, done_date and follow_up is the board's.
  json changed = action;
  changed["what"] = "Việc khác";
  http::Response bad = Put(path, owner, 1, changed);
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(Body(bad)["field"], "what");
  // The deceased's commune is not the owner.
  json done = {{"status", "done"}, {"done_date", FormatDate(Today())}, {"follow_up", "Đã tập huấn 12 cô đỡ thôn bản"}};
  EXPECT_EQ(Put(path, cw, 1, done).status, 403);
  // The record as the owner read it, envelope and derived `overdue` included, with the three fields set.
  json as_read = Body(Call("GET", path, owner));
  as_read.update(done);
  http::Response ok = Put(path, owner, 1, as_read);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok)["status"], "done");
  EXPECT_EQ(Body(ok)["what"], action["what"]);
  EXPECT_EQ(Body(ok)["overdue"], false);
  // The board edits all.
  changed["status"] = "open";
  EXPECT_EQ(Put(path, board, 2, changed).status, 200);
}

TEST_P(DeathsAccess, BadInputNamesTheFieldAndStoresNothing) {
  const std::string death_id = Body(Call("POST", "/api/v1/deaths", cw, KidDeath().dump()))["id"];
  const int64_t deaths = Count("death"), stillbirths = Count("stillbirth"), reviews = Count("death_review");
  struct Row {
    const char* what;
    std::string coll;
    json body;
    const char* field;
  };
  json late = KidDeath();
  late["notified_at"] = "2025-09-14T03:00:00+07:00";
  json malformed = KidDeath();
  malformed["icd10"] = "J18.";
  json unknown = KidDeath();
  unknown["icd10"] = "J18.7";
  json review_bad = Review(death_id);
  review_bad["underlying_icd10"] = "O72.9";
  json small = Event(mother, "2024-09-01", {{"pregnancy_id", pregnancy}, {"gestational_weeks", 20}, {"birth_weight_g", 450},
                                            {"timing", "antepartum"}});
  const std::vector<Row> rows = {
      {"notified before the death", "deaths", late, "notified_at"},
      {"malformed ICD-10", "deaths", malformed, "icd10"},
      {"ICD-10 code not in the list", "deaths", unknown, "icd10"},
      {"review cause not in the list", "death-reviews", review_bad, "underlying_icd10"},
      {"stillbirth under 22 weeks and 500 g", "stillbirths", small, "gestational_weeks"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.what);
    http::Response resp = Call("POST", "/api/v1/" + r.coll, TokenFor(r.coll), r.body.dump());
    EXPECT_EQ(resp.status, 422) << resp.body;
    EXPECT_EQ(Body(resp)["errors"][0]["field"], r.field) << resp.body;
  }
  // A review of a death outside the board's province: the person is not the board's to see.
  const std::string far = Body(Call("POST", "/api/v1/persons", Login("cw_two"),
                                    json{{"full_name", "Giàng A Lử"}, {"sex", "male"}, {"birth_date", "2025-01-01"},
                                         {"orgunit", "00004"}}.dump()))["id"];
  json far_death = Event(far, "2025-06-01");
  far_death["orgunit"] = "00004";
  http::Response fd = Call("POST", "/api/v1/deaths", Login("cw_two"), far_death.dump());
  ASSERT_EQ(fd.status, 201) << fd.body;
  json far_review = Event(far, "2025-07-01", {{"death_id", Body(fd)["id"]}, {"review_type", "community"}, {"status", "draft"}});
  http::Response fr = Call("POST", "/api/v1/death-reviews", board, far_review.dump());
  EXPECT_EQ(fr.status, 422) << fr.body;
  EXPECT_EQ(Body(fr)["field"], "person_id");
  far_review["orgunit"] = "00004";
  EXPECT_EQ(Call("POST", "/api/v1/death-reviews", board, far_review.dump()).status, 403);
  EXPECT_EQ(Count("death"), deaths + 1) << "only the far commune's own notification";
  EXPECT_EQ(Count("stillbirth"), stillbirths);
  EXPECT_EQ(Count("death_review"), reviews);
}

// Deadlines of data/schedules/deaths.json on a fake clock, at their boundaries.
TEST_P(DeathsAccess, DeadlinesOnAFakeClock) {
  // Died 2025-09-14 03:10 (Vietnam) = 2025-09-13T20:10Z; nobody has notified yet.
  json body = Event(kid, "2025-09-14", {{"time_of_death", "2025-09-14T03:10:00+07:00"}, {"place", "home"}});
  const std::string death_id = Body(Call("POST", "/api/v1/deaths", cw, body.dump()))["id"];
  const auto died = std::chrono::system_clock::time_point(std::chrono::seconds(*ParseInstant("2025-09-14T03:10:00+07:00")));
  FakeClock clock(died);
  care_svc->SetClock(&clock);
  auto items = [&](const std::string& token, const std::string& ou) {
    http::Response r = Call("GET", "/api/v1/death-followups", token, "", {{"orgunit", ou}});
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, json> by_kind;
    const json listed = Body(r);
    for (const json& i : listed["items"]) by_kind[i["kind"].get<std::string>() + ":" + i["record_id"].get<std::string>()] = i;
    return by_kind;
  };
  using std::chrono::hours, std::chrono::minutes;
  const std::string due_key = "notification_due:" + death_id;
  clock.Set(died + hours(24));
  ASSERT_TRUE(items(cw, "03390").count(due_key));
  EXPECT_EQ(items(cw, "03390")[due_key]["overdue"], false) << "exactly 24 hours";
  EXPECT_EQ(items(cw, "03390")[due_key]["due"], "2025-09-15T03:10:00+07:00");
  clock.Set(died + hours(24) + minutes(1));
  EXPECT_EQ(items(cw, "03390")[due_key]["overdue"], true) << "24 hours and a minute";
  // Notified, place and time known, no notifier: 72 hours for the details.
  body["notified_at"] = "2025-09-14T08:00";
  ASSERT_EQ(Put("/api/v1/deaths/" + death_id, cw, 1, body).status, 200);
  const std::string inc_key = "notification_incomplete:" + death_id;
  clock.Set(died + hours(72));
  EXPECT_EQ(items(cw, "03390")[inc_key]["overdue"], false);
  clock.Set(died + hours(72) + minutes(1));
  EXPECT_EQ(items(cw, "03390")[inc_key]["overdue"], true);
  body["notifier_role"] = "family";
  ASSERT_EQ(Put("/api/v1/deaths/" + death_id, cw, 2, body).status, 200);
  EXPECT_FALSE(items(cw, "03390").count(inc_key)) << "complete";

  // A child death awaits review for 60 days, shown to the board only.
  const std::string review_key = "review_due:" + death_id;
  EXPECT_FALSE(items(cw, "03390").count(review_key));
  const auto day = [](const char* d) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(*ParseInstant(std::string(d) + "T12:00")));
  };
  clock.Set(day("2025-11-13"));  // death + 60 days
  ASSERT_TRUE(items(board, "12").count(review_key));
  EXPECT_EQ(items(board, "12")[review_key]["overdue"], false);
  clock.Set(day("2025-11-14"));
  EXPECT_EQ(items(board, "12")[review_key]["overdue"], true);
  json review = Review(death_id);
  const std::string review_id = Body(Call("POST", "/api/v1/death-reviews", board, review.dump()))["id"];
  EXPECT_FALSE(items(board, "12").count(review_key)) << "reviewed";

  // An action appears on its owner's list 7 days before it is due, overdue after.
  const std::string action_id =
      Body(Call("POST", "/api/v1/review-actions", board, Action(review_id, "03394", "2025-12-31").dump()))["id"];
  const std::string owner = Login("cw_b");
  const std::string act_key = "action_due:" + action_id;
  clock.Set(day("2025-12-23"));
  EXPECT_FALSE(items(owner, "03394").count(act_key));
  clock.Set(day("2025-12-24"));
  ASSERT_TRUE(items(owner, "03394").count(act_key));
  EXPECT_EQ(items(owner, "03394")[act_key]["overdue"], false);
  EXPECT_FALSE(items(cw, "03390").count(act_key)) << "the owner's list, not the deceased's commune's";
  clock.Set(day("2026-01-01"));
  EXPECT_EQ(items(owner, "03394")[act_key]["overdue"], true);
  care_svc->SetClock(nullptr);
}

U5_ON_BOTH_STORES(DeathsAccess);

}  // namespace
}  // namespace u5::test
