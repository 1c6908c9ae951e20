// JSONL import/export through a real store (a few org units seeded). What the
// store's bulk load decides (all or nothing, duplicate ids, the round trip of
// every column) on both stores, JsonlStore; the parsers' cases, whose store
// only holds what they read, on SQLite, Jsonl.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/date.h"
#include "registry/jsonl.h"
#include "support/process.h"
#include "support/raw_db.h"
#include "support/store_kind.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::registry {
namespace {

using test::ReadFile;

template <class Base>
struct JsonlOn : Base {
  test::TempDir dir;
  // Each named store in a folder of its own (SQLite: <dir>/<name>/t.db) or a database of its own.
  std::map<std::string, std::unique_ptr<test::TestStoreLocation>> stores;
  virtual test::StoreKind Kind() const = 0;
  std::unique_ptr<store::Store> Open(const std::string& name) {
    std::filesystem::create_directories(dir.File(name));
    auto& where = stores[name];
    where = std::make_unique<test::TestStoreLocation>(Kind(), dir.File(name));
    std::unique_ptr<store::Store> s;
    Status st = where->Open(&s);
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (s) test::SeedMiniOrgUnits(*s);
    return s;
  }
  test::RegistryState State(const std::string& name) { return test::ReadRegistryState(test::RawDb(stores.at(name)->location())); }
  std::string Export(store::Store& s) {
    std::ostringstream out;
    size_t n = 0;
    EXPECT_TRUE(ExportJsonl(s, out, &n).ok());
    return out.str();
  }
};

struct Jsonl : JsonlOn<::testing::Test> {
  test::StoreKind Kind() const override { return test::StoreKind::sqlite; }
};
struct JsonlStore : JsonlOn<::testing::TestWithParam<test::StoreKind>> {
  test::StoreKind Kind() const override { return GetParam(); }
};

TEST_P(JsonlStore, FixtureImportsAndExportReimportsUnchanged) {
  auto a = Open("a.db");
  const std::string fixture = ReadFile(test::DataDir() + "/demo/fixture.jsonl");
  std::istringstream in(fixture);
  ImportResult res;
  Status st = ImportJsonl(*a, in, &res);
  ASSERT_TRUE(st.ok()) << st.ToString() << (res.errors.empty() ? "" : " line " + std::to_string(res.errors[0].line) + ": " + res.errors[0].message);
  const size_t lines = std::count(fixture.begin(), fixture.end(), '\n');
  EXPECT_EQ(res.imported, lines);

  // Delete one so that deletion is carried across too.
  store::Record out;
  ASSERT_TRUE(a->SoftDelete("person", "0190a000-0000-7000-8000-000000000003", 1, "nhập trùng", &out).ok());
  const std::string first = Export(*a);

  auto b = Open("b.db");
  std::istringstream in2(first);
  ASSERT_TRUE(ImportJsonl(*b, in2, &res).ok());
  EXPECT_EQ(Export(*b), first);
  EXPECT_NE(first.find("\"delete_reason\":\"nhập trùng\""), std::string::npos);
}

// A death review is the review board's: an export leaves it out unless asked for, and a full
// export (--include-confidential) still re-imports unchanged.
TEST_P(JsonlStore, ConfidentialRecordsOnlyWhenAsked) {
  auto a = Open("a.db");
  const std::string fixture = ReadFile(test::DataDir() + "/demo/fixture.jsonl");
  const std::string review =
      R"({"type":"death_review","id":"0190a000-0000-7000-8000-0000000000f1","person_id":"0190a000-0000-7000-8000-00000000001e",)"
      R"("orgunit":"03390","date":"2026-02-01","death_id":"0190a000-0000-7000-8000-000000000084","review_type":"facility",)"
      R"("status":"complete","underlying_icd10":"P36.9","findings":"Chậm chuyển tuyến"})";
  std::istringstream in(fixture + review + "\n");
  ImportResult res;
  Status st = ImportJsonl(*a, in, &res);
  ASSERT_TRUE(st.ok()) << st.ToString() << (res.errors.empty() ? "" : res.errors[0].message);
  const std::string plain = Export(*a);
  EXPECT_EQ(plain.find("death_review"), std::string::npos);
  EXPECT_NE(plain.find("\"type\":\"death\""), std::string::npos);
  std::ostringstream full;
  size_t n = 0;
  ASSERT_TRUE(ExportJsonl(*a, full, &n, /*confidential=*/true).ok());
  EXPECT_NE(full.str().find("Chậm chuyển tuyến"), std::string::npos);
  auto b = Open("b.db");
  std::istringstream in2(full.str());
  ASSERT_TRUE(ImportJsonl(*b, in2, &res).ok());
  std::ostringstream again;
  ASSERT_TRUE(ExportJsonl(*b, again, &n, true).ok());
  EXPECT_EQ(again.str(), full.str());
}

TEST_P(JsonlStore, OneBadLineImportsNothingAndNamesLineAndField) {
  auto s = Open("a.db");
  std::string file =
      R"({"type":"person","id":"0190b000-0000-7000-8000-000000000001","orgunit":"03390","full_name":"A","sex":"female","birth_date":"1996-04-12"})" "\n"
      "\n"
      R"({"type":"person","orgunit":"03390","full_name":"B","sex":"female","birth_date":"2023-02-29"})" "\n"
      R"({"type":"pregnancy","person_id":"0190b000-0000-7000-8000-000000000001","orgunit":"03390","date":"2025-04-20","lmp":"2025-03-01"})" "\n"
      "{not json\n";
  std::istringstream in(file);
  ImportResult res;
  Status st = ImportJsonl(*s, in, &res);
  EXPECT_EQ(st.code(), Code::invalid);
  ASSERT_EQ(res.errors.size(), 2u);
  EXPECT_EQ(res.errors[0].line, 3u);
  EXPECT_EQ(res.errors[0].field, "birth_date");
  EXPECT_EQ(res.errors[1].line, 5u);
  EXPECT_EQ(res.imported, 0u);
  EXPECT_EQ(State("a.db").persons, 0);
  EXPECT_EQ(State("a.db").events, 0);
}

TEST_F(Jsonl, LaterLinesMayReferToEarlierAndEarlierToLater) {
  auto s = Open("a.db");
  // The child comes before its mother in the file: references are resolved over the whole file.
  std::string file =
      R"({"type":"person","id":"0190b000-0000-7000-8000-000000000005","orgunit":"03390","full_name":"Con","sex":"male","birth_date":"2025-12-05","mother_id":"0190b000-0000-7000-8000-000000000001"})" "\n"
      R"({"type":"person","id":"0190b000-0000-7000-8000-000000000001","orgunit":"03390","full_name":"Mẹ","sex":"female","birth_date":"1996-04-12"})" "\n";
  std::istringstream in(file);
  ImportResult res;
  Status st = ImportJsonl(*s, in, &res);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(res.imported, 2u);
}

TEST_P(JsonlStore, DuplicateIdsInFileAndInStore) {
  auto s = Open("a.db");
  const std::string line =
      R"({"type":"person","id":"0190b000-0000-7000-8000-000000000001","orgunit":"03390","full_name":"A","sex":"female","birth_date":"1996-04-12"})" "\n";
  std::istringstream twice(line + line);
  ImportResult res;
  EXPECT_FALSE(ImportJsonl(*s, twice, &res).ok());
  ASSERT_EQ(res.errors.size(), 1u);
  EXPECT_EQ(res.errors[0].line, 2u);
  EXPECT_EQ(res.errors[0].field, "id");
  EXPECT_NE(res.errors[0].message.find("more than once"), std::string::npos) << res.errors[0].message;
  std::istringstream once(line);
  ASSERT_TRUE(ImportJsonl(*s, once, &res).ok());
  std::istringstream again(line);
  EXPECT_FALSE(ImportJsonl(*s, again, &res).ok());
  EXPECT_EQ(res.errors.at(0).field, "id");
  // An event given twice, into tables that hold records: named by its line too, nothing stored.
  const std::string preg =
      R"({"type":"pregnancy","id":"0190b000-0000-7000-8000-000000000002","person_id":"0190b000-0000-7000-8000-000000000001",)"
      R"("orgunit":"03390","date":"2025-04-20","lmp":"2025-03-01"})" "\n";
  std::istringstream preg_twice(preg + preg);
  EXPECT_FALSE(ImportJsonl(*s, preg_twice, &res).ok());
  ASSERT_EQ(res.errors.size(), 1u);
  EXPECT_EQ(res.errors[0].line, 2u);
  EXPECT_EQ(res.errors[0].field, "id");
  EXPECT_EQ(State("a.db").events, 0);
}

// Lines are validated in chunks on several threads; more lines than the
// validators may hold ahead of the writer, with bad lines on chunk edges.
TEST_P(JsonlStore, ManyChunksReportEveryBadLineInOrderAndStoreAllOrNothing) {
  const size_t kLines = 40000;
  const std::set<size_t> bad = {1, 1024, 1025, 2048, 33000, kLines};
  auto person = [](size_t n, bool broken) {
    char id[40];
    std::snprintf(id, sizeof id, "0190c000-0000-7000-8000-%012zu", n);
    return std::string(R"({"type":"person","id":")") + id +
           R"(","orgunit":"03390","full_name":"Người )" + std::to_string(n) + R"(","sex":"female","birth_date":")" +
           (broken ? "2023-02-30" : "1996-04-12") + "\"}\n";
  };
  std::string with_bad, good;
  for (size_t n = 1; n <= kLines; ++n) {
    with_bad += person(n, bad.count(n) > 0);
    good += person(n, false);
  }
  auto s = Open("a.db");
  ImportResult res;
  std::istringstream in(with_bad);
  EXPECT_EQ(ImportJsonl(*s, in, &res).code(), Code::invalid);
  ASSERT_EQ(res.errors.size(), bad.size());
  size_t i = 0;
  for (size_t line : bad) {
    EXPECT_EQ(res.errors[i].line, line);
    EXPECT_EQ(res.errors[i].field, "birth_date");
    ++i;
  }
  EXPECT_EQ(State("a.db").persons, 0);

  std::istringstream in2(good);
  Status st = ImportJsonl(*s, in2, &res);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(res.imported, kLines);
  EXPECT_EQ(State("a.db").persons, static_cast<int64_t>(kLines));
  const std::string exported = Export(*s);
  EXPECT_EQ(std::count(exported.begin(), exported.end(), '\n'), static_cast<long>(kLines));
  EXPECT_NE(exported.find("0190c000-0000-7000-8000-000000040000"), std::string::npos);
}

// A plain line is validated from simdjson's parse, one with an escape from
// nlohmann's: the same line both ways (an escaped "-" in created_at sends it
// the nlohmann way) gives the same errors, and the same records when valid.
TEST_F(Jsonl, PlainLinesGiveTheErrorsAndRecordsOfTheNlohmannPath) {
  const std::string context =
      R"({"type":"person","id":"0190b000-0000-7000-8000-000000000001","orgunit":"03390","full_name":"Mẹ","sex":"female","birth_date":"1996-04-12","created_at":"2025-01-01T00:00:00Z"})" "\n"
      R"({"type":"pregnancy","id":"0190b000-0000-7000-8000-000000000002","person_id":"0190b000-0000-7000-8000-000000000001","orgunit":"03390","date":"2025-04-20","lmp":"2025-03-01","created_at":"2025-01-01T00:00:00Z"})" "\n";
  const std::string kid =
      R"("type":"person","id":"0190b000-0000-7000-8000-000000000003","orgunit":"03390","full_name":"Con","sex":"male","birth_date":"2024-05-01")";
  const std::string anc =
      R"("type":"anc_visit","id":"0190b000-0000-7000-8000-000000000004","person_id":"0190b000-0000-7000-8000-000000000001","orgunit":"03390","date":"2025-05-20","pregnancy_id":"0190b000-0000-7000-8000-000000000002","bp_systolic":120)";
  const std::string preg =
      R"("type":"pregnancy","id":"0190b000-0000-7000-8000-000000000005","person_id":"0190b000-0000-7000-8000-000000000001","orgunit":"03390","date":"2025-04-21","lmp":"2025-03-02")";
  const std::vector<std::string> cases = {
      kid,
      kid + R"(,"zeta":1,"alpha":2)",
      kid + R"(,"phone":"+84 912 345 678","mother_id":"0190B000-0000-7000-8000-000000000001","village":"Bản Mới")",
      kid + R"(,"phone":"12")",
      kid + R"(,"phone":null)",
      kid + R"(,"mother_id":"0190b000-0000-7000-8000-000000000009")",
      kid + R"(,"mother_id":"nope")",
      kid + R"(,"mother_id":"0190b000-0000-7000-8000-000000000002")",
      kid + R"(,"version":0)",
      kid + R"(,"version":1.5)",
      kid + R"(,"version":"2")",
      kid + R"(,"version":null)",
      kid + R"(,"version":18446744073709551615)",
      kid + R"(,"version":7)",
      kid + R"(,"deleted_at":null)",
      kid + R"(,"deleted_at":"2025-06-01T00:00:00Z","delete_reason":"duplicate")",
      kid + R"(,"citizen_id":"123")",
      kid + R"(,"village":5)",
      kid + R"(,"ethnicity":"zz")",
      kid + R"(,"note":{"a":[1,2]})",
      R"("type":"person","id":"0190b000-0000-7000-8000-000000000003","orgunit":"03390","full_name":"  ","sex":"x","birth_date":"2023-02-30")",
      R"("type":"person","orgunit":"99999","full_name":5,"sex":"female","birth_date":"2099-01-01","id":"0190b000-0000-7000-8000-000000000003")",
      R"("type":"person","id":"0190b000-0000-7000-8000-000000000003","orgunit":"0123456789012345678901234567890123456789xyz","full_name":"A","sex":"male","birth_date":"2024-05-01")",
      R"("type":"person","id":"0190b000-0000-7000-8000-000000000003","orgunit":"03390","full_name":"Nguyễn Văn)" "\u200b" R"(A","sex":"male","birth_date":"2024-05-01")",
      R"("type":"person","id":"0190b000-0000-7000-8000-000000000003","orgunit":"03390","sex":"male","birth_date":"2024-05-01")",
      R"("type":"alien","id":"0190b000-0000-7000-8000-000000000003")",
      R"("type":5,"id":"0190b000-0000-7000-8000-000000000003")",
      R"("id":"0190b000-0000-7000-8000-000000000003","full_name":"A")",
      anc + R"(,"weight_kg":55.5,"bp_diastolic":80,"iron_folate":true,"hiv_test":"negative")",
      anc + R"(,"weight_kg":-0)",
      anc + R"(,"weight_kg":1e999)",
      anc + R"(,"weight_kg":"55")",
      anc + R"(,"bp_diastolic":120.5)",
      anc + R"(,"bp_diastolic":130)",
      anc + R"(,"iron_folate":"yes")",
      anc + R"(,"tetanus_dose":-0)",
      anc + R"(,"tetanus_dose":99999999999999999999999)",
      R"("type":"anc_visit","id":"0190b000-0000-7000-8000-000000000004","person_id":"0190b000-0000-7000-8000-000000000001","orgunit":"03390","date":"2099-05-20","pregnancy_id":"0190b000-0000-7000-8000-000000000002")",
      preg + R"(,"risk_factors":["bogus"])",
      preg + R"(,"risk_factors":[])",
      preg + R"(,"risk_factors":"x")",
      preg + R"(,"gravida":2,"para":-0)",
      preg + R"(,"gravida":2,"para":2)",
  };
  // Each case with ids of its own, into one store a way, so that a valid case stays stored.
  auto a = Open("plain.db"), b = Open("escaped.db");
  auto import = [&](store::Store& s, const std::string& db, size_t i, const std::string& line, std::string* errors) {
    std::string file = context + line + "\n";
    char prefix[32];
    std::snprintf(prefix, sizeof prefix, "-8000-%07zu", i);
    for (size_t at = 0; (at = file.find("-8000-0000000", at)) != std::string::npos; at += 13) file.replace(at, 13, prefix);
    const int64_t before = State(db).persons + State(db).events;
    std::istringstream in(file);
    ImportResult res;
    Status st = ImportJsonl(s, in, &res);
    *errors = st.ToString() + "\n";
    for (const ImportError& e : res.errors) *errors += std::to_string(e.line) + " " + e.field + ": " + e.message + "\n";
    if (!st.ok()) EXPECT_EQ(State(db).persons + State(db).events, before) << line;
    return st.ok();
  };
  size_t failed = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string plain, escaped;
    const bool ok = import(*a, "plain.db", i, "{" + cases[i] + R"(,"created_at":"2025-06-02T03:04:05Z"})", &plain);
    import(*b, "escaped.db", i, "{" + cases[i] + R"(,"created_at":"2025\u002d06-02T03:04:05Z"})", &escaped);
    EXPECT_EQ(plain, escaped) << cases[i];
    if (!ok) {
      ++failed;
      // Every error names its line, its field and why.
      const std::string first = plain.substr(plain.find('\n') + 1);
      EXPECT_EQ(first.rfind("3 ", 0), 0u) << plain;
      EXPECT_NE(first.substr(2, 1), ":") << "no field named: " << plain;
    }
  }
  EXPECT_EQ(Export(*a), Export(*b));
  EXPECT_GT(failed, cases.size() / 2);
  EXPECT_LT(failed + 4, cases.size());
}

// The table of bad inputs that the end-to-end tests send through the API and
// the importer (test/e2e/bad_inputs.jsonl): every case as a line read by
// simdjson and, with an escape in created_at, by nlohmann, gives the same errors.
TEST_F(Jsonl, BadInputsTableGivesTheSameErrorsEitherWay) {
  auto a = Open("plain.db"), b = Open("escaped.db");
  for (store::Store* s : {a.get(), b.get()}) {
    std::istringstream base(ReadFile(std::string(U5_SOURCE_DIR) + "/test/e2e/bad_inputs_base.jsonl"));
    ImportResult res;
    ASSERT_TRUE(ImportJsonl(*s, base, &res).ok());
  }
  std::function<void(nlohmann::json&)> substitute = [&](nlohmann::json& j) {
    if (j.is_string() && j == "$TOMORROW") j = FormatDate(Date{Today().days + 1});
    else if (j.is_string() && j == "$NULL") j = nullptr;
    else if (j.is_string() && j == "$HUGE") j = std::string(1100 * 1024, 'x');
    else if (j.is_object() || j.is_array())
      for (auto& v : j) substitute(v);
  };
  std::string plain, escaped;
  size_t cases = 0;
  std::istringstream table(ReadFile(std::string(U5_SOURCE_DIR) + "/test/e2e/bad_inputs.jsonl"));
  for (std::string line; std::getline(table, line);) {
    if (line.empty()) continue;
    const nlohmann::json c = nlohmann::json::parse(line);
    if (c.value("api_only", false) || c.contains("raw") || !c["body"].is_object() || c["body"].contains("created_at")) continue;
    nlohmann::json body = c["body"];
    substitute(body);
    if (!c.contains("import_type")) body["type"] = c["type"];
    else if (!c["import_type"].is_null()) body["type"] = c["import_type"];
    body["created_at"] = "2025-06-02T03:04:05Z";
    const std::string text = body.dump();
    const size_t at = text.find("2025-06-02T03:04:05Z");
    plain += text + "\n";
    escaped += text.substr(0, at) + "2025\\u002d06" + text.substr(at + 7) + "\n";
    ++cases;
  }
  ASSERT_GE(cases, 80u);
  ImportOptions opts;
  opts.max_errors = 10000;
  auto errors = [&](store::Store& s, const std::string& file) {
    std::istringstream in(file);
    ImportResult res;
    Status st = ImportJsonl(s, in, &res, opts);
    std::string out = st.ToString() + "\n";
    for (const ImportError& e : res.errors) out += std::to_string(e.line) + " " + e.field + ": " + e.message + "\n";
    return out;
  };
  const std::string from_plain = errors(*a, plain);
  EXPECT_EQ(from_plain, errors(*b, escaped));
  EXPECT_GE(static_cast<size_t>(std::count(from_plain.begin(), from_plain.end(), '\n')), cases * 3 / 4) << from_plain;
}

// nlohmann keeps the last of a key given twice; so does the importer, whichever parser reads the line.
TEST_F(Jsonl, AKeyGivenTwiceTakesTheLastValue) {
  auto s = Open("a.db");
  std::istringstream in(
      R"({"type":"person","id":"0190b000-0000-7000-8000-000000000001","orgunit":"03390","full_name":"A","sex":"male","birth_date":"1996-04-12","sex":"female"})" "\n"
      R"({"type":"person","id":"0190b000-0000-7000-8000-000000000002","orgunit":"03390","full_name":"B","sex":"male","birth_date":"2024-04-12","mother_id":"0190b000-0000-7000-8000-000000000001"})" "\n");
  ImportResult res;
  Status st = ImportJsonl(*s, in, &res);
  ASSERT_TRUE(st.ok()) << st.ToString() << (res.errors.empty() ? "" : " " + res.errors[0].message);
  store::Record r;
  ASSERT_TRUE(s->Get("person", "0190b000-0000-7000-8000-000000000001", &r).ok());
  EXPECT_EQ(r.sex, "female");
}

U5_ON_BOTH_STORES(JsonlStore);

}  // namespace
}  // namespace u5::registry
