// The audit trail end to end, through the real server on loopback: every
// person read and write the test makes leaves exactly one entry with the
// right user and record; `under5 audit verify` passes on the untouched
// database and names the entry after the sqlite3 shell alters or deletes a
// row (the append-only triggers dropped first, as an attacker with the file
// would).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <tuple>

#include "support/http_client.h"
#include "support/process.h"
#include "support/server_process.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::test {
namespace {

using nlohmann::json;
// (username, action, record_id, via)
using Op = std::tuple<std::string, std::string, std::string, std::string>;

int Sqlite3(const std::string& db, const std::string& sql) {
  const std::string cmd = "sqlite3 '" + db + "' \"" + sql + "\" 2>&1";
  return std::system(cmd.c_str());
}

struct AuditE2e : ::testing::Test {
  TempDir dir;
  std::string db;
  ServerProcess server;
  std::map<Op, int> expected;

  void Expect(const std::string& user, const std::string& action, const std::string& id, const std::string& via = "") {
    ++expected[{user, action, id, via}];
  }
};

TEST_F(AuditE2e, EveryPersonReadAndWriteLeavesOneEntryAndVerifyCatchesTampering) {
  db = dir.File("u5.db");
  AddUser(db, "cw_a", "mat-khau-2030", "commune_worker", "03390");
  AddUser(db, "cw_b", "mat-khau-2030", "commune_worker", "03394");
  AddUser(db, "prov", "mat-khau-2030", "province_officer", "12");
  std::string why;
  ASSERT_TRUE(server.Start(db, dir.File("server.log"), &why)) << why;
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

  std::map<Op, int> actual;
  for (const auto& row : Query(db, "SELECT username, action, record_id, "
                                   "coalesce(json_extract(CASE WHEN json_valid(detail) THEN detail END, '$.via'), '') "
                                   "FROM audit_log WHERE record_id <> '' AND action IN ('create','read','update','delete','read_denied')"))
    ++actual[{row[0], row[1], row[2], row[3]}];
  EXPECT_EQ(actual, expected);
  // A list or a search is one entry naming every record it returned.
  const Rows lists = Query(db, "SELECT username, json_extract(detail, '$.via'), json_extract(detail, '$.records') "
                               "FROM audit_log WHERE action = 'read' AND record_id = '' ORDER BY seq");
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[0], (std::vector<std::string>{"cw_a", "list", listed_ids.dump()}));
  // The search found Mai and named her child An, so both are in its entry.
  EXPECT_EQ(lists[1], (std::vector<std::string>{"prov", "search", json::array({mai, an}).dump()}));
  // The update says what changed.
  const std::string detail = QueryOne(db, "SELECT detail FROM audit_log WHERE action='update' AND record_id='" + mai + "'");
  EXPECT_NE(detail.find("full_name"), std::string::npos) << detail;
  EXPECT_NE(detail.find("Mai Anh"), std::string::npos) << detail;
  // Logins are there too, with the address.
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM audit_log WHERE action='login_ok' AND remote='127.0.0.1'"), 3);

  RunResult ok = RunUnder5({"audit", "verify", "--db", db});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("chain intact"), std::string::npos) << ok.err;
  // The server signed the head after its last flush: no entry is left unsigned.
  EXPECT_NE(ok.err.find("; 0 entries after it"), std::string::npos) << ok.err;

  // The triggers refuse edits while they exist.
  const std::string target = QueryOne(db, "SELECT seq FROM audit_log WHERE action='update'");
  EXPECT_NE(Sqlite3(db, "UPDATE audit_log SET username='mallory' WHERE seq=" + target + ";"), 0);

  // An attacker with the file drops them and edits one entry.
  const std::string edited = dir.File("edited.db");
  ASSERT_EQ(Sqlite3(db, ".backup '" + edited + "'"), 0);
  ASSERT_EQ(Sqlite3(edited, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail='{}' WHERE seq=" + target + ";"), 0);
  RunResult e = RunUnder5({"audit", "verify", "--db", edited});
  EXPECT_NE(e.exit_code, 0);
  EXPECT_NE(e.err.find("audit entry " + target + " was altered"), std::string::npos) << e.err;

  // ... or deletes one.
  const std::string deleted = dir.File("deleted.db");
  ASSERT_EQ(Sqlite3(db, ".backup '" + deleted + "'"), 0);
  ASSERT_EQ(Sqlite3(deleted, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq=" + target + ";"), 0);
  RunResult d = RunUnder5({"audit", "verify", "--db", deleted});
  EXPECT_NE(d.exit_code, 0);
  EXPECT_NE(d.err.find("audit entry " + target + " is missing"), std::string::npos) << d.err;

  // ... or deletes one and renumbers the rest to close the gap: the chain still breaks there.
  const std::string renumbered = dir.File("renumbered.db");
  ASSERT_EQ(Sqlite3(db, ".backup '" + renumbered + "'"), 0);
  ASSERT_EQ(Sqlite3(renumbered, "DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update; DELETE FROM audit_log WHERE seq=" +
                                    target + "; UPDATE audit_log SET seq=seq-1 WHERE seq>" + target + ";"),
            0);
  RunResult rn = RunUnder5({"audit", "verify", "--db", renumbered});
  EXPECT_NE(rn.exit_code, 0);
  EXPECT_NE(rn.err.find("audit entry " + target), std::string::npos) << rn.err;
}

}  // namespace
}  // namespace u5::test
