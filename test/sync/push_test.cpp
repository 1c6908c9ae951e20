// POST /api/v1/sync/push through the API in process (docs/sync.md "Push").
#include "core/id.h"
#include "support/test_store.h"
#include "sync/sync_fixture.h"

namespace u5::test {
namespace {

using nlohmann::json;

struct SyncPush : OnBothStores<SyncFixture> {
  json NewChild(const std::string& id, const std::string& name = "Lò Văn Mới") {
    return {{"op", "insert"}, {"collection", "persons"}, {"id", id},
            {"body", {{"full_name", name}, {"sex", "male"}, {"birth_date", "2026-07-01"}, {"orgunit", "03390"}, {"mother_id", mother}}}};
  }
  json Vaccination(const std::string& id, const std::string& person, const std::string& date = "2026-07-02") {
    return {{"op", "insert"}, {"collection", "immunizations"}, {"id", id},
            {"body", {{"person_id", person}, {"orgunit", "03390"}, {"date", date}, {"vaccine", "bcg"}, {"dose", 1}}}};
  }
  // Through the store, so the same checks read either kind.
  int64_t Stored(const std::string& id) {
    store::Record r;
    return s->Find(id, &r).ok() ? 1 : 0;
  }
  int64_t VersionOf(const std::string& id) {
    store::Record r;
    return s->Find(id, &r).ok() ? r.version : 0;
  }
  int64_t EventsOf(const std::string& person) {
    store::ListQuery q;
    q.person_id = person;
    q.include_deleted = true;
    int64_t n = 0;
    EXPECT_TRUE(s->Count(q, &n).ok());
    return n;
  }
  int64_t AuditOf(const std::string& action, const std::string& record_id) {
    return CountAudit([&](const audit::Entry& e) { return e.action == action && e.record_id == record_id; });
  }
  int64_t PersonsNamed(const std::string& name) {
    int64_t n = 0;
    EXPECT_TRUE(s->ForEach([&](const store::Record& r) {
      if (r.is_person() && r.full_name == name) ++n;
      return Status::Ok();
    }, true).ok());
    return n;
  }
};

TEST_P(SyncPush, AppliesInOrderAndARetryAnswersTheSame) {
  const std::string kid = NewUuid7(), shot = NewUuid7();
  const json writes = {NewChild(kid), Vaccination(shot, kid)};
  int status = 0;
  const json first = Push(cw, writes, &status);
  ASSERT_EQ(status, 200) << first.dump();
  ASSERT_EQ(first.size(), 2u);
  for (const json& r : first) {
    EXPECT_EQ(r["status"], "stored") << r.dump();
    EXPECT_EQ(r["version"], 1);
  }
  EXPECT_EQ(first[0]["record"]["id"], kid);
  EXPECT_EQ(first[1]["record"]["person_id"], kid);
  // The answer was lost: the client pushes the same again.
  const json again = Push(cw, writes, &status);
  ASSERT_EQ(status, 200);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(again[i]["status"], "stored") << again[i].dump();
    EXPECT_EQ(again[i]["version"], 1);
    EXPECT_EQ(again[i]["record"], first[i]["record"]);
  }
  EXPECT_EQ(Stored(kid), 1);
  EXPECT_EQ(Stored(shot), 1);
  // Each stored write is audited once, as through its route, and the push itself names the client.
  EXPECT_EQ(AuditOf("create", kid), 1);
  EXPECT_EQ(AuditOf("create", shot), 1);
  api->FlushAudit();
  EXPECT_EQ(CountAudit([](const audit::Entry& e) {
              return e.detail.find("\"via\":\"sync_push\"") != std::string::npos && e.detail.find("client-1") != std::string::npos;
            }), 2);
  // The care engine heard the writes: the child's due list knows the BCG dose.
  http::Response due = Call("GET", "/api/v1/persons/" + kid + "/due", cw);
  ASSERT_EQ(due.status, 200) << due.body;
}

TEST_P(SyncPush, UpdatesDeletesConflictsAndTheirRetries) {
  const std::string kid = NewUuid7(), shot = NewUuid7();
  int status = 0;
  json r = Push(cw, {NewChild(kid), Vaccination(shot, kid)}, &status);
  ASSERT_EQ(status, 200);
  json body = r[0]["record"];
  body["phone"] = "0911111111";
  const json update = {{"op", "update"}, {"collection", "persons"}, {"id", kid}, {"base_version", 1}, {"body", body}};
  r = Push(cw, json::array({update}), &status);
  ASSERT_EQ(r[0]["status"], "stored") << r.dump();
  EXPECT_EQ(r[0]["version"], 2);
  r = Push(cw, json::array({update}), &status);
  EXPECT_EQ(r[0]["status"], "stored") << "a retry, not a conflict: " << r.dump();
  EXPECT_EQ(r[0]["version"], 2);
  // Another change from the same base version is a conflict carrying the server's record.
  json other = body;
  other["phone"] = "0922222222";
  r = Push(cw, json::array({{{"op", "update"}, {"collection", "persons"}, {"id", kid}, {"base_version", 1}, {"body", other}}}), &status);
  EXPECT_EQ(r[0]["status"], "conflict") << r.dump();
  EXPECT_EQ(r[0]["record"]["version"], 2);
  EXPECT_EQ(r[0]["record"]["phone"], "0911111111");
  // An insert of an existing id with another body: a conflict too.
  r = Push(cw, json::array({NewChild(kid, "Lò Văn Khác")}), &status);
  EXPECT_EQ(r[0]["status"], "conflict") << r.dump();
  EXPECT_EQ(VersionOf(kid), 2);
  // Deletion, its retry, and a stale delete.
  const json del = {{"op", "delete"}, {"collection", "immunizations"}, {"id", shot}, {"base_version", 1}, {"reason", "nhập nhầm"}};
  r = Push(cw, json::array({del}), &status);
  EXPECT_EQ(r[0]["status"], "stored") << r.dump();
  EXPECT_EQ(r[0]["version"], 2);
  EXPECT_TRUE(r[0]["record"].contains("deleted_at"));
  r = Push(cw, json::array({del}), &status);
  EXPECT_EQ(r[0]["status"], "stored") << r.dump();
  EXPECT_EQ(r[0]["version"], 2);
  json stale = del;
  stale["reason"] = "khác";
  r = Push(cw, json::array({stale}), &status);
  EXPECT_EQ(r[0]["status"], "conflict") << r.dump();
  EXPECT_EQ(AuditOf("delete", shot), 1);
}

TEST_P(SyncPush, RejectedWithTheFieldAndWhatDependsOnIt) {
  const std::string kid = NewUuid7(), shot = NewUuid7(), later = NewUuid7(), fine = NewUuid7();
  json bad = NewChild(kid);
  bad["body"]["birth_date"] = "2126-01-01";  // in the future
  int status = 0;
  json r = Push(cw, {bad, Vaccination(shot, kid), NewChild(fine, "Lò Văn Khác"), Vaccination(later, kid, "2026-07-03")}, &status);
  ASSERT_EQ(status, 200) << r.dump();
  EXPECT_EQ(r[0]["status"], "rejected");
  EXPECT_EQ(r[0]["error"], "invalid");
  EXPECT_EQ(r[0]["field"], "birth_date") << r[0].dump();
  ASSERT_TRUE(r[0]["errors"].is_array());
  EXPECT_EQ(r[1]["status"], "rejected");
  EXPECT_EQ(r[1]["error"], "depends_on_rejected");
  EXPECT_EQ(r[1]["field"], "person_id");
  EXPECT_EQ(r[2]["status"], "stored") << "another person's write goes on";
  EXPECT_EQ(r[3]["error"], "depends_on_rejected");
  EXPECT_EQ(EventsOf(kid), 0);
  // Several faulty fields are all listed.
  json two = NewChild(NewUuid7());
  two["body"]["sex"] = "x";
  two["body"]["birth_date"] = "nope";
  r = Push(cw, json::array({two}), &status);
  EXPECT_EQ(r[0]["status"], "rejected");
  EXPECT_EQ(r[0]["errors"].size(), 2u) << r[0].dump();
  // Malformed writes name what is wrong.
  r = Push(cw, {{{"op", "upsert"}}, {{"op", "insert"}, {"collection", "nope"}}, {{"op", "insert"}, {"collection", "persons"}, {"id", "ABC"}},
                {{"op", "update"}, {"collection", "persons"}, {"id", NewUuid7()}, {"body", json::object()}},
                {{"op", "delete"}, {"collection", "persons"}, {"id", NewUuid7()}, {"base_version", 1}}},
           &status);
  ASSERT_EQ(status, 200);
  const char* fields[] = {"op", "collection", "id", "base_version", "reason"};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(r[i]["field"], fields[i]) << r[i].dump();
  // An update of an id the server does not have.
  r = Push(cw, json::array({{{"op", "update"}, {"collection", "persons"}, {"id", NewUuid7()}, {"base_version", 1}, {"body", NewChild("x")["body"]}}}), &status);
  EXPECT_EQ(r[0]["status"], "rejected");
  EXPECT_EQ(r[0]["error"], "not_found");
}

TEST_P(SyncPush, AnotherCommuneIsRefusedWithTheFieldAndAudited) {
  const std::string id = NewUuid7();
  json w = NewChild(id);
  w["body"]["orgunit"] = "03394";
  w["body"].erase("mother_id");
  int status = 0;
  json r = Push(cw, json::array({w}), &status);
  ASSERT_EQ(status, 200);
  EXPECT_EQ(r[0]["status"], "rejected");
  EXPECT_EQ(r[0]["error"], "forbidden");
  EXPECT_EQ(r[0]["field"], "orgunit");
  EXPECT_EQ(Stored(id), 0);
  EXPECT_EQ(AuditOf("write_denied", id), 1);
  // An event for another commune's person: the person is unknown to this user.
  const std::string theirs = NewPerson(Login("cw_b"), "03394", "Hoàng Thị B");
  r = Push(cw, json::array({Vaccination(NewUuid7(), theirs)}), &status);
  EXPECT_EQ(r[0]["status"], "rejected");
  EXPECT_EQ(r[0]["field"], "person_id");
  // And their record is never shown in a conflict: an update of it is an unknown id.
  r = Push(cw, json::array({{{"op", "update"}, {"collection", "persons"}, {"id", theirs}, {"base_version", 7}, {"body", json::object()}}}), &status);
  EXPECT_EQ(r[0]["status"], "rejected");
  EXPECT_EQ(r[0]["error"], "not_found");
  EXPECT_FALSE(r[0].contains("record"));
}

TEST_P(SyncPush, SignedOffPeriodIsRejectedOnTheDate) {
  // The report module's guard is registered by under5 for every command; here as it does.
  s->AddWriteGuard([](const store::Record& r) {
    return r.date < "2026-07-01" && !r.is_person() ? Status::Conflict("period signed off", "date") : Status::Ok();
  });
  int status = 0;
  json r = Push(cw, json::array({Vaccination(NewUuid7(), child, "2026-06-30")}), &status);
  EXPECT_EQ(r[0]["status"], "rejected") << r.dump();
  EXPECT_EQ(r[0]["field"], "date");
}

TEST_P(SyncPush, ExpiredOrRevokedSessionAppliesNothing) {
  const std::string token = Login("cw_a");
  ASSERT_EQ(Call("POST", "/api/v1/auth/logout", token).status, 200);
  const std::string id = NewUuid7();
  int status = 0;
  Push(token, json::array({NewChild(id)}), &status);
  EXPECT_EQ(status, 401);
  EXPECT_EQ(Stored(id), 0);
}

TEST_P(SyncPush, BatchLimits) {
  json many = json::array();
  for (int i = 0; i < 201; ++i) many.push_back(NewChild(NewUuid7()));
  int status = 0;
  json r = Push(cw, many, &status);
  EXPECT_EQ(status, 422);
  EXPECT_EQ(r["field"], "writes");
  EXPECT_EQ(PersonsNamed("Lò Văn Mới"), 0);
  r = Push(cw, json::array(), &status);
  EXPECT_EQ(status, 422);
  http::Response no_client = Call("POST", "/api/v1/sync/push", cw, json{{"writes", {NewChild(NewUuid7())}}}.dump());
  EXPECT_EQ(no_client.status, 422);
  EXPECT_EQ(json::parse(no_client.body)["field"], "client_id");
}

U5_ON_BOTH_STORES(SyncPush);

}  // namespace
}  // namespace u5::test
