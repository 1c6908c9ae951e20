// The audit trail end to end, through the real server on loopback, on either
// store: every person read and write the test makes leaves exactly one entry
// with the right user and record; `under5 audit verify` passes on the
// untouched database and names the entry after raw SQL alters or deletes a
// row (the append-only triggers dropped first, as an attacker with the
// database would).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "support/http_client.h"
#include "support/process.h"
#include "support/raw_db.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

using nlohmann::json;
// (username, action, record_id, via)
using Op = std::tuple<std::string, std::string, std::string, std::string>;

std::vector<std::string> With(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

struct AuditE2e : ::testing::TestWithParam<StoreKind> {
  TempDir dir;
  TestStoreLocation where{GetParam(), dir.path()};
  RawDb raw{where.location()};
  ServerProcess server;
  std::map<Op, int> expected;

  void Expect(const std::string& user, const std::string& action, const std::string& id, const std::string& via = "") {
    ++expected[{user, action, id, via}];
  }
  RunResult Verify() { return RunUnder5(With({"audit", "verify"}, where.StoreArgs())); }
};

TEST_P(AuditE2e, EveryPersonReadAndWriteLeavesOneEntryAndVerifyCatchesTampering) {
  AddUser(where.StoreArgs(), "cw_a", "mat-khau-2030", "commune_worker", "03390");
  AddUser(where.StoreArgs(), "cw_b", "mat-khau-2030", "commune_worker", "03394");
  AddUser(where.StoreArgs(), "prov", "mat-khau-2030", "province_officer", "12");
  std::string why;
  ASSERT_TRUE(server.Start(where.StoreArgs(), dir.File("server.log"), &why)) << why;
  HttpClient a(server.port()), b(server.port()), prov(server.port());
  ASSERT_TRUE(a.Login("cw_a", "mat-khau-2030"));
  ASSERT_TRUE(b.Login("cw_b", "mat-khau-2030"));
  ASSERT_TRUE(prov.Login("prov", "mat-khau-2030"));

  auto create = [&](HttpClient& c, const std::string& user, const json& body) {
    HttpResponse r = c.Post("/api/v1/persons", body);
    EXPECT_EQ(r.status, 201) << r.body;
    std::string id = r.Json().value("id", "");
    Expect(user, "create", id);
    return id;
  };
  const std::string mai = create(a, "cw_a", {{"full_name", "Lò Thị Mai"}, {"sex", "female"}, {"birth_date", "1996-04-12"}, {"orgunit", "03390"}});
  const std::string an = create(a, "cw_a", {{"full_name", "Lò Văn An"}, {"sex", "male"}, {"birth_date", "2024-02-01"},
                                           {"orgunit", "03390"}, {"mother_id", mai}});
  const std::string may = create(b, "cw_b", {{"full_name", "Giàng Thị Mây"}, {"sex", "female"}, {"birth_date", "1999-09-09"}, {"orgunit", "03394"}});

  ASSERT_EQ(a.Get("/api/v1/persons/" + mai).status, 200);
  Expect("cw_a", "read", mai, "get");
  ASSERT_EQ(a.Get("/api/v1/persons/" + an + "/handbook").status, 200);
  Expect("cw_a", "read", an, "handbook");
  ASSERT_EQ(a.Get("/api/v1/persons/" + an + "/growth").status, 200);
  Expect("cw_a", "read", an, "growth");
  ASSERT_EQ(prov.Get("/api/v1/persons/" + may).status, 200);
  Expect("prov", "read", may, "get");
  HttpResponse list = a.Get("/api/v1/persons?orgunit=03390");
  ASSERT_EQ(list.status, 200);
  const json listed = list.Json();
  json listed_ids = json::array();
  for (const auto& p : listed["items"]) listed_ids.push_back(p["id"]);
  ASSERT_EQ(listed_ids.size(), 2u);
  HttpResponse search = prov.Get("/api/v1/persons/search?q=" + UrlEncode("lo thi"));
  ASSERT_EQ(search.status, 200);
  ASSERT_EQ(search.Json()["items"].size(), 1u);

  HttpResponse put = a.Put("/api/v1/persons/" + mai,
                           {{"full_name", "Lò Thị Mai Anh"}, {"sex", "female"}, {"birth_date", "1996-04-12"}, {"orgunit", "03390"}}, "\"1\"");
  ASSERT_EQ(put.status, 200) << put.body;
  Expect("cw_a", "update", mai);
  HttpResponse del = b.Request("DELETE", "/api/v1/persons/" + may + "?reason=duplicate", "", {{"If-Match", "\"1\""}});
  ASSERT_EQ(del.status, 200) << del.body;
  Expect("cw_b", "delete", may);
  // A request refused for scope reads nothing and answers as an unknown id, but leaves its own entry.
  ASSERT_EQ(b.Get("/api/v1/persons/" + mai).status, 404);
  Expect("cw_b", "read_denied", mai);

  ASSERT_EQ(server.Stop(), 0);  // flushes the group-committed read entries

  // The entries read raw, their details parsed here: the same statement on both stores.
  struct Row {
    std::string seq, username, action, record_id, remote;
    json detail;
  };
  std::vector<Row> rows;
  for (const auto& r : raw.Query("SELECT seq, username, action, record_id, remote, detail FROM audit_log ORDER BY seq"))
    rows.push_back({r[0], r[1], r[2], r[3], r[4], json::parse(r[5], nullptr, false)});
  auto via = [](const Row& r) { return r.detail.is_object() ? r.detail.value("via", "") : ""; };
  std::map<Op, int> actual;
  std::vector<std::vector<std::string>> lists;
  std::string update_detail, target;
  int logins = 0;
  for (const Row& r : rows) {
    static const std::set<std::string> kPersonActions = {"create", "read", "update", "delete", "read_denied"};
    if (!r.record_id.empty() && kPersonActions.count(r.action)) ++actual[{r.username, r.action, r.record_id, via(r)}];
    // A list or a search is one entry naming every record it returned.
    if (r.action == "read" && r.record_id.empty())
      lists.push_back({r.username, via(r), r.detail.is_object() ? r.detail.value("records", json()).dump() : ""});
    if (r.action == "update" && r.record_id == mai) {
      update_detail = r.detail.dump();
      target = r.seq;
    }
    logins += r.action == "login_ok" && r.remote == "127.0.0.1";
  }
  EXPECT_EQ(actual, expected);
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[0], (std::vector<std::string>{"cw_a", "list", listed_ids.dump()}));
  // The search found Mai and named her child An, so both are in its entry.
  EXPECT_EQ(lists[1], (std::vector<std::string>{"prov", "search", json::array({mai, an}).dump()}));
  // The update says what changed.
  EXPECT_NE(update_detail.find("full_name"), std::string::npos) << update_detail;
  EXPECT_NE(update_detail.find("Mai Anh"), std::string::npos) << update_detail;
  // Logins are there too, with the address.
  EXPECT_EQ(logins, 3);

  RunResult ok = Verify();
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("chain intact"), std::string::npos) << ok.err;
  // The server signed the head after its last flush: no entry is left unsigned.
  EXPECT_NE(ok.err.find("; 0 entries after it"), std::string::npos) << ok.err;

  // The triggers refuse edits while they exist.
  ASSERT_FALSE(target.empty());
  EXPECT_THROW(raw.Exec("UPDATE audit_log SET username='mallory' WHERE seq=" + target), std::runtime_error);
  EXPECT_THROW(raw.Exec("DELETE FROM audit_log WHERE seq=" + target), std::runtime_error);

  // An attacker with the database drops them and edits one entry.
  raw.DropTrigger("audit_log_no_update", "audit_log");
  raw.Exec("UPDATE audit_log SET detail='{}' WHERE seq=" + target);
  RunResult e = Verify();
  EXPECT_NE(e.exit_code, 0);
  EXPECT_NE(e.err.find("audit entry " + target + " was altered"), std::string::npos) << e.err;

  // ... or deletes it (each step here builds on the last, on the one database).
  raw.DropTrigger("audit_log_no_delete", "audit_log");
  raw.Exec("DELETE FROM audit_log WHERE seq=" + target);
  RunResult d = Verify();
  EXPECT_NE(d.exit_code, 0);
  EXPECT_NE(d.err.find("audit entry " + target + " is missing"), std::string::npos) << d.err;

  // ... and renumbers the rest to close the gap: the chain still breaks there.
  // Through negative numbers, so that no statement meets a seq still taken.
  raw.Exec("UPDATE audit_log SET seq=-seq WHERE seq>" + target);
  raw.Exec("UPDATE audit_log SET seq=-seq-1 WHERE seq<0");
  ASSERT_EQ(raw.QueryOne("SELECT seq FROM audit_log WHERE seq=" + target), target);
  RunResult rn = Verify();
  EXPECT_NE(rn.exit_code, 0);
  EXPECT_NE(rn.err.find("audit entry " + target), std::string::npos) << rn.err;
}

U5_ON_BOTH_STORES(AuditE2e);

}  // namespace
}  // namespace u5::test
