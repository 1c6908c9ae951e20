// The death analysis of a province (Engine::Deaths, what GET /deaths/analysis
// asks of the engine): every dimension at once for a year, and the month and
// category of a quarter, on a generated province the size of the demo's
// (issue 21 asks < 100 ms). Records go through the same decoding as the
// loader (AddEvent), so the death rows are those the server keeps.
// The province: 10 districts of 12 communes; per commune 500 children born
// 2022-2026 and 250 women; a death for 2 % of children and 0.5 % of women, a
// stillbirth for 1 % of women, and a complete review (cause group, delays,
// avoidability) for 60 % of deaths, deterministic (a fixed seed).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/date.h"
#include "indicator/engine.h"
#include "indicator/loader.h"

namespace {

using namespace u5;
using namespace u5::indicator;

std::string Commune(int d, int c) { return "c" + std::to_string(d) + "_" + std::to_string(c); }

struct Province {
  std::unique_ptr<Engine> engine;
  size_t deaths = 0, persons = 0;
};

Province& Build() {
  static Province p = [] {
    Province out;
    out.engine = std::make_unique<Engine>(Catalogue::Builtin(), [](const std::string& ou) {
      std::vector<std::string> a{ou, "P"};
      if (ou.size() > 1 && ou[0] == 'c') a.push_back("d" + ou.substr(1, ou.find('_') - 1));
      return a;
    });
    Engine& e = *out.engine;
    std::mt19937 rng(21);
    std::uniform_real_distribution<double> u(0, 1);
    const char* places[] = {"home", "on_the_way", "commune_station", "district_hospital", "province_hospital", "other"};
    const char* mm[] = {"g1_abortive", "g2_hypertensive", "g3_haemorrhage", "g4_infection", "g5_other_obstetric"};
    const char* icd[] = {"P07.3", "J18.9", "A09", "Q24.9", "W69", "P21.9", "E43"};
    const char* avoid[] = {"avoidable", "possibly_avoidable", "not_avoidable", "undetermined"};
    int n = 0;
    auto id = [&n] {
      char b[40];
      std::snprintf(b, sizeof b, "0190a000-0000-7000-8000-%012d", ++n);
      return std::string(b);
    };
    PersonRecords rec;
    for (int d = 0; d < 10; ++d)
      for (int c = 0; c < 12; ++c) {
        const std::string ou = Commune(d, c);
        for (int k = 0; k < 750; ++k) {
          const bool woman = k >= 500;
          rec.Clear();
          rec.ou = e.OrgUnit(ou);
          const int birth_year = woman ? 1980 + static_cast<int>(u(rng) * 25) : 2022 + static_cast<int>(u(rng) * 5);
          rec.birth = DateFromYmd(birth_year, 1 + static_cast<unsigned>(u(rng) * 12), 1 + static_cast<unsigned>(u(rng) * 28));
          rec.sex = woman ? 1 : 1 + static_cast<uint8_t>(u(rng) * 2);
          const std::string pid = id();
          // A growth measurement for every child: the engine's other records.
          if (!woman) AddEvent(e, id(), "growth", nullptr, ou, FormatDate(Date{rec.birth.days + 60}), R"({"weight_kg":5.1})", &rec);
          const double r = u(rng);
          const bool dies = woman ? r < 0.005 : r < 0.02;
          const bool still = woman && r > 0.99;
          if (dies || still) {
            const Date on{std::min(DateFromYmd(2026, 12, 31).days, rec.birth.days + 30 + static_cast<int>(u(rng) * (woman ? 200 : 900)))};
            const Date when = woman ? DateFromYmd(2022 + static_cast<int>(u(rng) * 5), 1 + static_cast<unsigned>(u(rng) * 12), 1) : on;
            const std::string did = id();
            const std::string place = places[static_cast<int>(u(rng) * 6)];
            if (still) {
              AddEvent(e, did, "stillbirth", nullptr, ou, FormatDate(when),
                       R"({"timing":"intrapartum","gestational_weeks":37,"place":")" + place + "\"}", &rec);
            } else {
              AddEvent(e, did, "death", nullptr, ou, FormatDate(woman ? when : on),
                       std::string(R"({"place":")") + place + "\"" + (woman ? R"(,"maternal_death":true})" : "}"), &rec);
            }
            if (u(rng) < 0.6) {
              std::string body = R"({"death_id":")" + did + R"(","status":"complete","avoidability":")" + avoid[static_cast<int>(u(rng) * 4)] + "\"";
              body += woman ? std::string(R"(,"icd_mm_group":")") + mm[static_cast<int>(u(rng) * 5)] + "\""
                            : std::string(R"(,"underlying_icd10":")") + icd[static_cast<int>(u(rng) * 7)] + "\"";
              if (u(rng) < 0.5) body += R"(,"delay1_seeking":true)";
              if (u(rng) < 0.3) body += R"(,"delay2_reaching":true)";
              if (u(rng) < 0.4) body += R"(,"delay3_receiving":true)";
              AddEvent(e, id(), "death_review", nullptr, ou, FormatDate(woman ? when : on), body + "}", &rec);
            }
            ++out.deaths;
          }
          e.ReplacePerson(pid, &rec);
          ++out.persons;
        }
      }
    return out;
  }();
  return p;
}

void BM_DeathAnalysisProvinceYearAllDimensions(benchmark::State& state) {
  Province& p = Build();
  const std::vector<std::string> by(std::begin(kDeathDimensions), std::end(kDeathDimensions));
  int64_t total = 0;
  for (auto _ : state) {
    DeathCounts c = p.engine->Deaths("P", DateFromYmd(2025, 1, 1), DateFromYmd(2025, 12, 31), by);
    total = c.total;
    benchmark::DoNotOptimize(c);
  }
  state.counters["persons"] = static_cast<double>(p.persons);
  state.counters["deaths_all_years"] = static_cast<double>(p.engine->death_count());
  state.counters["deaths_2025"] = static_cast<double>(total);
}
BENCHMARK(BM_DeathAnalysisProvinceYearAllDimensions)->Unit(benchmark::kMillisecond);

void BM_DeathAnalysisDistrictQuarter(benchmark::State& state) {
  Province& p = Build();
  for (auto _ : state) {
    DeathCounts c = p.engine->Deaths("d3", DateFromYmd(2025, 4, 1), DateFromYmd(2025, 6, 30), {"category", "month"});
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_DeathAnalysisDistrictQuarter)->Unit(benchmark::kMillisecond);

}  // namespace
