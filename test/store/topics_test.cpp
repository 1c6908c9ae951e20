// The store's topic interfaces (aggregates, targets, sign-offs, care acks,
// emergencies, publications, the org unit load and reader) on both stores:
// the same calls give the same rows, orders, Status codes, fields and
// messages, and each write lands with its audit entry or not at all.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "core/id.h"
#include "core/text.h"
#include "store/aggregates.h"
#include "store/care_acks.h"
#include "store/emergencies.h"
#include "store/orgunit_writer.h"
#include "store/orgunits.h"
#include "store/publications.h"
#include "store/signoffs.h"
#include "store/targets.h"
#include "support/records.h"
#include "support/store_kind.h"

namespace u5::store {
namespace {

audit::Entry Audit(const std::string& action) {
  audit::Entry e;
  e.user_id = "u2";
  e.username = "tinh";
  e.action = action;
  return e;
}

// VN > 12 > {03390 > tyt:03390, 03394}; pre2025: 12 > 105 > 03391 (now in 03390); and
// three children of 01 whose order differs between bytes and a language's collation.
OrgUnitSet Units() {
  OrgUnitSet s;
  auto unit = [&](const std::string& id, const std::string& scheme, const std::string& kind, std::optional<std::string> parent) {
    OrgUnitRow u;
    u.id = id;
    u.code = id;
    u.scheme = scheme;
    u.kind = kind;
    u.name = "unit " + id;
    u.parent_id = std::move(parent);
    s.units.push_back(u);
  };
  unit("VN", "root", "country", std::nullopt);
  unit("12", "vn2025", "province", "VN");
  unit("03390", "vn2025", "commune", "12");
  unit("tyt:03390", "facility", "facility", "03390");
  unit("03394", "vn2025", "commune", "12");
  unit("01", "vn2025", "province", "VN");
  unit("a1", "vn2025", "commune", "01");
  unit("B2", "vn2025", "commune", "01");
  unit("a-3", "vn2025", "commune", "01");
  unit("pre2025:12", "pre2025", "province", "VN");
  unit("pre2025:105", "pre2025", "district", "pre2025:12");
  unit("pre2025:03391", "pre2025", "commune", "pre2025:105");
  // What COPY's text format must escape, and numbers and dates that must come back as given.
  s.units[2].name = "Xã Bản\tMế \\ \"N\"\nmới";
  s.units[2].division_type = "Xã";
  s.units[2].population = 12345;
  s.units[2].area_km2 = 101.25;
  s.units[2].valid_from = "2025-07-01";
  s.units[11].valid_to = "2025-06-30";
  s.successors.push_back({"pre2025:03391", "03390", "Nhập toàn bộ"});
  s.successors.push_back({"pre2025:03391", "03394", std::nullopt});
  // Closure: each unit with its primary ancestors, and the old commune below the new ones.
  for (const OrgUnitRow& u : s.units) {
    int depth = 0;
    for (std::optional<std::string> a = u.id; a; ++depth) {
      s.closure.push_back({*a, u.id, depth});
      auto p = std::find_if(s.units.begin(), s.units.end(), [&](const OrgUnitRow& x) { return x.id == *a; });
      a = p->parent_id;
    }
  }
  for (const char* up : {"03390", "03394", "12", "VN"})
    if (std::none_of(s.closure.begin(), s.closure.end(),
                     [&](const OrgUnitClosureRow& r) { return r.ancestor == up && r.descendant == "pre2025:03391"; }))
      s.closure.push_back({up, "pre2025:03391", up == std::string("VN") ? 4 : 2});
  return s;
}

class Topics : public test::StoreTest {
 protected:
  void SetUp() override {
    test::StoreTest::SetUp();
    bool written = false;
    Status st = store().orgunit_writer().LoadIfEmpty(Units(), nullptr, &written);
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_TRUE(written);
  }
  // Audit entries of `action`, through the store.
  size_t Audits(const std::string& action) {
    AuditQuery q;
    q.limit = 1000;
    std::vector<audit::Entry> all;
    EXPECT_TRUE(store().ListAudit(q, &all).ok());
    return std::count_if(all.begin(), all.end(), [&](const audit::Entry& e) { return e.action == action; });
  }
  Record Person() {
    Record r;
    r.type = "person";
    r.id = NewUuid7();
    r.orgunit_id = "03390";
    r.full_name = "Lò Thị Mai";
    r.name_folded = text::Fold(r.full_name);
    r.sex = "female";
    r.date = "1996-04-12";
    r.created_at = r.updated_at = "2026-07-01T00:00:00.000Z";
    r.body = "{\"id\":\"" + r.id + "\"}";
    EXPECT_TRUE(store().Insert(r).ok());
    return r;
  }
};

TEST_P(Topics, OrgUnitsLoadOnceAndReadBack) {
  bool yes = false;
  ASSERT_TRUE(store().orgunit_writer().Loaded(&yes).ok());
  EXPECT_TRUE(yes);
  bool written = true;
  ASSERT_TRUE(store().orgunit_writer().LoadIfEmpty(Units(), nullptr, &written).ok());
  EXPECT_FALSE(written) << "the tables were loaded already";

  OrgUnitReader& r = store().orgunits();
  OrgUnit u;
  ASSERT_TRUE(r.Get("03390", &u).ok());
  EXPECT_EQ(u.name, "Xã Bản\tMế \\ \"N\"\nmới");
  EXPECT_EQ(u.division_type, "Xã");
  EXPECT_EQ(u.population, 12345);
  EXPECT_EQ(u.area_km2, 101.25);
  EXPECT_EQ(u.valid_from, "2025-07-01");
  EXPECT_EQ(u.valid_to, std::nullopt);
  EXPECT_EQ(u.parent_id, "12");
  ASSERT_TRUE(r.Get("VN", &u).ok());
  EXPECT_EQ(u.parent_id, std::nullopt);
  EXPECT_EQ(u.population, std::nullopt);
  EXPECT_EQ(u.area_km2, std::nullopt);
  Status st = r.Get("99999", &u);
  EXPECT_EQ(st.code(), Code::not_found);
  EXPECT_EQ(st.field(), "orgunit");
  EXPECT_EQ(st.message(), "unknown org unit '99999'");

  std::vector<OrgUnit> units;
  ASSERT_TRUE(r.Children("01", &units).ok());
  std::vector<std::string> ids;
  for (const OrgUnit& x : units) ids.push_back(x.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"B2", "a-3", "a1"})) << "ordered by the ids' bytes";
  EXPECT_EQ(r.Children("nowhere", &units).code(), Code::not_found);
  ASSERT_TRUE(r.Ancestors("tyt:03390", &units).ok());
  ids.clear();
  for (const OrgUnit& x : units) ids.push_back(x.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"03390", "12", "VN"}));
  EXPECT_EQ(r.Ancestors("nowhere", &units).code(), Code::not_found);

  ASSERT_TRUE(r.Successors("pre2025:03391", &ids).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"03390", "03394"}));
  ASSERT_TRUE(r.Successors("03390", &ids).ok());
  EXPECT_TRUE(ids.empty());
  EXPECT_EQ(r.Successors("nowhere", &ids).code(), Code::not_found);

  ids.clear();
  ASSERT_TRUE(r.ClosureDescendants("12", &ids).ok());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"03390", "03394", "12", "pre2025:03391", "tyt:03390"}));
  ids = {"kept"};
  ASSERT_TRUE(r.ClosureAncestors("pre2025:03391", &ids).ok());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"03390", "03394", "12", "VN", "kept", "pre2025:03391", "pre2025:105",
                                           "pre2025:12"}));
  ids.clear();
  ASSERT_TRUE(r.ClosureDescendants("nowhere", &ids).ok());
  EXPECT_TRUE(ids.empty());
  ASSERT_TRUE(r.FormerAncestors("03390", &ids).ok());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"pre2025:105", "pre2025:12"}));
}

TEST_P(Topics, FailedOrgUnitLoadLeavesNothing) {
  std::unique_ptr<Store> other = OpenEmpty();
  OrgUnitSet bad = Units();
  bad.closure.push_back({"VN", "nowhere", 9});  // a unit that does not exist
  bool written = true;
  EXPECT_FALSE(other->orgunit_writer().LoadIfEmpty(bad, nullptr, &written).ok());
  EXPECT_FALSE(written);
  bool yes = true;
  ASSERT_TRUE(other->orgunit_writer().Loaded(&yes).ok());
  EXPECT_FALSE(yes);
  size_t told = 0;
  ASSERT_TRUE(other->orgunit_writer()
                  .LoadIfEmpty(Units(), [&](std::string_view, size_t, size_t) { ++told; }, &written)
                  .ok());
  EXPECT_TRUE(written);
  EXPECT_GT(told, 0u);
  ChangesAfter changed;
  ASSERT_TRUE(other->ChangedSince(0, &changed).ok());
  EXPECT_TRUE(changed.everything) << "a load makes saved engine state stale";
}

TEST_P(Topics, LoadsAtOnceWriteOnce) {
  std::unique_ptr<Store> other = OpenEmpty();
  const OrgUnitSet set = Units();
  Status st[2];
  bool written[2] = {false, false};
  std::thread a([&] { st[0] = other->orgunit_writer().LoadIfEmpty(set, nullptr, &written[0]); });
  std::thread b([&] { st[1] = other->orgunit_writer().LoadIfEmpty(set, nullptr, &written[1]); });
  a.join();
  b.join();
  EXPECT_TRUE(st[0].ok()) << st[0].ToString();
  EXPECT_TRUE(st[1].ok()) << st[1].ToString();
  EXPECT_NE(written[0], written[1]) << "the second finds the tables loaded";
}

TEST_P(Topics, AggregatesKeepEveryVersion) {
  Aggregates& a = store().aggregates();
  AggregateValue v;
  v.element = "population.under5_midyear";
  v.orgunit = "03390";
  v.period = "2026";
  v.source = "statistical_yearbook";
  v.value = 1234.5;
  v.note = "Niên giám";
  v.entered_by = "tinh";
  v.document = "NGTK 2026";
  ASSERT_TRUE(a.Put(v, Audit("aggregate_put")).ok());
  v.value = 0.1;
  v.numerator = 1;
  v.denominator = 10;
  ASSERT_TRUE(a.Put(v, Audit("aggregate_put")).ok());
  AggregateValue w = v;
  w.source = "estimate";
  w.value.reset();
  w.numerator.reset();
  w.denominator.reset();
  w.note.clear();
  ASSERT_TRUE(a.Put(w, Audit("aggregate_put")).ok());
  AggregateValue x = v;
  x.element = "Population.other";  // upper case sorts first by bytes
  ASSERT_TRUE(a.Put(x, Audit("aggregate_put")).ok());

  AggregateValue bad = v;
  bad.orgunit = "99999";
  Status st = a.Put(bad, Audit("aggregate_put"));
  EXPECT_EQ(st.code(), Code::invalid);
  EXPECT_EQ(st.field(), "orgunit");
  EXPECT_EQ(st.message(), "unknown org unit '99999'");
  EXPECT_EQ(Audits("aggregate_put"), 4u) << "a failed write leaves no audit entry";

  std::vector<AggregateValue> out;
  ASSERT_TRUE(a.List("03390", "2026", "", &out).ok());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].element, "Population.other");
  EXPECT_EQ(out[1].source, "estimate");
  EXPECT_EQ(out[2].source, "statistical_yearbook");
  EXPECT_EQ(out[2].value, 0.1);
  EXPECT_EQ(out[2].numerator, 1.0);
  EXPECT_EQ(out[2].denominator, 10.0);
  EXPECT_EQ(out[2].note, "Niên giám");
  EXPECT_EQ(out[2].document, "NGTK 2026");
  EXPECT_EQ(out[2].entered_by, "tinh");
  EXPECT_FALSE(out[2].entered_at.empty());
  EXPECT_EQ(out[1].value, std::nullopt);
  EXPECT_EQ(out[1].note, "");
  ASSERT_TRUE(a.List("03390", "2026", v.element, &out).ok());
  EXPECT_EQ(out.size(), 2u);
  ASSERT_TRUE(a.List("03390", "2025", "", &out).ok());
  EXPECT_TRUE(out.empty());

  AggregateValue key = v;
  key.entered_by = "huyen";
  ASSERT_TRUE(a.Delete(key, "nhập nhầm", Audit("aggregate_delete")).ok());
  st = a.Delete(key, "again", Audit("aggregate_delete"));
  EXPECT_EQ(st.code(), Code::not_found);
  EXPECT_EQ(st.field(), "element");
  EXPECT_EQ(st.message(), "no statistical_yearbook value of population.under5_midyear for 03390 2026");
  EXPECT_EQ(Audits("aggregate_delete"), 1u);

  ASSERT_TRUE(a.History(v.element, "03390", "2026", &out).ok());
  ASSERT_EQ(out.size(), 4u) << "two puts, one of another source, one deletion";
  EXPECT_TRUE(out[0].deleted);
  EXPECT_EQ(out[0].note, "nhập nhầm");
  EXPECT_EQ(out[0].entered_by, "huyen");
  EXPECT_EQ(out[0].value, std::nullopt);
  EXPECT_FALSE(out[1].deleted);
  EXPECT_EQ(out[1].source, "estimate");
  EXPECT_EQ(out[2].value, 0.1);
  EXPECT_EQ(out[3].value, 1234.5);
  EXPECT_EQ(out[3].numerator, std::nullopt);
}

TargetVersion FileTarget(const std::string& indicator, double value) {
  TargetVersion t;
  t.plan = "lai_chau_u5_2030";
  t.indicator = indicator;
  t.year = 2030;
  t.op = "<";
  t.value = value;
  t.note = "QĐ 1";
  return t;
}

TEST_P(Topics, TargetsAreVersions) {
  Targets& t = store().targets();
  std::vector<TargetVersion> file = {FileTarget("u5mr", 20), FileTarget("Imr", 12.5)};
  file[1].baseline_year = 2020;
  ASSERT_TRUE(t.Seed(file).ok());
  ASSERT_TRUE(t.Seed(file).ok());
  std::vector<TargetVersion> out;
  ASSERT_TRUE(t.Current("lai_chau_u5_2030", &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].indicator, "Imr") << "ordered by the ids' bytes";
  EXPECT_EQ(out[0].baseline_year, 2020);
  EXPECT_EQ(out[0].value, 12.5);
  EXPECT_EQ(out[1].baseline_year, std::nullopt);
  EXPECT_EQ(out[1].version, 1);
  EXPECT_EQ(out[1].origin, "data");
  EXPECT_EQ(out[1].by, "data file");
  EXPECT_EQ(out[1].reason, "the plan as printed");

  TargetVersion edit = FileTarget("u5mr", 18);
  edit.by_id = "u2";
  edit.by = "tinh";
  edit.reason = "Sở Y tế điều chỉnh";
  ASSERT_TRUE(t.Put(&edit, Audit("target_change")).ok());
  EXPECT_EQ(edit.version, 2);
  EXPECT_FALSE(edit.at.empty());
  EXPECT_EQ(Audits("target_change"), 1u);
  ASSERT_TRUE(t.Seed(file).ok());  // the edit stands: the file did not change
  file[0].value = 19;
  ASSERT_TRUE(t.Seed(file).ok());  // the file changed: a new data version on top
  ASSERT_TRUE(t.History("lai_chau_u5_2030", "u5mr", 2030, &out).ok());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].value, 20);
  EXPECT_EQ(out[1].value, 18);
  EXPECT_EQ(out[1].origin, "edit");
  EXPECT_EQ(out[1].by_id, "u2");
  EXPECT_EQ(out[1].reason, "Sở Y tế điều chỉnh");
  EXPECT_EQ(out[2].value, 19);
  EXPECT_EQ(out[2].version, 3);
  EXPECT_EQ(out[2].reason, "the plans' data file changed");
  ASSERT_TRUE(t.Current("lai_chau_u5_2030", &out).ok());
  EXPECT_EQ(out[1].value, 19);
  ASSERT_TRUE(t.Current("other", &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST_P(Topics, SignoffsAppendOnTheStateJudged) {
  Signoffs& s = store().signoffs();
  SignoffRow close{0, "12", "2026S2", "close", "tinh", "", "2027-01-05", "", "{\"births\":3}"};
  ASSERT_TRUE(s.Append(&close, 0, Audit("signoff")).ok());
  EXPECT_GT(close.seq, 0);
  EXPECT_FALSE(close.at.empty());
  SignoffRow late = close;
  Status st = s.Append(&late, 0, Audit("signoff"));
  EXPECT_EQ(st.code(), Code::conflict);
  EXPECT_EQ(st.field(), "period");
  EXPECT_EQ(st.message(), "12 2026S2 was signed off or reopened meanwhile; ask again");
  EXPECT_EQ(Audits("signoff"), 1u);

  SignoffRow found;
  bool yes = false;
  ASSERT_TRUE(s.LatestClose("tyt:03390", {"2026-08", "2026S2"}, &found, &yes).ok());
  ASSERT_TRUE(yes) << "a province's close covers its communes";
  EXPECT_EQ(found.seq, close.seq);
  EXPECT_EQ(found.figures, "{\"births\":3}");
  ASSERT_TRUE(s.LatestClose("00004", {"2026S2"}, &found, &yes).ok());
  EXPECT_FALSE(yes);
  ASSERT_TRUE(s.LatestClose("03390", {}, &found, &yes).ok());
  EXPECT_FALSE(yes);

  SignoffRow reopen{0, "12", "2026S2", "reopen", "tinh", "", "2027-01-06", "sửa số sinh", "{}"};
  ASSERT_TRUE(s.Append(&reopen, close.seq, Audit("signoff")).ok());
  EXPECT_GT(reopen.seq, close.seq);
  ASSERT_TRUE(s.LatestClose("03390", {"2026S2"}, &found, &yes).ok());
  EXPECT_FALSE(yes) << "reopened";
  std::vector<SignoffRow> rows;
  ASSERT_TRUE(s.History("12", "2026S2", &rows).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].action, "close");
  EXPECT_EQ(rows[1].reason, "sửa số sinh");
  EXPECT_EQ(rows[1].on_date, "2027-01-06");
}

TEST_P(Topics, CareAcksAndStatuses) {
  CareAcks& c = store().care_acks();
  const Record p = Person();
  ASSERT_TRUE(c.Put({"a1", p.id, "anc_overdue", "demo", "2026-07-02T00:00:00Z", ""}, Audit("care_ack")).ok());
  ASSERT_TRUE(c.Put({"a1", p.id, "anc_overdue", "demo2", "2026-07-03T00:00:00Z", "gọi điện"}, Audit("care_ack")).ok());
  Status st = c.Put({"a2", "nobody", "anc_overdue", "demo", "2026-07-02T00:00:00Z", ""}, Audit("care_ack"));
  EXPECT_EQ(st.code(), Code::invalid);
  EXPECT_EQ(st.field(), "person_id");
  EXPECT_EQ(st.message(), "unknown person 'nobody'");
  EXPECT_EQ(Audits("care_ack"), 2u);
  std::vector<CareAck> acks;
  ASSERT_TRUE(c.List(&acks).ok());
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].by, "demo2");
  EXPECT_EQ(acks[0].note, "gọi điện");

  ASSERT_TRUE(c.PutStatus({p.id, "moved_away", "2026-07-01", "chuyển đi", "demo", "2026-07-02T00:00:00Z"}, Audit("care_status")).ok());
  ASSERT_TRUE(c.PutStatus({p.id, "not_found", "2026-07-05", "không gặp", "demo", "2026-07-06T00:00:00Z"}, Audit("care_status")).ok());
  EXPECT_EQ(c.PutStatus({"nobody", "not_found", "2026-07-05", "x", "demo", "2026-07-06T00:00:00Z"}, Audit("care_status")).field(),
            "person_id");
  std::vector<CarePersonStatus> statuses;
  ASSERT_TRUE(c.ListStatuses(&statuses).ok());
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].status, "not_found");
  EXPECT_EQ(statuses[0].date, "2026-07-05");
  ASSERT_TRUE(c.ClearStatus(p.id, Audit("care_status")).ok());
  st = c.ClearStatus(p.id, Audit("care_status"));
  EXPECT_EQ(st.code(), Code::not_found);
  EXPECT_EQ(st.message(), "person " + p.id + " has no follow-up status");
  EXPECT_EQ(Audits("care_status"), 3u);
  ASSERT_TRUE(c.ListStatuses(&statuses).ok());
  EXPECT_TRUE(statuses.empty());
}

TEST_P(Topics, EmergenciesVersioned) {
  Emergencies& e = store().emergencies();
  EmergencyRow a{"e-b", 0, "open", "2026-07-02T08:00:00Z", "03390", "12", "{\"n\":1}"};
  EmergencyRow b{"e-a", 0, "open", "2026-07-02T08:00:00Z", "03394", "12", "{}"};
  EmergencyRow old{"e-0", 3, "closed", "2026-07-01T08:00:00Z", "03390", "12", "{}"};
  ASSERT_TRUE(e.Insert(a, Audit("emergency")).ok());
  ASSERT_TRUE(e.InsertMany({b, old}, Audit("emergency")).ok());
  EXPECT_EQ(e.Insert(a, Audit("emergency")).code(), Code::conflict);
  EXPECT_EQ(e.InsertMany({EmergencyRow{"e-c", 0, "open", "2026-07-03T00:00:00Z", "03390", "12", "{}"}, a}, Audit("emergency")).code(),
            Code::conflict);
  EXPECT_EQ(e.Get("e-c", &old).code(), Code::not_found) << "all or nothing";
  EXPECT_EQ(Audits("emergency"), 2u);

  EmergencyRow got;
  ASSERT_TRUE(e.Get("e-0", &got).ok());
  EXPECT_EQ(got.version, 3);
  a.status = "closed";
  a.body = "{\"n\":2}";
  ASSERT_TRUE(e.Update(a, 1, Audit("emergency")).ok());
  EXPECT_EQ(a.version, 2);
  Status st = e.Update(a, 1, Audit("emergency"));
  EXPECT_EQ(st.code(), Code::conflict);
  EXPECT_EQ(st.field(), "version");
  EXPECT_EQ(st.message(), "version is 2, not 1");
  EmergencyRow none{"e-none", 0, "open", "2026-07-02T08:00:00Z", "03390", "12", "{}"};
  EXPECT_EQ(e.Update(none, 1, Audit("emergency")).code(), Code::not_found);
  st = e.Get("e-none", &got);
  EXPECT_EQ(st.code(), Code::not_found);
  EXPECT_EQ(st.message(), "no emergency e-none");
  EXPECT_EQ(Audits("emergency"), 3u);

  std::vector<EmergencyRow> rows;
  ASSERT_TRUE(e.List(false, "", &rows).ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].id, "e-0");
  EXPECT_EQ(rows[1].id, "e-a");
  EXPECT_EQ(rows[2].id, "e-b");
  EXPECT_EQ(rows[2].body, "{\"n\":2}");
  ASSERT_TRUE(e.List(true, "", &rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, "e-a");
  ASSERT_TRUE(e.List(false, "2026-07-02", &rows).ok());
  EXPECT_EQ(rows.size(), 2u);
}

TEST_P(Topics, PublicationsAppendWithTheirFiles) {
  Publications& p = store().publications();
  PublicationRow r{"12", "2026S1", 0, "tinh", "2026-07-10T00:00:00Z", "ab", "2026-07-05T00:00:00Z", "{\"v\":1}"};
  int64_t seen = 0;
  auto files = [&](const PublicationRow& row) {
    seen = row.version;
    return Status::Ok();
  };
  ASSERT_TRUE(p.Append(&r, Audit("publish"), files).ok());
  EXPECT_EQ(r.version, 1);
  EXPECT_EQ(seen, 1);
  PublicationRow again = r;
  again.at.clear();  // set by the store
  again.body = "{\"v\":2}";
  Status st = p.Append(&again, Audit("publish"), [](const PublicationRow&) { return Status::Internal("disk full"); });
  EXPECT_EQ(st.code(), Code::internal);
  EXPECT_EQ(Audits("publish"), 1u) << "no row, no entry when the files fail";
  again.at.clear();
  ASSERT_TRUE(p.Append(&again, Audit("publish"), files).ok());
  EXPECT_EQ(again.version, 2) << "the failed one took no version";
  EXPECT_FALSE(again.at.empty());
  PublicationRow other{"01", "2025", 0, "tinh", "2026-07-01T00:00:00Z", "cd", "2026-06-30T00:00:00Z", "{}"};
  ASSERT_TRUE(p.Append(&other, Audit("publish"), files).ok());

  std::vector<PublicationRow> rows;
  ASSERT_TRUE(p.List("", &rows).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].orgunit, "12") << "newest first";
  EXPECT_EQ(rows[0].version, 2);
  EXPECT_EQ(rows[0].body, "{\"v\":2}");
  EXPECT_EQ(rows[1].orgunit, "01");
  ASSERT_TRUE(p.List("01", &rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].sha256, "cd");
}

// Writers racing on one key, each on its own thread (and connection): the
// read of the latest seq or version and the append are one step, as SQLite's
// write lock makes them; PostgreSQL's locks must too.
TEST_P(Topics, RacingAppendsSeeEachOthersRows) {
  constexpr int kThreads = 6;
  std::vector<Status> closes(kThreads), pubs(kThreads), puts(kThreads);
  std::vector<int64_t> versions(kThreads), target_versions(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      SignoffRow close{0, "03390", "2026-08", "close", "u" + std::to_string(i), "", "2026-09-01", "", "{}"};
      closes[i] = store().signoffs().Append(&close, 0, Audit("signoff"));
      PublicationRow p{"12", "2026S2", 0, "tinh", "", "ab", "2027-01-05T00:00:00Z", "{}"};
      pubs[i] = store().publications().Append(&p, Audit("publish"), [](const PublicationRow&) { return Status::Ok(); });
      versions[i] = p.version;
      TargetVersion t = FileTarget("u5mr", 10 + i);
      t.by = "tinh";
      puts[i] = store().targets().Put(&t, Audit("target_change"));
      target_versions[i] = t.version;
    });
  for (std::thread& t : threads) t.join();
  int closed = 0;
  for (const Status& st : closes) {
    if (st.ok()) ++closed;
    else EXPECT_EQ(st.field(), "period") << st.ToString();
  }
  EXPECT_EQ(closed, 1) << "one close wins; the others find the period closed meanwhile";
  for (const Status& st : pubs) EXPECT_TRUE(st.ok()) << st.ToString();
  for (const Status& st : puts) EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(std::set<int64_t>(versions.begin(), versions.end()).size(), size_t{kThreads}) << "each publication its own version";
  EXPECT_EQ(*std::max_element(versions.begin(), versions.end()), kThreads);
  EXPECT_EQ(std::set<int64_t>(target_versions.begin(), target_versions.end()).size(), size_t{kThreads});
  std::vector<SignoffRow> rows;
  ASSERT_TRUE(store().signoffs().History("03390", "2026-08", &rows).ok());
  EXPECT_EQ(rows.size(), 1u);
  EXPECT_EQ(Audits("signoff"), 1u);
  EXPECT_EQ(Audits("publish"), size_t{kThreads});
}

// A record write and the sign-off (freeze) of its period serialize, as
// SQLite's single writer makes them: the guard's read of the sign-offs and the
// write it allows are one step against a close. Invariant: every event of the
// frozen (unit, period) that is stored was committed before the close, i.e.
// its audit entry precedes the close's in the chain, whose order is the
// commit order (its lock is held to each commit). A write refused by the
// guard is not stored.
TEST_P(Topics, NoRecordWriteSlipsIntoAPeriodAsItIsSignedOff) {
  Record mother = Person();
  // The rule of report::GuardSignedOffPeriods, over the one period the writes fall in.
  store().AddWriteGuard([this](const Record& r) -> Status {
    if (r.is_person()) return Status::Ok();
    SignoffRow row;
    bool closed = false;
    U5_RETURN_IF_ERROR(store().signoffs().LatestClose(r.orgunit_id, {r.date.substr(0, 7)}, &row, &closed));
    return closed ? Status::Conflict("signed off", "date") : Status::Ok();
  });
  constexpr int kWriters = 6;
  std::atomic<bool> stop{false};
  std::atomic<int> accepted{0}, refused{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([&] {
      while (!stop) {
        const Record e = test::EventRecord(mother, "growth", "2026-08-15");
        const audit::Entry a = Audit("create");
        const Status st = store().Insert(e, &a);
        if (st.ok()) ++accepted;
        else if (st.field() == "date") ++refused;
        else ADD_FAILURE() << st.ToString();
        // A breath between writes: SQLite's lock is not fair, and a writer starved past its busy timeout fails.
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      store().ReleaseConnection();
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // The province above the writes' commune closes the month.
  SignoffRow close{0, "12", "2026-08", "close", "tinh", "", "2026-09-01", "", "{}"};
  const Status closed = store().signoffs().Append(&close, 0, Audit("signoff"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  for (std::thread& t : writers) t.join();
  ASSERT_TRUE(closed.ok()) << closed.ToString();
  EXPECT_GT(accepted.load(), 0) << "writes before the close";
  EXPECT_GT(refused.load(), 0) << "writes after the close";

  int64_t close_seq = 0;
  std::vector<int64_t> creates;
  AuditQuery q;
  q.limit = 1000;
  for (std::vector<audit::Entry> page;; q.after_seq = page.back().seq) {
    ASSERT_TRUE(store().ListAudit(q, &page).ok());
    if (page.empty()) break;
    for (const audit::Entry& e : page) {
      if (e.action == "signoff") close_seq = e.seq;
      if (e.action == "create") creates.push_back(e.seq);
    }
  }
  ASSERT_GT(close_seq, 0);
  EXPECT_EQ(creates.size(), static_cast<size_t>(accepted.load())) << "each accepted write has its entry";
  const auto late = std::count_if(creates.begin(), creates.end(), [&](int64_t s) { return s > close_seq; });
  EXPECT_EQ(late, 0) << "events of the closed month committed after its close";
}

INSTANTIATE_TEST_SUITE_P(, Topics, test::kStoreKinds, test::StoreKindName);

}  // namespace
}  // namespace u5::store
