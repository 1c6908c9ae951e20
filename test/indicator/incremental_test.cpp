// Property: after a random sequence of inserts, updates and deletes, the
// incrementally maintained matrix equals a full recompute from the database.
#include <gtest/gtest.h>

#include <random>

#include "lai_chau.h"

namespace u5::test {
namespace {

std::map<std::tuple<std::string, std::string, int>, indicator::Cell> FullRecompute(Population& pop) {
  indicator::Engine engine(pop.service().catalogue(), [&](const std::string& ou) { return indicator::ClosureAncestors(pop.store(), ou); });
  EXPECT_TRUE(indicator::LoadAll(pop.store(), &engine).ok());
  return engine.NonZeroCells();
}

std::string Day(std::mt19937& rng, int from_year, int to_year) {
  std::uniform_int_distribution<int> d(DateFromYmd(from_year, 1, 1).days, DateFromYmd(to_year, 10, 31).days);
  return FormatDate(Date{d(rng)});
}

void RandomOps(Population& pop, uint32_t seed, int n_ops) {
  std::mt19937 rng(seed);
  const std::vector<std::string> communes = {"03390", "03388", "pre2025:03412", "pre2025:03413", "14"};
  std::vector<std::string> women = {"W1", "W2", "W3", "W4", "W5"}, children = {"C2", "C4", "C5", "C6"};
  std::vector<std::pair<std::string, std::string>> events;  // key, type
  // Deliveries (key, woman, date) whose newborns' records count in the mother's
  // facts (week-1 postnatal home care): writes to a child must move the mother.
  std::vector<std::tuple<std::string, std::string, std::string>> deliveries;
  auto pick = [&](const auto& v) { return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)]; };
  int next = 0;
  for (int op = 0; op < n_ops; ++op) {
    const std::string key = "R" + std::to_string(next++);
    const int kind = std::uniform_int_distribution<int>(0, 12)(rng);
    try {
      if (kind == 0) {
        pop.Person(key, rng() % 2 ? "male" : "female", Day(rng, 2021, 2025), pick(communes), {{"ethnicity", rng() % 2 ? "01" : "05"}});
        children.push_back(key);
      } else if (kind == 1) {
        const std::string w = "W" + key;
        pop.Person(w, "female", "1994-01-01", pick(communes));
        women.push_back(w);
        const std::string lmp = Day(rng, 2022, 2024);
        pop.Event(key + "p", "pregnancy", w, FormatDate(Date{ParseDate(lmp)->days + 60}), pick(communes), {{"lmp", lmp}});
        const std::string dd = FormatDate(Date{ParseDate(lmp)->days + 270});
        pop.Event(key + "a", "anc_visit", w, FormatDate(Date{ParseDate(lmp)->days + 80}), pick(communes), {{"pregnancy_id", key + "p"}, {"hemoglobin_g_dl", 9.0 + rng() % 5}});
        pop.Event(key, "delivery", w, dd, pick(communes),
                  {{"pregnancy_id", key + "p"}, {"delivered_at", dd + "T10:00:00+07:00"}, {"place", rng() % 2 ? "facility" : "home"},
                   {"attendant", rng() % 2 ? "midwife" : "nurse"}, {"live_births", static_cast<int>(rng() % 3)}, {"stillbirths", 1}});
        events.emplace_back(key, "delivery");
        deliveries.emplace_back(key, w, dd);
      } else if (kind == 10 && !deliveries.empty()) {
        // A newborn of a delivery (born on its day, linked by delivery_id), maybe visited at home.
        const auto [d, w, day] = pick(deliveries);
        if (!pop.Has(d) || !pop.Has(w)) continue;
        const std::string c = "C" + key;
        pop.Person(c, rng() % 2 ? "male" : "female", day, pick(communes), {{"mother_id", w}});
        children.push_back(c);
        pop.Event(key, "newborn", c, day, pick(communes), {{"delivery_id", d}});
        events.emplace_back(key, "newborn");
      } else if ((kind == 11 || kind == 12) && !deliveries.empty()) {
        // A postnatal visit to a mother or to one of the children, in or after the first week.
        const auto [d, w, day] = pick(deliveries);
        const std::string who = kind == 11 ? w : pick(children);
        const int after = static_cast<int>(rng() % 10);
        pop.Event(key, "postnatal_visit", who, FormatDate(Date{ParseDate(day)->days + after}), pick(communes),
                  {{"place", rng() % 4 ? "home" : "facility"}, {"visitor", rng() % 2 ? "health_worker" : "village_health_worker"}});
        events.emplace_back(key, "postnatal_visit");
      } else if (kind == 2 || kind == 3) {
        const std::string c = pick(children);
        const char* types[] = {"death", "growth", "illness", "vitamin_a", "immunization"};
        const std::string type = types[rng() % 5];
        nlohmann::json f;
        if (type == "death") f = {{"reviewed", rng() % 2 == 0}, {"cause_category", rng() % 2 ? "injury_drowning" : "pneumonia"}};
        if (type == "growth") f = {{"weight_kg", 4.0 + rng() % 10}, {"length_cm", 50.0 + rng() % 40}, {"measure", "l"}};
        if (type == "illness") f = {{"kind", rng() % 2 ? "pneumonia" : "diarrhoea"}, {"antibiotic", rng() % 2 == 0}, {"ors", true}, {"zinc", rng() % 2 == 0}};
        if (type == "vitamin_a") f = {{"dose_iu", 100000}};
        if (type == "immunization") f = {{"vaccine", rng() % 2 ? "bcg" : "measles"}, {"dose", 1}};
        pop.Event(key, type, c, Day(rng, 2021, 2026), pick(communes), f);
        events.emplace_back(key, type);
      } else if (kind <= 6 && !events.empty()) {
        auto [k, type] = pick(events);
        if (!pop.Has(k)) continue;
        if (rng() % 2) pop.Update(k, {{"orgunit", pick(communes)}});
        else if (type != "delivery") pop.Update(k, {{"date", Day(rng, 2021, 2026)}});
      } else if (kind == 7 && children.size() > 1) {
        pop.Update(pick(children), {{"orgunit", pick(communes)}});
      } else if (kind == 8 && !events.empty()) {
        auto [k, type] = pick(events);
        pop.Delete(k);
      } else if (kind == 9 && children.size() > 1) {
        const std::string c = pick(children);
        pop.Delete(c);  // the person's events stay in the table but no longer count
        children.erase(std::find(children.begin(), children.end(), c));
      }
    } catch (const std::exception&) {
      // An invalid random record (an event before birth, a double delete...) is simply not written.
    }
  }
}

class Incremental : public OnEachStore {};

TEST_P(Incremental, RandomWritesGiveTheSameMatrixAsAFullRecompute) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    Population pop(GetParam());
    BuildLaiChau(pop);
    ASSERT_TRUE(pop.service().Refresh().ok());  // built before the random writes, then maintained
    const auto before = pop.service().engine().NonZeroCells();
    RandomOps(pop, seed, 150);
    ASSERT_TRUE(pop.service().Refresh().ok());
    const auto incremental = pop.service().engine().NonZeroCells();
    const auto full = FullRecompute(pop);
    EXPECT_NE(incremental, before) << "seed " << seed << ": the random writes changed nothing";
    ASSERT_EQ(incremental.size(), full.size()) << "seed " << seed;
    for (const auto& [k, c] : full) {
      auto it = incremental.find(k);
      ASSERT_NE(it, incremental.end()) << std::get<0>(k) << " " << std::get<1>(k) << " slot " << std::get<2>(k);
      EXPECT_EQ(it->second.num, c.num) << std::get<0>(k) << " " << std::get<1>(k) << " slot " << std::get<2>(k);
      EXPECT_EQ(it->second.den, c.den) << std::get<0>(k) << " " << std::get<1>(k) << " slot " << std::get<2>(k);
    }
  }
}

TEST_P(Incremental, CountsAddUpThroughTheTree) {
  Population pop(GetParam());
  BuildLaiChau(pop);
  ASSERT_TRUE(pop.service().Refresh().ok());
  RandomOps(pop, 7, 80);
  // Province 12 = sum over its 2025 communes (records under old communes count in their new commune).
  for (const char* ind : {"under5_mortality_rate", "facility_delivery", "low_birth_weight"}) {
    indicator::Cell prov = pop.Counts(ind, "12", "2025"), sum;
    for (const char* c : {"03390", "03388"}) {
      indicator::Cell x = pop.Counts(ind, c, "2025");
      sum.num += x.num;
      sum.den += x.den;
    }
    EXPECT_EQ(prov, sum) << ind;
    // A year is the sum of its months for additive indicators.
    indicator::Cell months;
    for (int m = 1; m <= 12; ++m) {
      indicator::Cell x = pop.Counts(ind, "12", "2025-" + std::string(m < 10 ? "0" : "") + std::to_string(m));
      months.num += x.num;
      months.den += x.den;
    }
    EXPECT_EQ(prov, months) << ind;
  }
}

U5_ON_SQLITE_ONLY(Incremental);

}  // namespace
}  // namespace u5::test
