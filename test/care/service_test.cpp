// The care service over a real store: recomputation on write, acknowledgement
// of alerts, and the HTTP routes with their access rules.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "care/http_routes.h"
#include "care/service.h"
#include "care/worklist.h"
#include "population.h"
#include "support/temp_dir.h"

namespace u5::test {
namespace {

using nlohmann::json;

class CareService : public OnEachStore {
 protected:
  void SetUp() override {
    Status st = care::Service::Open(pop_.store(), "", &svc_);
    ASSERT_TRUE(st.ok()) << st.ToString();
    care::Service::Attach(pop_.store(), svc_.get());
    pop_.Person("M", "female", "1995-03-01", "03390", {{"phone", "0912345678"}, {"village", "Bản Hon"}});
    pop_.Person("C", "male", "2025-01-10", "03390", {{"mother_id", "M"}, {"village", "Bản Hon"}});
    pop_.Event("N", "newborn", "C", "2025-01-10", "03390", {{"birth_weight_g", 2100}});
  }
  http::Response Call(const std::string& method, const std::string& path, std::map<std::string, std::string> q,
                      const auth::Principal& who, const std::string& body = "") {
    http::Request req;
    req.method = method;
    req.path = path;
    req.query = std::move(q);
    req.body = body;
    return router_.Dispatch(req, who, pop_.store());
  }
  Population pop_{GetParam()};
  http::Router router_{care::Routes()};
  std::unique_ptr<care::Service> svc_;
  auth::Principal worker_{"u1", "demo", "commune_worker", {"03390"}};
  auth::Principal other_{"u2", "xa", "commune_worker", {"03391"}};
  auth::Principal province_{"u3", "tinh", "province_officer", {"12"}};
  auth::Principal ministry_{"u4", "bo", "ministry", {}};
};

TEST_P(CareService, RecomputedWhenARecordIsWritten) {
  care::Entry e;
  ASSERT_TRUE(svc_->Get(pop_.Id("C"), &e).ok());
  auto status = [&](const std::string& id) {
    for (const auto& v : care::Evaluate(e.plan, *ParseDate("2025-03-15")).items)
      if (v.item->id == id) return std::string(care::StateName(v.state));
    return std::string("absent");
  };
  EXPECT_EQ(status("epi.dtp.1"), "due");
  pop_.Event("D1", "immunization", "C", "2025-03-12", "03390", {{"vaccine", "dtp_hepb_hib"}, {"dose", 1}});
  ASSERT_TRUE(svc_->Get(pop_.Id("C"), &e).ok());
  EXPECT_EQ(status("epi.dtp.1"), "done");
  pop_.Event("X", "death", "C", "2025-03-14", "03390");
  ASSERT_TRUE(svc_->Get(pop_.Id("C"), &e).ok());
  EXPECT_TRUE(care::Evaluate(e.plan, *ParseDate("2025-03-15")).items.empty());
}

TEST_P(CareService, DeathFollowUpsGiveTheNotificationDeadline) {
  // A list of deaths judges "notified in time" by the same deadline as the follow-ups (data/schedules/deaths.json).
  auto r = Call("GET", "/api/v1/death-followups", {{"orgunit", "03390"}}, worker_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["notification_within_hours"], 24);
}

TEST_P(CareService, AlertAcknowledgedByTheHealthWorkerIsRecorded) {
  const std::string id = "newborn_no_home_visit:" + pop_.Id("C");
  auto list = [&](const std::string& status) {
    auto r = Call("GET", "/api/v1/alerts", {{"orgunit", "03390"}, {"date", "2025-01-20"}, {"status", status}}, worker_);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["items"];
  };
  ASSERT_EQ(list("open").size(), 1u);
  EXPECT_EQ(list("open")[0]["id"], id);
  EXPECT_EQ(list("open")[0]["acknowledged"], nullptr);
  EXPECT_EQ(Call("POST", "/api/v1/alerts/" + id + "/ack", {}, province_, R"({"note":"x"})").status, 403);
  {
    // Another commune's alert answers exactly as an invented id: 404, same body.
    const std::string invented = "newborn_no_home_visit:0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    auto real = Call("POST", "/api/v1/alerts/" + id + "/ack", {}, other_, R"({"note":"x"})");
    auto none = Call("POST", "/api/v1/alerts/" + invented + "/ack", {}, other_, R"({"note":"x"})");
    EXPECT_EQ(real.status, 404) << real.body;
    EXPECT_EQ(none.status, 404) << none.body;
    std::string rb = real.body, nb = none.body;
    rb.replace(rb.find(id), id.size(), "<id>");
    nb.replace(nb.find(invented), invented.size(), "<id>");
    EXPECT_EQ(rb, nb);
  }
  EXPECT_EQ(Call("POST", "/api/v1/alerts/nope:" + pop_.Id("C") + "/ack", {}, worker_, "{}").status, 404);
  // The acknowledgement and its audit entry are one write: no entry, no acknowledgement.
  pop_.db().RefuseInserts("audit_log");
  EXPECT_NE(Call("POST", "/api/v1/alerts/" + id + "/ack", {}, worker_, R"({"note":"x"})").status, 200);
  EXPECT_EQ(pop_.db().QueryInt("SELECT count(*) FROM care_alert_ack"), 0);
  pop_.db().AllowInserts("audit_log");
  auto ack = Call("POST", "/api/v1/alerts/" + id + "/ack", {}, worker_, R"({"note":"đã gọi điện, mẹ đưa bé lên trạm"})");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_TRUE(list("open").empty());
  auto acked = list("acknowledged");
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(acked[0]["acknowledged"]["by"], "demo");
  EXPECT_EQ(pop_.db().QueryOne("SELECT user_id || ' ' || record_type || ' ' || record_id || ' ' || orgunit_id "
                               "FROM audit_log WHERE action = 'alert_ack'"),
            "u1 person " + pop_.Id("C") + " 03390");
  EXPECT_EQ(json::parse(pop_.db().QueryOne("SELECT detail FROM audit_log WHERE action = 'alert_ack'"))["alert"], id);
  EXPECT_EQ(acked[0]["acknowledged"]["note"], "đã gọi điện, mẹ đưa bé lên trạm");
  // Recorded in the database: a new service on the same file sees it.
  std::unique_ptr<care::Service> again;
  ASSERT_TRUE(care::Service::Open(pop_.store(), "", &again).ok());
  std::map<std::string, care::Ack> acks;
  ASSERT_TRUE(again->Acks(&acks).ok());
  EXPECT_EQ(acks.count(id), 1u);
  care::Service::Attach(pop_.store(), svc_.get());
}

TEST_P(CareService, WorklistByVillageWithTheMothersPhone) {
  auto r = Call("GET", "/api/v1/worklist", {{"orgunit", "03390"}, {"from", "2025-01-20"}, {"to", "2025-01-26"}}, worker_);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  ASSERT_EQ(j["villages"].size(), 1u);
  EXPECT_EQ(j["villages"][0]["village"], "Bản Hon");
  json p = j["villages"][0]["persons"][0];
  EXPECT_EQ(p["person_id"], pop_.Id("C"));
  EXPECT_EQ(p["phone"], "0912345678");
  EXPECT_EQ(p["urgency"], 3);
  EXPECT_EQ(Call("GET", "/api/v1/worklist", {{"orgunit", "03390"}}, ministry_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/worklist", {{"orgunit", "03390"}}, other_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/worklist", {{"orgunit", "03390"}, {"from", "2025-13-01"}}, worker_).status, 422);
  EXPECT_EQ(Call("GET", "/api/v1/worklist", {{"orgunit", "12"}, {"from", "2025-01-20"}}, province_).status, 200);
}

// Issue 19: IPV dose 2 is on the worklist at 9 months; the rows that are off
// (rotavirus, PCV: ages not sourced; Td: due at 7 years) never are, in any
// 93-day worklist from birth past the fifth birthday, even with doses recorded.
TEST_P(CareService, WorklistHasIpv2AndNeverTheRowsThatAreOff) {
  pop_.Event("I1", "immunization", "C", "2025-06-10", "03390", {{"vaccine", "ipv"}, {"dose", 1}});
  pop_.Event("R1", "immunization", "C", "2025-03-10", "03390", {{"vaccine", "rota"}, {"dose", 1}});
  pop_.Event("P1", "immunization", "C", "2025-03-10", "03390", {{"vaccine", "pcv"}, {"dose", 1}});
  auto items = [&](const std::string& from, const std::string& to) {
    auto r = Call("GET", "/api/v1/worklist", {{"orgunit", "03390"}, {"from", from}, {"to", to}}, worker_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> ids;
    const json body = json::parse(r.body);  // named: a range-for over a temporary's member dangles
    for (const auto& v : body["villages"])
      for (const auto& p : v["persons"])
        if (p["person_id"] == pop_.Id("C"))
          for (const auto& it : p["items"]) ids.insert(it["id"].get<std::string>());
    return ids;
  };
  // Born 2025-01-10: 9 months on 2025-10-10.
  EXPECT_EQ(items("2025-10-10", "2025-10-16").count("epi.ipv.2"), 1u);
  EXPECT_EQ(items("2025-09-01", "2025-09-30").count("epi.ipv.2"), 0u);
  Date from = *ParseDate("2025-01-10");
  const Date end = *ParseDate("2032-06-01");
  int lists = 0;
  for (; from < end; from = Date{from.days + 90}, ++lists)
    for (const auto& id : items(FormatDate(from), FormatDate(Date{from.days + 92})))
      EXPECT_TRUE(id.rfind("epi.rota", 0) != 0 && id.rfind("epi.pcv", 0) != 0 && id.rfind("epi.td", 0) != 0)
          << id << " on the worklist from " << FormatDate(from);
  EXPECT_GT(lists, 25);
  // Nor in the person's due list.
  for (const char* date : {"2025-03-15", "2025-05-15", "2032-01-15"}) {
    auto r = Call("GET", "/api/v1/persons/" + pop_.Id("C") + "/due", {{"date", date}}, worker_);
    ASSERT_EQ(r.status, 200) << r.body;
    const json body = json::parse(r.body);
    for (const auto& it : body["items"]) {
      const std::string id = it["id"];
      EXPECT_TRUE(id.rfind("epi.rota", 0) != 0 && id.rfind("epi.pcv", 0) != 0 && id.rfind("epi.td", 0) != 0) << id << " on " << date;
    }
  }
}

TEST_P(CareService, PersonDueListAndAccess) {
  auto r = Call("GET", "/api/v1/persons/" + pop_.Id("C") + "/due", {{"date", "2025-01-20"}}, worker_);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j["next_visit"], "2025-01-20");
  bool bcg = false;
  for (const auto& it : j["items"]) bcg = bcg || (it["id"] == "epi.bcg.1" && it["status"] == "due");
  EXPECT_TRUE(bcg) << r.body;
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + pop_.Id("C") + "/due", {}, ministry_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + pop_.Id("C") + "/due", {}, other_).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/persons/00000000-0000-7000-8000-000000000000/due", {}, worker_).status, 404);
  http::Request other_route;
  other_route.method = "GET";
  other_route.path = "/api/v1/persons";
  EXPECT_EQ(router_.Dispatch(other_route, worker_, pop_.store()).status, 404) << "not a care route";
}

// Issue 20: filters by village and kind of care narrow the list; a bad filter
// is refused naming its parameter.
TEST_P(CareService, WorklistFiltersByVillageAndKind) {
  pop_.Person("M2", "female", "1996-04-02", "03390", {{"village", "Nà Khum"}});
  pop_.Person("C2", "female", "2025-01-12", "03390", {{"mother_id", "M2"}, {"village", "Nà Khum"}});
  auto list = [&](std::map<std::string, std::string> q) {
    q.emplace("orgunit", "03390");
    q.emplace("from", "2025-03-10");
    q.emplace("to", "2025-03-16");
    auto r = Call("GET", "/api/v1/worklist", q, worker_);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  };
  auto persons = [](const json& j) {
    std::set<std::string> out;
    for (const auto& v : j["villages"])
      for (const auto& p : v["persons"]) out.insert(p["person_id"].get<std::string>());
    return out;
  };
  const json all = list({});
  EXPECT_EQ(persons(all), (std::set<std::string>{pop_.Id("C"), pop_.Id("C2")}));
  EXPECT_EQ(all["list"], "current");
  EXPECT_EQ(all["counts"]["current"], 2);
  const json village = list({{"village", "Nà Khum"}});
  EXPECT_EQ(persons(village), (std::set<std::string>{pop_.Id("C2")}));
  EXPECT_EQ(village["village"], "Nà Khum");
  EXPECT_EQ(village["counts"]["current"], 1);
  // The village picker still offers every village, with its count.
  EXPECT_EQ(village["village_counts"], json::parse(R"([{"village":"Bản Hon","persons":1},{"village":"Nà Khum","persons":1}])"));
  // Growth only: every item listed is a growth item, for both children.
  const json growth = list({{"kind", "growth"}});
  EXPECT_EQ(persons(growth).size(), 2u);
  for (const auto& v : growth["villages"])
    for (const auto& p : v["persons"])
      for (const auto& it : p["items"]) EXPECT_EQ(it["group"], "growth") << it.dump();
  const json epi = list({{"kind", "epi"}});
  size_t epi_items = 0;
  for (const auto& v : epi["villages"])
    for (const auto& p : v["persons"])
      for (const auto& it : p["items"]) {
        EXPECT_EQ(it["group"], "epi") << it.dump();
        ++epi_items;
      }
  EXPECT_GT(epi_items, 0u);
  EXPECT_LT(epi["items"].get<size_t>(), all["items"].get<size_t>());
  // No antenatal care is due for children.
  EXPECT_TRUE(persons(list({{"kind", "anc"}})).empty());
  for (auto [k, v] : std::vector<std::pair<std::string, std::string>>{{"kind", "vaccines"}, {"list", "lost"}, {"village", std::string(201, 'x')}}) {
    auto r = Call("GET", "/api/v1/worklist", {{"orgunit", "03390"}, {k, v}}, worker_);
    EXPECT_EQ(r.status, 422) << k << ": " << r.body;
    EXPECT_EQ(json::parse(r.body)["field"], k) << r.body;
  }
}

// A child whose every item is long overdue is on the long-lost list, not the
// current one; the limit is the schedule's data (alerts.json), not a constant.
TEST_P(CareService, LongOverdueChildrenAreListedApart) {
  pop_.Person("OLD", "male", "2021-01-10", "03390", {{"village", "Bản Hon"}});
  // Seen for the yearly check at four, the rest long overdue: nothing is due soon.
  pop_.Event("HC", "health_check", "OLD", "2025-02-01", "03390", {{"age_band", "m48_59"}, {"conclusion", "healthy"}});
  auto lists = [&](care::Service& svc, care::WorkListKind k) {
    care::Worklist w;
    care::WorklistQuery q{"03390", *ParseDate("2025-09-01"), *ParseDate("2025-09-07"), "", "", k};
    EXPECT_TRUE(care::BuildWorklist(svc, q, &w).ok());
    std::set<std::string> ids;
    for (const auto& g : w.villages)
      for (const auto& p : g.persons) {
        ids.insert(p.person().id);
        if (k == care::WorkListKind::long_lost)
          for (const auto& v : p.items) {
            EXPECT_EQ(v.state, care::State::overdue);
            EXPECT_GT(v.days_overdue, svc.schedule().alerts().long_lost_overdue_days);
          }
      }
    EXPECT_EQ(ids.size(), k == care::WorkListKind::long_lost ? w.long_lost : w.current);
    return ids;
  };
  EXPECT_EQ(svc_->schedule().alerts().long_lost_overdue_days, 183);
  EXPECT_EQ(lists(*svc_, care::WorkListKind::long_lost), (std::set<std::string>{pop_.Id("OLD")}));
  EXPECT_EQ(lists(*svc_, care::WorkListKind::current).count(pop_.Id("OLD")), 0u);
  EXPECT_EQ(lists(*svc_, care::WorkListKind::current).count(pop_.Id("C")), 1u);
  // The same child with the limit moved to ten years in the data folder is current.
  TempDir data;
  std::filesystem::create_directories(data.File("schedules"));
  json alerts = json::parse(ReadFile(std::string(U5_SCHEDULE_DIR) + "/alerts.json"));
  alerts["long_lost_overdue_days"] = 3653;
  WriteFile(data.File("schedules/alerts.json"), alerts.dump());
  std::unique_ptr<care::Service> wide;
  ASSERT_TRUE(care::Service::Open(pop_.store(), data.path(), &wide).ok());
  EXPECT_TRUE(lists(*wide, care::WorkListKind::long_lost).empty());
  EXPECT_EQ(lists(*wide, care::WorkListKind::current).count(pop_.Id("OLD")), 1u);
  care::Service::Attach(pop_.store(), svc_.get());
}

// "Moved away / not found": a write with its audit entry in one transaction;
// the person leaves the worklists and the alerts, stays in the registry, and
// comes back when found again. Bad input is refused naming the field.
TEST_P(CareService, MovedAwayLeavesTheWorklistAndIsAudited) {
  const std::string c = pop_.Id("C");
  const std::string path = "/api/v1/persons/" + c + "/care-status";
  auto listed = [&](const std::string& list) {
    auto r = Call("GET", "/api/v1/worklist", {{"orgunit", "03390"}, {"from", "2025-01-20"}, {"list", list}}, worker_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> ids;
    const json j = json::parse(r.body);
    for (const auto& v : j["villages"])
      for (const auto& p : v["persons"]) ids.insert(p["person_id"].get<std::string>());
    EXPECT_EQ(j["counts"][list], ids.size());
    return ids;
  };
  auto alerts = [&]() {
    auto r = Call("GET", "/api/v1/alerts", {{"orgunit", "03390"}, {"date", "2025-01-20"}}, worker_);
    return json::parse(r.body)["items"].size();
  };
  ASSERT_EQ(listed("current").count(c), 1u);
  ASSERT_EQ(alerts(), 1u);
  struct Bad { std::string body, field; };
  for (const Bad& b : std::vector<Bad>{{R"({"status":"gone","reason":"x"})", "status"},
                                       {R"({"reason":"x"})", "status"},
                                       {R"({"status":"moved_away"})", "reason"},
                                       {R"({"status":"moved_away","reason":"  "})", "reason"},
                                       {R"({"status":"moved_away","reason":7})", "reason"},
                                       {R"({"status":"moved_away","reason":"x","date":"2025-02-30"})", "date"},
                                       {R"({"status":"moved_away","reason":"x","date":"2099-01-01"})", "date"},
                                       {R"({"status":"moved_away","reason":"x","date":"2024-12-31"})", "date"}}) {
    auto r = Call("POST", path, {}, worker_, b.body);
    EXPECT_EQ(r.status, 422) << b.body << ": " << r.body;
    EXPECT_EQ(json::parse(r.body)["field"], b.field) << b.body << ": " << r.body;
  }
  EXPECT_EQ(Call("POST", path, {}, other_, R"({"status":"moved_away","reason":"x"})").status, 404);
  EXPECT_EQ(Call("POST", path, {}, province_, R"({"status":"moved_away","reason":"x"})").status, 403);
  // No audit entry, no status.
  pop_.db().RefuseInserts("audit_log");
  EXPECT_NE(Call("POST", path, {}, worker_, R"({"status":"moved_away","reason":"x"})").status, 200);
  EXPECT_EQ(pop_.db().QueryInt("SELECT count(*) FROM care_person_status"), 0);
  pop_.db().AllowInserts("audit_log");
  auto ok = Call("POST", path, {}, worker_, R"({"status":"moved_away","date":"2025-01-18","reason":"cả nhà lên Hà Nội làm ăn"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["by"], "demo");
  EXPECT_EQ(pop_.db().QueryOne("SELECT user_id || ' ' || record_id || ' ' || orgunit_id FROM audit_log WHERE action = 'care_status'"),
            "u1 " + c + " 03390");
  const json detail = json::parse(pop_.db().QueryOne("SELECT detail FROM audit_log WHERE action = 'care_status'"));
  EXPECT_EQ(detail.value("status", "") + " " + detail.value("date", "") + " " + detail.value("reason", ""),
            "moved_away 2025-01-18 cả nhà lên Hà Nội làm ăn");
  EXPECT_EQ(listed("current").count(c), 0u);
  EXPECT_EQ(listed("long_lost").count(c), 0u);
  EXPECT_EQ(listed("set_aside"), (std::set<std::string>{c}));
  EXPECT_EQ(alerts(), 0u);
  {
    auto r = Call("GET", "/api/v1/worklist", {{"orgunit", "03390"}, {"from", "2025-01-20"}, {"list", "set_aside"}}, worker_);
    const json p = json::parse(r.body)["villages"][0]["persons"][0];
    EXPECT_EQ(p["follow_up"]["status"], "moved_away");
    EXPECT_EQ(p["follow_up"]["date"], "2025-01-18");
    auto due = Call("GET", "/api/v1/persons/" + c + "/due", {{"date", "2025-01-20"}}, worker_);
    EXPECT_EQ(json::parse(due.body)["follow_up"]["reason"], "cả nhà lên Hà Nội làm ăn");
  }
  // Still in the registry.
  care::Entry e;
  EXPECT_TRUE(svc_->Get(c, &e).ok());
  // Found again: back on the list, audited; a second "found again" has nothing to clear.
  ASSERT_EQ(Call("POST", path, {}, worker_, R"({"status":"active"})").status, 200);
  EXPECT_EQ(Call("POST", path, {}, worker_, R"({"status":"active"})").status, 404);
  EXPECT_EQ(listed("current").count(c), 1u);
  EXPECT_TRUE(listed("set_aside").empty());
  EXPECT_EQ(pop_.db().QueryInt("SELECT count(*) FROM audit_log WHERE action = 'care_status'"), 2);
}

U5_ON_BOTH_STORES(CareService);

}  // namespace
}  // namespace u5::test
