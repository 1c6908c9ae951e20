// Throughput of the WHO z-score calculator: measurements/second computing the
// five main z-scores (length/height-for-age, weight-for-age,
// weight-for-length/height, BMI-for-age, head circumference-for-age).

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "growth/zscore.h"

using namespace u5::growth;

namespace {

// Realistic under-5 measurements: ages 0-59 months, sizes around the WHO
// medians with +-3 SD noise, a few with oedema, standing/lying mostly correct.
std::vector<Measurement> make_measurements(std::size_t n) {
  std::mt19937 gen(42);
  std::uniform_real_distribution<double> age(0, 1826), noise(-3, 3), u(0, 1);
  std::vector<Measurement> v;
  v.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Measurement m;
    m.sex = 1 + static_cast<int>(i % 2);
    m.age_days = std::round(age(gen));
    const double mo = *m.age_days / kDaysPerMonth;
    m.lenhei_cm = std::round((50 + 1.6 * mo - 0.008 * mo * mo + 2.5 * noise(gen)) * 10) / 10;
    m.weight_kg = std::round((3.3 + 0.5 * mo - 0.003 * mo * mo + 0.8 * noise(gen)) * 100) / 100;
    m.headc_cm = std::round((35 + 0.35 * mo - 0.003 * mo * mo + noise(gen)) * 10) / 10;
    m.measure = *m.age_days < 731 ? Measure::lying : Measure::standing;
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
