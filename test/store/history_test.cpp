// Store::ForEachHistory: each living person once with their live events of
// the asked types in date order, whether the events are held while the table
// is scanned or (past the buffer budget) read in person order on SQLite, or
// read in key-ordered chunks on PostgreSQL.
#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "core/id.h"
#include "core/text.h"
#include "store/store.h"
#include "store/pg_store.h"
#include "support/store_kind.h"

namespace u5::store {
namespace {

Record Person(const std::string& name, const nlohmann::json& extra) {
  Record r;
  r.type = "person";
  r.id = NewUuid7();
  r.orgunit_id = "03390";
  r.full_name = name;
  r.name_folded = text::Fold(name);
  r.sex = "female";
  r.date = "1996-04-12";
  r.version = 1;
  r.created_at = r.updated_at = "2026-01-01T00:00:00.000Z";
  nlohmann::json body = {{"id", r.id}, {"full_name", name}};
  if (extra.is_object()) body.update(extra);
  r.body = body.dump();
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
  r.body = nlohmann::json{{"id", r.id}, {"date", date}, {"pad", std::string(200, 'x')}}.dump();
  return r;
}

// What a pass hands over, by person id: "village|event dates and types".
std::map<std::string, std::string> Pass(Store& s, const HistoryQuery& q) {
  std::map<std::string, std::string> out;
  Status st = s.ForEachHistory(q, [&](const PersonRow& p, std::span<const EventRow> events) {
    EXPECT_EQ(out.count(std::string(p.id)), 0u) << "a person is handed over once";
    std::string v = p.fields.empty() ? "" : std::string(p.fields[0].value_or("-"));
    for (const EventRow& e : events) {
      v += "|" + std::string(e.date) + " " + std::string(e.type);
      EXPECT_EQ(e.pregnancy_id.has_value(), false);
      EXPECT_NE(e.body.find("\"pad\""), std::string_view::npos);
    }
    out[std::string(p.id)] = v;
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

// The store under test; on SQLite with the buffer budget of the pass.
struct HistoryCase {
  test::StoreKind kind;
  size_t budget = 0;
};

class History : public ::testing::TestWithParam<HistoryCase> {
 protected:
  void SetUp() override {
    Status st;
    if (GetParam().kind == test::StoreKind::sqlite) {
      SqliteOptions o;
      o.history_buffer_bytes = GetParam().budget;
      st = OpenSqliteStore(dir_.File("t.db"), o, &s_);
    } else {
      pg_ = std::make_unique<test::TestPgDatabase>();
      st = OpenPgStore(pg_->uri(), PgOptions{}, &s_);
    }
    ASSERT_TRUE(st.ok()) << st.ToString();
    test::SeedMiniOrgUnits(*s_);
  }
  test::TempDir dir_;
  std::unique_ptr<test::TestPgDatabase> pg_;
  std::unique_ptr<Store> s_;
};

TEST_P(History, EachLivingPersonOnceWithLiveEventsInDateOrder) {
  Store* s = s_.get();
  Record a = Person("A", {{"village", "Bản Mế"}}), b = Person("B", {{"village", 3}}), c = Person("C", {}),
         gone = Person("Gone", {{"village", "X"}});
  std::vector<Record> rs = {a, b, c, gone};
  // Interleaved and out of date order, as a live table has them.
  for (int i = 0; i < 30; ++i) {
    const std::string day = "2025-0" + std::to_string(9 - i % 9) + "-1" + std::to_string(i % 10);
    rs.push_back(Event(i % 2 ? a : b, i % 3 ? "growth" : "immunization", day));
    rs.push_back(Event(gone, "growth", day));
  }
  Record dropped = Event(a, "growth", "2024-01-01");
  rs.push_back(dropped);
  ASSERT_TRUE(s->InsertBatch(rs).ok());
  Record out;
  ASSERT_TRUE(s->SoftDelete("person", gone.id, 1, "duplicate", &out).ok());
  ASSERT_TRUE(s->SoftDelete("growth", dropped.id, 1, "mistake", &out).ok());

  HistoryQuery q;
  q.person_fields = {"village"};
  auto got = Pass(*s, q);
  ASSERT_EQ(got.size(), 3u) << "the deleted person is left out";
  EXPECT_EQ(got[c.id], "-");
  EXPECT_TRUE(got[a.id].rfind("Bản Mế|", 0) == 0) << got[a.id];
  EXPECT_TRUE(got[b.id].rfind("-|", 0) == 0) << "a number is not handed over as text: " << got[b.id];
  for (const auto& [id, v] : got) {
    std::vector<std::string> dates;
    for (size_t at = v.find('|'); at != std::string::npos; at = v.find('|', at + 1)) dates.push_back(v.substr(at + 1, 10));
    EXPECT_TRUE(std::is_sorted(dates.begin(), dates.end())) << v;
    if (id != c.id) EXPECT_EQ(dates.size(), 15u) << "the deleted event is left out: " << v;
    EXPECT_EQ(v.find("2024-01-01"), std::string::npos);
  }

  q.event_types = {"immunization"};
  q.person_fields.clear();
  got = Pass(*s, q);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[c.id], "");
  for (const auto& [id, v] : got) EXPECT_EQ(v.find("growth"), std::string::npos) << v;
  EXPECT_EQ(std::count(got[a.id].begin(), got[a.id].end(), '|') + std::count(got[b.id].begin(), got[b.id].end(), '|'), 10);

  // An error from the callback stops the pass.
  int calls = 0;
  Status st = s->ForEachHistory({}, [&](const PersonRow&, std::span<const EventRow>) {
    ++calls;
    return Status::Invalid("x", "stop");
  });
  EXPECT_EQ(st.code(), Code::invalid);
  EXPECT_EQ(calls, 1);
}

// Persons across many chunks of PostgreSQL's pass (and past SQLite's budget):
// each once, with exactly their events, the deleted ones between left out.
TEST_P(History, ManyPersonsEachOnceWithTheirOwnEvents) {
  std::vector<Record> rs;
  std::map<std::string, std::string> want;  // person id -> their event ids in date order
  std::vector<std::string> gone;
  for (int i = 0; i < 2600; ++i) {
    Record p = Person("P" + std::to_string(i), {});
    rs.push_back(p);
    if (i % 7 == 3) {
      gone.push_back(p.id);
      rs.push_back(Event(p, "growth", "2025-01-01"));
      continue;
    }
    std::string& ids = want[p.id];
    for (int k = 0; k < i % 4; ++k) {
      Record e = Event(p, "growth", "2025-0" + std::to_string(9 - k) + "-01");  // stored newest first
      rs.push_back(e);
      ids = e.id + "," + ids;
    }
  }
  ASSERT_TRUE(s_->InsertBatch(rs).ok());
  Record out;
  for (const std::string& id : gone) ASSERT_TRUE(s_->SoftDelete("person", id, 1, "duplicate", &out).ok());

  std::map<std::string, std::string> got;
  Status st = s_->ForEachHistory({}, [&](const PersonRow& p, std::span<const EventRow> events) {
    EXPECT_EQ(got.count(std::string(p.id)), 0u) << "a person is handed over once";
    std::string& ids = got[std::string(p.id)];
    for (const EventRow& e : events) ids += std::string(e.id) + ",";
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want) << "every living person with exactly their events, in date order";
}

// The default budget holds everything; 600 bytes passes it within the first
// person's events, so the rest is read in person order. PostgreSQL has no budget.
INSTANTIATE_TEST_SUITE_P(Held, History, ::testing::Values(HistoryCase{test::StoreKind::sqlite, size_t{256} << 20}),
                         [](const auto&) { return std::string("sqlite"); });
INSTANTIATE_TEST_SUITE_P(PersonOrder, History, ::testing::Values(HistoryCase{test::StoreKind::sqlite, size_t{600}}),
                         [](const auto&) { return std::string("sqlite"); });
INSTANTIATE_TEST_SUITE_P(Chunks, History, ::testing::Values(HistoryCase{test::StoreKind::postgres}),
                         [](const auto&) { return std::string("postgres"); });

}  // namespace
}  // namespace u5::store
