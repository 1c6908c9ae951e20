// The indicator engine's snapshot: a decoded state equals the one encoded and
// a full load; a section that decodes inconsistently is refused, never half-read.
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "lai_chau.h"

namespace u5::test {
namespace {

using Sections = indicator::Engine::Sections;

indicator::Engine::SectionFn From(const Sections& sections) {
  return [&sections](std::string_view name, std::string_view* bytes) {
    for (const auto& [n, b] : sections)
      if (n == name) {
        *bytes = b;
        return Status::Ok();
      }
    return Status::NotFound("no section " + std::string(name));
  };
}

std::unique_ptr<indicator::Engine> NewEngine(Population& pop) {
  return std::make_unique<indicator::Engine>(pop.service().catalogue(),
                                             [&](const std::string& ou) { return indicator::ClosureAncestors(pop.store(), ou); });
}

// Everything a query can read from an engine besides the matrix: deaths by
// every dimension, the scan path (a range period, breakdowns) and the families.
struct Observed {
  std::map<std::tuple<std::string, std::string, int>, indicator::Cell> cells;
  std::map<std::string, std::map<std::string, int64_t>> deaths;
  int64_t deaths_total = 0, deaths_reviewed = 0;
  std::map<std::string, std::map<std::string, indicator::Cell>> scans;
  std::map<std::string, std::string> mothers;
  size_t persons = 0, facts = 0;
  bool operator==(const Observed&) const = default;
};

Observed Observe(Population& pop, const indicator::Engine& e) {
  Observed o;
  o.cells = e.NonZeroCells();
  std::vector<std::string> by(std::begin(indicator::kDeathDimensions), std::end(indicator::kDeathDimensions));
  const indicator::DeathCounts d = e.Deaths("12", Date{DateFromYmd(2020, 1, 1)}, Date{DateFromYmd(2026, 12, 31)}, by);
  o.deaths = d.by;
  o.deaths_total = d.total;
  o.deaths_reviewed = d.reviewed;
  indicator::Period range;
  EXPECT_TRUE(indicator::ParsePeriod("2024-11-15..2025-09-30", &range).ok());
  const auto& inds = pop.service().catalogue().indicators();
  for (size_t i = 0; i < inds.size(); ++i) {
    if (!inds[i].computable) continue;
    const indicator::Cell c = e.Value(static_cast<int>(i), "12", range);
    if (c.num || c.den) o.scans["value/" + inds[i].id]["12"] = c;
    for (const char* by_dim : {"sex", "ethnicity", "age_band", "orgunit"})
      for (const auto& [k, v] : e.Breakdown(static_cast<int>(i), "12", range, by_dim)) o.scans[inds[i].id + "/" + by_dim][k] = v;
  }
  for (const char* k : {"C2", "C4", "C5", "C6", "C7", "C8"})
    if (pop.Has(k)) o.mothers[k] = e.MotherOf(pop.Id(k));
  o.persons = e.person_count();
  o.facts = e.fact_count();
  return o;
}

class IndicatorSnapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    BuildLaiChau(pop_);
    ASSERT_TRUE(pop_.service().Refresh().ok());
  }
  Population pop_;
};

TEST_F(IndicatorSnapshot, DecodedStateEqualsTheEncodedOneAndAFullLoad) {
  const indicator::Engine& built = pop_.service().engine();
  const Observed original = Observe(pop_, built);
  ASSERT_FALSE(original.cells.empty());
  ASSERT_GT(original.deaths_total, 0);
  ASSERT_FALSE(original.mothers.empty());

  const Sections sections = built.Encode();
  auto decoded = NewEngine(pop_);
  ASSERT_TRUE(decoded->Decode(From(sections)).ok());
  EXPECT_EQ(Observe(pop_, *decoded), original);

  auto full = NewEngine(pop_);
  ASSERT_TRUE(indicator::LoadAll(pop_.store(), full.get()).ok());
  EXPECT_EQ(Observe(pop_, *full), original);

  // A decoded engine is a working engine: replacing a person moves it as it moves a loaded one.
  indicator::PersonRecords w1;
  bool found = false;
  ASSERT_TRUE(indicator::ReadFamily(pop_.store(), *decoded, pop_.Id("W1"), &w1, &found).ok());
  ASSERT_TRUE(found);
  decoded->ReplacePerson(pop_.Id("W1"), nullptr);
  full->ReplacePerson(pop_.Id("W1"), nullptr);
  EXPECT_EQ(decoded->NonZeroCells(), full->NonZeroCells());
  EXPECT_NE(decoded->NonZeroCells(), original.cells);
  decoded->ReplacePerson(pop_.Id("W1"), &w1);
  EXPECT_EQ(decoded->NonZeroCells(), original.cells);

  // Encoding a decoded engine gives the same bytes but for hash-map order: decode it again.
  auto again = NewEngine(pop_);
  ASSERT_TRUE(again->Decode(From(decoded->Encode())).ok());
  EXPECT_EQ(Observe(pop_, *again), original);
}

TEST_F(IndicatorSnapshot, AMissingSectionIsInvalidAndLeavesTheEngineEmpty) {
  const Sections sections = pop_.service().engine().Encode();
  for (size_t skip = 0; skip < sections.size(); ++skip) {
    Sections less = sections;
    less.erase(less.begin() + static_cast<ptrdiff_t>(skip));
    auto e = NewEngine(pop_);
    const Status st = e->Decode(From(less));
    EXPECT_EQ(st.code(), Code::invalid) << sections[skip].first;
    EXPECT_EQ(e->person_count(), 0u) << sections[skip].first;
    EXPECT_TRUE(e->NonZeroCells().empty()) << sections[skip].first;
  }
}

TEST_F(IndicatorSnapshot, TruncatedSectionsAreInvalid) {
  const Sections sections = pop_.service().engine().Encode();
  for (size_t s = 0; s < sections.size(); ++s) {
    const size_t len = sections[s].second.size();
    for (size_t cut : {size_t{0}, size_t{1}, len / 3, len / 2, len - 1}) {
      if (cut >= len) continue;
      Sections bad = sections;
      bad[s].second.resize(cut);
      auto e = NewEngine(pop_);
      EXPECT_EQ(e->Decode(From(bad)).code(), Code::invalid) << sections[s].first << " cut at " << cut;
      EXPECT_EQ(e->fact_count(), 0u);
    }
  }
}

TEST_F(IndicatorSnapshot, AlteredBytesNeverCrashAndAnInvalidDecodeLeavesNothing) {
  // What passes a CRC yet does not hold together (a writer's bug): every byte
  // of every section set to values that make indices and sizes impossible.
  const Sections sections = pop_.service().engine().Encode();
  size_t refused = 0;
  for (size_t s = 0; s < sections.size(); ++s)
    for (size_t at = 0; at < sections[s].second.size(); at += 1 + sections[s].second.size() / 400)
      for (unsigned char v : {0xffu, 0x7fu, 0x01u}) {
        Sections bad = sections;
        bad[s].second[at] = static_cast<char>(v);
        auto e = NewEngine(pop_);
        const Status st = e->Decode(From(bad));
        if (st.ok()) continue;  // a changed day or weight still decodes: the file's CRC is what catches that
        ++refused;
        EXPECT_EQ(st.code(), Code::invalid);
        EXPECT_EQ(e->person_count(), 0u);
        EXPECT_EQ(e->fact_count(), 0u);
        EXPECT_TRUE(e->NonZeroCells().empty());
      }
  EXPECT_GT(refused, 0u);
}

TEST_F(IndicatorSnapshot, AFactOutOfRangeIsInvalid) {
  const Sections sections = pop_.service().engine().Encode();
  size_t facts = 0;
  while (sections[facts].first != "facts") ++facts;
  ASSERT_GE(sections[facts].second.size(), sizeof(indicator::Fact));
  indicator::Fact f;
  std::memcpy(&f, sections[facts].second.data(), sizeof f);
  for (int which = 0; which < 2; ++which) {
    indicator::Fact g = f;
    if (which == 0) g.ou = 1u << 30;
    else g.ind = 60000;
    Sections bad = sections;
    std::memcpy(bad[facts].second.data(), &g, sizeof g);
    auto e = NewEngine(pop_);
    EXPECT_EQ(e->Decode(From(bad)).code(), Code::invalid) << which;
  }
}

}  // namespace
}  // namespace u5::test
