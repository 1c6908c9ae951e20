// Care due on a demo province: recomputation of every person's due list and
// alerts, and commune worklists.
// Usage: bench_care DB [YYYY-MM-DD] [--runs N] [--rebuild] [--snapshot PATH]
// (DB from `under5 demo --province 12`, migrated with `under5 migrate`.)
// --rebuild also times Service::Rebuild (read and parse the whole database).
// --snapshot also times writing the state to PATH, a start from it (load, as
// `serve` does through the keeper) and the replay of persons re-read from the store.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <malloc.h>
#include <map>

#include <filesystem>
#include <random>

#include "care/service.h"
#include "care/worklist.h"

using namespace u5;
using Steady = std::chrono::steady_clock;

static double Ms(Steady::time_point a, Steady::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

// CPU time of the process (all its threads): the machine is shared, and wall
// time counts the time other processes held the cores.
static double CpuMs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Bytes malloc has handed out and not taken back: the engine's own memory is
// the difference across its first build (huge pages and fragmentation aside).
static double HeapMiB() { return static_cast<double>(mallinfo2().uordblks + mallinfo2().hblkhd) / (1 << 20); }

static double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

int main(int argc, char** argv) {
  std::string db_path;
  std::optional<Date> day;
  int runs = 3;
  bool rebuild = false;
  std::string snapshot_path;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--rebuild")) rebuild = true;
    else if (!std::strcmp(argv[i], "--snapshot") && i + 1 < argc) snapshot_path = argv[++i];
    else if (db_path.empty()) db_path = argv[i];
    else day = ParseDate(argv[i]);
  }
  if (db_path.empty()) {
    std::fprintf(stderr, "usage: bench_care DB [YYYY-MM-DD] [--runs N] [--rebuild] [--snapshot PATH]\n");
    return 2;
  }
  const Date today = day.value_or(Today());
  std::unique_ptr<store::Store> store;
  std::unique_ptr<care::Service> svc;
  Status st = store::OpenSqliteStore(db_path, &store);
  if (st.ok()) st = care::Service::Open(*store, "", &svc);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  if (rebuild) {
    care::LoadStats ls;
    const auto t0 = Steady::now();
    st = svc->Rebuild(&ls);
    if (!st.ok()) return 1;
    std::printf("rebuild from database: %zu persons, %zu events, %.0f ms\n", ls.persons, ls.events, Ms(t0, Steady::now()));
  }
  // Histories read once; what is timed is the engine over everyone (what a
  // schedule edit or a restart after loading costs).
  std::vector<care::History> hs;
  care::LoadStats ls;
  st = care::LoadHistories(*store, [&](care::History&& h) { hs.push_back(std::move(h)); }, &ls);
  if (!st.ok()) return 1;
  std::printf("read histories: %zu persons, %zu events, %.0f ms\n", ls.persons, ls.events, ls.seconds * 1000);
  size_t children = 0;
  for (const auto& h : hs) children += h.person.birth >= Date{today.days - 5 * 366} ? 1 : 0;
  std::vector<double> rec, rec_cpu;
  for (int run = 0; run < runs; ++run) {
    const double heap0 = HeapMiB();
    const auto t0 = Steady::now();
    const double c0 = CpuMs();
    svc->RecomputeAll(hs);
    rec_cpu.push_back(CpuMs() - c0);
    rec.push_back(Ms(t0, Steady::now()));
    if (run == 0 && !rebuild) {
      const double mib = HeapMiB() - heap0;
      std::printf("engine heap: %.1f MiB, %.0f bytes a person\n", mib, mib * (1 << 20) / static_cast<double>(hs.size()));
    }
    std::printf("recompute every due list and alert: %zu persons (%zu born in the last 5 years), %.0f ms (cpu %.0f ms)\n",
                hs.size(), children, rec.back(), rec_cpu.back());
  }
  {
    // Where the time goes: plans alone, then alerts alone (results dropped).
    double c0 = CpuMs();
    std::vector<care::Plan> plans;
    plans.reserve(hs.size());
    for (const auto& h : hs) plans.push_back(care::BuildPlan(svc->schedule(), h));
    const double plan_ms = CpuMs() - c0;
    c0 = CpuMs();
    size_t n_alerts = 0;
    for (size_t i = 0; i < hs.size(); ++i) n_alerts += care::BuildAlerts(svc->schedule(), hs[i], plans[i]).size();
    const double alert_ms = CpuMs() - c0;
    size_t n_items = 0;
    for (const auto& p : plans) n_items += p.items.size();
    std::printf("  of which plans %.0f ms cpu (%zu items), alerts %.0f ms cpu (%zu alerts)\n", plan_ms, n_items, alert_ms, n_alerts);
  }
  if (!snapshot_path.empty()) {
    // Written as a checkpoint writes it, stamped with the change log's head
    // (the state computed from the histories is the database's).
    store::ChangeLogHead head;
    st = store->ChangeHead(&head);
    std::unique_ptr<snapshot::Writer> w;
    if (st.ok()) st = snapshot::Writer::Create(snapshot_path, {"care", care::Service::kSnapshotFormat, svc->schedule().source_hash(), head.db_id, head.seq}, &w);
    double c0 = CpuMs();
    auto t0 = Steady::now();
    if (st.ok()) st = svc->Save(*w);
    if (st.ok()) st = w->Commit();
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    std::printf("snapshot written: %.1f MiB, %.0f ms (cpu %.0f ms)\n",
                static_cast<double>(std::filesystem::file_size(snapshot_path)) / (1 << 20), Ms(t0, Steady::now()), CpuMs() - c0);
    // A second service started from it, as `serve` starts.
    std::unique_ptr<care::Service> loaded;
    st = care::Service::Open(*store, "", &loaded);
    if (!st.ok()) return 1;
    loaded->SetSnapshotPath(snapshot_path);
    const double heap0 = HeapMiB();
    c0 = CpuMs();
    t0 = Steady::now();
    st = loaded->Refresh();
    const double load_ms = Ms(t0, Steady::now()), load_cpu = CpuMs() - c0;
    const auto report = loaded->start_report();
    if (!st.ok() || !report.from_snapshot) {
      std::fprintf(stderr, "start from the snapshot: %s %s\n", st.ToString().c_str(), report.rejected.c_str());
      return 1;
    }
    std::printf("start from the snapshot: %.0f ms (cpu %.0f ms), %zu replayed; heap %.1f MiB\n", load_ms, load_cpu, report.replayed,
                HeapMiB() - heap0);
    // Replay: persons re-read from the store and recomputed, as after a crash.
    std::vector<std::string> ids;
    std::mt19937 rng(1);
    for (const auto& h : hs)
      if (rng() % 100 == 0) ids.push_back(h.person.id);
    c0 = CpuMs();
    t0 = Steady::now();
    st = loaded->Replay(ids);
    if (!st.ok()) return 1;
    std::printf("replay of %zu persons: %.0f ms (cpu %.0f ms), %.1f us a person\n", ids.size(), Ms(t0, Steady::now()), CpuMs() - c0,
                Ms(t0, Steady::now()) * 1000 / static_cast<double>(ids.size()));
  }
  // Worklists: every 2025 commune of the province, one week from `today`.
  std::map<std::string, size_t> per_commune;
  for (const auto& h : hs) per_commune[h.person.orgunit]++;
  hs.clear();
  hs.shrink_to_fit();
  std::vector<std::pair<size_t, std::string>> communes;
  for (const auto& [ou, n] : per_commune)
    if (ou.find(':') == std::string::npos) communes.emplace_back(n, ou);
  std::sort(communes.rbegin(), communes.rend());
  if (communes.empty()) return 0;
  care::Worklist warm;
  care::BuildWorklist(*svc, {communes[0].second, today, Date{today.days + 6}, ""}, &warm);
  std::vector<double> all, largest, largest_cpu;
  size_t listed = 0;
  for (int run = 0; run < runs; ++run)
    for (size_t c = 0; c < communes.size(); ++c) {
      care::Worklist w;
      const auto t0 = Steady::now();
      const double c0 = CpuMs();
      st = care::BuildWorklist(*svc, {communes[c].second, today, Date{today.days + 6}, ""}, &w);
      const double ms = Ms(t0, Steady::now());
      if (!st.ok()) return 1;
      all.push_back(ms);
      if (c == 0) largest.push_back(ms), largest_cpu.push_back(CpuMs() - c0);
      if (run == 0) listed += w.persons;
    }
  std::printf("recompute: min %.0f ms, median %.0f ms over %d runs (cpu min %.0f ms, median %.0f ms)\n", Percentile(rec, 0),
              Percentile(rec, 0.5), runs, Percentile(rec_cpu, 0), Percentile(rec_cpu, 0.5));
  // The candidates alone: what building their entries from the packed blocks costs.
  size_t candidates = 0;
  std::vector<double> cand_cpu;
  for (int run = 0; run < runs; ++run) {
    const double c0 = CpuMs();
    candidates = 0;
    svc->ForEachCandidate(communes[0].second, today, Date{today.days + 6},
                          [&](const std::shared_ptr<const care::Entry>&) { ++candidates; });
    cand_cpu.push_back(CpuMs() - c0);
  }
  std::vector<double> lite_cpu;
  for (int run = 0; run < runs; ++run) {
    const double c0 = CpuMs();
    svc->ForEachCandidateLite(communes[0].second, today, Date{today.days + 6}, [&](const care::Service::Candidate&) {});
    lite_cpu.push_back(CpuMs() - c0);
  }
  std::printf("candidates of the largest commune: median cpu %.2f ms whole, %.2f ms without their strings\n",
              Percentile(cand_cpu, 0.5), Percentile(lite_cpu, 0.5));
  std::printf("worklist %s..%s, %zu communes x %d runs: largest commune %s (%zu persons, %zu candidates, %zu listed) median %.2f ms"
              " (cpu %.2f ms), max %.2f ms;"
              " all communes p50 %.2f ms, p95 %.2f ms, max %.2f ms; %zu persons listed in all\n",
              FormatDate(today).c_str(), FormatDate(Date{today.days + 6}).c_str(), communes.size(), runs,
              communes[0].second.c_str(), communes[0].first, candidates, warm.persons, Percentile(largest, 0.5),
              Percentile(largest_cpu, 0.5), Percentile(largest, 1),
              Percentile(all, 0.5), Percentile(all, 0.95), Percentile(all, 1), listed);
  return 0;
}
