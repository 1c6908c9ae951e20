// CopyStore: a commune's SQLite store into another store (SQLite or
// PostgreSQL), then again after the commune went on working. Every record
// once at the source's version, users, care acknowledgements, red alerts and
// the audit trail re-chained so that it verifies; a repeated copy writes nothing.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "store/aggregates.h"
#include "store/care_acks.h"
#include "store/copy.h"
#include "store/emergencies.h"
#include "store/signoffs.h"
#include "support/records.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

using nlohmann::json;

audit::Entry Entry(const std::string& action, const std::string& record) {
  audit::Entry e;
  e.user_id = "u-1";
  e.username = "cw_a";
  e.remote = "10.0.0.1";
  e.action = action;
  e.record_type = "person";
  e.record_id = record;
  e.orgunit_id = "03390";
  return e;
}

struct CopyStore : ::testing::TestWithParam<StoreKind> {
  TempDir src_dir, dst_dir;
  std::unique_ptr<TestStoreLocation> where;  // outlives the store, whose connections hold the database
  std::unique_ptr<store::Store> src, dst;
  std::vector<store::Record> persons;

  void SetUp() override {
    ASSERT_TRUE(store::OpenSqliteStore(src_dir.File("commune.db"), &src).ok());
    SeedMiniOrgUnits(*src);
    where = std::make_unique<TestStoreLocation>(GetParam(), dst_dir.path());
    Status st = where->Open(&dst);
    ASSERT_TRUE(st.ok()) << st.ToString();
    SeedMiniOrgUnits(*dst);
    store::User u;
    u.id = "u-1";
    u.username = "cw_a";
    u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    u.role = "commune_worker";
    u.full_name = "Lò Thị Hoa";
    u.created_at = "2026-01-01T00:00:00.000Z";
    u.orgunits = {"03390"};
    ASSERT_TRUE(src->SaveUser(u, true, Entry("user_create", "")).ok());
    for (int i = 0; i < 7; ++i) {
      persons.push_back(PersonRecord("Lò Thị Mai " + std::to_string(i)));
      ASSERT_TRUE(src->Insert(persons.back()).ok());
      audit::Entry e = Entry("create", persons.back().id);
      ASSERT_TRUE(src->AppendAudit({e}).ok());
      store::Record visit = EventRecord(persons.back(), "growth", "2026-07-0" + std::to_string(i + 1));
      ASSERT_TRUE(src->Insert(visit).ok());
    }
    // One record at version 3, one deleted.
    RenameFirst(1, 3);
    store::Record gone;
    ASSERT_TRUE(src->SoftDelete("person", persons[1].id, 1, "duplicate", &gone, nullptr).ok());
    ASSERT_TRUE(src->care_acks().Put({"alert-1", persons[2].id, "lbw_visit", "cw_a", "2026-07-02T01:00:00Z", "đã gọi"},
                                     Entry("alert_ack", persons[2].id)).ok());
    ASSERT_TRUE(src->care_acks().PutStatus({persons[3].id, "moved_away", "2026-07-01", "về quê", "cw_a", "2026-07-01T00:00:00Z"},
                                           Entry("care_status", persons[3].id)).ok());
    store::EmergencyRow em;
    em.id = "em-1";
    em.status = "open";
    em.raised_at = "2026-07-03T02:00:00Z";
    em.from_orgunit = "03390";
    em.to_orgunit = "12";
    em.body = R"({"id":"em-1"})";
    ASSERT_TRUE(src->emergencies().Insert(em, Entry("emergency_raise", "")).ok());
    store::AggregateValue doctors;
    doctors.element = "doctors";
    doctors.orgunit = "03390";
    doctors.period = "2026";
    doctors.source = "routine";
    doctors.value = 2;
    doctors.entered_by = "cw_a";
    Status put = src->aggregates().Put(doctors, Entry("aggregate_put", ""));
    ASSERT_TRUE(put.ok()) << put.ToString();
    // Closed, reopened and closed again: the history goes over in order.
    for (const char* action : {"close", "reopen", "close"}) {
      store::SignoffRow row;
      row.orgunit = "03390";
      row.period = "2026S1";
      row.action = action;
      row.username = "cw_a";
      row.on_date = "2026-07-05";
      row.reason = std::string(action) == "reopen" ? "sửa số liệu" : "";
      std::vector<store::SignoffRow> h;
      ASSERT_TRUE(src->signoffs().History("03390", "2026S1", &h).ok());
      ASSERT_TRUE(src->signoffs().Append(&row, h.empty() ? 0 : h.back().seq, Entry("signoff", "")).ok());
    }
  }

  // Updates the first person in the source from version `from` up to `to`, a new name each time.
  void RenameFirst(int64_t from, int64_t to) {
    for (int64_t v = from; v < to; ++v) {
      store::Record r = persons[0];
      r.full_name = "Lò Thị Mai v" + std::to_string(v + 1);
      r.body = json{{"id", r.id}, {"full_name", r.full_name}}.dump();
      ASSERT_TRUE(src->Update(r, v, nullptr).ok());
    }
  }

  store::CopyReport Copy(int batch = 3) {
    store::CopyOptions o;
    o.batch = batch;
    o.source_name = "commune.db";
    o.actor = Entry("copy", "");
    o.actor.username = "cli:test";
    store::CopyReport r;
    Status st = store::CopyStore(*src, *dst, o, &r);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return r;
  }

  // Every record of a store by id: version, deletion and body.
  static std::map<std::string, std::string> Records(store::Store& s) {
    std::map<std::string, std::string> out;
    EXPECT_TRUE(s.ForEach(
                     [&](const store::Record& r) {
                       out[r.id] = std::to_string(r.version) + (r.deleted_at ? " deleted " : " ") + r.full_name + " " + r.body;
                       return Status::Ok();
                     },
                     true)
                    .ok());
    return out;
  }
  static int64_t Head(store::Store& s) {
    int64_t seq = 0;
    std::string hash;
    EXPECT_TRUE(s.AuditChainHead(&seq, &hash).ok());
    return seq;
  }
};

TEST_P(CopyStore, EverythingOnceThenNothingMore) {
  const store::CopyReport first = Copy();
  EXPECT_EQ(first.records_added, 14);
  EXPECT_EQ(first.users_added, 1);
  EXPECT_EQ(first.care_acks, 1);
  EXPECT_EQ(first.care_statuses, 1);
  EXPECT_EQ(first.emergencies_added, 1);
  EXPECT_EQ(first.aggregates, 1);
  EXPECT_EQ(first.signoffs, 3);
  EXPECT_EQ(Records(*dst), Records(*src));
  std::vector<store::AggregateValue> values;
  ASSERT_TRUE(dst->aggregates().List("03390", "2026", "", &values).ok());
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].value, 2);
  std::vector<store::SignoffRow> signoffs;
  ASSERT_TRUE(dst->signoffs().History("03390", "2026S1", &signoffs).ok());
  ASSERT_EQ(signoffs.size(), 3u);
  EXPECT_EQ(signoffs[1].action, "reopen");
  EXPECT_EQ(signoffs[1].reason, "sửa số liệu");
  EXPECT_EQ(signoffs[2].action, "close");
  store::User u;
  ASSERT_TRUE(dst->GetUser("cw_a", &u).ok());
  EXPECT_EQ(u.id, "u-1");
  EXPECT_EQ(u.orgunits, std::vector<std::string>{"03390"});
  std::vector<store::CareAck> acks;
  ASSERT_TRUE(dst->care_acks().List(&acks).ok());
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].note, "đã gọi");
  store::EmergencyRow em;
  ASSERT_TRUE(dst->emergencies().Get("em-1", &em).ok());
  EXPECT_EQ(em.body, R"({"id":"em-1"})");

  // The source's entries, in order, re-chained in a chain that verifies, with the markers naming the source.
  int64_t checked = 0;
  Status verified = dst->VerifyAudit(&checked);
  EXPECT_TRUE(verified.ok()) << verified.ToString();
  const int64_t source_entries = Head(*src);
  EXPECT_EQ(first.audit_copied, source_entries);
  store::AuditQuery all;
  all.limit = 10000;
  std::vector<audit::Entry> src_log, dst_log;
  ASSERT_TRUE(src->ListAudit(all, &src_log).ok());
  ASSERT_TRUE(dst->ListAudit(all, &dst_log).ok());
  std::vector<std::string> copied, markers;
  for (const audit::Entry& e : dst_log)
    (e.action == "copy_audit" ? markers : copied).push_back(e.action == "copy_audit" ? e.detail : e.action + " " + e.record_id + " " + e.at);
  std::vector<std::string> original;
  for (const audit::Entry& e : src_log) original.push_back(e.action + " " + e.record_id + " " + e.at);
  // The target's own writes of the copy (user, care, red alert) come first, then the source's trail.
  ASSERT_GE(copied.size(), original.size());
  EXPECT_EQ(std::vector<std::string>(copied.end() - static_cast<std::ptrdiff_t>(original.size()), copied.end()), original);
  ASSERT_EQ(markers.size(), static_cast<size_t>((source_entries + 2) / 3));
  EXPECT_EQ(json::parse(markers.back())["source_seq"], source_entries);
  EXPECT_EQ(json::parse(markers.back())["source_hash"], src_log.back().hash);

  // Again: nothing is written, not even an audit entry.
  const int64_t head = Head(*dst);
  const store::CopyReport again = Copy();
  EXPECT_EQ(again.records_added + again.records_replaced, 0);
  EXPECT_EQ(again.records_kept, 14);
  EXPECT_EQ(again.users_added + again.care_acks + again.care_statuses + again.emergencies_added + again.audit_copied +
                again.aggregates + again.signoffs,
            0);
  EXPECT_EQ(Head(*dst), head);
  EXPECT_EQ(Records(*dst), Records(*src));
}

TEST_P(CopyStore, TheCommuneWentOnWorking) {
  Copy(100);
  // After the first copy the commune updates a record twice, deletes one, adds one and audits it.
  RenameFirst(3, 5);
  store::Record gone;
  ASSERT_TRUE(src->SoftDelete("person", persons[4].id, 1, "moved to another record", &gone, nullptr).ok());
  store::Record late = PersonRecord("Lò Văn Mới");
  ASSERT_TRUE(src->Insert(late).ok());
  ASSERT_TRUE(src->AppendAudit({Entry("create", late.id)}).ok());
  // The province changed a record meanwhile: its higher version is kept.
  store::Record province_edit = persons[5];
  province_edit.full_name = "Lò Thị Mai (tỉnh sửa)";
  ASSERT_TRUE(dst->Update(province_edit, 1, nullptr).ok());
  const int64_t src_before = Head(*src);

  const store::CopyReport r = Copy(2);
  EXPECT_EQ(r.records_added, 1);
  EXPECT_EQ(r.records_replaced, 2);
  EXPECT_EQ(r.audit_copied, 1);
  EXPECT_EQ(src_before, Head(*src));
  std::map<std::string, std::string> want = Records(*src), got = Records(*dst);
  store::Record kept;
  ASSERT_TRUE(dst->Get("person", persons[5].id, &kept).ok());
  EXPECT_EQ(kept.version, 2);
  EXPECT_EQ(kept.full_name, "Lò Thị Mai (tỉnh sửa)");
  want.erase(persons[5].id);
  got.erase(persons[5].id);
  EXPECT_EQ(got, want);
  store::Record caught_up;
  ASSERT_TRUE(dst->Get("person", persons[0].id, &caught_up).ok());
  EXPECT_EQ(caught_up.version, 5);
  EXPECT_EQ(caught_up.full_name, "Lò Thị Mai v5");
  int64_t checked = 0;
  EXPECT_TRUE(dst->VerifyAudit(&checked).ok());
}

U5_ON_BOTH_STORES(CopyStore);

}  // namespace
}  // namespace u5::test
