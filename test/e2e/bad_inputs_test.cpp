// The table of bad inputs (bad_inputs.jsonl), each sent through the API and
// through the importer. Each must be refused with the expected status (or
// exit code) naming the expected field, and must leave the database as it was.
//
// Case format, one JSON object a line:
//   name, type (record type), status (HTTP), field (null: no field expected)
//   body (a JSON object) | raw (the body as text; "\xHH" stands for a raw byte)
//   optional: import_field (when the importer names another field; "" = none),
//   import_type (the line's "type"; null = omitted), api_only, import_only,
//   method/target_id/if_match (PUT or DELETE of an existing record), no_auth.
//   In bodies "$TOMORROW" is tomorrow's date, "$NULL" is null, "$HUGE" is 1.1 MiB of text.
#include <gtest/gtest.h>

#include <fstream>

#include "core/date.h"
#include "core/id.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/raw_db.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

using nlohmann::json;

const std::string kCases = std::string(U5_SOURCE_DIR) + "/test/e2e/bad_inputs.jsonl";
const std::string kBase = std::string(U5_SOURCE_DIR) + "/test/e2e/bad_inputs_base.jsonl";

std::vector<json> LoadCases() {
  std::ifstream in(kCases);
  std::vector<json> out;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

void Substitute(json& j) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "$TOMORROW") j = FormatDate(Date{Today().days + 1});
    else if (s == "$NULL") j = nullptr;
    else if (s == "$HUGE") j = std::string(1100 * 1024, 'x');
  } else if (j.is_object() || j.is_array()) {
    for (auto& v : j) Substitute(v);
  }
}

std::string DecodeRaw(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x') {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 2, 2), nullptr, 16)));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The request or line body of a case, without a "type".
std::string BodyText(const json& c) {
  if (c.contains("raw")) return DecodeRaw(c["raw"]);
  json b = c["body"];
  Substitute(b);
  return b.dump();
}

std::string ImportLine(const json& c) {
  if (c.contains("raw")) return DecodeRaw(c["raw"]);
  json b = c["body"];
  Substitute(b);
  if (!c.contains("import_type")) b["type"] = c["type"];
  else if (!c["import_type"].is_null()) b["type"] = c["import_type"];
  return b.dump();
}

// A store of `Kind()` holding the base records and the commune worker cw1.
template <class Base>
struct BadInputsOn : Base {
  TempDir dir;
  std::unique_ptr<TestStoreLocation> where;
  std::unique_ptr<RawDb> raw;
  std::string db;  // the SQLite file, for the importer's messages
  virtual StoreKind Kind() const = 0;
  void SetUp() override {
    where = std::make_unique<TestStoreLocation>(Kind(), dir.path());
    raw = std::make_unique<RawDb>(where->location());
    db = where->location().target;
    AddUser(where->StoreArgs(), "cw1", "mat-khau-2030", "commune_worker", "03390");
    std::vector<std::string> args = {"import", kBase};
    for (const auto& a : where->StoreArgs()) args.push_back(a);
    RunResult r = RunUnder5(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

// The importer: SQLite. Each bad line is refused by validation, which is the
// same whatever the store; that a failed bulk load on PostgreSQL leaves
// nothing is the store's own test (and the importer crash test's on both).
struct BadInputs : BadInputsOn<::testing::Test> {
  StoreKind Kind() const override { return StoreKind::sqlite; }
};
// The API: the server on each store.
struct BadInputsApi : BadInputsOn<::testing::TestWithParam<StoreKind>> {
  StoreKind Kind() const override { return GetParam(); }
};

TEST_F(BadInputs, TableHasEnoughCasesForBothPaths) {
  size_t api = 0, import = 0;
  for (const json& c : LoadCases()) {
    api += !c.value("import_only", false);
    import += !c.value("api_only", false);
  }
  EXPECT_GE(api, 80u);
  EXPECT_GE(import, 80u);
}

TEST_P(BadInputsApi, ThroughTheApi) {
  ServerProcess server;
  std::string why;
  ASSERT_TRUE(server.Start(where->StoreArgs(), dir.File("server.log"), &why)) << why;
  HttpClient client(server.port());
  ASSERT_TRUE(client.Login("cw1", "mat-khau-2030"));
  std::map<std::string, std::string> collection;  // record type -> URL collection
  const json schema = client.Get("/api/v1/schema").Json();
  for (const json& t : schema.value("types", json::array())) collection[t["type"]] = t["collection"];
  ASSERT_FALSE(collection.empty());

  const RegistryState before = ReadRegistryState(*raw);
  int checked = 0;
  for (const json& c : LoadCases()) {
    if (c.value("import_only", false)) continue;
    SCOPED_TRACE(c["name"].get<std::string>());
    ASSERT_TRUE(collection.count(c["type"])) << c["type"];
    std::string target = "/api/v1/" + collection[c["type"]];
    const std::string method = c.value("method", "POST");
    if (c.contains("target_id")) target += "/" + c["target_id"].get<std::string>();
    std::map<std::string, std::string> headers;
    if (c.contains("if_match")) headers["If-Match"] = c["if_match"];
    HttpClient& used = client;
    HttpClient anonymous(server.port());
    HttpResponse r = (c.value("no_auth", false) ? anonymous : used).Request(method, target, BodyText(c), headers);
    EXPECT_EQ(r.status, c["status"].get<int>()) << r.body << r.error;
    const json body = r.Json();
    EXPECT_TRUE(body.is_object() && body.contains("error")) << r.body;
    if (!c["field"].is_null()) {
      EXPECT_EQ(body.value("field", "<none>"), c["field"].get<std::string>()) << r.body;
    }
    EXPECT_EQ(ToString(ReadRegistryState(*raw)), ToString(before)) << "the bad request changed the database";
    ++checked;
  }
  EXPECT_GE(checked, 80);
  // The server is still healthy after all of that.
  EXPECT_EQ(client.Get("/api/v1/persons/0190b000-0000-7000-8000-000000000001").status, 200);
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(BadInputs, ThroughTheImporter) {
  const RegistryState before = ReadRegistryState(*raw);
  int checked = 0;
  for (const json& c : LoadCases()) {
    if (c.value("api_only", false)) continue;
    SCOPED_TRACE(c["name"].get<std::string>());
    // Good lines around the bad one, the later ones referring to the earlier.
    const std::string mother = NewUuid7(), preg = NewUuid7();
    std::string file;
    file += json{{"type", "person"}, {"id", mother}, {"orgunit", "03390"}, {"full_name", "Mùa Thị Dợ"},
                 {"sex", "female"}, {"birth_date", "2001-07-07"}}.dump() + "\n";
    file += json{{"type", "pregnancy"}, {"id", preg}, {"person_id", mother}, {"orgunit", "03390"},
                 {"date", "2025-06-01"}, {"lmp", "2025-04-10"}}.dump() + "\n";
    file += ImportLine(c) + "\n";  // line 3
    file += json{{"type", "anc_visit"}, {"person_id", mother}, {"pregnancy_id", preg}, {"orgunit", "03390"},
                 {"date", "2025-07-01"}, {"weight_kg", 50}}.dump() + "\n";
    file += json{{"type", "person"}, {"orgunit", "03390"}, {"full_name", "Sùng A Lử"}, {"sex", "male"},
                 {"birth_date", "2024-02-29"}}.dump() + "\n";
    const std::string path = dir.File("case.jsonl");
    WriteFile(path, file);
    RunResult r = RunUnder5({"import", "--db", db, path});
    EXPECT_EQ(r.exit_code, c.value("import_exit", 2)) << r.err;
    const std::string field = c.contains("import_field") ? c["import_field"].get<std::string>()
                                                        : c["field"].get<std::string>();
    const std::string expected = path + ":3: " + (field.empty() ? "" : field + ": ");
    EXPECT_NE(r.err.find(expected), std::string::npos) << "expected '" << expected << "' in:\n" << r.err;
    EXPECT_EQ(r.err.find(path + ":1:"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(path + ":4:"), std::string::npos) << r.err;
    EXPECT_EQ(ToString(ReadRegistryState(*raw)), ToString(before)) << "the importer stored part of a bad file";
    ++checked;
  }
  EXPECT_GE(checked, 80);
}

TEST_F(BadInputs, TheGoodLinesAloneImport) {
  // The frame around each bad line is itself valid: without the bad line, all of it imports.
  const std::string mother = NewUuid7(), preg = NewUuid7();
  std::string file = json{{"type", "person"}, {"id", mother}, {"orgunit", "03390"}, {"full_name", "Mùa Thị Dợ"},
                          {"sex", "female"}, {"birth_date", "2001-07-07"}}.dump() + "\n" +
                     json{{"type", "pregnancy"}, {"id", preg}, {"person_id", mother}, {"orgunit", "03390"},
                          {"date", "2025-06-01"}, {"lmp", "2025-04-10"}}.dump() + "\n" +
                     json{{"type", "anc_visit"}, {"person_id", mother}, {"pregnancy_id", preg}, {"orgunit", "03390"},
                          {"date", "2025-07-01"}, {"weight_kg", 50}}.dump() + "\n" +
                     json{{"type", "person"}, {"orgunit", "03390"}, {"full_name", "Sùng A Lử"}, {"sex", "male"},
                          {"birth_date", "2024-02-29"}}.dump() + "\n";
  WriteFile(dir.File("good.jsonl"), file);
  const RegistryState before = ReadRegistryState(*raw);
  RunResult r = RunUnder5({"import", "--db", db, dir.File("good.jsonl")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const RegistryState after = ReadRegistryState(*raw);
  EXPECT_EQ(after.persons, before.persons + 2);
  EXPECT_EQ(after.events, before.events + 2);
}

U5_ON_BOTH_STORES(BadInputsApi);

}  // namespace
}  // namespace u5::test
