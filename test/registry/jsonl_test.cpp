// JSONL import/export through a real SQLite store (a few org units seeded).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "registry/jsonl.h"
#include "support/process.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::registry {
namespace {

using test::ReadFile;

struct Jsonl : ::testing::Test {
  test::TempDir dir;
  std::unique_ptr<store::Store> Open(const std::string& name) {
    std::unique_ptr<store::Store> s;
    Status st = store::OpenSqliteStore(dir.File(name), &s);
    EXPECT_TRUE(st.ok()) << st.ToString();
    test::SeedMiniOrgUnits(dir.File(name));
    return s;
  }
  std::string Export(store::Store& s) {
    std::ostringstream out;
    size_t n = 0;
    EXPECT_TRUE(ExportJsonl(s, out, &n).ok());
    return out.str();
  }
};

TEST_F(Jsonl, FixtureImportsAndExportReimportsUnchanged) {
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
TEST_F(Jsonl, ConfidentialRecordsOnlyWhenAsked) {
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

TEST_F(Jsonl, OneBadLineImportsNothingAndNamesLineAndField) {
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
  EXPECT_EQ(test::ReadRegistryState(dir.File("a.db")).persons, 0);
  EXPECT_EQ(test::ReadRegistryState(dir.File("a.db")).events, 0);
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

TEST_F(Jsonl, DuplicateIdsInFileAndInStore) {
  auto s = Open("a.db");
  const std::string line =
      R"({"type":"person","id":"0190b000-0000-7000-8000-000000000001","orgunit":"03390","full_name":"A","sex":"female","birth_date":"1996-04-12"})" "\n";
  std::istringstream twice(line + line);
  ImportResult res;
  EXPECT_FALSE(ImportJsonl(*s, twice, &res).ok());
  ASSERT_EQ(res.errors.size(), 1u);
  EXPECT_EQ(res.errors[0].line, 2u);
  EXPECT_EQ(res.errors[0].field, "id");
  std::istringstream once(line);
  ASSERT_TRUE(ImportJsonl(*s, once, &res).ok());
  std::istringstream again(line);
  EXPECT_FALSE(ImportJsonl(*s, again, &res).ok());
  EXPECT_EQ(res.errors.at(0).field, "id");
}

// Lines are validated in chunks on several threads; more lines than the
// validators may hold ahead of the writer, with bad lines on chunk edges.
TEST_F(Jsonl, ManyChunksReportEveryBadLineInOrderAndStoreAllOrNothing) {
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
  EXPECT_EQ(test::ReadRegistryState(dir.File("a.db")).persons, 0);

  std::istringstream in2(good);
  Status st = ImportJsonl(*s, in2, &res);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(res.imported, kLines);
  EXPECT_EQ(test::ReadRegistryState(dir.File("a.db")).persons, static_cast<int64_t>(kLines));
  const std::string exported = Export(*s);
  EXPECT_EQ(std::count(exported.begin(), exported.end(), '\n'), static_cast<long>(kLines));
  EXPECT_NE(exported.find("0190c000-0000-7000-8000-000000040000"), std::string::npos);
}

}  // namespace
}  // namespace u5::registry
