// `under5 copy` as an operator runs it: a commune's SQLite database (users,
// imported records, its audit trail and signed heads) into a province store,
// then the same copy again; the target's audit chain verifies, its export
// equals the commune's, and bad input is refused with exit code 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "core/id.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

std::vector<std::string> Args(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

// An export's lines, sorted (records come in id order from either store; sorting keeps the check about content).
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

struct CopyCommand : ::testing::TestWithParam<StoreKind> {
  TempDir dir;
  std::unique_ptr<TestStoreLocation> where;
  std::string commune;

  void SetUp() override {
    where = std::make_unique<TestStoreLocation>(GetParam(), dir.path());
    commune = dir.File("commune.db");
    AddUser(commune, "cw1", "mat-khau-2030", "commune_worker", "03390");
    std::string jsonl;
    for (int i = 0; i < 25; ++i) {
      const std::string id = NewUuid7();
      jsonl += R"({"type":"person","id":")" + id + R"(","orgunit":"03390","full_name":"Lò Thị Mai )" + std::to_string(i) +
               R"(","sex":"female","birth_date":"2025-03-01"})" "\n";
      jsonl += R"({"type":"growth","id":")" + NewUuid7() + R"(","person_id":")" + id +
               R"(","orgunit":"03390","date":"2026-07-01","weight_kg":9.5})" "\n";
    }
    WriteFile(dir.File("records.jsonl"), jsonl);
    RunResult imp = RunUnder5({"import", "--db", commune, dir.File("records.jsonl")});
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
  }
  // --to-db FILE or --to-pg URI.
  std::vector<std::string> To() const {
    return {where->location().postgres() ? "--to-pg" : "--to-db", where->location().target};
  }
  RunResult Copy() { return RunUnder5(Args({"copy", "--from-db", commune, "--batch", "7"}, To())); }
  std::string Export(const std::vector<std::string>& store) {
    RunResult r = RunUnder5(Args({"export"}, store));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
};

TEST_P(CopyCommand, CopiesOnceVerifiesAndCopiesNothingTheSecondTime) {
  // Before the copy: an export is audited in the commune's trail too.
  const std::vector<std::string> commune_records = Lines(Export({"--db", commune}));
  ASSERT_EQ(commune_records.size(), 50u);
  RunResult first = Copy();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("records 50 added"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("users 1 added"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("copy: records 7"), std::string::npos) << "progress a batch: " << first.err;
  EXPECT_EQ(Lines(Export(where->StoreArgs())), commune_records);
  RunResult verify = RunUnder5(Args({"audit", "verify"}, where->StoreArgs()));
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  RunResult passwd = RunUnder5(Args(Args({"user", "passwd"}, where->StoreArgs()), {"--username", "cw1"}), "Sapa-mua-xuan-2031\n");
  EXPECT_EQ(passwd.exit_code, 0) << "the commune's user is there: " << passwd.err;

  RunResult again = Copy();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("records 0 added, 0 brought up to the source's version, 50 already there"), std::string::npos)
      << again.err;
  EXPECT_NE(again.err.find("audit entries 0"), std::string::npos) << again.err;
  EXPECT_EQ(Lines(Export(where->StoreArgs())), commune_records);
  verify = RunUnder5(Args({"audit", "verify"}, where->StoreArgs()));
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

TEST_P(CopyCommand, BadInputIsRefusedWithExitCode2) {
  WriteFile(dir.File("notes.txt"), "a text file, not a database, long enough to have what looks like a header\n");
  RunResult text = RunUnder5(Args({"copy", "--from-db", dir.File("notes.txt")}, To()));
  EXPECT_EQ(text.exit_code, 2) << text.err;
  EXPECT_NE(text.err.find("not an SQLite database"), std::string::npos) << text.err;
  RunResult missing = RunUnder5(Args({"copy", "--from-db", dir.File("none.db")}, To()));
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  RunResult no_target = RunUnder5({"copy", "--from-db", commune});
  EXPECT_EQ(no_target.exit_code, 2) << no_target.err;
  EXPECT_NE(no_target.err.find("--to-pg"), std::string::npos) << no_target.err;
}

U5_ON_BOTH_STORES(CopyCommand);

}  // namespace
}  // namespace u5::test
