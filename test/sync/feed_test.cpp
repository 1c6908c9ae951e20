// GET /api/v1/sync/changes through the API in process (docs/sync.md "Pull").
#include <algorithm>
#include <set>

#include "auth/session.h"
#include "store/store.h"
#include "support/raw_db.h"
#include "support/store_kind.h"
#include "support/test_store.h"
#include "support/temp_dir.h"
#include "sync/sync_fixture.h"

namespace u5::test {
namespace {

using nlohmann::json;

struct SyncFeed : OnBothStores<SyncFixture> {};

// Every page's events belong to a person of the same page: pages are cut between persons.
void ExpectWholePersons(const json& page) {
  std::set<std::string> persons;
  for (const json& r : Records(page))
    if (r["type"] == "person") persons.insert(r["id"]);
  for (const json& r : Records(page))
    if (r["type"] != "person") EXPECT_TRUE(persons.count(r["person_id"])) << "event " << r["id"] << " without its person";
}

TEST_P(SyncFeed, FirstSyncPagesTheWholeScopeAndNothingElse) {
  const std::string other = NewPerson(Login("cw_b"), "03394", "Hoàng Thị Khác");
  ASSERT_FALSE(other.empty());
  LocalCopy copy;
  int pages = 0;
  for (;;) {
    int status = 0;
    json page = Page(cw, copy.cursor, 3, &status);
    ASSERT_EQ(status, 200) << page.dump();
    ++pages;
    EXPECT_FALSE(page["reset"].get<bool>());
    ExpectWholePersons(page);
    copy.Apply(page);
    if (!page["more"].get<bool>()) break;
  }
  EXPECT_GT(pages, 2);
  EXPECT_FALSE(copy.records.count(other));
  EXPECT_EQ(copy.records, ServerScope("03390"));
  // The death review is the board's: a commune worker's copy leaves it out, as the handbook does.
  EXPECT_FALSE(copy.records.count(review));
  // Every living person's due list as GET /persons/{id}/due gives it, with its open items only.
  bool some_history = false;
  for (const std::string& p : {mother, child, small}) {
    ASSERT_TRUE(copy.due.count(p)) << p;
    http::Response due = Call("GET", "/api/v1/persons/" + p + "/due", cw);
    ASSERT_EQ(due.status, 200);
    json want = json::parse(due.body);
    json open = json::array();
    for (const json& item : want["items"]) {
      if (item["status"] == "done" || item["status"] == "missed") some_history = true;
      else open.push_back(item);
    }
    want["items"] = open;
    EXPECT_EQ(copy.due[p], want);
  }
  EXPECT_TRUE(some_history) << "the family has done items to leave out";
}

// The compact layout (docs/sync.md "Records of a page"): one group a type, every column holding a
// value, no timestamps, and an event's person given as the ordinal of the person's record.
TEST_P(SyncFeed, PageGroupsRecordsByTypeWithOrdinalReferences) {
  int status = 0;
  json page = Page(cw, "", 500, &status);
  ASSERT_EQ(status, 200) << page.dump();
  ASSERT_TRUE(page["records"].is_array());
  const std::vector<json> records = Records(page);
  std::set<std::string> types;
  size_t at = 0, events = 0;
  for (const json& g : page["records"]) {
    const std::string type = g["type"];
    EXPECT_TRUE(types.insert(type).second) << "one group a type: " << type;
    const json& cols = g["columns"];
    const json& vals = g["values"];
    ASSERT_EQ(cols.size(), vals.size());
    const size_t rows = vals[0].size();
    for (size_t c = 0; c < cols.size(); ++c) {
      EXPECT_NE(cols[c], "created_at");
      EXPECT_NE(cols[c], "updated_at");
      EXPECT_NE(cols[c], "type");
      ASSERT_EQ(vals[c].size(), rows) << type << " " << cols[c];
      EXPECT_TRUE(std::any_of(vals[c].begin(), vals[c].end(), [](const json& v) { return !v.is_null(); })) << type << " " << cols[c];
      if (cols[c] != "person_id") continue;
      const json refs = g.value("refs", json::array());
      EXPECT_NE(std::find(refs.begin(), refs.end(), "person_id"), refs.end()) << type;
      for (size_t i = 0; i < rows; ++i) {
        ASSERT_TRUE(vals[c][i].is_number_integer()) << type << " row " << i << ": the person is on the page";
        const json& person = records.at(vals[c][i].get<size_t>());
        EXPECT_EQ(person["type"], "person");
        EXPECT_EQ(records[at + i]["person_id"], person["id"]);
        ++events;
      }
    }
    at += rows;
  }
  EXPECT_EQ(at, records.size());
  EXPECT_GT(events, 0u);
  EXPECT_GT(types.size(), 2u);
  for (const json& r : records) EXPECT_FALSE(r.contains("created_at")) << r.dump();
}

// The cursor and `more` also as headers, for a client that asks for the next page at them.
TEST_P(SyncFeed, CursorAndMoreAlsoInTheHeaders) {
  std::string cursor;
  for (bool more = true; more;) {
    std::map<std::string, std::string> q = {{"limit", "3"}};
    if (!cursor.empty()) q["cursor"] = cursor;
    http::Response r = Call("GET", "/api/v1/sync/changes", cw, "", q);
    ASSERT_EQ(r.status, 200) << r.body;
    const json page = json::parse(r.body);
    EXPECT_EQ(r.headers["Sync-Cursor"], page["cursor"].get<std::string>());
    more = page["more"].get<bool>();
    EXPECT_EQ(r.headers["Sync-More"], more ? "true" : "false");
    cursor = page["cursor"];
  }
}

TEST_P(SyncFeed, NextSyncGivesChangesAndDeletionsOnly) {
  LocalCopy copy;
  SyncAll(cw, &copy);
  const std::string growth = Create("growth-measurements", RecordBody("growth-measurements"));
  SyncAll(cw, &copy);
  ASSERT_TRUE(copy.records.count(growth));
  // Nothing changed: an empty page and the same position.
  int status = 0;
  json idle = Page(cw, copy.cursor, 500, &status);
  ASSERT_EQ(status, 200);
  EXPECT_TRUE(idle["records"].empty()) << idle.dump();
  EXPECT_FALSE(idle["more"].get<bool>());

  json body = copy.records[mother];
  body["phone"] = "0912345678";
  http::Response put = Call("PUT", "/api/v1/persons/" + mother, cw, body.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  http::Response del = Call("DELETE", "/api/v1/growth-measurements/" + growth, cw, json{{"reason", "nhập nhầm"}, {"version", 1}}.dump());
  ASSERT_EQ(del.status, 200) << del.body;
  json page = Page(cw, copy.cursor, 500, &status);
  ASSERT_EQ(status, 200);
  std::set<std::string> ids;
  for (const json& r : Records(page)) ids.insert(r["id"]);
  EXPECT_TRUE(ids.count(mother));
  EXPECT_TRUE(ids.count(growth));
  EXPECT_FALSE(ids.count(dead)) << "an unchanged person is not sent again";
  for (const json& r : Records(page))
    if (r["id"] == growth) EXPECT_TRUE(r.contains("deleted_at"));
  copy.Apply(page);
  EXPECT_FALSE(copy.records.count(growth));
  EXPECT_EQ(copy.records[mother]["phone"], "0912345678");
  EXPECT_EQ(copy.records, ServerScope("03390"));
}

TEST_P(SyncFeed, DeletedPersonTakesTheirEventsAway) {
  LocalCopy copy;
  SyncAll(cw, &copy);
  const std::string p = NewPerson(cw, "03390", "Lò Thị Tạm");
  SyncAll(cw, &copy);
  ASSERT_TRUE(copy.records.count(p));
  http::Response del = Call("DELETE", "/api/v1/persons/" + p, cw, json{{"reason", "trùng"}, {"version", 1}}.dump());
  ASSERT_EQ(del.status, 200) << del.body;
  SyncAll(cw, &copy);
  EXPECT_FALSE(copy.records.count(p));
  EXPECT_FALSE(copy.due.count(p));
  EXPECT_EQ(copy.records, ServerScope("03390"));
}

// Moved to another commune: the old commune's copy lets the person and their events go at its next
// sync, and the new commune's copy gets them.
TEST_P(SyncFeed, PersonMovedAwayLeavesTheOldCommunesCopy) {
  LocalCopy a, b;
  SyncAll(cw, &a);
  const std::string cw_b = Login("cw_b");
  SyncAll(cw_b, &b);
  ASSERT_TRUE(a.records.count(mother));
  ASSERT_FALSE(b.records.count(mother));
  size_t events = 0;
  for (const auto& [id, r] : a.records) events += r.value("person_id", "") == mother;
  ASSERT_GT(events, 0u);
  json body = a.records[mother];
  body["orgunit"] = "03394";
  // Moved by a worker of both communes (a province officer reads, but does not write, persons).
  ASSERT_TRUE(auth::AddUser(*s, "cw_both", "password-123", "commune_worker", {"03390", "03394"}).ok());
  http::Response put = Call("PUT", "/api/v1/persons/" + mother, Login("cw_both"), body.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  int status = 0;
  json page = Page(cw, a.cursor, 500, &status);
  ASSERT_EQ(status, 200) << page.dump();
  EXPECT_EQ(page["out_of_scope"], json::array({mother}));
  a.Apply(page);
  EXPECT_FALSE(a.records.count(mother));
  EXPECT_FALSE(a.due.count(mother));
  for (const auto& [id, r] : a.records) EXPECT_NE(r.value("person_id", ""), mother) << id;
  EXPECT_EQ(a.records, ServerScope("03390"));
  // Said once: the next sync has nothing more to say about them.
  EXPECT_TRUE(Page(cw, a.cursor, 500, &status)["out_of_scope"].empty());
  SyncAll(cw_b, &b);
  EXPECT_TRUE(b.records.count(mother));
  EXPECT_EQ(b.records, ServerScope("03394"));
}

TEST_P(SyncFeed, WritesDuringAFirstSyncAreNotLost) {
  LocalCopy copy;
  int status = 0;
  json page = Page(cw, "", 2, &status);
  ASSERT_EQ(status, 200);
  copy.Apply(page);
  ASSERT_TRUE(page["more"].get<bool>());
  // Between pages: a new person, and a change to one already sent.
  const std::string late = NewPerson(cw, "03390", "Lò Thị Muộn");
  std::string sent;
  for (const json& r : Records(page))
    if (r["type"] == "person") sent = r["id"];
  json body = copy.records[sent];
  body["phone"] = "0987654321";
  ASSERT_EQ(Call("PUT", "/api/v1/persons/" + sent, cw, body.dump()).status, 200);
  SyncAll(cw, &copy, 2);
  EXPECT_TRUE(copy.records.count(late));
  EXPECT_EQ(copy.records[sent]["phone"], "0987654321");
  EXPECT_EQ(copy.records, ServerScope("03390"));
}

// The old commune is written raw, as the org unit load of the pre-2025 scheme leaves it.
TEST_P(SyncFeed, OldCommuneCodeCountsUnderItsNewCommune) {
  RawDb(where->location()).Exec("INSERT INTO orgunit(id, code, scheme, kind, name, parent_id) VALUES ('pre2025:11111', '11111', 'pre2025', 'commune', 'Xã cũ', NULL);"
                                "INSERT INTO orgunit_closure VALUES ('pre2025:11111', 'pre2025:11111', 0), "
                                "('03390', 'pre2025:11111', 1), ('12', 'pre2025:11111', 2), ('VN', 'pre2025:11111', 3);");
  const std::string old = NewPerson(cw, "pre2025:11111", "Lò Thị Cũ");
  ASSERT_FALSE(old.empty());
  LocalCopy copy;
  SyncAll(cw, &copy);
  EXPECT_TRUE(copy.records.count(old));
  LocalCopy b;
  SyncAll(Login("cw_b"), &b);
  EXPECT_FALSE(b.records.count(old));
}

TEST_P(SyncFeed, UnknownCursorOrOneBeforeABulkLoadResets) {
  LocalCopy copy;
  SyncAll(cw, &copy);
  const std::string good = copy.cursor;
  for (const std::string bad : {std::string("garbage"), "s1.ffff" + good.substr(good.find('.', 3))}) {
    int status = 0;
    json page = Page(cw, bad, 500, &status);
    ASSERT_EQ(status, 200) << page.dump();
    EXPECT_TRUE(page["reset"].get<bool>()) << bad;
    LocalCopy fresh;
    fresh.Apply(page);
    EXPECT_EQ(fresh.records, ServerScope("03390"));
  }
  int status = 0;
  EXPECT_FALSE(Page(cw, good, 500, &status)["reset"].get<bool>());
  // A fresh bulk load's marker (SqliteBulk::Commit, PgBulk::Commit) as LogChangeIn writes it.
  RawDb(where->location()).Exec("INSERT INTO change_log(person_id) VALUES (NULL);"
                                "UPDATE change_log_state SET everything_seq = (SELECT MAX(seq) FROM change_log);");
  json page = Page(cw, good, 500, &status);
  ASSERT_EQ(status, 200);
  EXPECT_TRUE(page["reset"].get<bool>());
  copy.Apply(page);
  EXPECT_EQ(copy.records, ServerScope("03390"));
}

TEST_P(SyncFeed, ScopeLimitAndAudit) {
  int status = 0;
  json refused = Page(cw, "", 500, &status, "03394");
  EXPECT_EQ(status, 403) << refused.dump();
  api->FlushAudit();
  EXPECT_EQ(CountAudit([](const audit::Entry& e) { return e.action == "read_denied" && e.orgunit_id == "03394"; }), 1);
  for (const char* bad : {"0", "5001", "x"}) {
    http::Response r = Call("GET", "/api/v1/sync/changes", cw, "", {{"limit", bad}});
    EXPECT_EQ(r.status, 422) << bad;
    EXPECT_EQ(json::parse(r.body)["field"], "limit");
  }
  json page = Page(cw, "", 500, &status);
  ASSERT_EQ(status, 200);
  api->FlushAudit();
  // One entry for the page, naming every record it returned.
  const std::string detail = [&] {
    std::vector<audit::Entry> es;
    store::AuditQuery q;
    q.username = "cw_a";
    q.newest_first = true;
    q.limit = 50;
    EXPECT_TRUE(s->ListAudit(q, &es).ok());
    for (const auto& e : es)
      if (e.detail.find("\"via\":\"sync\"") != std::string::npos) return e.detail;
    return std::string();
  }();
  ASSERT_FALSE(detail.empty());
  for (const json& r : Records(page)) EXPECT_NE(detail.find(r["id"].get<std::string>()), std::string::npos);
}

struct SyncRate : OnBothStores<SyncFixture> {
  void SetUp() override {
    http::ApiOptions o;
    o.bulk_burst = 3;
    o.bulk_per_minute = 1;
    OpenWithRecords(o);
  }
};

TEST_P(SyncRate, FeedAndPushCountAgainstTheBulkRate) {
  int status = 0;
  Page(cw, "", 500, &status);
  EXPECT_EQ(status, 200);
  Push(cw, json::array({{{"op", "upsert"}}}), &status);
  EXPECT_EQ(status, 200);
  std::vector<int> later;
  for (int i = 0; i < 3; ++i) {
    Page(cw, "", 500, &status);
    later.push_back(status);
  }
  EXPECT_EQ(later.back(), 429);
}

struct SyncStore : StoreTest {};

TEST_P(SyncStore, PositionsFollowWritesAndBulkLoadsMarkEverything) {
  store::Store* s = &store();
  SeedMiniOrgUnits(*s);
  store::Record p;
  p.type = "person";
  p.id = "01930000-0000-7000-8000-000000000001";
  p.orgunit_id = "03390";
  p.date = "2026-07-01";
  p.full_name = p.name_folded = "a";
  p.sex = "female";
  p.body = R"({"id":"01930000-0000-7000-8000-000000000001"})";
  p.created_at = p.updated_at = "2026-07-01T00:00:00Z";
  {
    std::unique_ptr<store::BulkWriter> bulk;
    ASSERT_TRUE(s->OpenBulk(&bulk).ok());
    ASSERT_TRUE(bulk->Add(p).ok());
    ASSERT_TRUE(bulk->Commit().ok());
  }
  store::SyncPage page;
  ASSERT_TRUE(s->SyncChanges({.roots = {"03390"}, .first = true}, &page).ok());
  EXPECT_GT(page.everything_seq, 0) << "a load into empty tables marks everything";
  EXPECT_EQ(page.everything_seq, page.head);
  ASSERT_EQ(page.persons.size(), 1u);
  EXPECT_EQ(page.persons[0].seq, 0) << "rows loaded in bulk have no position";
  // A write moves the person to its transaction's position, after the marker.
  store::Record e;
  e.type = "growth";
  e.id = "01930000-0000-7000-8000-000000000002";
  e.person_id = p.id;
  e.orgunit_id = "03390";
  e.date = "2026-07-02";
  e.body = R"({"id":"01930000-0000-7000-8000-000000000002"})";
  e.created_at = e.updated_at = p.created_at;
  ASSERT_TRUE(s->Insert(e).ok());
  store::SyncPage after;
  ASSERT_TRUE(s->SyncChanges({.roots = {"03390"}, .after_seq = page.head}, &after).ok());
  ASSERT_EQ(after.persons.size(), 1u);
  EXPECT_EQ(after.persons[0].seq, after.head);
  EXPECT_GT(after.head, page.head);
  ASSERT_EQ(after.persons[0].events.size(), 1u);
  EXPECT_TRUE(s->SyncChanges({.roots = {"03394"}}, &after).ok());
  EXPECT_TRUE(after.persons.empty()) << "another commune's person never appears";
}

U5_ON_BOTH_STORES(SyncFeed);
U5_ON_BOTH_STORES(SyncRate);
INSTANTIATE_TEST_SUITE_P(, SyncStore, kStoreKinds, StoreKindName);

}  // namespace
}  // namespace u5::test
