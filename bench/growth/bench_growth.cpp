// Throughput of the WHO z-score calculator: measurements/second computing the
// five main z-scores (length/height-for-age, weight-for-age,
// weight-for-length/height, BMI-for-age, head circumference-for-age).

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "growth/lms.h"
#include "growth/who_tables.h"
#include "growth/zscore.h"

using namespace u5::growth;

namespace {

// Realistic under-5 measurements: ages 0-59 months; length, weight-for-length
// and head circumference drawn from the WHO distributions themselves with
// z ~ N(-0.5, 1.2) (a population somewhat below the standard, ~1% beyond
// +-3 SD), rounded to 0.1 cm / 0.01 kg; standing/lying mostly correct; a few
// with oedema.
std::vector<Measurement> make_measurements(std::size_t n) {
  std::mt19937 gen(42);
  std::uniform_int_distribution<int> age(0, 1826);
  std::normal_distribution<double> z(-0.5, 1.2);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Measurement> v;
  v.reserve(n);
  while (v.size() < n) {
    Measurement m;
    m.sex = 1 + static_cast<int>(v.size() % 2);
    const int day = age(gen);
    m.age_days = day;
    const double len =
        lms_value(who_table(Indicator::length_height_for_age, m.sex).at(day), z(gen));
    m.lenhei_cm = std::round(len * 10) / 10;
    const Indicator wfl = day < 731 ? Indicator::weight_for_length : Indicator::weight_for_height;
    const LmsTable t = who_table(wfl, m.sex);
    const int row = static_cast<int>(*m.lenhei_cm * 10 + 0.5);
    if (!t.contains(row)) continue;
    m.weight_kg = std::round(lms_value(t.at(row), z(gen)) * 100) / 100;
    m.headc_cm =
        std::round(lms_value(who_table(Indicator::head_circumference_for_age, m.sex).at(day), z(gen)) * 10) / 10;
    m.measure = day < 731 ? Measure::lying : Measure::standing;
    if (u(gen) < 0.05) m.measure = Measure::unknown;
    m.oedema = u(gen) < 0.005;
    v.push_back(m);
  }
  return v;
}

void BM_ComputeFiveZscores(benchmark::State& state) {
  const auto ms = make_measurements(100000);
  std::size_t i = 0;
  for (auto _ : state) {
    const ZResult r = compute(ms[i]);
    benchmark::DoNotOptimize(r);
    if (++i == ms.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ComputeFiveZscores);

}  // namespace
