// Reads leave a trace, compactly: an answer that lists person-level records
// (a list, a search, a worklist, the alerts) is one audit entry naming the
// records it returned, a person's due list is one entry for that person, an
// alert acknowledgement is audited, and a request refused because the record
// or org unit lies outside the user's scope leaves an entry too.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "care/service.h"
#include "core/id.h"
#include "security/api_fixture.h"
#include "support/raw_db.h"

namespace u5::test {
namespace {

using nlohmann::json;

struct ReadAuditBase : ApiFixture {
  std::unique_ptr<care::Service> care;
  std::string cw_a, cw_b, prov, mother, child;

  void SetUp() override {
    ApiFixture::SetUp();
    ASSERT_TRUE(care::Service::Open(*s, "", &care).ok());
    care::Service::Attach(*s, care.get());
    cw_a = Login("cw_a");
    cw_b = Login("cw_b");
    prov = Login("prov");
  }
  void TearDown() override { care::Service::Attach(*s, nullptr); }

  // A mother and her newborn of low birth weight: due for BCG, with an alert until a home visit.
  void MotherAndNewborn() {
    mother = NewPerson(cw_a, "03390", "Lò Thị Mai");
    http::Response c = Call("POST", "/api/v1/persons", cw_a,
                            json{{"full_name", "Lò Văn An"}, {"sex", "male"}, {"birth_date", "2025-01-10"},
                                 {"orgunit", "03390"}, {"mother_id", mother}}
                                .dump());
    ASSERT_EQ(c.status, 201) << c.body;
    child = json::parse(c.body)["id"];
    http::Response n = Call("POST", "/api/v1/newborns", cw_a,
                            json{{"person_id", child}, {"date", "2025-01-10"}, {"orgunit", "03390"},
                                 {"birth_weight_g", 2100}}
                                .dump());
    ASSERT_EQ(n.status, 201) << n.body;
  }

  int64_t LastSeq() {
    api->FlushAudit();
    return AuditHead();
  }
  // Entries after `seq`: username, action, record_id, via, records (JSON text).
  Rows EntriesAfter(int64_t seq) {
    api->FlushAudit();
    Rows out;
    for (const audit::Entry& e : AuditAfter(seq)) {
      const json d = json::parse(e.detail, nullptr, false);
      const bool obj = d.is_object();
      out.push_back({e.username, e.action, e.record_id, obj && d.contains("via") ? d["via"].get<std::string>() : "",
                     obj && d.contains("records") ? d["records"].dump() : ""});
    }
    return out;
  }
  // The first entry after `seq`, as its fields and one of its detail's.
  std::string FirstAfter(int64_t seq, const std::string& detail_key, bool with_user) {
    api->FlushAudit();
    const std::vector<audit::Entry> e = AuditAfter(seq);
    if (e.empty()) return "";
    const json d = json::parse(e[0].detail, nullptr, false);
    const std::string value = d.is_object() && d.contains(detail_key) ? d[detail_key].get<std::string>() : "";
    return (with_user ? e[0].username + " " : "") + e[0].action + " " + e[0].record_id + " " + value;
  }
  // Entries by record through the API, as a province officer sees them.
  json AuditOf(const std::string& record, int limit = 1000) {
    http::Response r = Call("GET", "/api/v1/audit", prov, "", {{"record", record}, {"limit", std::to_string(limit)}});
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["items"];
  }
};

struct ReadAudit : OnBothStores<ReadAuditBase> {};

// A search page names each match's mother or children, and its one entry names
// every person shown; the page is cut by limit/offset with has_more, and bad
// paging parameters are 422 naming the parameter.
TEST_P(ReadAudit, SearchPagesNameRelativesAndAuditEveryoneShown) {
  MotherAndNewborn();
  int64_t seq = LastSeq();
  http::Response r = Call("GET", "/api/v1/persons/search", cw_a, "", {{"q", "lo"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json items = json::parse(r.body)["items"];
  ASSERT_EQ(items.size(), 2u) << r.body;
  EXPECT_EQ(json::parse(r.body)["has_more"], false);
  // Vietnamese order: Lò Thị Mai, then Lò Văn An.
  EXPECT_EQ(items[0]["id"], mother);
  ASSERT_EQ(items[0]["children"].size(), 1u);
  EXPECT_EQ(items[0]["children"][0]["id"], child);
  EXPECT_EQ(items[0]["children"][0]["birth_date"], "2025-01-10");
  EXPECT_EQ(items[1]["mother"]["full_name"], "Lò Thị Mai");
  EXPECT_FALSE(items[1].contains("children"));
  Rows e = EntriesAfter(seq);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], (std::vector<std::string>{"cw_a", "read", "", "search", json::array({mother, child}).dump()}));

  // A page of one: the child's search still names the mother, and the entry names her too.
  seq = LastSeq();
  r = Call("GET", "/api/v1/persons/search", cw_a, "", {{"q", "lo"}, {"limit", "1"}, {"offset", "1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json page = json::parse(r.body);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["offset"], 1);
  EXPECT_EQ(page["has_more"], false);
  r = Call("GET", "/api/v1/persons/search", cw_a, "", {{"q", "lo"}, {"limit", "1"}});
  EXPECT_EQ(json::parse(r.body)["has_more"], true) << r.body;

  for (auto [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"limit", "0"}, {"limit", "101"}, {"limit", "x"}, {"offset", "-1"}, {"offset", "1001"}, {"offset", "1e3"}}) {
    http::Response bad = Call("GET", "/api/v1/persons/search", cw_a, "", {{"q", "lo"}, {k, v}});
    EXPECT_EQ(bad.status, 422) << k << "=" << v;
    EXPECT_EQ(json::parse(bad.body)["field"], k) << bad.body;
  }

  // Another commune's worker sees neither, and the handbook names the mother's children.
  http::Response h = Call("GET", "/api/v1/persons/" + mother + "/handbook", cw_a);
  ASSERT_EQ(h.status, 200) << h.body;
  ASSERT_EQ(json::parse(h.body)["children"].size(), 1u);
  EXPECT_EQ(json::parse(h.body)["children"][0]["full_name"], "Lò Văn An");
  EXPECT_TRUE(json::parse(Call("GET", "/api/v1/persons/search", cw_b, "", {{"q", "lo"}}).body)["items"].empty());
}

TEST_P(ReadAudit, WorklistAlertsAndDueEachLeaveOneEntryNamingWhatWasShown) {
  MotherAndNewborn();
  int64_t seq = LastSeq();
  http::Response w = Call("GET", "/api/v1/worklist", cw_a, "", {{"orgunit", "03390"}, {"from", "2025-01-20"}, {"to", "2025-01-26"}});
  ASSERT_EQ(w.status, 200) << w.body;
  ASSERT_EQ(json::parse(w.body)["villages"][0]["persons"][0]["person_id"], child) << w.body;
  Rows e = EntriesAfter(seq);
  ASSERT_EQ(e.size(), 1u);
  // The child listed, and the mother whose name and phone the list shows.
  EXPECT_EQ(e[0], (std::vector<std::string>{"cw_a", "read", "", "worklist", json::array({child, mother}).dump()}));

  seq = LastSeq();
  http::Response a = Call("GET", "/api/v1/alerts", cw_a, "", {{"orgunit", "03390"}, {"date", "2025-01-20"}});
  ASSERT_EQ(a.status, 200) << a.body;
  const json alerts = json::parse(a.body)["items"];
  ASSERT_EQ(alerts.size(), 1u) << a.body;
  e = EntriesAfter(seq);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], (std::vector<std::string>{"cw_a", "read", "", "alerts", json::array({child}).dump()}));

  seq = LastSeq();
  ASSERT_EQ(Call("GET", "/api/v1/persons/" + child + "/due", cw_a, "", {{"date", "2025-01-20"}}).status, 200);
  e = EntriesAfter(seq);
  ASSERT_EQ(e.size(), 1u) << testing::PrintToString(e);
  EXPECT_EQ(e[0], (std::vector<std::string>{"cw_a", "read", child, "due", ""}));

  // The acknowledgement of an alert is audited with the alert it closed.
  seq = LastSeq();
  const std::string alert = alerts[0]["id"];
  ASSERT_EQ(Call("POST", "/api/v1/alerts/" + alert + "/ack", cw_a, R"({"note":"đã gọi điện"})").status, 200);
  EXPECT_EQ(FirstAfter(seq, "alert", false),
            "alert_ack " + child + " " + alert);

  // Every one of them is found by record, newest first.
  std::vector<std::string> vias;
  for (const auto& it : AuditOf(child))
    if (it["action"] == "read") vias.push_back(it["detail"]["via"]);
  EXPECT_EQ(vias, (std::vector<std::string>{"due", "alerts", "worklist"}));
}

// End to end through the API (sessions, router, audit): "moved away" takes the
// child off the worklist into the set-aside list, leaves one write entry by
// the user, and "found again" brings the child back.
TEST_P(ReadAudit, MovedAwayThroughTheApiIsAuditedAndReversible) {
  MotherAndNewborn();
  auto on = [&](const std::string& list) {
    http::Response w = Call("GET", "/api/v1/worklist", cw_a, "", {{"orgunit", "03390"}, {"from", "2025-01-20"}, {"list", list}});
    EXPECT_EQ(w.status, 200) << w.body;
    const json j = json::parse(w.body);
    return j["villages"].empty() ? std::string() : j["villages"][0]["persons"][0]["person_id"].get<std::string>();
  };
  ASSERT_EQ(on("current"), child);
  const std::string path = "/api/v1/persons/" + child + "/care-status";
  EXPECT_EQ(Call("POST", path, cw_b, R"({"status":"not_found","reason":"x"})").status, 404);
  http::Response bad = Call("POST", path, cw_a, R"({"status":"lost","reason":"x"})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(json::parse(bad.body)["field"], "status");
  int64_t seq = LastSeq();
  ASSERT_EQ(Call("POST", path, cw_a, R"({"status":"not_found","reason":"ba lần đến nhà không gặp"})").status, 200);
  EXPECT_EQ(FirstAfter(seq, "status", true),
            "cw_a care_status " + child + " not_found");
  EXPECT_EQ(on("current"), "");
  EXPECT_EQ(on("set_aside"), child);
  ASSERT_EQ(Call("POST", path, cw_a, R"({"status":"active"})").status, 200);
  EXPECT_EQ(on("current"), child);
  EXPECT_EQ(on("set_aside"), "");
}

TEST_P(ReadAudit, RefusalsOutsideTheUsersScopeLeaveAnEntry) {
  MotherAndNewborn();
  const int64_t seq = LastSeq();
  // cw_b works in 03394; the mother and child are in 03390. A record outside the
  // scope answers as an unknown id (404); an org unit asked for outside it, 403.
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + child + "/due", cw_b).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/worklist", cw_b, "", {{"orgunit", "03390"}}).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/alerts", cw_b, "", {{"orgunit", "03390"}}).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/alerts/newborn_no_home_visit:" + child + "/ack", cw_b, "{}").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + mother, cw_b).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/persons/" + mother + "/handbook", cw_b).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/persons", cw_b, "", {{"orgunit", "03390"}}).status, 403);
  EXPECT_EQ(Call("DELETE", "/api/v1/persons/" + mother, cw_b, R"({"reason":"x","version":1})").status, 404);
  const Rows e = EntriesAfter(seq);
  const Rows want = {{"cw_b", "read_denied", child, "", ""},  {"cw_b", "read_denied", "", "", ""},
                     {"cw_b", "read_denied", "", "", ""},     {"cw_b", "write_denied", child, "", ""},
                     {"cw_b", "read_denied", mother, "", ""}, {"cw_b", "read_denied", mother, "", ""},
                     {"cw_b", "read_denied", "", "", ""},     {"cw_b", "write_denied", mother, "", ""}};
  EXPECT_EQ(e, want);
  // The org unit asked for is kept, so the officers above it see the attempt.
  EXPECT_EQ(CountAudit([](const audit::Entry& x) {
              return x.orgunit_id == "03390" && x.action.size() > 7 && x.action.ends_with("_denied");
            }, seq),
            8);
  EXPECT_EQ(AuditOf(child).front()["action"], "write_denied");  // the newest
}

// 1,000 persons listed 60 times by one user. One entry a record (before) put
// 60,000 entries, over 20 MB, into the log. One entry an answer holds the 60
// answers' ids: 60 x 1,000 x 39 bytes (a quoted UUID and a comma) = 2.3 MB in
// the log; the 60,000 (entry, record) pairs reach a run of the entries by
// record (50,000 rows), sorted here, at about 50 bytes a row (a UUID, a seq,
// B-tree overhead) = 3 MB more at most. Bound: 6 MB. PostgreSQL keeps no runs
// but a GIN index of the same pairs (store/pg_migrations.cpp), and the details
// compressed in TOAST: the same bound holds for the database's size on disk.
struct ReadAuditSize : OnBothStores<ReadAuditBase> {};

TEST_P(ReadAuditSize, ListingAThousandRecordsSixtyTimesIsCompactAndFoundByRecord) {
  std::vector<store::Record> rs;
  for (int i = 0; i < 1000; ++i) {
    store::Record p;
    p.type = "person";
    p.id = NewUuid7();
    p.orgunit_id = "03390";
    p.full_name = "Lò Thị Mai " + std::to_string(i);
    p.name_folded = "lo thi mai " + std::to_string(i);
    p.sex = "female";
    p.date = "1996-04-12";
    p.created_at = p.updated_at = "2026-01-01T00:00:00.000Z";
    p.body = json{{"id", p.id}, {"full_name", p.full_name}, {"sex", "female"}, {"birth_date", p.date},
                  {"orgunit", "03390"}}
                 .dump();
    rs.push_back(p);
  }
  ASSERT_TRUE(s->InsertBatch(rs).ok());
  auto bytes = [&] {
    api->FlushAudit();
    return RawDb(where->location()).SizeBytes();
  };
  const int64_t before = bytes(), seq = LastSeq();
  for (int i = 0; i < 60; ++i) {
    http::Response r = Call("GET", "/api/v1/persons", cw_a, "", {{"orgunit", "03390"}, {"limit", "1000"}});
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(json::parse(r.body)["items"].size(), 1000u);
  }
  const int64_t grown = bytes() - before;
  std::cout << "60 lists of 1,000 persons: " << LastSeq() - seq << " audit entries, the database grew by " << grown
            << " bytes\n";
  EXPECT_EQ(LastSeq() - seq, 60);
  EXPECT_LT(grown, 6'000'000);
  for (const std::string& id : {rs.front().id, rs[500].id, rs.back().id}) {
    const json items = AuditOf(id);
    ASSERT_EQ(items.size(), 60u) << id;
    EXPECT_EQ(items[0]["detail"]["via"], "list");
    EXPECT_EQ(items[0]["username"], "cw_a");
  }
}

U5_ON_BOTH_STORES(ReadAudit);
U5_ON_BOTH_STORES(ReadAuditSize);

}  // namespace
}  // namespace u5::test
