// Audit entries by record (store/audit_index.cpp): the unsorted tail, sorted
// runs and merged runs must together answer "who touched record X" exactly as
// a scan of the whole log does, survive a failure midway, and be checked by
// VerifyAudit. Runs are made tiny here so that every level is reached.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include "core/id.h"
#include "store/store.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::store {
namespace {

constexpr int64_t kRunEntries = 40;
constexpr int kFanout = 3;
constexpr int kMaxLevel = 2;  // runs of 40, 120 and 360 entries

audit::Entry EntryFor(const std::string& record_id, int i) {
  audit::Entry e;
  e.at = "2026-03-01T08:00:00.000Z";
  e.user_id = "u" + std::to_string(i % 4);
  e.username = "yte.xa" + std::to_string(i % 4);
  e.remote = "10.0.0.1";
  e.action = "read";
  e.record_type = record_id.empty() ? "" : "person";
  e.record_id = record_id;  // empty: an entry about no record (a login, an export)
  e.orgunit_id = "03390";
  e.detail = R"({"via":"handbook"})";
  return e;
}

// One entry for an answer that listed several records (record_id empty).
audit::Entry ListEntryFor(const std::vector<std::string>& ids, int i) {
  audit::Entry e = EntryFor("", i);
  e.detail = nlohmann::json({{"via", "list"}, {"records", ids}}).dump();
  return e;
}

// The records an entry names: its record_id, or the ids listed in detail.records.
std::vector<std::string> Named(const audit::Entry& e) {
  if (!e.record_id.empty()) return {e.record_id};
  const nlohmann::json d = nlohmann::json::parse(e.detail, nullptr, false);
  std::vector<std::string> out;
  if (d.is_object() && d.contains("records") && d["records"].is_array())
    for (const auto& r : d["records"])
      if (r.is_string() && std::find(out.begin(), out.end(), r.get<std::string>()) == out.end()) out.push_back(r);
  return out;
}

struct AuditIndexTest : ::testing::Test {
  test::TempDir dir;
  std::unique_ptr<Store> s;
  std::vector<std::string> records;
  void SetUp() override {
    SqliteOptions options;
    options.audit_run_entries = kRunEntries;
    options.audit_run_fanout = kFanout;
    options.audit_run_max_level = kMaxLevel;
    Status st = OpenSqliteStore(dir.File("t.db"), options, &s);
    ASSERT_TRUE(st.ok()) << st.ToString();
    test::SeedMiniOrgUnits(dir.File("t.db"));
    for (int i = 0; i < 9; ++i) records.push_back(NewUuid7());
  }

  // The oracle: every entry of the log, read in seq order without the record filter.
  std::map<std::string, std::vector<int64_t>> ScanWholeLog() {
    std::map<std::string, std::vector<int64_t>> by_record;
    AuditQuery q;
    q.limit = 1000;
    std::vector<audit::Entry> page;
    do {
      EXPECT_TRUE(s->ListAudit(q, &page).ok());
      for (const auto& e : page)
        for (const std::string& id : Named(e)) by_record[id].push_back(e.seq);
      if (!page.empty()) q.after_seq = page.back().seq;
    } while (!page.empty());
    return by_record;
  }

  // One record's entries through the record filter, in pages of 7 (the cursor crosses runs).
  std::vector<int64_t> ByRecord(const std::string& id) {
    std::vector<int64_t> seqs;
    AuditQuery q;
    q.record_id = id;
    q.limit = 7;
    std::vector<audit::Entry> page;
    do {
      EXPECT_TRUE(s->ListAudit(q, &page).ok());
      for (const auto& e : page) {
        const std::vector<std::string> named = Named(e);
        EXPECT_NE(std::find(named.begin(), named.end(), id), named.end()) << e.seq << " " << e.detail;
        seqs.push_back(e.seq);
      }
      if (!page.empty()) q.after_seq = page.back().seq;
    } while (!page.empty());
    return seqs;
  }

  void ExpectEveryRecordAsInTheLog() {
    const auto expected = ScanWholeLog();
    for (const auto& id : records) {
      auto it = expected.find(id);
      EXPECT_EQ(ByRecord(id), it == expected.end() ? std::vector<int64_t>{} : it->second) << "record " << id;
    }
    int64_t checked = 0;
    Status st = s->VerifyAudit(&checked);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }

  int64_t Levels() { return test::QueryInt(dir.File("t.db"), "SELECT coalesce(max(level), -1) FROM audit_record_run"); }
};

TEST_F(AuditIndexTest, RecordQueriesMatchTheLogThroughTailRunsAndMerges) {
  std::mt19937 rng(20261127);
  int written = 0;
  bool saw_only_tail = false;
  for (int round = 0; written < 2000; ++round) {
    std::vector<audit::Entry> batch;
    const int n = 1 + static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i, ++written) {
      if (rng() % 8 == 0) {
        // An answer listing several records (a list, a worklist): one entry naming them all.
        std::vector<std::string> ids;
        for (int k = 1 + static_cast<int>(rng() % 4); k > 0; --k) ids.push_back(records[rng() % records.size()]);
        batch.push_back(ListEntryFor(ids, written));
        continue;
      }
      batch.push_back(EntryFor(rng() % 10 == 0 ? "" : records[rng() % records.size()], written));
    }
    ASSERT_TRUE(s->AppendAudit(batch).ok());
    if (round % 5 == 0) {
      // A record write appends its entry alone, inside the write's transaction.
      Record p;
      p.type = "person";
      p.id = NewUuid7();
      p.orgunit_id = "03390";
      p.full_name = "Lò Thị Mai";
      p.name_folded = "lo thi mai";
      p.sex = "female";
      p.date = "1996-04-12";
      p.version = 1;
      p.created_at = p.updated_at = "2026-01-01T00:00:00.000Z";
      p.body = nlohmann::json{{"id", p.id}, {"full_name", p.full_name}}.dump();
      audit::Entry w = EntryFor("", written++);
      w.action = "create";
      ASSERT_TRUE(s->Insert(p, &w).ok());
      records.push_back(p.id);
    }
    if (Levels() < 0) saw_only_tail = true;
    if (round % 4 == 0) ExpectEveryRecordAsInTheLog();
  }
  ExpectEveryRecordAsInTheLog();
  EXPECT_TRUE(saw_only_tail);
  // 2,000 entries in runs of 40 merged by threes up to level 2: runs of 360
  // entries accumulate there, not merged again.
  EXPECT_EQ(Levels(), kMaxLevel);
  EXPECT_GE(test::QueryInt(dir.File("t.db"), "SELECT count(*) FROM audit_record_run WHERE level = 2"), kFanout);
  // No level below the top is left with a full set of runs to merge.
  EXPECT_EQ(test::QueryInt(dir.File("t.db"),
                           "SELECT count(*) FROM (SELECT level FROM audit_record_run WHERE level < " +
                               std::to_string(kMaxLevel) + " GROUP BY level HAVING count(*) >= " +
                               std::to_string(kFanout) + ")"),
            0);
  // The runs cover the log up to their end without gap or overlap.
  EXPECT_EQ(test::QueryInt(dir.File("t.db"),
                           "SELECT count(*) FROM audit_record_run a JOIN audit_record_run b ON a.run < b.run "
                           "AND a.first_seq <= b.last_seq AND b.first_seq <= a.last_seq"),
            0);
  EXPECT_EQ(test::QueryInt(dir.File("t.db"), "SELECT sum(last_seq - first_seq + 1) FROM audit_record_run"),
            test::QueryInt(dir.File("t.db"), "SELECT max(last_seq) FROM audit_record_run"));
}

// Sorting the tail into a run happens in the transaction of the batch that
// fills it: when the sort fails, the batch is not stored either, and the
// retried batch sorts the same tail.
TEST_F(AuditIndexTest, AFailedSortLeavesNeitherTheBatchNorAHalfRun) {
  std::vector<audit::Entry> batch;
  for (int i = 0; i < kRunEntries - 5; ++i) batch.push_back(EntryFor(records[i % 3], i));
  ASSERT_TRUE(s->AppendAudit(batch).ok());
  EXPECT_EQ(Levels(), -1);
  test::Exec(dir.File("t.db"),
             "CREATE TRIGGER inject_fault BEFORE INSERT ON audit_by_record WHEN NEW.seq = 20 "
             "BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
  batch.clear();
  for (int i = 0; i < 10; ++i) batch.push_back(EntryFor(records[i % 3], i));
  Status st = s->AppendAudit(batch);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("injected fault"), std::string::npos) << st.ToString();
  EXPECT_EQ(test::QueryInt(dir.File("t.db"), "SELECT count(*) FROM audit_log"), kRunEntries - 5);
  EXPECT_EQ(test::QueryInt(dir.File("t.db"), "SELECT count(*) FROM audit_by_record"), 0);
  EXPECT_EQ(Levels(), -1);
  ExpectEveryRecordAsInTheLog();

  test::Exec(dir.File("t.db"), "DROP TRIGGER inject_fault");
  ASSERT_TRUE(s->AppendAudit(batch).ok());
  EXPECT_EQ(Levels(), 0);
  EXPECT_EQ(test::QueryInt(dir.File("t.db"), "SELECT count(*) FROM audit_by_record"), kRunEntries + 5);
  ExpectEveryRecordAsInTheLog();
}

// The runs are derived data: a row taken out of them, or added, is reported by
// VerifyAudit (what `under5 audit verify` runs) even though the log's chain holds.
TEST_F(AuditIndexTest, VerifyReportsRunsOutOfStepWithTheLog) {
  std::vector<audit::Entry> batch;
  for (int i = 0; i < 3 * kRunEntries; ++i) batch.push_back(EntryFor(records[i % 5], i));
  ASSERT_TRUE(s->AppendAudit(batch).ok());
  ExpectEveryRecordAsInTheLog();
  const std::string db = dir.File("t.db");
  ASSERT_EQ(test::QueryInt(db, "SELECT count(*) FROM audit_record_run"), 1);  // three runs merged into one
  const std::string run = test::QueryOne(db, "SELECT run FROM audit_record_run");
  // Entry 17 is batch[16], about records[16 % 5].
  const std::string right = records[1], wrong = records[0];
  auto verify_field = [&] {
    int64_t checked = 0;
    Status st = s->VerifyAudit(&checked);
    return st.ok() ? std::string("ok") : st.field();
  };

  test::Exec(db, "DELETE FROM audit_by_record WHERE seq = 17");
  EXPECT_EQ(verify_field(), "audit_by_record");
  test::Exec(db, "INSERT INTO audit_by_record VALUES (" + run + ", '" + wrong + "', 17)");
  EXPECT_EQ(verify_field(), "audit_by_record");
  test::Exec(db, "DELETE FROM audit_by_record WHERE seq = 17");
  test::Exec(db, "INSERT INTO audit_by_record VALUES (" + run + ", '" + right + "', 17)");
  EXPECT_EQ(verify_field(), "ok");
  test::Exec(db, "INSERT INTO audit_by_record VALUES (" + run + ", '" + right + "', 500)");  // no such entry
  EXPECT_EQ(verify_field(), "audit_by_record");
}

}  // namespace
}  // namespace u5::store

namespace u5::store {
namespace {

// A multi-record entry is in the runs once under each record it lists, and a
// run that lost one of those rows is reported.
TEST_F(AuditIndexTest, ListEntriesAreFoundUnderEveryRecordTheyName) {
  std::vector<audit::Entry> batch;
  for (int i = 0; i < kRunEntries; ++i)
    batch.push_back(i % 2 ? EntryFor(records[i % 3], i) : ListEntryFor({records[0], records[4], records[0]}, i));
  ASSERT_TRUE(s->AppendAudit(batch).ok());
  batch.clear();
  for (int i = 0; i < 5; ++i) batch.push_back(ListEntryFor({records[4], records[5]}, i));  // the tail
  ASSERT_TRUE(s->AppendAudit(batch).ok());
  EXPECT_EQ(Levels(), 0);
  ExpectEveryRecordAsInTheLog();
  EXPECT_EQ(ByRecord(records[4]).size(), kRunEntries / 2 + 5);
  EXPECT_EQ(ByRecord(records[5]).size(), 5u);
  const std::string db = dir.File("t.db");
  test::Exec(db, "DELETE FROM audit_by_record WHERE seq = 1 AND record_id = '" + records[4] + "'");
  int64_t checked = 0;
  Status st = s->VerifyAudit(&checked);
  EXPECT_EQ(st.field(), "audit_by_record") << st.ToString();
}

}  // namespace
}  // namespace u5::store

namespace u5::store {
namespace {

// A run is bounded in rows, not only in entries: answers listing many records
// fill the tail sooner, also as counted by a store opened afresh.
TEST_F(AuditIndexTest, TheTailIsSortedOnceItsRowsReachARun) {
  const std::string db = dir.File("t.db");
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(s->AppendAudit({ListEntryFor(records, i)}).ok());  // 9 records each
  EXPECT_EQ(Levels(), -1);  // 36 rows in 4 entries
  ASSERT_TRUE(s->AppendAudit({ListEntryFor(records, 4)}).ok());
  EXPECT_EQ(Levels(), 0);
  EXPECT_EQ(test::QueryInt(db, "SELECT count(*) FROM audit_by_record"), 45);
  EXPECT_EQ(test::QueryInt(db, "SELECT max(last_seq) FROM audit_record_run"), 5);
  ExpectEveryRecordAsInTheLog();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(s->AppendAudit({ListEntryFor(records, i)}).ok());
  s.reset();  // another process: it counts the tail from the log
  SqliteOptions options;
  options.audit_run_entries = kRunEntries;
  options.audit_run_fanout = kFanout;
  options.audit_run_max_level = kMaxLevel;
  ASSERT_TRUE(OpenSqliteStore(db, options, &s).ok());
  ASSERT_TRUE(s->AppendAudit({EntryFor(records[0], 0)}).ok());
  EXPECT_EQ(test::QueryInt(db, "SELECT max(last_seq) FROM audit_record_run"), 5);  // 37 rows
  ASSERT_TRUE(s->AppendAudit({ListEntryFor({records[1], records[2], records[3]}, 0)}).ok());
  EXPECT_EQ(test::QueryInt(db, "SELECT max(last_seq) FROM audit_record_run"), 11);  // 40 rows
  ExpectEveryRecordAsInTheLog();
}

}  // namespace
}  // namespace u5::store
