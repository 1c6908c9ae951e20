// Walks the API's route list (the list that dispatches): every route whose
// answer carries person-level data is called as a user allowed to call it, and
// must leave exactly one audit entry naming the user and the records shown.
// A route added to the list without a case here fails the walk, so a new
// person-level route cannot ship unaudited. Writes are walked by
// WrongTypes.NoBodyMakesAnyRouteAnswer500, which checks each write's entry.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "core/date.h"
#include "security/records_fixture.h"

namespace u5::test {
namespace {

using nlohmann::json;

struct RouteAudit : OnBothStores<RecordsFixture> {
  void SetUp() override { OpenWithRecords(); }

  // What one call must leave in the trail.
  struct Case {
    std::string token, path;
    std::map<std::string, std::string> query;
    std::string record_id;           // the one record named, or
    std::vector<std::string> listed;  // records that detail.records must contain
  };

  std::optional<Case> For(const http::Route& r, std::map<std::string, std::string>* ids) {
    const std::string prov = Login("prov");
    const std::string p = r.pattern;
    const std::string coll = CollectionOf(r);
    if (!coll.empty()) {
      std::string& id = (*ids)[coll];
      if (id.empty()) id = coll == "persons" ? child : Create(coll, RecordBody(coll));
      if (p == coll) return Case{TokenFor(coll), "/api/v1/" + coll, {{"orgunit", "03390"}, {"limit", "1000"}}, "", {id}};
      return Case{TokenFor(coll), "/api/v1/" + coll + "/" + id, {}, id, {}};
    }
    if (p == "persons/search") return Case{cw, "/api/v1/persons/search", {{"q", "lo thi"}}, "", {mother, small}};
    if (p == "persons/{id}/handbook") return Case{cw, "/api/v1/persons/" + child + "/handbook", {}, child, {}};
    if (p == "persons/{id}/growth") return Case{cw, "/api/v1/persons/" + child + "/growth", {}, child, {}};
    if (p == "persons/{id}/due") return Case{cw, "/api/v1/persons/" + small + "/due", {}, small, {}};
    if (p == "worklist") {
      const Date today = Today();
      return Case{cw, "/api/v1/worklist", {{"orgunit", "03390"}, {"from", FormatDate(Date{today.days - 30})},
                                           {"to", FormatDate(Date{today.days + 30})}}, "", {small}};
    }
    if (p == "alerts") return Case{cw, "/api/v1/alerts", {{"orgunit", "03390"}}, "", {small}};
    if (p == "sync/changes") return Case{cw, "/api/v1/sync/changes", {}, "", {mother, child, small}};
    if (p == "death-followups") return Case{board, "/api/v1/death-followups", {{"orgunit", "03390"}}, "", {dead}};
    if (p == "emergencies" || p == "emergencies/{id}" || p == "emergencies/stream") {
      std::string& id = (*ids)["emergencies"];
      if (id.empty()) {
        const http::Response e = Call("POST", "/api/v1/emergencies", cw, EmergencyBody().dump());
        id = json::parse(e.body).value("id", "");
      }
      if (p == "emergencies") return Case{cw, "/api/v1/emergencies", {}, "", {mother}};
      if (p == "emergencies/{id}") return Case{cw, "/api/v1/emergencies/" + id, {}, id, {}};  // detail.person_id names her
      return Case{cw, "/api/v1/emergencies/stream", {}, "", {}};  // names sent later are audited as sent
    }
    // FHIR (docs/fhir.md): the child as a Patient, the mother's handbook with her children.
    if (p == "/fhir/{type}") return Case{cw, "/fhir/Patient", {{"_id", child}}, "", {child}};
    if (p == "/fhir/{type}/{id}") return Case{cw, "/fhir/Patient/" + child, {}, child, {}};
    if (p == "/fhir/{type}/{id}/_history") return Case{cw, "/fhir/Patient/" + child + "/_history", {}, child, {}};
    if (p == "/fhir/{type}/{id}/_history/{vid}") return Case{cw, "/fhir/Patient/" + child + "/_history/1", {}, child, {}};
    if (p == "/fhir/Patient/{id}/$everything") return Case{cw, "/fhir/Patient/" + mother + "/$everything", {}, mother, {}};
    // $export's files (fhir/export.h): the worker's commune exported, the export finished, one of its files.
    if (p == "/fhir/$export-file/{job}/{file}") {
      const http::Response kick = Call("GET", "/fhir/Group/03390/$export", cw, "", {{"_type", "Patient"}});
      const std::string location = kick.headers.count("Content-Location") ? kick.headers.at("Content-Location") : "";
      const std::string status_path = location.substr(std::min(location.find("/fhir/"), location.size()));
      http::Response manifest;
      for (int i = 0; i < 500 && (manifest = Call("GET", status_path, cw)).status == 202; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      const std::string url = json::parse(manifest.body, nullptr, false)["output"][0].value("url", "");
      return Case{cw, url.substr(std::min(url.find("/fhir/"), url.size())), {}, "", {}};
    }
    if (p == "reports/{id}")
      return Case{prov, "/api/v1/reports/lai_chau_6m", {{"orgunit", "12"}, {"period", "2025S1"}}, "lai_chau_6m", {}};
    return std::nullopt;
  }
};

TEST_P(RouteAudit, EveryPersonLevelAnswerLeavesOneEntryNamingTheRecords) {
  std::map<std::string, std::string> ids;  // one record of each collection
  int walked = 0;
  for (const http::Route& r : api->routes()) {
    if (r.audit != http::Audit::person_read) continue;
    const std::string where = r.method + " " + r.pattern;
    SCOPED_TRACE(where);
    std::optional<Case> c = For(r, &ids);
    ASSERT_TRUE(c) << "no case for " << where << ": add one to this walk";
    const std::string me = json::parse(Call("GET", "/api/v1/auth/me", c->token).body).value("id", "");
    api->FlushAudit();
    const int64_t before = AuditHead();
    const http::Response resp = Call(r.method, c->path, c->token, "", c->query);
    ASSERT_EQ(resp.status, 200) << resp.body;
    api->FlushAudit();
    const std::vector<audit::Entry> e = AuditAfter(before);
    ASSERT_EQ(e.size(), 1u) << "one entry per answer";
    EXPECT_EQ(e[0].user_id, me) << "the entry names the user by id";
    EXPECT_EQ(e[0].action, "read");
    if (!c->record_id.empty()) EXPECT_EQ(e[0].record_id, c->record_id);
    const json detail = json::parse(e[0].detail);
    const json records = detail.value("records", json::array());
    for (const std::string& id : c->listed)
      EXPECT_NE(std::find(records.begin(), records.end(), id), records.end()) << id << " shown but not named: " << e[0].detail;
    ++walked;
  }
  // Both kinds of record route of 13 collections, and the others above.
  EXPECT_GE(walked, 26 + 7);
}

// A read refused because the record lies outside the caller's scope answers
// exactly as an id that does not exist (so ids cannot be probed) and is audited.
TEST_P(RouteAudit, OutOfScopeReadsAsMissing) {
  const std::string other = Login("cw_b");
  const std::string unknown = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  for (const std::string& tail : {std::string(), std::string("/handbook"), std::string("/growth"), std::string("/due")}) {
    SCOPED_TRACE(tail);
    const http::Response hidden = Call("GET", "/api/v1/persons/" + child + tail, other);
    const http::Response missing = Call("GET", "/api/v1/persons/" + unknown + tail, other);
    EXPECT_EQ(hidden.status, 404) << hidden.body;
    EXPECT_EQ(missing.status, 404) << missing.body;
    // The same body but for the id itself.
    std::string masked = hidden.body;
    for (size_t at; (at = masked.find(child)) != std::string::npos;) masked.replace(at, child.size(), unknown);
    EXPECT_EQ(masked, missing.body);
  }
  const std::string event = Create("immunizations", RecordBody("immunizations"));
  const http::Response hidden = Call("GET", "/api/v1/immunizations/" + event, other);
  const http::Response missing = Call("GET", "/api/v1/immunizations/" + unknown, other);
  EXPECT_EQ(hidden.status, 404);
  std::string masked = hidden.body;
  masked.replace(masked.find(event), event.size(), unknown);
  EXPECT_EQ(masked, missing.body);
  api->FlushAudit();
  EXPECT_GE(CountAudit([&](const audit::Entry& e) {
              return e.action == "read_denied" && e.username == "cw_b" && e.record_id == child;
            }),
            4);
}

U5_ON_BOTH_STORES(RouteAudit);

}  // namespace
}  // namespace u5::test
