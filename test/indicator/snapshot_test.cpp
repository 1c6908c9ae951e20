// The indicator engine's snapshot: a decoded state equals the one encoded and
// a full load; a section that decodes inconsistently is refused, never half-read.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "indicator/cli.h"
#include "lai_chau.h"
#include "support/temp_dir.h"

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

class IndicatorSnapshot : public OnEachStore {
 protected:
  void SetUp() override {
    BuildLaiChau(pop_);
    ASSERT_TRUE(pop_.service().Refresh().ok());
  }
  Population pop_{GetParam()};
};

TEST_P(IndicatorSnapshot, DecodedStateEqualsTheEncodedOneAndAFullLoad) {
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

TEST_P(IndicatorSnapshot, TheStoredMatrixIsRecomputedWhenTheAncestorsChanged) {
  // As if the org unit tree changed after the snapshot: the store no longer
  // puts the communes under province 12, so the stored cells cannot hold.
  auto moved = [&](const std::string& ou) {
    std::vector<std::string> a = indicator::ClosureAncestors(pop_.store(), ou);
    a.erase(std::remove(a.begin(), a.end(), "12"), a.end());
    return a;
  };
  const Sections sections = pop_.service().engine().Encode();
  indicator::Engine decoded(pop_.service().catalogue(), moved), full(pop_.service().catalogue(), moved);
  ASSERT_TRUE(decoded.Decode(From(sections)).ok());
  ASSERT_TRUE(indicator::LoadAll(pop_.store(), &full).ok());
  EXPECT_EQ(decoded.NonZeroCells(), full.NonZeroCells());
  EXPECT_NE(decoded.NonZeroCells(), pop_.service().engine().NonZeroCells());
}

TEST_P(IndicatorSnapshot, AMissingSectionIsInvalidAndLeavesTheEngineEmpty) {
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

TEST_P(IndicatorSnapshot, TruncatedSectionsAreInvalid) {
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

TEST_P(IndicatorSnapshot, AlteredBytesNeverCrashAndAnInvalidDecodeLeavesNothing) {
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

TEST_P(IndicatorSnapshot, AFactOutOfRangeIsInvalid) {
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

U5_ON_SQLITE_ONLY(IndicatorSnapshot);

// The service's first build from a snapshot (snapshot::Keeper) and the CLI's.

Observed FullLoad(Population& pop) {
  auto e = NewEngine(pop);
  EXPECT_TRUE(indicator::LoadAll(pop.store(), e.get()).ok());
  return Observe(pop, *e);
}

std::unique_ptr<indicator::Service> OpenWithSnapshot(Population& pop, const std::string& data_dir = U5_DATA_DIR) {
  std::unique_ptr<indicator::Service> svc;
  EXPECT_TRUE(indicator::Service::Open(pop.store(), data_dir, &svc, indicator::Service::SnapshotPath(pop.engines_dir())).ok());
  EXPECT_TRUE(svc->Refresh().ok());
  return svc;
}

// Writes of every kind a replay must get right: an insert, an update, a soft
// delete, an event moved to another person, a child linked to another mother.
void WritesAfterTheSnapshot(Population& pop) {
  pop.Event("XN", "death", "C4", "2025-12-30", "pre2025:03412", {{"cause_category", "pneumonia"}});
  pop.Update("G42", {{"orgunit", "03390"}});
  pop.Delete("D5");
  pop.Update("V5", {{"person_id", "W4"}});
  pop.Person("C9", "male", "2025-06-30", "03388", {{"mother_id", "W4"}});
  pop.Event("N9", "newborn", "C9", "2025-06-30", "03388", {{"delivery_id", "D4"}, {"birth_weight_g", 2900}});
  pop.Event("V9", "postnatal_visit", "C9", "2025-07-02", "03388", {{"place", "home"}, {"visitor", "health_worker"}});
  pop.Update("C9", {{"mother_id", "W5"}});
}

class IndicatorServiceSnapshot : public IndicatorSnapshot {};

TEST_P(IndicatorServiceSnapshot, AStartReadsTheSnapshotAndReplaysTheWritesAfterIt) {
  const Observed first_state = FullLoad(pop_);
  {
    auto svc = OpenWithSnapshot(pop_);
    EXPECT_FALSE(svc->start_report().from_snapshot);  // none yet: rebuilt, and one written
    EXPECT_EQ(Observe(pop_, svc->engine()), first_state);
  }
  ASSERT_TRUE(std::filesystem::exists(indicator::Service::SnapshotPath(pop_.engines_dir())));
  {
    auto svc = OpenWithSnapshot(pop_);
    EXPECT_TRUE(svc->start_report().from_snapshot) << svc->start_report().rejected;
    EXPECT_EQ(svc->start_report().replayed, 0u);
    EXPECT_EQ(Observe(pop_, svc->engine()), first_state);
  }
  WritesAfterTheSnapshot(pop_);
  const Observed now = FullLoad(pop_);
  ASSERT_NE(now, first_state);
  auto svc = OpenWithSnapshot(pop_);
  EXPECT_TRUE(svc->start_report().from_snapshot) << svc->start_report().rejected;
  EXPECT_GT(svc->start_report().replayed, 0u);
  EXPECT_EQ(Observe(pop_, svc->engine()), now);

  // A checkpoint after a later write replays it and writes the state; the next start replays nothing.
  pop_.Delete("X6");
  const Observed later = FullLoad(pop_);
  bool written = false;
  int64_t seq = 0;
  ASSERT_TRUE(svc->Checkpoint(&seq, &written).ok());
  EXPECT_TRUE(written);
  EXPECT_GT(seq, 0);
  EXPECT_EQ(Observe(pop_, svc->engine()), later);
  ASSERT_TRUE(svc->Checkpoint(nullptr, &written).ok());
  EXPECT_FALSE(written);
  auto next = OpenWithSnapshot(pop_);
  EXPECT_TRUE(next->start_report().from_snapshot);
  EXPECT_EQ(next->start_report().replayed, 0u);
  EXPECT_EQ(Observe(pop_, next->engine()), later);
}

TEST_P(IndicatorServiceSnapshot, ASnapshotOfAnotherCatalogueIsRebuilt) {
  OpenWithSnapshot(pop_);
  // The same rules in other bytes: the digest differs, so the file is not trusted.
  TempDir data;
  std::filesystem::create_directories(data.File("indicators"));
  std::ofstream(data.File("indicators/catalogue.json")) << indicator::kBuiltinCatalogue << "\n";
  auto svc = OpenWithSnapshot(pop_, data.path());
  EXPECT_FALSE(svc->start_report().from_snapshot);
  EXPECT_NE(svc->start_report().rejected, "");
  EXPECT_EQ(Observe(pop_, svc->engine()), FullLoad(pop_));
}

TEST_P(IndicatorServiceSnapshot, ACorruptSnapshotIsRebuiltWithTheSameFigures) {
  OpenWithSnapshot(pop_);
  const std::string path = indicator::Service::SnapshotPath(pop_.engines_dir());
  const auto size = std::filesystem::file_size(path);
  ASSERT_GT(size, 64u);
  for (auto at : {size / 2, size - 3}) {
    {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(static_cast<std::streamoff>(at));
      char c = 0;
      f.read(&c, 1);
      c = static_cast<char>(c ^ 0x5a);
      f.seekp(static_cast<std::streamoff>(at));
      f.write(&c, 1);
    }
    auto svc = OpenWithSnapshot(pop_);
    EXPECT_FALSE(svc->start_report().from_snapshot) << "byte " << at;
    EXPECT_NE(svc->start_report().rejected, "") << "byte " << at;
    EXPECT_EQ(Observe(pop_, svc->engine()), FullLoad(pop_)) << "byte " << at;
  }
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  auto svc = OpenWithSnapshot(pop_);
  EXPECT_FALSE(svc->start_report().from_snapshot);
  EXPECT_EQ(Observe(pop_, svc->engine()), FullLoad(pop_));
  // The rebuild wrote a good file again.
  auto again = OpenWithSnapshot(pop_);
  EXPECT_TRUE(again->start_report().from_snapshot) << again->start_report().rejected;
}

TEST_P(IndicatorServiceSnapshot, ASnapshotThatCannotBeWrittenStillGivesTheFigures) {
  const Observed full = FullLoad(pop_);
  // A folder that cannot be made (a file stands in its way).
  TempDir dir;
  std::ofstream(dir.File("file")) << "x";
  std::unique_ptr<indicator::Service> svc;
  ASSERT_TRUE(indicator::Service::Open(pop_.store(), U5_DATA_DIR, &svc, dir.File("file") + "/indicators.snap").ok());
  ASSERT_TRUE(svc->Refresh().ok());
  EXPECT_EQ(Observe(pop_, svc->engine()), full);
  // A file that cannot be put in place (a folder with something in it stands at its name).
  const std::string path = dir.File("engines/indicators.snap");
  std::filesystem::create_directories(path + "/in-the-way");
  std::unique_ptr<indicator::Service> blocked;
  ASSERT_TRUE(indicator::Service::Open(pop_.store(), U5_DATA_DIR, &blocked, path).ok());
  ASSERT_TRUE(blocked->Refresh().ok());
  EXPECT_FALSE(blocked->start_report().from_snapshot);
  EXPECT_NE(blocked->start_report().rejected, "");
  EXPECT_EQ(Observe(pop_, blocked->engine()), full);
  EXPECT_FALSE(std::filesystem::is_regular_file(path));
}

TEST_P(IndicatorServiceSnapshot, TheCliUsesAndWritesTheSnapshot) {
  indicator::CliOptions o;
  o.engines_dir = pop_.engines_dir();
  o.data_dir = U5_DATA_DIR;
  o.orgunit = "12";
  o.period = "2025";
  std::ostringstream cold, warm, err;
  ASSERT_EQ(indicator::RunIndicatorsCommand(pop_.store(), o, cold, err), 0) << err.str();
  ASSERT_TRUE(std::filesystem::exists(indicator::Service::SnapshotPath(pop_.engines_dir())));
  pop_.Delete("X6");
  ASSERT_EQ(indicator::RunIndicatorsCommand(pop_.store(), o, warm, err), 0) << err.str();
  // Figures as a process without any snapshot gives them.
  std::ostringstream plain;
  o.engines_dir.clear();
  ASSERT_EQ(indicator::RunIndicatorsCommand(pop_.store(), o, plain, err), 0) << err.str();
  EXPECT_EQ(warm.str(), plain.str());
  EXPECT_NE(warm.str(), cold.str());
}

U5_ON_BOTH_STORES(IndicatorServiceSnapshot);

}  // namespace
}  // namespace u5::test
