// The Store interface on each store (store_fixture.h): insert/get, optimistic
// versions, soft delete, lists with cursor and org-unit subtree, name search.
// The bulk loader's index rebuild is SQLite's alone (SqliteStoreTest).
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "core/date.h"
#include "core/id.h"
#include "core/text.h"
#include "store/attached.h"
#include "store/signoffs.h"
#include "store/store.h"
#include "store/store_fixture.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::store {
namespace {

Record Person(const std::string& name, const std::string& orgunit = "03390", const std::string& birth = "1996-04-12") {
  Record r;
  r.type = "person";
  r.id = NewUuid7();
  r.orgunit_id = orgunit;
  r.full_name = name;
  r.name_folded = text::Fold(name);
  r.sex = "female";
  r.date = birth;
  r.version = 1;
  r.created_at = r.updated_at = "2026-01-01T00:00:00.000Z";
  r.body = nlohmann::json{{"id", r.id}, {"full_name", name}}.dump();
  return r;
}

Record Event(const Record& person, const std::string& type, const std::string& date) {
  Record r;
  r.type = type;
  r.id = NewUuid7();
  r.person_id = person.id;
  r.orgunit_id = person.orgunit_id;
  r.date = date;
  r.version = 1;
  r.created_at = r.updated_at = "2026-01-01T00:00:00.000Z";
  r.body = nlohmann::json{{"id", r.id}, {"date", date}}.dump();
  return r;
}

using StoreTest = EachStoreTest;
INSTANTIATE_TEST_SUITE_P(, StoreTest, ::testing::Values(StoreKind::sqlite, StoreKind::postgres), StoreKindName);

struct SqliteStoreTest : ::testing::Test {
  test::TempDir dir;
  std::unique_ptr<Store> s;
  void SetUp() override {
    Status st = OpenSqliteStore(dir.File("t.db"), &s);
    ASSERT_TRUE(st.ok()) << st.ToString();
    test::SeedMiniOrgUnits(dir.File("t.db"));
  }
};

TEST_P(StoreTest, InsertGetFind) {
  Record p = Person("Lò Thị Mai");
  ASSERT_TRUE(s->Insert(p).ok());
  Record got;
  ASSERT_TRUE(s->Get("person", p.id, &got).ok());
  EXPECT_EQ(got.full_name, "Lò Thị Mai");
  EXPECT_EQ(got.body, p.body);
  EXPECT_EQ(got.version, 1);
  Record e = Event(p, "pregnancy", "2025-04-20");
  e.pregnancy_id.reset();
  ASSERT_TRUE(s->Insert(e).ok());
  ASSERT_TRUE(s->Find(e.id, &got).ok());
  EXPECT_EQ(got.type, "pregnancy");
  EXPECT_EQ(got.person_id, p.id);
  EXPECT_EQ(s->Get("anc_visit", e.id, &got).code(), Code::not_found);  // wrong type
  EXPECT_EQ(s->Get("person", NewUuid7(), &got).code(), Code::not_found);
}

TEST_P(StoreTest, DuplicateIdAndMissingReferences) {
  Record p = Person("A");
  ASSERT_TRUE(s->Insert(p).ok());
  Status st = s->Insert(p);
  EXPECT_EQ(st.code(), Code::conflict);
  EXPECT_EQ(st.field(), "id");
  Record bad = Person("B", "no-such-unit");
  EXPECT_FALSE(s->Insert(bad).ok());
  Record orphan = Event(Person("ghost"), "immunization", "2026-01-01");
  EXPECT_FALSE(s->Insert(orphan).ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM person"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM event"), 0);
}

TEST_P(StoreTest, InsertBatchIsAllOrNothing) {
  std::vector<Record> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(Person("P" + std::to_string(i)));
  batch.push_back(batch[3]);  // duplicate at the end
  EXPECT_EQ(s->InsertBatch(batch).code(), Code::conflict);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM person"), 0);
  batch.pop_back();
  ASSERT_TRUE(s->InsertBatch(batch).ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM person"), 10);
}

TEST_P(StoreTest, UpdateChecksVersion) {
  Record p = Person("Lò Thị Mai");
  ASSERT_TRUE(s->Insert(p).ok());
  Record upd = p;
  upd.full_name = "Lò Thị Mây";
  upd.name_folded = text::Fold(upd.full_name);
  ASSERT_TRUE(s->Update(upd, 1).ok());
  EXPECT_EQ(upd.version, 2);
  EXPECT_EQ(upd.created_at, p.created_at);
  EXPECT_NE(upd.updated_at, p.updated_at);
  Record stale = p;
  stale.full_name = "stale";
  Status st = s->Update(stale, 1);
  EXPECT_EQ(st.code(), Code::conflict);
  EXPECT_EQ(st.field(), "version");
  Record got;
  ASSERT_TRUE(s->Get("person", p.id, &got).ok());
  EXPECT_EQ(got.full_name, "Lò Thị Mây");
  EXPECT_EQ(got.version, 2);
  // The search index follows the new name.
  std::vector<Record> found;
  SearchQuery q;
  q.name_folded = "may";
  ASSERT_TRUE(s->SearchPersons(q, &found).ok());
  ASSERT_EQ(found.size(), 1u);
  q.name_folded = "mai";
  ASSERT_TRUE(s->SearchPersons(q, &found).ok());
  EXPECT_TRUE(found.empty());
}

TEST_P(StoreTest, SoftDelete) {
  Record p = Person("Giàng Thị Sua");
  ASSERT_TRUE(s->Insert(p).ok());
  Record out;
  EXPECT_EQ(s->SoftDelete("person", p.id, 7, "trùng", &out).code(), Code::conflict);
  ASSERT_TRUE(s->SoftDelete("person", p.id, 1, "trùng", &out).ok());
  EXPECT_EQ(out.version, 2);
  Record got;
  ASSERT_TRUE(s->Get("person", p.id, &got).ok());  // still readable
  ASSERT_TRUE(got.deleted_at.has_value());
  EXPECT_EQ(got.delete_reason.value_or(""), "trùng");
  EXPECT_EQ(s->SoftDelete("person", p.id, 2, "again", &out).code(), Code::not_found);
  Record upd = p;
  EXPECT_EQ(s->Update(upd, 2).code(), Code::not_found);
  std::vector<Record> rs;
  ListQuery q;
  q.type = "person";
  ASSERT_TRUE(s->List(q, &rs).ok());
  EXPECT_TRUE(rs.empty());
  q.include_deleted = true;
  ASSERT_TRUE(s->List(q, &rs).ok());
  EXPECT_EQ(rs.size(), 1u);
  SearchQuery sq;
  sq.name_folded = "sua";
  ASSERT_TRUE(s->SearchPersons(sq, &rs).ok());
  EXPECT_TRUE(rs.empty());
  EXPECT_EQ(s->Handbook(p.id, &got, &rs).code(), Code::not_found);
}

TEST_P(StoreTest, ListWithCursorAndSubtree) {
  std::set<std::string> in_03390, in_03394;
  for (int i = 0; i < 23; ++i) {
    Record p = Person("A" + std::to_string(i), i % 3 == 0 ? "03394" : "03390");
    ASSERT_TRUE(s->Insert(p).ok());
    (i % 3 == 0 ? in_03394 : in_03390).insert(p.id);
  }
  Record far = Person("far", "00004");
  ASSERT_TRUE(s->Insert(far).ok());
  auto page_through = [&](const std::string& orgunit, int limit) {
    std::vector<std::string> ids;
    ListQuery q;
    q.type = "person";
    q.orgunit = orgunit;
    q.limit = limit;
    for (int pages = 0; pages < 100; ++pages) {
      std::vector<Record> rs;
      EXPECT_TRUE(s->List(q, &rs).ok());
      for (const auto& r : rs) ids.push_back(r.id);
      if (static_cast<int>(rs.size()) < limit) break;
      q.after = rs.back().id;
    }
    return ids;
  };
  auto ids = page_through("03390", 4);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), in_03390);
  EXPECT_EQ(ids.size(), in_03390.size());  // no repeats across pages
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(page_through("12", 5).size(), 23u);  // the province sees both communes
  EXPECT_EQ(page_through("VN", 7).size(), 24u);
  EXPECT_EQ(page_through("01", 7).size(), 1u);
}

TEST_P(StoreTest, ListEventsByTypeDateAndPerson) {
  Record p = Person("Mẹ");
  Record q2 = Person("Khác");
  ASSERT_TRUE(s->Insert(p).ok());
  ASSERT_TRUE(s->Insert(q2).ok());
  for (const char* d : {"2026-01-05", "2026-02-05", "2026-03-05"}) ASSERT_TRUE(s->Insert(Event(p, "immunization", d)).ok());
  ASSERT_TRUE(s->Insert(Event(p, "growth", "2026-02-10")).ok());
  ASSERT_TRUE(s->Insert(Event(q2, "immunization", "2026-02-06")).ok());
  std::vector<Record> rs;
  ListQuery q;
  q.type = "immunization";
  q.from = "2026-02-01";
  q.to = "2026-03-05";
  ASSERT_TRUE(s->List(q, &rs).ok());
  EXPECT_EQ(rs.size(), 3u);
  q.person_id = p.id;
  ASSERT_TRUE(s->List(q, &rs).ok());
  EXPECT_EQ(rs.size(), 2u);
  q = ListQuery{};
  q.person_id = p.id;
  ASSERT_TRUE(s->List(q, &rs).ok());
  EXPECT_EQ(rs.size(), 4u);  // every type
}

// FHIR search's lists: several types, a left-out range, date order both
// ways, pages by offset, and the count of all matches.
TEST_P(StoreTest, ListSeveralTypesSortedPagedAndCounted) {
  Record p = Person("Mẹ");
  ASSERT_TRUE(s->Insert(p).ok());
  for (const char* d : {"2026-01-05", "2026-02-05", "2026-03-05"}) ASSERT_TRUE(s->Insert(Event(p, "immunization", d)).ok());
  ASSERT_TRUE(s->Insert(Event(p, "growth", "2026-02-10")).ok());
  ASSERT_TRUE(s->Insert(Event(p, "anc_visit", "2026-02-11")).ok());
  ListQuery q;
  q.types = {"immunization", "growth"};
  q.sort = "-date";
  std::vector<Record> rs;
  ASSERT_TRUE(s->List(q, &rs).ok());
  std::vector<std::string> dates;
  for (const Record& r : rs) dates.push_back(r.date);
  EXPECT_EQ(dates, (std::vector<std::string>{"2026-03-05", "2026-02-10", "2026-02-05", "2026-01-05"}));
  int64_t n = 0;
  Status counted = s->Count(q, &n);
  ASSERT_TRUE(counted.ok()) << counted.ToString();
  EXPECT_EQ(n, 4);
  q.sort = "date";
  q.limit = 2;
  q.offset = 1;
  ASSERT_TRUE(s->List(q, &rs).ok());
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].date, "2026-02-05");
  EXPECT_EQ(rs[1].date, "2026-02-10");
  ASSERT_TRUE(s->Count(q, &n).ok());
  EXPECT_EQ(n, 4) << "limit and offset do not change the count";
  q.offset = 0;
  q.limit = 50;
  q.not_from = "2026-02-01";
  q.not_to = "2026-02-28";
  ASSERT_TRUE(s->List(q, &rs).ok());
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].date, "2026-01-05");
  EXPECT_EQ(rs[1].date, "2026-03-05");
  q.sort = "sideways";
  EXPECT_EQ(s->List(q, &rs).code(), Code::invalid);
  // Walking the ids gives the pages the org unit index gives, in id order.
  ListQuery by_index;
  by_index.types = {"immunization", "growth", "anc_visit"};
  by_index.orgunit = "12";
  by_index.limit = 2;
  by_index.offset = 1;
  ListQuery walked = by_index;
  walked.walk_ids = true;
  std::vector<Record> a, b;
  ASSERT_TRUE(s->List(by_index, &a).ok());
  ASSERT_TRUE(s->List(walked, &b).ok());
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(a[0].id, b[0].id);
  EXPECT_EQ(a[1].id, b[1].id);
  EXPECT_LT(a[0].id, a[1].id);
  ASSERT_TRUE(s->Count(walked, &n).ok());
  EXPECT_EQ(n, 5);
}

TEST_P(StoreTest, HandbookInDateOrder) {
  Record p = Person("Lò Văn An", "03390", "2025-12-05");
  ASSERT_TRUE(s->Insert(p).ok());
  for (const char* d : {"2026-03-10", "2025-12-05", "2026-02-06", "2025-12-20"}) ASSERT_TRUE(s->Insert(Event(p, "immunization", d)).ok());
  Record deleted = Event(p, "growth", "2026-01-01");
  ASSERT_TRUE(s->Insert(deleted).ok());
  Record out;
  ASSERT_TRUE(s->SoftDelete("growth", deleted.id, 1, "sai", &out).ok());
  std::vector<Record> evs;
  Record got;
  ASSERT_TRUE(s->Handbook(p.id, &got, &evs).ok());
  ASSERT_EQ(evs.size(), 4u);
  for (size_t i = 1; i < evs.size(); ++i) EXPECT_LE(evs[i - 1].date, evs[i].date);
}

TEST_P(StoreTest, HandbookBringsTheMotherUnlessSheIsDeleted) {
  Record mother = Person("Lò Thị Mai", "03390", "1998-04-02");
  ASSERT_TRUE(s->Insert(mother).ok());
  Record child = Person("Lò Văn An", "03390", "2025-12-05");
  child.mother_id = mother.id;
  ASSERT_TRUE(s->Insert(child).ok());
  Record got, mum;
  std::vector<Record> evs;
  ASSERT_TRUE(s->Handbook(child.id, &got, &evs, &mum).ok());
  EXPECT_EQ(mum.id, mother.id);
  EXPECT_EQ(mum.full_name, "Lò Thị Mai");
  mum.id = "stale";  // a motherless handbook must clear what the caller passed in
  ASSERT_TRUE(s->Handbook(mother.id, &got, &evs, &mum).ok());
  EXPECT_TRUE(mum.id.empty());
  Record out;
  ASSERT_TRUE(s->SoftDelete("person", mother.id, 1, "trùng hồ sơ", &out).ok());
  ASSERT_TRUE(s->Handbook(child.id, &got, &evs, &mum).ok());
  EXPECT_TRUE(mum.id.empty()) << "a deleted mother is not shown";
}

TEST_P(StoreTest, SearchAccentInsensitivePrefixPhoneAndScope) {
  Record mai = Person("Lò Thị Mai");
  mai.phone = "0912345678";
  Record dang = Person("Đặng Thị Lan", "03394");
  Record other = Person("Nguyễn Văn Đức", "00004");
  for (Record* r : {&mai, &dang, &other}) ASSERT_TRUE(s->Insert(*r).ok());
  auto search = [&](const std::string& name, const std::string& phone = "", const std::string& ou = "") {
    SearchQuery q;
    q.name_folded = text::Fold(name);
    q.phone = phone;
    q.orgunit = ou;
    std::vector<Record> rs;
    EXPECT_TRUE(s->SearchPersons(q, &rs).ok());
    std::set<std::string> names;
    for (const auto& r : rs) names.insert(r.full_name);
    return names;
  };
  // Searches a health worker types: the full name or its start, without marks, or the given name alone.
  EXPECT_EQ(search("lo thi mai"), std::set<std::string>{"Lò Thị Mai"});
  EXPECT_EQ(search("LÒ THỊ"), std::set<std::string>{"Lò Thị Mai"});
  EXPECT_EQ(search("mai"), std::set<std::string>{"Lò Thị Mai"});
  EXPECT_EQ(search("dang"), std::set<std::string>{"Đặng Thị Lan"});
  EXPECT_EQ(search("nguyen van"), std::set<std::string>{"Nguyễn Văn Đức"});
  EXPECT_EQ(search("duc"), std::set<std::string>{"Nguyễn Văn Đức"});
  EXPECT_EQ(search("lan", "", "12"), std::set<std::string>{"Đặng Thị Lan"});
  EXPECT_EQ(search("lan", "", "03394"), std::set<std::string>{"Đặng Thị Lan"});
  EXPECT_TRUE(search("lan", "", "03390").empty());
  EXPECT_TRUE(search("duc", "", "12").empty());
  EXPECT_EQ(search("", "0912345678"), std::set<std::string>{"Lò Thị Mai"});
  EXPECT_TRUE(search("mai \"OR lan").empty());  // quotes are data, not query syntax
  EXPECT_TRUE(search("minh").empty());
}

// Pages of a search are the stages' matches cut in order: together they are the
// whole list, each match once, a page past the end is empty.
TEST_P(StoreTest, SearchPagesCutTheMatchesInOrder) {
  // Family name Lò (stage 1) and given name Lô (stage 2) both match "lo".
  for (const char* n : {"Lò Thị Mai", "Lò Văn An", "Lò Thị Hoa", "Lò Văn Bình", "Nguyễn Văn Lô", "Trần Thị Lô", "Lê Văn Minh"})
    ASSERT_TRUE(s->Insert(Person(n)).ok());
  auto page = [&](int offset, int limit) {
    SearchQuery q;
    q.name_folded = "lo";
    q.offset = offset;
    q.limit = limit;
    std::vector<Record> rs;
    EXPECT_TRUE(s->SearchPersons(q, &rs).ok());
    std::vector<std::string> names;
    for (const auto& r : rs) names.push_back(r.full_name);
    return names;
  };
  const std::vector<std::string> all = page(0, 20);
  ASSERT_EQ(all.size(), 6u);
  std::vector<std::string> joined;
  for (int off = 0; off < 8; off += 4)
    for (const auto& n : page(off, 4)) joined.push_back(n);
  EXPECT_EQ(joined, all);
  EXPECT_EQ(page(3, 2), (std::vector<std::string>{all[3], all[4]}));  // across the stage boundary
  EXPECT_TRUE(page(6, 4).empty());
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size());
}

TEST_P(StoreTest, ChildrenOfMothersByBirthDateLiveOnly) {
  Record mai = Person("Lò Thị Mai", "03390", "1998-04-02"), lan = Person("Đặng Thị Lan", "03394", "1990-01-01");
  ASSERT_TRUE(s->Insert(mai).ok());
  ASSERT_TRUE(s->Insert(lan).ok());
  Record younger = Person("Lò Văn An", "03390", "2025-12-05"), older = Person("Lò Thị Hà", "03390", "2022-03-01");
  Record gone = Person("Lò Văn Bảo", "03390", "2024-01-01"), other = Person("Đặng Văn Tú", "03394", "2023-06-01");
  for (Record* c : {&younger, &older, &gone}) c->mother_id = mai.id;
  other.mother_id = lan.id;
  for (Record* c : {&younger, &older, &gone, &other}) ASSERT_TRUE(s->Insert(*c).ok());
  Record out;
  ASSERT_TRUE(s->SoftDelete("person", gone.id, 1, "trùng hồ sơ", &out).ok());
  std::vector<Record> kids;
  ASSERT_TRUE(s->Children({mai.id}, &kids).ok());
  ASSERT_EQ(kids.size(), 2u);
  EXPECT_EQ(kids[0].full_name, "Lò Thị Hà");
  EXPECT_EQ(kids[1].full_name, "Lò Văn An");
  ASSERT_TRUE(s->Children({mai.id, lan.id}, &kids).ok());
  EXPECT_EQ(kids.size(), 3u);
  ASSERT_TRUE(s->Children({}, &kids).ok());
  EXPECT_TRUE(kids.empty());
}

TEST_P(StoreTest, UsersAndSessions) {
  User u;
  u.id = NewUuid7();
  u.username = "cw";
  u.password_hash = "x";
  u.role = "commune_worker";
  u.orgunits = {"03390"};
  u.created_at = "2026-01-01";
  ASSERT_TRUE(s->CreateUser(u).ok());
  EXPECT_EQ(s->CreateUser(u).code(), Code::conflict);
  User got;
  ASSERT_TRUE(s->GetUser("cw", &got).ok());
  EXPECT_EQ(got.orgunits, std::vector<std::string>{"03390"});
  ASSERT_TRUE(s->CreateSession("h1", u.id, NowMillis() + 60000).ok());
  ASSERT_TRUE(s->CreateSession("h2", u.id, NowMillis() - 1).ok());
  std::string uid;
  EXPECT_TRUE(s->GetSession("h1", &uid).ok());
  EXPECT_EQ(uid, u.id);
  EXPECT_FALSE(s->GetSession("h2", &uid).ok());  // expired
  ASSERT_TRUE(s->DeleteSession("h1").ok());
  EXPECT_FALSE(s->GetSession("h1", &uid).ok());
  EXPECT_TRUE(s->OrgUnitExists("03390"));
  EXPECT_FALSE(s->OrgUnitExists("99999"));
  EXPECT_TRUE(s->InSubtree("12", "tyt:03390"));
  EXPECT_FALSE(s->InSubtree("03394", "03390"));
}

}  // namespace
}  // namespace u5::store

namespace u5::store {
namespace {

// A write guard (store.h) is asked inside the write's transaction, of what is
// written and of what an update or delete replaces; its error aborts the
// write. The rule itself belongs to another module (report: signed-off periods).
TEST_P(StoreTest, WriteGuardsAreAskedInsideTheWrite) {
  Record mother = Person("Lò Thị Mai", "tyt:03390");
  std::vector<std::string> asked;
  s->AddWriteGuard([&](const Record& r) -> Status {
    asked.push_back(r.date);
    // Inside the transaction: the guard's reads through the store see it (no deadlock, same connection).
    std::vector<SignoffRow> rows;
    U5_RETURN_IF_ERROR(s->signoffs().History("03390", "2026S1", &rows));
    return r.date == "2026-05-02" ? Status::Conflict("frozen", "date") : Status::Ok();
  });
  ASSERT_TRUE(s->Insert(mother).ok());
  Record june = Event(mother, "anc_visit", "2026-06-30");
  ASSERT_TRUE(s->Insert(june).ok());
  Record late = Event(mother, "anc_visit", "2026-05-02");
  Status st = s->Insert(late);
  EXPECT_EQ(st.field(), "date") << st.ToString();
  Record got;
  EXPECT_EQ(s->Get("anc_visit", late.id, &got).code(), Code::not_found) << "nothing stored";
  Record into = june;
  into.date = "2026-05-02";
  EXPECT_EQ(s->Update(into, 1).code(), Code::conflict);
  Record out;
  EXPECT_TRUE(s->SoftDelete("anc_visit", june.id, 1, "nhập nhầm", &out).ok());
  EXPECT_EQ(asked, (std::vector<std::string>{"1996-04-12", "2026-06-30", "2026-05-02", "2026-06-30", "2026-05-02", "2026-06-30"}));
}

// Into empty tables the bulk writer drops the secondary indexes and builds
// them at commit: afterwards the schema is the same, the cross-table id check
// still holds, and a rolled-back load leaves the indexes in place.
TEST_F(SqliteStoreTest, BulkLoadIntoEmptyTablesRebuildsTheIndexes) {
  const std::string db = dir.File("t.db");
  const std::string indexes_sql =
      "SELECT group_concat(name || ':' || sql, '|') FROM (SELECT name, sql FROM sqlite_schema WHERE type='index' "
      "AND tbl_name IN ('person','event') AND sql IS NOT NULL ORDER BY name)";
  const std::string before = test::QueryOne(db, indexes_sql);
  ASSERT_NE(before.find("person_name_rev"), std::string::npos);
  {
    std::unique_ptr<BulkWriter> w;
    ASSERT_TRUE(s->OpenBulk(&w).ok());
    Record p = Person("Nguyễn Thị Lan");
    ASSERT_TRUE(w->Add(p).ok());
    ASSERT_TRUE(w->Add(Event(p, "anc_visit", "2026-01-02")).ok());
    // dropped without Commit: rolled back
  }
  EXPECT_EQ(test::QueryOne(db, indexes_sql), before);
  EXPECT_EQ(test::QueryInt(db, "SELECT count(*) FROM person"), 0);

  {
    std::unique_ptr<BulkWriter> w;
    ASSERT_TRUE(s->OpenBulk(&w).ok());
    Record p = Person("Nguyễn Thị Lan");
    ASSERT_TRUE(w->Add(p).ok());
    Record e = Event(p, "anc_visit", "2026-01-02");
    e.id = p.id;  // same id as the person
    ASSERT_TRUE(w->Add(e).ok());
    Status st = w->Commit();
    EXPECT_EQ(st.code(), Code::conflict) << st.ToString();
    EXPECT_EQ(st.field(), "id");
  }
  EXPECT_EQ(test::QueryOne(db, indexes_sql), before);
  EXPECT_EQ(test::QueryInt(db, "SELECT count(*) FROM person"), 0);

  std::vector<Record> persons;
  {
    std::unique_ptr<BulkWriter> w;
    ASSERT_TRUE(s->OpenBulk(&w).ok());
    for (const char* name : {"Nguyễn Thị Lan", "Lò Thị Mai", "Trần Văn Nam"}) {
      persons.push_back(Person(name));
      ASSERT_TRUE(w->Add(persons.back()).ok());
      ASSERT_TRUE(w->Add(Event(persons.back(), "growth", "2026-02-03")).ok());
    }
    ASSERT_TRUE(w->Commit().ok());
  }
  EXPECT_EQ(test::QueryOne(db, indexes_sql), before);
  EXPECT_EQ(test::QueryOne(db, "PRAGMA integrity_check"), "ok");
  std::vector<Record> found;
  SearchQuery given_name;
  given_name.name_folded = "mai";
  ASSERT_TRUE(s->SearchPersons(given_name, &found).ok());
  ASSERT_EQ(found.size(), 1u) << "the given-name index was rebuilt";
  Record hb;
  std::vector<Record> events;
  ASSERT_TRUE(s->Handbook(persons[2].id, &hb, &events).ok());
  EXPECT_EQ(events.size(), 1u);

  // Now the tables are not empty: a second load checks ids row by row.
  std::unique_ptr<BulkWriter> w;
  ASSERT_TRUE(s->OpenBulk(&w).ok());
  Record e = Event(persons[0], "growth", "2026-03-03");
  e.id = persons[1].id;
  EXPECT_EQ(w->Add(e).code(), Code::conflict);
}

// The index builds sort in temporary files (see SqliteBulk::RebuildIndexes);
// where none can be created the load must still succeed, sorting in memory.
TEST_F(SqliteStoreTest, BulkIndexBuildWithoutATemporaryDirectorySortsInMemory) {
  // Enough event keys (≈ 12 MB) to overflow the sorter's 8 MiB and need a file.
  constexpr int kPersons = 20000, kEventsEach = 10;
  std::vector<Record> persons;
  for (int i = 0; i < kPersons; ++i) persons.push_back(Person("Lò Thị Mai " + std::to_string(i)));
  Status committed;
  {
    // A directory where no file can be created, even by root; restored however
    // the block ends, so that a failure here cannot break the tests after it.
    struct TempDirectoryOverride {
      char* saved = sqlite3_temp_directory;
      TempDirectoryOverride() { sqlite3_temp_directory = sqlite3_mprintf("%s", "/proc"); }
      ~TempDirectoryOverride() {
        sqlite3_free(sqlite3_temp_directory);
        sqlite3_temp_directory = saved;
      }
    } no_temp_files;
    std::unique_ptr<BulkWriter> w;
    ASSERT_TRUE(s->OpenBulk(&w).ok());
    for (const Record& p : persons) {
      ASSERT_TRUE(w->Add(p).ok());
      for (int k = 0; k < kEventsEach; ++k) ASSERT_TRUE(w->Add(Event(p, "growth", "2026-02-1" + std::to_string(k))).ok());
    }
    committed = w->Commit();
  }
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  const std::string db = dir.File("t.db");
  EXPECT_EQ(test::QueryInt(db, "SELECT count(*) FROM event"), kPersons * kEventsEach);
  EXPECT_EQ(test::QueryInt(db, "SELECT count(*) FROM sqlite_schema WHERE type='index' AND name='event_person'"), 1);
  EXPECT_EQ(test::QueryOne(db, "PRAGMA integrity_check"), "ok");
  Record hb;
  std::vector<Record> events;
  ASSERT_TRUE(s->Handbook(persons[123].id, &hb, &events).ok());
  EXPECT_EQ(events.size(), static_cast<size_t>(kEventsEach));
}

audit::Entry ReadEntry(int i) {
  audit::Entry e;
  e.at = "2026-03-01T08:00:00.000Z";
  e.user_id = "u" + std::to_string(i % 7);
  e.username = "yte.xa" + std::to_string(i % 7);
  e.remote = "10.0.0." + std::to_string(i % 5);
  e.action = "read";
  e.record_type = "person";
  e.record_id = NewUuid7();
  e.orgunit_id = "03390";
  e.detail = R"({"via":"handbook"})";
  return e;
}

// Checks every entry: seq 1, 2, 3, ... and each prev_hash is the hash before it.
void ExpectChain(Store& s, int64_t n) {
  std::vector<audit::Entry> all, page;
  AuditQuery q;
  q.limit = 1000;
  do {
    ASSERT_TRUE(s.ListAudit(q, &page).ok());
    all.insert(all.end(), page.begin(), page.end());
    if (!page.empty()) q.after_seq = page.back().seq;
  } while (!page.empty());
  ASSERT_EQ(static_cast<int64_t>(all.size()), n);
  std::string prev = audit::kGenesis;
  for (int64_t i = 0; i < n; ++i) {
    EXPECT_EQ(all[i].seq, i + 1);
    EXPECT_EQ(all[i].prev_hash, prev) << "entry " << all[i].seq;
    EXPECT_EQ(audit::ComputeHash(all[i]), all[i].hash) << "entry " << all[i].seq;
    prev = all[i].hash;
  }
  int64_t checked = 0;
  Status st = s.VerifyAudit(&checked);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(checked, n);
}

// The audit page reads newest first (issue 20), a page at a time before the last seq shown.
TEST_P(StoreTest, AuditListsNewestFirstPageByPage) {
  std::vector<audit::Entry> batch;
  for (int i = 0; i < 7; ++i) {
    batch.push_back(ReadEntry(i));
    batch.back().username = i == 3 ? "other" : "yte.xa";
  }
  ASSERT_TRUE(s->AppendAudit(batch).ok());
  AuditQuery q;
  q.newest_first = true;
  q.limit = 3;
  std::vector<int64_t> seqs;
  std::vector<audit::Entry> page;
  do {
    ASSERT_TRUE(s->ListAudit(q, &page).ok());
    for (const auto& e : page) seqs.push_back(e.seq);
    if (!page.empty()) q.before_seq = page.back().seq;
  } while (page.size() == 3);
  EXPECT_EQ(seqs, (std::vector<int64_t>{7, 6, 5, 4, 3, 2, 1}));
  q.before_seq = 0;
  q.username = "yte.xa";
  ASSERT_TRUE(s->ListAudit(q, &page).ok());
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].seq, 7);
  EXPECT_EQ(page[2].seq, 5);
  q.before_seq = 5;
  ASSERT_TRUE(s->ListAudit(q, &page).ok());
  ASSERT_EQ(page.size(), 3u);  // seq 4 is another user's
  EXPECT_EQ(page[0].seq, 3);
}

// AppendAudit carries the chain head from entry to entry within a batch: a
// large batch on an empty log, a record write's entry (appended alone) and a
// second batch after them all chain on, with consecutive seqs.
TEST_P(StoreTest, AuditBatchesChainOnEachOtherAndOnSingleWrites) {
  std::vector<audit::Entry> batch;
  for (int i = 0; i < 2500; ++i) batch.push_back(ReadEntry(i));
  const std::string first_record = batch[0].record_id, last_record = batch.back().record_id;
  ASSERT_TRUE(s->AppendAudit(batch).ok());
  ExpectChain(*s, 2500);

  audit::Entry w;
  w.user_id = "u1";
  w.username = "yte.xa1";
  w.remote = "10.0.0.1";
  w.action = "create";
  ASSERT_TRUE(s->Insert(Person("Lò Thị Mai"), &w).ok());
  ExpectChain(*s, 2501);

  batch.clear();
  for (int i = 0; i < 1200; ++i) batch.push_back(ReadEntry(i));
  batch[5].at.clear();      // filled in by the store
  batch[6].detail.clear();  // "{}"
  ASSERT_TRUE(s->AppendAudit(batch).ok());
  ASSERT_TRUE(s->AppendAudit({ReadEntry(1)}).ok());
  ASSERT_TRUE(s->AppendAudit({}).ok());
  ExpectChain(*s, 3702);

  std::vector<audit::Entry> got;
  AuditQuery q;
  q.record_id = last_record;
  ASSERT_TRUE(s->ListAudit(q, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].seq, 2500);
  q.record_id = first_record;
  ASSERT_TRUE(s->ListAudit(q, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].seq, 1);
}

// A batch is one transaction: an entry that cannot be written (here a trigger
// injected beside the store refuses one) leaves none of the batch behind, and
// the chain goes on from the last entry that was stored.
TEST_P(StoreTest, AuditBatchFailingMidwayStoresNoneOfIt) {
  std::vector<audit::Entry> batch;
  for (int i = 0; i < 300; ++i) batch.push_back(ReadEntry(i));
  ASSERT_TRUE(s->AppendAudit(batch).ok());
  Exec(postgres() ? "CREATE FUNCTION inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "RAISE EXCEPTION 'injected fault'; END $$; CREATE TRIGGER inject_fault BEFORE INSERT ON audit_log "
                    "FOR EACH ROW WHEN (NEW.record_id = 'fault') EXECUTE FUNCTION inject_fault()"
                  : "CREATE TRIGGER inject_fault BEFORE INSERT ON audit_log WHEN NEW.record_id = 'fault' "
                    "BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
  batch.clear();
  for (int i = 0; i < 1000; ++i) batch.push_back(ReadEntry(i));
  batch[700].record_id = "fault";
  Status st = s->AppendAudit(batch);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("injected fault"), std::string::npos) << st.ToString();
  EXPECT_EQ(QueryInt("SELECT count(*) FROM audit_log"), 300);
  ExpectChain(*s, 300);

  batch[700].record_id = NewUuid7();
  ASSERT_TRUE(s->AppendAudit(batch).ok());
  ExpectChain(*s, 1300);
  int64_t checked = 0;
  ASSERT_TRUE(s->VerifyAudit(&checked).ok());
  EXPECT_EQ(checked, 1300);
}

// Services follow the store through SubscribeWhileAlive and are found through Attached<T>:
// once a service says it is gone, the store no longer calls it and the routes no longer find it.
TEST_P(StoreTest, AttachedServiceIsFoundUntilForgottenAndHearsChangesWhileAlive) {
  struct Service { int heard = 0; };
  Service svc;
  std::shared_ptr<bool> alive = SubscribeWhileAlive(*s, [&](const Change&) { ++svc.heard; });
  EXPECT_EQ(Attached<Service>::For(*s), nullptr);
  Attached<Service>::Set(*s, &svc);
  EXPECT_EQ(Attached<Service>::For(*s), &svc);

  ASSERT_TRUE(s->Insert(Person("Lò Thị Mai")).ok());
  EXPECT_EQ(svc.heard, 1);
  *alive = false;  // what the service's destructor does
  ASSERT_TRUE(s->Insert(Person("Lò Thị Xuân")).ok());
  EXPECT_EQ(svc.heard, 1);
  alive.reset();
  ASSERT_TRUE(s->Insert(Person("Lò Thị Hoa")).ok());
  EXPECT_EQ(svc.heard, 1);

  Attached<Service>::Forget(&svc);
  EXPECT_EQ(Attached<Service>::For(*s), nullptr);
}

audit::Entry Stamp(const std::string& action) {
  audit::Entry e;
  e.user_id = "u1";
  e.username = "demo";
  e.at = "2026-01-02T00:00:00.000Z";
  e.action = action;
  return e;
}

// Apply: the writes and their audit entries land together, listeners hear
// them after the commit; one failing write (a stale version) stores nothing.
TEST_P(StoreTest, ApplyWritesAllWithTheirAuditOrNothing) {
  Record mother = Person("Lò Thị Mai");
  Record kept = Person("Lò Thị Hoa");
  ASSERT_TRUE(s->Insert(mother).ok());
  ASSERT_TRUE(s->Insert(kept).ok());
  std::vector<std::string> heard;
  s->Subscribe([&](const Change& c) { heard.push_back(c.after.id + (c.before ? ":changed" : ":new")); });
  int64_t seq0 = 0;
  std::string hash;
  ASSERT_TRUE(s->AuditChainHead(&seq0, &hash).ok());

  Record visit = Event(mother, "anc_visit", "2026-03-01");
  Record renamed = mother;
  renamed.full_name = "Lò Thị Mây";
  renamed.name_folded = text::Fold(renamed.full_name);
  renamed.body = nlohmann::json{{"id", renamed.id}, {"full_name", renamed.full_name}}.dump();
  Record gone;
  gone.type = "person";
  gone.id = kept.id;
  std::vector<Write> bad = {{Write::Op::insert, visit, 0, "", Stamp("create")},
                            {Write::Op::update, renamed, 1, "", Stamp("update")},
                            {Write::Op::remove, gone, 7, "trùng", Stamp("delete")}};  // stale
  EXPECT_EQ(s->Apply(bad).code(), Code::conflict);
  Record got;
  EXPECT_EQ(s->Get("anc_visit", visit.id, &got).code(), Code::not_found);
  ASSERT_TRUE(s->Get("person", mother.id, &got).ok());
  EXPECT_EQ(got.version, 1);
  int64_t seq = 0;
  ASSERT_TRUE(s->AuditChainHead(&seq, &hash).ok());
  EXPECT_EQ(seq, seq0) << "no audit entry of a write that did not happen";
  EXPECT_TRUE(heard.empty());

  bad[2].expected_version = 1;
  std::vector<Record> stored;
  ASSERT_TRUE(s->Apply(bad, &stored).ok());
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[0].version, 1);
  EXPECT_EQ(stored[1].version, 2);
  EXPECT_EQ(stored[1].full_name, "Lò Thị Mây");
  EXPECT_EQ(stored[2].version, 2);
  EXPECT_EQ(stored[2].delete_reason.value_or(""), "trùng");
  EXPECT_EQ(heard, (std::vector<std::string>{visit.id + ":new", mother.id + ":changed", kept.id + ":changed"}));
  ASSERT_TRUE(s->AuditChainHead(&seq, &hash).ok());
  EXPECT_EQ(seq, seq0 + 3);
  AuditQuery q;
  q.after_seq = seq0;
  std::vector<audit::Entry> es;
  ASSERT_TRUE(s->ListAudit(q, &es).ok());
  ASSERT_EQ(es.size(), 3u);
  EXPECT_EQ(es[0].action, "create");
  EXPECT_EQ(es[0].record_id, visit.id);
  EXPECT_EQ(es[1].action, "update");
  EXPECT_NE(es[1].detail.find("Lò Thị Mây"), std::string::npos) << es[1].detail;
  EXPECT_EQ(es[2].action, "delete");
  EXPECT_EQ(es[2].record_id, kept.id);
}

// Updates and deletions keep the state they replace (migration 23): every
// version can be read back, newest first, until the deletion.
TEST_P(StoreTest, PriorVersionsAreKeptForVreadAndHistory) {
  Record p = Person("Lò Thị Mai");
  ASSERT_TRUE(s->Insert(p).ok());
  Record v2 = p;
  v2.full_name = "Lò Thị Mây";
  v2.name_folded = text::Fold(v2.full_name);
  v2.phone = "0912345678";
  ASSERT_TRUE(s->Update(v2, 1).ok());
  Record out;
  ASSERT_TRUE(s->SoftDelete("person", p.id, 2, "trùng", &out).ok());
  std::vector<Record> vs;
  ASSERT_TRUE(s->Versions("person", p.id, &vs).ok());
  ASSERT_EQ(vs.size(), 3u);
  EXPECT_EQ(vs[0].version, 3);
  EXPECT_TRUE(vs[0].deleted_at.has_value());
  EXPECT_EQ(vs[1].version, 2);
  EXPECT_EQ(vs[1].full_name, "Lò Thị Mây");
  EXPECT_EQ(vs[1].phone.value_or(""), "0912345678");
  EXPECT_FALSE(vs[1].deleted_at.has_value());
  EXPECT_EQ(vs[2].version, 1);
  EXPECT_EQ(vs[2].full_name, "Lò Thị Mai");
  EXPECT_EQ(vs[2].type, "person");
  EXPECT_EQ(vs[2].body, p.body);
  Record got;
  ASSERT_TRUE(s->GetVersion("person", p.id, 1, &got).ok());
  EXPECT_EQ(got.full_name, "Lò Thị Mai");
  EXPECT_FALSE(got.phone.has_value());
  ASSERT_TRUE(s->GetVersion("person", p.id, 3, &got).ok());
  EXPECT_TRUE(got.deleted_at.has_value());
  EXPECT_EQ(s->GetVersion("person", p.id, 4, &got).code(), Code::not_found);

  Record e = Event(p, "anc_visit", "2026-03-01");
  ASSERT_TRUE(s->Insert(e).ok());
  Record e2 = e;
  e2.date = "2026-03-02";
  ASSERT_TRUE(s->Update(e2, 1).ok());
  ASSERT_TRUE(s->GetVersion("anc_visit", e.id, 1, &got).ok());
  EXPECT_EQ(got.date, "2026-03-01");
  EXPECT_EQ(got.person_id, p.id);
  EXPECT_EQ(s->GetVersion("growth", e.id, 1, &got).code(), Code::not_found) << "wrong type";
  ASSERT_TRUE(s->Versions("anc_visit", e.id, &vs).ok());
  EXPECT_EQ(vs.size(), 2u);
  // A failed update keeps no version.
  EXPECT_EQ(s->Update(e2, 1).code(), Code::conflict);
  ASSERT_TRUE(s->Versions("anc_visit", e.id, &vs).ok());
  EXPECT_EQ(vs.size(), 2u);
}

// The change log: every write names its person in the same transaction; a
// rolled-back write names nobody; bulk loads into empty tables leave one
// "everything" marker, into tables with records the persons they touched;
// trimming keeps the position and makes an older position "everything".
TEST_P(StoreTest, ChangeLogNamesThePersonsOfEachWrite) {
  ChangeLogHead h0;
  ASSERT_TRUE(s->ChangeHead(&h0).ok());
  EXPECT_EQ(h0.db_id.size(), 32u);
  ChangesAfter c;
  std::vector<Record> seed = {Person("Seed")};
  {
    std::unique_ptr<BulkWriter> w;
    ASSERT_TRUE(s->OpenBulk(&w).ok());
    ASSERT_TRUE(w->Add(seed[0]).ok());
    ASSERT_TRUE(w->Commit().ok());
  }
  ASSERT_TRUE(s->ChangedSince(h0.seq, &c).ok());
  EXPECT_TRUE(c.everything) << "a first load is one marker";

  ChangeLogHead h1;
  ASSERT_TRUE(s->ChangeHead(&h1).ok());
  EXPECT_GT(h1.seq, h0.seq);
  EXPECT_EQ(h1.db_id, h0.db_id);
  Record a = Person("A"), b = Person("B");
  ASSERT_TRUE(s->Insert(a).ok());
  ASSERT_TRUE(s->Insert(b).ok());
  Record e = Event(a, "anc_visit", "2026-03-01");
  ASSERT_TRUE(s->Insert(e).ok());
  Record e2 = e;
  e2.date = "2026-03-02";
  ASSERT_TRUE(s->Update(e2, 1).ok());
  Record dup = Person("A again");
  dup.id = a.id;
  EXPECT_EQ(s->Insert(dup).code(), Code::conflict);  // rolled back: logs nothing
  ASSERT_TRUE(s->ChangedSince(h1.seq, &c).ok());
  EXPECT_FALSE(c.everything);
  EXPECT_EQ(c.persons, (std::vector<std::string>{a.id, b.id})) << "each person once, in order of first change";

  ChangeLogHead h2;
  ASSERT_TRUE(s->ChangeHead(&h2).ok());
  EXPECT_EQ(h2.seq, h1.seq + 4);
  Record del;
  ASSERT_TRUE(s->SoftDelete("person", b.id, 1, "duplicate", &del).ok());
  Record c1 = Person("C");
  ASSERT_TRUE(s->Apply({Write{Write::Op::insert, c1}, Write{Write::Op::insert, Event(c1, "growth", "2026-04-01")}}).ok());
  ASSERT_TRUE(s->InsertBatch({Event(a, "growth", "2026-05-01")}).ok());
  {
    std::unique_ptr<BulkWriter> w;
    ASSERT_TRUE(s->OpenBulk(&w).ok());
    ASSERT_TRUE(w->Add(Event(b, "growth", "2026-05-02")).ok());
    ASSERT_TRUE(w->Commit().ok());
  }
  ASSERT_TRUE(s->ChangedSince(h2.seq, &c).ok());
  EXPECT_FALSE(c.everything) << "a load into tables with records names its persons";
  EXPECT_EQ(c.persons, (std::vector<std::string>{b.id, c1.id, a.id}));

  ChangeLogHead h3;
  ASSERT_TRUE(s->ChangeHead(&h3).ok());
  ASSERT_TRUE(s->ChangedSince(h3.seq, &c).ok());
  EXPECT_FALSE(c.everything);
  EXPECT_TRUE(c.persons.empty());
  ASSERT_TRUE(s->ChangedSince(h3.seq + 1, &c).ok());
  EXPECT_TRUE(c.everything) << "a position this log never reached (a restored copy)";

  ASSERT_TRUE(s->TrimChanges(h3.seq + 100).ok());  // clamped to the head
  ChangeLogHead h4;
  ASSERT_TRUE(s->ChangeHead(&h4).ok());
  EXPECT_EQ(h4.seq, h3.seq) << "an emptied log keeps its position";
  ASSERT_TRUE(s->ChangedSince(h2.seq, &c).ok());
  EXPECT_TRUE(c.everything) << "positions before the trim are gone";
  ASSERT_TRUE(s->ChangedSince(h3.seq, &c).ok());
  EXPECT_FALSE(c.everything);
  Record d = Person("D");
  ASSERT_TRUE(s->Insert(d).ok());
  ASSERT_TRUE(s->ChangedSince(h3.seq, &c).ok());
  EXPECT_EQ(c.persons, (std::vector<std::string>{d.id}));
  ChangeLogHead h5;
  ASSERT_TRUE(s->ChangeHead(&h5).ok());
  EXPECT_EQ(h5.seq, h3.seq + 1) << "no position is handed out twice";
}

}  // namespace
}  // namespace u5::store

namespace u5::store {
namespace {

// A bulk load is one transaction on either store: a line may name a mother
// before the line that creates her; an id given twice (a person and an event)
// or a reference to nobody rolls the whole load back and says which field.
TEST_P(StoreTest, BulkLoadIsAllOrNothing) {
  auto load = [&](const std::vector<Record>& rs) -> Status {
    std::unique_ptr<BulkWriter> w;
    U5_RETURN_IF_ERROR(s->OpenBulk(&w));
    for (const Record& r : rs) U5_RETURN_IF_ERROR(w->Add(r));
    return w->Commit();
  };
  Record mother = Person("Lò Thị Mai"), child = Person("Lò Văn An", "03390", "2025-03-01");
  child.mother_id = mother.id;
  Record growth = Event(child, "growth", "2025-04-10");
  growth.body = nlohmann::json{{"id", growth.id}, {"note", "tab\there, line\nthere, back\\slash"}}.dump();

  Record twin = Event(child, "growth", "2025-05-10");
  twin.id = mother.id;
  Status st = load({child, mother, growth, twin});
  EXPECT_EQ(st.code(), Code::conflict) << st.ToString();
  EXPECT_EQ(st.field(), "id");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM person"), 0);

  Record orphan = Person("Lò Văn Bình");
  orphan.mother_id = NewUuid7();
  st = load({child, mother, growth, orphan});
  EXPECT_EQ(st.code(), Code::invalid) << st.ToString();
  EXPECT_EQ(st.field(), "person_id");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM person"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM event"), 0);

  ASSERT_TRUE(load({child, mother, growth}).ok());  // the child's line before her mother's
  Record got;
  ASSERT_TRUE(s->Get("growth", growth.id, &got).ok());
  EXPECT_EQ(got.body, growth.body) << "COPY's escapes come back byte for byte";
  std::vector<Record> kids;
  ASSERT_TRUE(s->Children({mother.id}, &kids).ok());
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(kids[0].id, child.id);
  SearchQuery q;
  q.name_folded = "an lo";
  std::vector<Record> found;
  ASSERT_TRUE(s->SearchPersons(q, &found).ok());
  ASSERT_EQ(found.size(), 1u) << "the given-name range finds a loaded person";

  // Into tables with records, a stored id is refused as it is added.
  std::unique_ptr<BulkWriter> w;
  ASSERT_TRUE(s->OpenBulk(&w).ok());
  Record again = Event(child, "growth", "2025-06-10");
  again.id = child.id;
  EXPECT_EQ(w->Add(again).code(), Code::conflict);
}

}  // namespace
}  // namespace u5::store

namespace u5::store {
namespace {

// ListAudit by record finds the entries under the record's id and the answers
// that listed it among others (detail.records, strings only); a detail that
// is not JSON names nothing. SQLite reads its sorted runs and tail, PostgreSQL
// its GIN index over u5_audit_records.
TEST_P(StoreTest, AuditByRecordFindsListedRecordsToo) {
  auto entry = [](const std::string& record_id, const std::string& detail) {
    audit::Entry e = ReadEntry(0);
    e.record_id = record_id;
    e.detail = detail;
    return e;
  };
  ASSERT_TRUE(s->AppendAudit({entry("r1", R"({"via":"handbook"})"),
                              entry("", R"({"via":"list","records":["r1","r2",3]})"),
                              entry("", R"({"via":"list","records":["r3"]})"),
                              entry("", R"(not json "records":["r2"])"),
                              entry("", R"({"via":"list","records":"r2"})")})
                  .ok());
  auto seqs = [&](const std::string& record) {
    AuditQuery q;
    q.record_id = record;
    std::vector<audit::Entry> got;
    EXPECT_TRUE(s->ListAudit(q, &got).ok());
    std::vector<int64_t> out;
    for (const auto& e : got) out.push_back(e.seq);
    return out;
  };
  EXPECT_EQ(seqs("r1"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(seqs("r2"), (std::vector<int64_t>{2}));
  EXPECT_EQ(seqs("r3"), (std::vector<int64_t>{3}));
  EXPECT_TRUE(seqs("3").empty()) << "a number in detail.records is no record id";
  int64_t checked = 0;
  Status st = s->VerifyAudit(&checked);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(checked, 5);
}

}  // namespace
}  // namespace u5::store
