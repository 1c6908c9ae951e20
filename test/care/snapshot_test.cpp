// The care engine's snapshot (Service::Save / Load through snapshot::Keeper):
// a start from it, plus the persons the change log names since, shows exactly
// what a rebuild from the database shows; a snapshot of another schedule, or
// one that does not verify or decode, is rebuilt, never used.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "care/service.h"
#include "care/worklist.h"
#include "population.h"
#include "support/temp_dir.h"

namespace u5::test {
namespace {

namespace fs = std::filesystem;

// A small commune's people: children (some with a mother), women with
// pregnancies, visits, deliveries, doses (some too early: not counted),
// malnutrition, illness, a low-birth-weight newborn, a death.
void Populate(Population& pop) {
  pop.Person("M1", "female", "1994-01-01", "03390", {{"phone", "0912345678"}, {"village", "Bản Hon"}});
  pop.Person("M2", "female", "1990-05-05", "03388");
  pop.Event("P1", "pregnancy", "M1", "2026-03-01", "03390", {{"lmp", "2026-01-10"}, {"risk_factors", {"hypertension"}}});
  pop.Event("A1", "anc_visit", "M1", "2026-04-01", "03390", {{"pregnancy_id", "P1"}, {"tetanus_dose", 1}});
  pop.Event("P2", "pregnancy", "M2", "2025-01-15", "03388", {{"lmp", "2024-11-20"}});
  pop.Event("D2", "delivery", "M2", "2025-08-20", "03388",
            {{"pregnancy_id", "P2"}, {"delivered_at", "2025-08-20T10:00:00+07:00"}, {"place", "facility"},
             {"attendant", "midwife"}, {"live_births", 1}, {"stillbirths", 0}});
  pop.Person("C1", "male", "2025-08-20", "03388", {{"mother_id", "M2"}, {"village", "Bản Lả"}});
  pop.Event("N1", "newborn", "C1", "2025-08-20", "03388", {{"birth_weight_g", 2100}, {"hepb_birth_dose_24h", true}});
  pop.Event("I1", "immunization", "C1", "2025-08-25", "03388", {{"vaccine", "bcg"}, {"dose", 1}});
  pop.Event("I2", "immunization", "C1", "2025-09-01", "03388", {{"vaccine", "dtp_hepb_hib"}, {"dose", 1}});  // too early
  pop.Event("G1", "growth", "C1", "2026-01-10", "03388", {{"weight_kg", 5.0}, {"length_cm", 62.0}, {"measure", "l"}});
  pop.Person("C2", "female", "2023-02-03", "03390", {{"village", "Bản Hon"}});
  pop.Event("L2", "illness", "C2", "2026-11-01", "03390", {{"kind", "pneumonia"}, {"antibiotic", false}});
  pop.Event("V2", "vitamin_a", "C2", "2024-06-10", "03390", {{"dose_iu", 100000}});
  pop.Person("C3", "male", "2022-07-07", "03390");
  pop.Event("X3", "death", "C3", "2024-01-01", "03390", {{"reviewed", false}, {"cause_category", "pneumonia"}});
  std::mt19937 rng(7);
  for (int i = 0; i < 30; ++i) {
    const std::string k = "R" + std::to_string(i);
    const std::string birth = FormatDate(Date{DateFromYmd(2021, 6, 1).days + static_cast<int>(rng() % 1900)});
    pop.Person(k, i % 2 ? "male" : "female", birth, i % 3 ? "03390" : "03388");
    if (i % 4 == 0) pop.Event(k + "i", "immunization", k, FormatDate(Date{ParseDate(birth)->days + 70}), "03390",
                              {{"vaccine", "opv"}, {"dose", 1}});
  }
}

// Everything the service shows: each person's fields, plan on several days,
// every alert, bounds; and the worklists of each commune.
std::string Shown(care::Service& svc) {
  std::string out;
  std::map<std::string, std::string> by_person;
  EXPECT_TRUE(svc.ForEachIn("VN", [&](const care::Entry& e) {
    std::string s = e.person.orgunit + "|" + e.person.village + "|" + e.person.full_name + "|" + e.person.sex + "|" +
                    e.person.phone + "|" + e.person.mother_id + "|" + FormatDate(e.person.birth) + "|" +
                    std::to_string(e.plan.dead) + std::to_string(e.plan.child) + "|" + std::to_string(e.wake.days) + "," +
                    std::to_string(e.until.days);
    for (const char* day : {"2024-06-15", "2025-09-10", "2026-11-26", "2027-03-01"}) {
      s += day;
      for (const auto& v : care::Evaluate(e.plan, *ParseDate(day)).items) s += care::ItemJson(svc.schedule(), v).dump();
    }
    for (const auto& a : e.alerts) s += care::AlertJson(a).dump() + (a.until ? FormatDate(*a.until) : "-");
    by_person[e.person.id] = s;
  }).ok());
  for (const auto& [id, s] : by_person) out += id + " " + s + "\n";
  for (const char* ou : {"03390", "03388"})
    for (auto list : {care::WorkListKind::current, care::WorkListKind::long_lost}) {
      care::Worklist w;
      care::WorklistQuery q{ou, *ParseDate("2026-11-26"), *ParseDate("2026-12-02"), ""};
      q.list = list;
      EXPECT_TRUE(care::BuildWorklist(svc, q, &w).ok());
      out += care::WorklistJson(svc.schedule(), w).dump() + "\n";
    }
  return out;
}

std::string Rebuilt(Population& pop, const std::string& data_dir = "") {
  std::unique_ptr<care::Service> svc;
  EXPECT_TRUE(care::Service::Open(pop.store(), data_dir, &svc).ok());
  EXPECT_TRUE(svc->Rebuild().ok());
  return Shown(*svc);
}

// A service started with the snapshot at `path`, and how its start went.
std::unique_ptr<care::Service> Started(Population& pop, const std::string& path, snapshot::StartReport* report,
                                       const std::string& data_dir = "") {
  std::unique_ptr<care::Service> svc;
  EXPECT_TRUE(care::Service::Open(pop.store(), data_dir, &svc).ok());
  svc->SetSnapshotPath(path);
  EXPECT_TRUE(svc->Refresh().ok());
  *report = svc->start_report();
  return svc;
}

struct CareSnapshot : public OnEachStore {
  Population pop{GetParam()};
  TempDir dir;
  std::string path;
  void SetUp() override {
    Populate(pop);
    fs::create_directories(dir.File("u5.db.engines"));
    path = dir.File("u5.db.engines") + "/care.snap";
  }
};

TEST_P(CareSnapshot, LoadedEqualsSavedAndARebuild) {
  snapshot::StartReport r;
  auto first = Started(pop, path, &r);
  EXPECT_FALSE(r.from_snapshot);
  EXPECT_EQ(r.rejected, "absent");
  ASSERT_TRUE(fs::exists(path));  // a rebuild writes one at once
  const std::string rebuilt = Rebuilt(pop);
  EXPECT_EQ(Shown(*first), rebuilt);
  auto second = Started(pop, path, &r);
  EXPECT_TRUE(r.from_snapshot) << r.rejected;
  EXPECT_EQ(r.replayed, 0u);
  EXPECT_EQ(Shown(*second), rebuilt);
  // A snapshot decoded is saved again byte for byte the same state.
  ASSERT_TRUE(second->Checkpoint().ok());
  auto third = Started(pop, path, &r);
  EXPECT_TRUE(r.from_snapshot);
  EXPECT_EQ(Shown(*third), rebuilt);
}

// A checkpoint before the first build (the server's thread started early)
// does nothing: the keeper, not started, would rebuild beside the first build.
TEST_P(CareSnapshot, CheckpointBeforeTheFirstBuildWritesNothing) {
  std::unique_ptr<care::Service> svc;
  ASSERT_TRUE(care::Service::Open(pop.store(), "", &svc).ok());
  svc->SetSnapshotPath(path);
  int64_t seq = -1;
  ASSERT_TRUE(svc->Checkpoint(&seq).ok());
  EXPECT_EQ(seq, 0);
  EXPECT_FALSE(fs::exists(path));
  ASSERT_TRUE(svc->Refresh().ok());
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(Shown(*svc), Rebuilt(pop));
}

TEST_P(CareSnapshot, ReplayAfterWritesEqualsARebuild) {
  snapshot::StartReport r;
  auto first = Started(pop, path, &r);
  ASSERT_TRUE(fs::exists(path));
  const std::string before = Shown(*first);
  // Writes the snapshot does not hold: an insert, updates, a soft delete, an
  // event moved to another person, a new mother/child link.
  pop.Person("NEW", "female", "2026-10-01", "03390", {{"village", "Bản Mới"}});
  pop.Event("NEWi", "immunization", "NEW", "2026-10-02", "03390", {{"vaccine", "bcg"}, {"dose", 1}});
  pop.Update("G1", {{"date", "2026-02-10"}});
  pop.Update("C2", {{"orgunit", "03388"}});
  pop.Delete("R3");
  pop.Update("L2", {{"person_id", "R1"}});
  pop.Update("C2", {{"mother_id", "M1"}});
  pop.Event("A2", "anc_visit", "M1", "2026-06-01", "03390", {{"pregnancy_id", "P1"}, {"risk_detected", true}});
  const std::string rebuilt = Rebuilt(pop);
  ASSERT_NE(rebuilt, before);  // the writes show, so the comparison below can fail
  auto second = Started(pop, path, &r);
  EXPECT_TRUE(r.from_snapshot) << r.rejected;
  EXPECT_GE(r.replayed, 5u);
  EXPECT_EQ(Shown(*second), rebuilt);
  // The first service, kept current by the listener, checkpoints: the next start replays nothing.
  ASSERT_TRUE(first->Refresh().ok());
  EXPECT_EQ(Shown(*first), rebuilt);
  int64_t seq = 0;
  ASSERT_TRUE(first->Checkpoint(&seq).ok());
  EXPECT_GT(seq, 0);
  auto third = Started(pop, path, &r);
  EXPECT_TRUE(r.from_snapshot);
  EXPECT_EQ(r.replayed, 0u);
  EXPECT_EQ(Shown(*third), rebuilt);
}

TEST_P(CareSnapshot, AnotherScheduleIsRebuilt) {
  snapshot::StartReport r;
  auto first = Started(pop, path, &r);
  // The same schedules but one threshold: plans and alerts differ.
  const std::string data = dir.File("data");
  fs::create_directories(data + "/schedules");
  for (const char* f : {"epi.json", "care.json", "alerts.json"})
    fs::copy_file(std::string(U5_SCHEDULE_DIR) + "/" + f, data + "/schedules/" + f);
  {
    std::ifstream in(data + "/schedules/alerts.json");
    nlohmann::json j = nlohmann::json::parse(in);
    bool changed = false;
    std::function<void(nlohmann::json&)> edit = [&](nlohmann::json& x) {
      for (auto it = x.begin(); it != x.end(); ++it) {
        if (it.key() == "untreated_illness_days" && it->is_number()) *it = 3, changed = true;
        else if (it->is_object()) edit(*it);
      }
    };
    edit(j);
    ASSERT_TRUE(changed);
    std::ofstream(data + "/schedules/alerts.json") << j.dump(2);
  }
  const std::string rebuilt = Rebuilt(pop, data);
  ASSERT_NE(rebuilt, Shown(*first));
  auto second = Started(pop, path, &r, data);
  EXPECT_FALSE(r.from_snapshot);
  EXPECT_EQ(r.rejected, "computed from other definitions");
  EXPECT_EQ(Shown(*second), rebuilt);
}

TEST_P(CareSnapshot, CorruptFileIsRebuilt) {
  snapshot::StartReport r;
  auto first = Started(pop, path, &r);
  const std::string rebuilt = Shown(*first);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 200u);
  bytes[bytes.size() / 2] ^= 0x20;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  auto second = Started(pop, path, &r);
  EXPECT_FALSE(r.from_snapshot);
  EXPECT_FALSE(r.rejected.empty());
  EXPECT_EQ(Shown(*second), rebuilt);
  // And rewritten: the next start uses it.
  auto third = Started(pop, path, &r);
  EXPECT_TRUE(r.from_snapshot) << r.rejected;
  EXPECT_EQ(Shown(*third), rebuilt);
}

// Sections that pass their CRC but do not decode (cut, bytes changed) are
// refused with Invalid, never read out of bounds, and leave the service as it was.
TEST_P(CareSnapshot, InconsistentSectionsAreRefused) {
  snapshot::StartReport r;
  auto svc = Started(pop, path, &r);
  const std::string shown = Shown(*svc);
  std::unique_ptr<snapshot::Reader> good;
  ASSERT_TRUE(snapshot::Reader::Open(path, &good).ok());
  std::vector<std::string> names = {"meta", "names", "shapes", "blocks.0"};
  std::mt19937 rng(3);
  size_t refused = 0, tries = 0;
  for (const auto& victim : names)
    for (int k = 0; k < 40; ++k) {
      const std::string altered = path + ".altered";
      {
        std::unique_ptr<snapshot::Writer> w;
        ASSERT_TRUE(snapshot::Writer::Create(altered, good->header(), &w).ok());
        for (const auto& n : names) {
          std::string_view bytes;
          ASSERT_TRUE(good->Section(n, &bytes).ok()) << n;
          std::string b(bytes);
          if (n == victim) {
            if (k % 4 == 0) b.resize(rng() % b.size());                          // cut
            else if (k % 4 == 1) b.append("\x07\x00\x00\x00", 4);               // trailing bytes
            else for (int j = 0; j < 1 + k % 3; ++j) b[rng() % b.size()] ^= static_cast<char>(1 + rng() % 255);
          }
          ASSERT_TRUE(w->Section(n, b).ok());
        }
        ASSERT_TRUE(w->Commit().ok());
      }
      std::unique_ptr<snapshot::Reader> reader;
      ASSERT_TRUE(snapshot::Reader::Open(altered, &reader).ok());
      ++tries;
      const Status st = svc->Load(*reader);
      if (!st.ok()) {
        ++refused;
        EXPECT_EQ(st.code(), Code::invalid) << st.ToString();
        EXPECT_EQ(Shown(*svc), shown);  // nothing changed
      }
      // A load that succeeds (a changed date, a changed letter) stands: the file's CRC is what guards contents.
      ASSERT_TRUE(svc->Rebuild().ok());
    }
  EXPECT_GT(refused, tries / 2);
}

U5_ON_BOTH_STORES(CareSnapshot);

}  // namespace
}  // namespace u5::test
