// The red-alert service and its routes over a real store with the real org
// units (the demo province's hospitals among them), on a fake clock: who sees
// and does what, bad input stored nowhere, escalation on the boundary.
#include <gtest/gtest.h>

#include <thread>

#include "emergency/http_routes.h"
#include "emergency/service.h"
#include "population.h"
#include "store/emergencies.h"

namespace u5::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// 2026-05-01T08:00:00+07:00.
const Clock::time_point kT0 = Clock::time_point(std::chrono::seconds(1777593600 + 3600));

class RedAlert : public OnEachStore {
 protected:
  void SetUp() override {
    emergency::Service::Attach(pop_.store(), &svc_);
    pop_.Person("M", "female", "1995-03-01", "03390");
  }

  http::Response Call(const std::string& method, const std::string& path, const auth::Principal& who, json body = nullptr,
                      std::map<std::string, std::string> q = {}) {
    http::Request req;
    req.method = method;
    req.path = path;
    req.query = std::move(q);
    if (!body.is_null()) req.body = body.dump();
    return router_.Dispatch(req, who, pop_.store());
  }
  static json J(const http::Response& r) { return json::parse(r.body); }

  json Raise(const auth::Principal& who, json extra = json::object()) {
    json b = {{"patient_kind", "mother"}, {"patient_label", "Sản phụ Mai"}, {"level", "red"},
              {"reason", "postpartum_haemorrhage"}, {"from_orgunit", "tyt:03390"}, {"to_orgunit", "bv:12-sannhi"}};
    b.update(extra);
    http::Response r = Call("POST", "/api/v1/emergencies", who, b);
    EXPECT_EQ(r.status, 201) << r.body;
    return J(r);
  }
  std::vector<std::string> Ids(const auth::Principal& who) {
    std::vector<std::string> out;
    http::Response r = Call("GET", "/api/v1/emergencies", who);
    EXPECT_EQ(r.status, 200) << r.body;
    const json j = J(r);
    for (const auto& x : j["items"]) out.push_back(x["id"]);
    return out;
  }
  size_t Stored() {
    std::vector<store::EmergencyRow> rows;
    EXPECT_TRUE(pop_.store().emergencies().List(false, "", &rows).ok());
    return rows.size();
  }

  Population pop_{GetParam()};
  FakeClock clock_{kT0};
  emergency::Service svc_{pop_.store(), emergency::Config::Builtin(), clock_};
  http::Router router_{emergency::Routes()};
  auth::Principal worker_{"u1", "demo", "commune_worker", {"03390"}};
  auth::Principal other_{"u2", "xa", "commune_worker", {"03394"}};
  auth::Principal hospital_{"u3", "benhvien", "hospital_worker", {"bv:12-sannhi"}};
  auth::Principal coordinator_{"u4", "dktinh", "hospital_worker", {"bv:12-dktinh"}};
  auth::Principal province_{"u5", "tinh", "province_officer", {"12"}};
  auth::Principal ministry_{"u6", "bo", "ministry", {}};
};

TEST_P(RedAlert, ConfigIsServedAsData) {
  http::Response r = Call("GET", "/api/v1/emergency-config", hospital_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(J(r)["levels"][0]["ack_within_minutes"], 5);
  EXPECT_EQ(J(r)["steps"][2]["owner"], "from");
  EXPECT_EQ(Call("GET", "/api/v1/emergency-config", ministry_).status, 403);  // no emergency.respond
}

TEST_P(RedAlert, CommuneRaisesHospitalSeesAndActsAnotherCommuneSeesNothing) {
  json e = Raise(worker_);
  EXPECT_EQ(e["status"], "open");
  EXPECT_EQ(e["next_step"], "acknowledged");
  EXPECT_EQ(e["raised_at"], "2026-05-01T01:00:00Z");
  EXPECT_EQ(e["to_orgunit"]["name"], "Bệnh viện Sản Nhi tỉnh Lai Châu");
  const std::string id = e["id"];
  EXPECT_EQ(Ids(hospital_), std::vector<std::string>{id});
  EXPECT_EQ(Ids(province_), std::vector<std::string>{id});
  EXPECT_TRUE(Ids(other_).empty());
  EXPECT_TRUE(Ids(coordinator_).empty());  // not escalated
  http::Response denied = Call("GET", "/api/v1/emergencies/" + id, other_);
  EXPECT_EQ(denied.status, 403);
  ASSERT_TRUE(denied.audit);
  EXPECT_EQ(denied.audit->action, "read_denied");
  // The sending side may not acknowledge for the hospital; the hospital may not depart for the commune.
  EXPECT_EQ(Call("POST", "/api/v1/emergencies/" + id + "/steps", worker_, {{"step", "acknowledged"}, {"version", 1}}).status, 403);
  clock_.Advance(2min);
  http::Response ack = Call("POST", "/api/v1/emergencies/" + id + "/steps", hospital_, {{"step", "acknowledged"}, {"version", 1}});
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(J(ack)["acknowledged_at"], "2026-05-01T01:02:00Z");
  EXPECT_EQ(J(ack)["version"], 2);
  ASSERT_EQ(Call("POST", "/api/v1/emergencies/" + id + "/steps", hospital_, {{"step", "team_ready"}, {"version", 2}}).status, 200);
  http::Response dep = Call("POST", "/api/v1/emergencies/" + id + "/steps", hospital_, {{"step", "departed"}, {"version", 3}});
  EXPECT_EQ(dep.status, 403);
  EXPECT_EQ(dep.audit->action, "write_denied");
  EXPECT_EQ(Call("POST", "/api/v1/emergencies/" + id + "/steps", worker_, {{"step", "departed"}, {"version", 3}}).status, 200);
  // Stale version: 409 naming it.
  http::Response stale = Call("POST", "/api/v1/emergencies/" + id + "/steps", hospital_, {{"step", "arrived"}, {"version", 3}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(J(stale)["field"], "version");
  EXPECT_EQ(Call("POST", "/api/v1/emergencies/" + id + "/steps", other_, {{"step", "arrived"}, {"version", 4}}).status, 403);
}

TEST_P(RedAlert, TimesOutOfOrderAre422NamingTheFieldAndNothingChanges) {
  json e = Raise(worker_);
  const std::string path = "/api/v1/emergencies/" + e["id"].get<std::string>() + "/steps";
  http::Response before = Call("POST", path, hospital_, {{"step", "acknowledged"}, {"at", "2026-05-01T07:59+07:00"}, {"version", 1}});
  EXPECT_EQ(before.status, 422);
  EXPECT_EQ(J(before)["errors"][0]["field"], "at");
  http::Response future = Call("POST", path, hospital_, {{"step", "acknowledged"}, {"at", "2026-05-01T08:01+07:00"}, {"version", 1}});
  EXPECT_EQ(J(future)["field"], "at");
  http::Response skip = Call("POST", path, hospital_, {{"step", "arrived"}, {"version", 1}});
  EXPECT_EQ(J(skip)["field"], "step");
  http::Response bad = Call("POST", path, hospital_, {{"step", "acknowledged"}, {"at", "soon"}, {"version", "1"}});
  EXPECT_EQ(bad.status, 422);
  ASSERT_EQ(J(bad)["errors"].size(), 2u);  // at and version, both at once
  http::Response got = Call("GET", "/api/v1/emergencies/" + e["id"].get<std::string>(), hospital_);
  EXPECT_EQ(J(got)["version"], 1);
  EXPECT_FALSE(J(got).contains("acknowledged_at"));
}

TEST_P(RedAlert, BadAlertsAre4xxNamingTheFieldAndNothingIsStored) {
  struct Bad {
    json change;
    int status;
    const char* field;
  };
  const Bad cases[] = {
      {{{"level", "purple"}}, 422, "level"},
      {{{"reason", "headache"}}, 422, "reason"},
      {{{"patient_kind", "child"}}, 422, "reason"},  // postpartum haemorrhage is a mother's
      {{{"patient_kind", "father"}}, 422, "patient_kind"},
      {{{"to_orgunit", "03390"}}, 422, "to_orgunit"},  // a commune is not a facility
      {{{"to_orgunit", "tyt:03390"}}, 422, "to_orgunit"},  // to itself
      {{{"from_orgunit", "tyt:03394"}}, 403, "from_orgunit"},  // another commune's station
      {{{"from_orgunit", "nowhere"}}, 422, "from_orgunit"},
      {{{"patient_label", nullptr}}, 422, "patient_label"},
      {{{"person_id", "no-such-person"}}, 422, "person_id"},
      {{{"raised_at", "2026-05-01T09:00+07:00"}}, 422, "raised_at"},
      {{{"raised_at", 5}}, 422, "raised_at"},
  };
  for (const auto& c : cases) {
    json b = {{"patient_kind", "mother"}, {"patient_label", "Sản phụ"}, {"level", "red"},
              {"reason", "postpartum_haemorrhage"}, {"from_orgunit", "tyt:03390"}, {"to_orgunit", "bv:12-sannhi"}};
    b.update(c.change);
    http::Response r = Call("POST", "/api/v1/emergencies", worker_, b);
    EXPECT_EQ(r.status, c.status) << c.change.dump() << " " << r.body;
    EXPECT_EQ(J(r)["field"], c.field) << c.change.dump();
  }
  // A registered person outside the other commune's scope.
  json b = {{"patient_kind", "mother"}, {"person_id", pop_.Id("M")}, {"level", "red"}, {"reason", "eclampsia"},
            {"from_orgunit", "tyt:03394"}, {"to_orgunit", "bv:12-sannhi"}};
  EXPECT_EQ(Call("POST", "/api/v1/emergencies", other_, b).status, 403);
  EXPECT_EQ(Stored(), 0u);
}

TEST_P(RedAlert, ThePatientsNameOnlyWithPersonReadInScopeAndSuchReadsAreAudited) {
  json e = Raise(worker_, {{"person_id", pop_.Id("M")}, {"patient_label", nullptr}});
  EXPECT_EQ(e["person_name"], "Người M");
  EXPECT_EQ(e["patient_label"], "Sản phụ");  // the kind's label, never the name
  const std::string path = "/api/v1/emergencies/" + e["id"].get<std::string>();
  http::Response h = Call("GET", path, hospital_);
  ASSERT_EQ(h.status, 200);
  EXPECT_FALSE(J(h).contains("person_name"));
  EXPECT_TRUE(h.audit->records.empty());
  http::Response w = Call("GET", path, worker_);
  EXPECT_EQ(J(w)["person_name"], "Người M");
  EXPECT_EQ(w.audit->records, std::vector<std::string>{pop_.Id("M")});
  http::Response list = Call("GET", "/api/v1/emergencies", worker_);
  EXPECT_EQ(list.audit->records, std::vector<std::string>{pop_.Id("M")});
}

TEST_P(RedAlert, EscalatesOnTheBoundaryAndTheEscalatedLevelSeesIt) {
  json e = Raise(worker_);
  const std::string id = e["id"];
  clock_.Advance(5min);  // exactly the red level's 5 minutes: not yet
  EXPECT_EQ(svc_.Escalate(), 0u);
  EXPECT_TRUE(Ids(coordinator_).empty());
  clock_.Advance(1s);
  EXPECT_EQ(Ids(coordinator_), std::vector<std::string>{id});  // the read escalates first
  emergency::Case c;
  ASSERT_TRUE(svc_.Get(id, &c).ok());
  ASSERT_EQ(c.escalated.size(), 1u);
  EXPECT_EQ(c.escalated[0].orgunit, "bv:12-dktinh");
  EXPECT_EQ(emergency::FormatInstant(c.escalated[0].at), "2026-05-01T01:05:00Z");
  EXPECT_EQ(svc_.Escalate(), 0u);  // once
  clock_.Advance(10min);
  EXPECT_EQ(svc_.Escalate(), 1u);
  ASSERT_TRUE(svc_.Get(id, &c).ok());
  ASSERT_EQ(c.escalated.size(), 2u);
  EXPECT_EQ(c.escalated[1].orgunit, "12");  // the province health department
  EXPECT_EQ(c.version, 3);
  // The escalation is written by the system, with its audit entry.
  std::vector<audit::Entry> es;
  store::AuditQuery q;
  q.record_id = id;
  ASSERT_TRUE(pop_.store().ListAudit(q, &es).ok());
  int escalations = 0;
  for (const auto& x : es) escalations += x.action == "emergency_escalate" && x.username == "system";
  EXPECT_EQ(escalations, 2);
}

TEST_P(RedAlert, TheTickerEscalatesUnreadAndTheCoordinatorsStreamHearsIt) {
  auto coordinator = svc_.Subscribe(coordinator_, "test");
  coordinator->Start([] {});
  std::string got;
  ASSERT_TRUE(coordinator->Take(&got));  // the hello
  json e = Raise(worker_);
  ASSERT_TRUE(coordinator->Take(&got));
  EXPECT_EQ(got, "");  // not theirs yet
  clock_.Advance(5min + 1s);
  svc_.StartTicker(10ms);
  for (int i = 0; i < 300 && got.empty(); ++i) {
    std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(coordinator->Take(&got));
  }
  EXPECT_NE(got.find(e["id"].get<std::string>()), std::string::npos) << got;
  EXPECT_NE(got.find("\"escalated\":[{\"at\":\"2026-05-01T01:05:00Z\",\"orgunit\":{\"id\":\"bv:12-dktinh\""), std::string::npos) << got;
}

TEST_P(RedAlert, AnAcknowledgedAlertDoesNotEscalate) {
  json e = Raise(worker_);
  clock_.Advance(4min);
  ASSERT_EQ(Call("POST", "/api/v1/emergencies/" + e["id"].get<std::string>() + "/steps", hospital_,
                 {{"step", "acknowledged"}, {"version", 1}}).status, 200);
  clock_.Advance(60min);
  EXPECT_EQ(svc_.Escalate(), 0u);
  EXPECT_TRUE(Ids(coordinator_).empty());
}

TEST_P(RedAlert, ListsOpenClosedAndByOrgUnit) {
  json a = Raise(worker_);
  json b = Raise(worker_, {{"to_orgunit", "bv:12-kvphongtho"}});
  const std::string path = "/api/v1/emergencies/" + a["id"].get<std::string>() + "/steps";
  int v = 1;
  for (const char* s : {"acknowledged", "team_ready"})
    ASSERT_EQ(Call("POST", path, hospital_, {{"step", s}, {"version", v++}}).status, 200);
  ASSERT_EQ(Call("POST", path, worker_, {{"step", "departed"}, {"version", v++}}).status, 200);
  for (const char* s : {"arrived", "treatment_started"})
    ASSERT_EQ(Call("POST", path, hospital_, {{"step", s}, {"version", v++}}).status, 200);
  http::Response done = Call("POST", path, hospital_, {{"step", "outcome"}, {"outcome", "alive"}, {"version", v}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(J(done)["status"], "closed");
  EXPECT_TRUE(J(done)["next_step"].is_null());
  EXPECT_EQ(Ids(province_), std::vector<std::string>{b["id"]});
  http::Response closed = Call("GET", "/api/v1/emergencies", province_, nullptr, {{"status", "closed"}});
  EXPECT_EQ(J(closed)["items"].size(), 1u);
  http::Response all = Call("GET", "/api/v1/emergencies", province_, nullptr, {{"status", "all"}, {"orgunit", "bv:12-kvphongtho"}});
  ASSERT_EQ(J(all)["items"].size(), 1u);
  EXPECT_EQ(J(all)["items"][0]["id"], b["id"]);
  EXPECT_EQ(J(Call("GET", "/api/v1/emergencies", province_, nullptr, {{"status", "gone"}}))["field"], "status");
  EXPECT_EQ(Call("GET", "/api/v1/emergencies", worker_, nullptr, {{"orgunit", "03394"}}).status, 403);
}

TEST_P(RedAlert, StatsByFacilityWithHandWorkedMedians) {
  // Two red alerts to the province hospital acknowledged after 2 and 6 minutes.
  for (int ack : {2, 6}) {
    json e = Raise(worker_);
    clock_.Advance(std::chrono::minutes(ack));
    ASSERT_EQ(Call("POST", "/api/v1/emergencies/" + e["id"].get<std::string>() + "/steps", hospital_,
                   {{"step", "acknowledged"}, {"version", 1}}).status, 200);
  }
  http::Response r = Call("GET", "/api/v1/emergencies/stats", province_, nullptr, {{"period", "2026-05"}, {"by", "facility"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json j = J(r);
  ASSERT_EQ(j["rows"].size(), 1u);
  EXPECT_EQ(j["rows"][0]["key"], "bv:12-sannhi");
  EXPECT_EQ(j["rows"][0]["n"], 2);
  EXPECT_EQ(j["rows"][0]["ack_median_min"], 4.0);
  EXPECT_EQ(j["rows"][0]["ack_p90_min"], 5.6);  // 2 + 0.9 * 4
  EXPECT_TRUE(j["rows"][0]["arrival_median_min"].is_null());
  http::Response c = Call("GET", "/api/v1/emergencies/stats", province_, nullptr, {{"period", "2026-05"}, {"by", "commune"}});
  EXPECT_EQ(J(c)["rows"][0]["key"], "03390");
  EXPECT_EQ(J(Call("GET", "/api/v1/emergencies/stats", province_, nullptr, {{"period", "2026-04"}}))["total"]["n"], 0);
  EXPECT_EQ(J(Call("GET", "/api/v1/emergencies/stats", province_, nullptr, {{"period", "May"}}))["field"], "period");
  EXPECT_EQ(Call("GET", "/api/v1/emergencies/stats", other_, nullptr, {{"orgunit", "03390"}}).status, 403);
}

U5_ON_BOTH_STORES(RedAlert);

}  // namespace
}  // namespace u5::test
