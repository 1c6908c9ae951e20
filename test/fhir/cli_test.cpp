// `under5 fhir-export` and `under5 fhir-import` as an operator runs them:
// exit codes, messages, and what the database holds afterwards.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

using nlohmann::json;

class FhirCli : public ::testing::TestWithParam<StoreKind> {
 protected:
  // One demo province per store, shared by the suite's tests (ctest runs each in a process of its own).
  void SetUp() override {
    if (demo_ && demo_->kind() == GetParam()) return;
    TearDownTestSuite();
    dir_ = new TempDir();
    demo_ = new TestStoreLocation(GetParam(), dir_->path());
    RunResult r = RunUnder5(Args({"demo"}, *demo_, {"--children", "300"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunUnder5(Args({"fhir-export"}, *demo_, {"--orgunit", "03390", "--bundle", dir_->File("bundle.json")}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete demo_;
    demo_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  // `command`, the flags naming the store at `loc`, then `rest`.
  static std::vector<std::string> Args(std::vector<std::string> command, const TestStoreLocation& loc,
                                       const std::vector<std::string>& rest) {
    for (const std::string& a : loc.StoreArgs()) command.push_back(a);
    command.insert(command.end(), rest.begin(), rest.end());
    return command;
  }
  static inline TempDir* dir_ = nullptr;
  static inline TestStoreLocation* demo_ = nullptr;
};

TEST_P(FhirCli, ExportWritesNdjsonFilesOrOneBundle) {
  TempDir out;
  RunResult r = RunUnder5(Args({"fhir-export"}, *demo_, {"--orgunit", "03390", "--out", out.File("nd")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // One line per file: type, count, path.
  EXPECT_NE(r.out.find("Patient\t"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("exported "), std::string::npos) << r.err;
  std::ifstream patients(out.File("nd/Patient.ndjson"));
  std::string line;
  ASSERT_TRUE(std::getline(patients, line));
  EXPECT_EQ(json::parse(line)["resourceType"], "Patient");
  const json bundle = json::parse(ReadFile(dir_->File("bundle.json")));
  EXPECT_EQ(bundle["type"], "transaction");
  EXPECT_EQ(bundle["entry"][0]["request"]["method"], "PUT");
  // The export of person-level data is in the audit trail.
  EXPECT_GE(demo_->QueryInt("SELECT count(*) FROM audit_log WHERE action='export' AND orgunit_id='03390'"), 2);

  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--orgunit", "03390"}, {"--orgunit", "03390", "--out", out.File("a"), "--bundle", out.File("b")},
        {"--orgunit", "99999", "--out", out.File("c")}}) {
    RunResult e = RunUnder5(Args({"fhir-export"}, *demo_, bad));
    EXPECT_EQ(e.exit_code, 2) << e.err;
  }
}

// A commune's export into a new database: every record, ids kept (but the
// death reviews and their actions, which FHIR does not carry: docs/fhir.md).
TEST_P(FhirCli, ImportOfAnExportKeepsEveryRecord) {
  TempDir fresh_dir;
  const TestStoreLocation fresh(GetParam(), fresh_dir.path());
  RunResult r = RunUnder5(Args({"fhir-import"}, fresh, {dir_->File("bundle.json")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resources/s"), std::string::npos) << r.err;
  const std::string commune = "(SELECT descendant FROM orgunit_closure WHERE ancestor='03390')";
  for (const char* table : {"person", "event"}) {
    const std::string q = std::string("SELECT count(*) FROM ") + table + " WHERE deleted_at IS NULL AND orgunit_id IN " + commune +
                          (std::string(table) == "event" ? " AND type NOT IN ('death_review', 'review_action')" : "");
    EXPECT_EQ(fresh.QueryInt(q), demo_->QueryInt(q)) << table;
  }
  EXPECT_EQ(fresh.QueryOne("SELECT min(id) FROM person"), demo_->QueryOne("SELECT min(id) FROM person WHERE orgunit_id IN " + commune));
  EXPECT_EQ(fresh.QueryInt("SELECT count(*) FROM audit_log WHERE action='fhir_import'"), 1);
}

// One bad entry: nothing stored, the entry and element named, exit 2.
TEST_P(FhirCli, ImportWithABadEntryStoresNothing) {
  json bundle = json::parse(ReadFile(dir_->File("bundle.json")));
  size_t bad = 0;
  for (size_t i = 0; i < bundle["entry"].size() && !bad; ++i)
    if (bundle["entry"][i]["resource"]["resourceType"] == "Patient" && i > 0) {
      bundle["entry"][i]["resource"]["birthDate"] = "2019-02-29";
      bad = i;
    }
  ASSERT_GT(bad, 0u);
  TempDir fresh_dir;
  const TestStoreLocation fresh(GetParam(), fresh_dir.path());
  WriteFile(fresh_dir.File("bad.json"), bundle.dump());
  RunResult r = RunUnder5(Args({"fhir-import"}, fresh, {fresh_dir.File("bad.json")}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("Bundle.entry[" + std::to_string(bad) + "].resource.birthDate"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing stored"), std::string::npos) << r.err;
  EXPECT_EQ(fresh.QueryInt("SELECT count(*) FROM person"), 0);
  EXPECT_EQ(fresh.QueryInt("SELECT count(*) FROM event"), 0);

  WriteFile(fresh_dir.File("batch.json"), json({{"resourceType", "Bundle"}, {"type", "batch"}}).dump());
  r = RunUnder5(Args({"fhir-import"}, fresh, {fresh_dir.File("batch.json")}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("Bundle.type"), std::string::npos) << r.err;
  WriteFile(fresh_dir.File("notjson.json"), "{\"resourceType\":");
  EXPECT_EQ(RunUnder5(Args({"fhir-import"}, fresh, {fresh_dir.File("notjson.json")})).exit_code, 2);
}

U5_ON_BOTH_STORES(FhirCli);

}  // namespace
}  // namespace u5::test
