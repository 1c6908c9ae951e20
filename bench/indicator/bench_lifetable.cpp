// Usage: bench_lifetable DB ORGUNIT YEAR [ROUNDS]
// Times the cohort (life-table) mortality estimate (indicator/lifetable.h) in
// one process, as GET /api/v1/mortality/cohort computes it: one
// Store::ForEachHistory pass (persons, death records only) and the estimate.
// The first round reads the file from disk or the page cache; the others show
// the steady state of a running server. Reads only: any database will do.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "core/date.h"
#include "indicator/lifetable.h"
#include "store/store.h"

using namespace u5;

namespace {
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s DB ORGUNIT YEAR [ROUNDS]\n", argv[0]);
    return 2;
  }
  const int rounds = argc > 4 ? std::max(1, std::atoi(argv[4])) : 5;
  std::unique_ptr<store::Store> store;
  if (Status st = store::OpenSqliteStore(argv[1], &store); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.ToString().c_str());
    return 1;
  }
  indicator::CohortQuery q{argv[2], std::atoi(argv[3]), Today()};
  std::vector<double> wall, cpu;
  indicator::CohortAnswer a;
  for (int r = 0; r < rounds; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = CpuSeconds();
    if (Status st = indicator::CohortMortality(*store, q, &a); !st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.ToString().c_str());
      return 1;
    }
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    cpu.push_back(CpuSeconds() - c0);
    std::printf("round %d: %.3f s wall, %.3f s CPU\n", r + 1, wall.back(), cpu.back());
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  const auto& e = a.estimate;
  std::printf("%lld persons read; %lld births, %lld deaths under 5, %.0f child-years; 5q0 %.2f per 1000\n",
              static_cast<long long>(a.persons_read), static_cast<long long>(e.births),
              static_cast<long long>(e.deaths_under5), e.child_years, e.under5.q ? *e.under5.q * 1000 : -1.0);
  std::printf("median of %d: %.3f s wall, %.3f s CPU; best %.3f s wall\n", rounds, wall[wall.size() / 2],
              cpu[cpu.size() / 2], wall.front());
  return 0;
}
