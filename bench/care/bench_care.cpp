// Care due on a demo province: full recomputation of every due list, and
// commune worklists. Usage: bench_care DB [DATE] (DB from `under5 demo --province 12`).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "care/service.h"
#include "care/worklist.h"

using namespace u5;
using Clock = std::chrono::steady_clock;

static double Ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_care DB [YYYY-MM-DD]\n");
    return 2;
  }
  const std::string db_path = argv[1];
  const Date today = argc > 2 ? ParseDate(argv[2]).value_or(Today()) : Today();
  std::unique_ptr<store::Store> store;
  std::unique_ptr<care::Service> svc;
  Status st = store::OpenSqliteStore(db_path, &store);
  if (st.ok()) st = care::Service::Open(*store, db_path, "", &svc);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  // 1. Everything from the database: read, parse, plan and alerts for every person.
  for (int run = 0; run < 3; ++run) {
    care::LoadStats ls;
    const auto t0 = Clock::now();
    st = svc->Rebuild(&ls);
    const auto t1 = Clock::now();
    if (!st.ok()) return 1;
    std::printf("rebuild from database: %zu persons, %zu events, %.0f ms\n", ls.persons, ls.events, Ms(t0, t1));
  }
  // 2. Recompute every plan from histories already in memory (what a schedule edit costs).
  store::Db db;
  store::Db::Open(db_path, &db, false, true);
  std::vector<care::History> hs;
  care::LoadHistories(db, [&](care::History&& h) { hs.push_back(std::move(h)); }, nullptr);
  size_t children = 0;
  for (const auto& h : hs) children += h.person.birth >= Date{today.days - 5 * 366} ? 1 : 0;
  for (int run = 0; run < 3; ++run) {
    const auto t0 = Clock::now();
    svc->RecomputeAll(hs);
    std::printf("recompute all plans in memory: %zu persons (%zu born in the last 5 years), %.0f ms\n", hs.size(), children,
                Ms(t0, Clock::now()));
  }
  // 3. Worklists: every 2025 commune of the province, one week from `today`.
  std::map<std::string, size_t> per_commune;
  for (const auto& h : hs) per_commune[h.person.orgunit]++;
  std::vector<std::pair<size_t, std::string>> communes;
  for (const auto& [ou, n] : per_commune)
    if (ou.find(':') == std::string::npos) communes.emplace_back(n, ou);
  std::sort(communes.rbegin(), communes.rend());
  std::vector<double> times;
  size_t listed = 0;
  for (const auto& [n, ou] : communes) {
    care::Worklist w;
    const auto t0 = Clock::now();
    care::BuildWorklist(*svc, {ou, today, Date{today.days + 6}, ""}, &w);
    times.push_back(Ms(t0, Clock::now()));
    listed += w.persons;
  }
  if (times.empty()) return 0;
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  std::printf("worklist (%s, 7 days), %zu communes: largest commune %s (%zu persons) %.2f ms; median %.2f ms; max %.2f ms; %zu persons listed in all\n",
              FormatDate(today).c_str(), times.size(), communes[0].second.c_str(), communes[0].first, times[0],
              sorted[sorted.size() / 2], sorted.back(), listed);
  return 0;
}
