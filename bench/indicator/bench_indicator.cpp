// Usage: bench_indicator DB [ROUNDS]
// Times, on a database made by `under5 demo` (it adds 20 death records: use a copy):
//  (a) cold start: every person and event read from SQLite, bodies decoded, facts and matrix built;
//  (b) the full matrix recomputed from the facts in memory (all indicators x all org units x
//      every month, quarter, half-year and year of the matrix years);
//  (c) the delay from a committed write to current indicators (Refresh + a value read);
//  (d) the same indicators as plain SQL (GROUP BY org unit ancestor and month over the same file);
//  (e) the engine's snapshot written beside DB (<DB>.engines/indicators.snap) and read back;
//  (f) a start from that snapshot after 1,020 writes it does not hold (replayed from the change log).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "core/date.h"
#include "core/id.h"
#include "indicator/service.h"
#include "snapshot/file.h"
#include "store/sqlite.h"
#include "store/store.h"

using namespace u5;
using Steady = std::chrono::steady_clock;

namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

double Since(Steady::time_point t0) { return std::chrono::duration<double>(Steady::now() - t0).count(); }

// Plain SQL for the record-based indicators, counted per ancestor org unit and
// month like the matrix's month cells (quarters, halves and years would be further queries).
const char* kSql[][2] = {
    {"live births", "SELECT c.ancestor, substr(e.event_date,1,7), sum(json_extract(e.body,'$.live_births')), count(*), "
                    "sum(json_extract(e.body,'$.place')='facility'), "
                    "sum(json_extract(e.body,'$.attendant') IN ('doctor','midwife','assistant_doctor')) "
                    "FROM event e JOIN orgunit_closure c ON c.descendant=e.orgunit_id "
                    "WHERE e.type='delivery' AND e.deleted_at IS NULL GROUP BY 1,2"},
    {"child deaths by age", "SELECT c.ancestor, substr(e.event_date,1,7), sum(json_extract(e.body,'$.age_at_death_days')<=27), "
                            "sum(json_extract(e.body,'$.age_group') IN ('neonatal','post_neonatal')), "
                            "sum(json_extract(e.body,'$.age_group')<>'older'), sum(json_extract(e.body,'$.maternal_death')=1) "
                            "FROM event e JOIN orgunit_closure c ON c.descendant=e.orgunit_id "
                            "WHERE e.type='death' AND e.deleted_at IS NULL GROUP BY 1,2"},
    {"newborn care", "SELECT c.ancestor, substr(e.event_date,1,7), count(*), sum(json_extract(e.body,'$.birth_weight_g')<2500), "
                     "sum(json_extract(e.body,'$.drying')=1 AND json_extract(e.body,'$.skin_to_skin')=1 AND json_extract(e.body,'$.delayed_cord_clamping')=1), "
                     "sum(json_extract(e.body,'$.breastfed_within_1h')=1), sum(json_extract(e.body,'$.vitamin_k1')=1), "
                     "sum(json_extract(e.body,'$.hepb_birth_dose_24h')=1) "
                     "FROM event e JOIN orgunit_closure c ON c.descendant=e.orgunit_id "
                     "WHERE e.type='newborn' AND e.deleted_at IS NULL GROUP BY 1,2"},
    {"illness", "SELECT c.ancestor, substr(e.event_date,1,7), json_extract(e.body,'$.kind') k, count(*), "
                "sum(json_extract(e.body,'$.antibiotic')=1), sum(json_extract(e.body,'$.ors')=1 AND json_extract(e.body,'$.zinc')=1) "
                "FROM event e JOIN orgunit_closure c ON c.descendant=e.orgunit_id "
                "WHERE e.type='illness' AND e.deleted_at IS NULL AND k IN ('pneumonia','severe_pneumonia','diarrhoea') GROUP BY 1,2,3"},
    {"anc4 three trimesters", "SELECT c.ancestor, substr(d.event_date,1,7), count(*), sum(("
                              "SELECT count(*)>=4 AND count(DISTINCT json_extract(a.body,'$.trimester'))=3 FROM event a "
                              "WHERE a.pregnancy_id=d.pregnancy_id AND a.type='anc_visit' AND a.deleted_at IS NULL)) "
                              "FROM event d JOIN orgunit_closure c ON c.descendant=d.orgunit_id "
                              "WHERE d.type='delivery' AND d.deleted_at IS NULL GROUP BY 1,2"},
    {"stunting (latest per child per month)",
     "WITH g AS (SELECT e.person_id, e.orgunit_id, substr(e.event_date,1,7) m, json_extract(e.body,'$.stunting') s, "
     "row_number() OVER (PARTITION BY e.person_id, substr(e.event_date,1,7) ORDER BY e.event_date DESC, e.id DESC) rn "
     "FROM event e WHERE e.type='growth' AND e.deleted_at IS NULL) "
     "SELECT c.ancestor, g.m, count(*), sum(g.s IN ('moderate','severe')) FROM g "
     "JOIN orgunit_closure c ON c.descendant=g.orgunit_id WHERE rn=1 AND g.s IN ('normal','moderate','severe') GROUP BY 1,2"},
};

long MaxRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

// Anonymous (heap) resident memory: unlike max RSS it leaves out the
// memory-mapped database pages, which belong to the page cache.
long RssAnonMiB() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kb = -1;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "RssAnon: %ld kB", &kb) == 1) break;
  std::fclose(f);
  return kb < 0 ? -1 : kb / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_indicator DB [ROUNDS]\n";
    return 2;
  }
  const std::string path = argv[1];
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  std::unique_ptr<store::Store> st;
  if (Status s = store::OpenSqliteStore(path, &st); !s.ok()) return std::cerr << s.ToString() << "\n", 1;
  std::unique_ptr<indicator::Service> svc;
  if (Status s = indicator::Service::Open(*st, U5_DATA_DIR, &svc); !s.ok()) return std::cerr << s.ToString() << "\n", 1;

  indicator::LoadStats ls;
  if (Status s = svc->Rebuild(&ls); !s.ok()) return std::cerr << s.ToString() << "\n", 1;
  auto& eng = svc->engine();
  std::printf("database            %s\n", path.c_str());
  std::printf("persons             %zu\nevents read         %zu\nfacts               %zu\norg units in matrix %zu\n",
              ls.persons, ls.events, eng.fact_count(), eng.orgunit_count());
  std::printf("(a) cold start      %.3f s wall, %.3f s CPU (of which %.3f s wall stepping the SQLite scans; the rest decoding bodies, facts, matrix)\n",
              ls.seconds, ls.cpu_seconds, ls.read_seconds);

  double best_matrix = 1e9, best_matrix_cpu = 1e9;
  for (int r = 0; r < rounds; ++r) {
    auto t0 = Steady::now();
    const double c0 = CpuSeconds();
    eng.RecomputeMatrix();
    best_matrix = std::min(best_matrix, Since(t0));
    best_matrix_cpu = std::min(best_matrix_cpu, CpuSeconds() - c0);
  }
  std::printf("(b) matrix          %.3f s wall, %.3f s CPU (best of %d; %zu facts -> %zu org units x %zu indicators x %d slots)\n",
              best_matrix, best_matrix_cpu, rounds, eng.fact_count(), eng.orgunit_count(), eng.rules().indicators().size(), eng.layout().slots());
  std::printf("memory              engine %.0f MiB (estimate); process heap (RssAnon) %ld MiB; max RSS %ld MiB (includes the mmapped database)\n",
              eng.memory_bytes() / 1048576.0, RssAnonMiB(), MaxRssMiB());

  // (e) the snapshot as a start reads it: sections encoded and written (what a
  // checkpoint costs), then the file verified and decoded into a fresh engine.
  const std::string snap = indicator::Service::SnapshotPath(path + ".engines");
  std::filesystem::create_directories(std::filesystem::path(snap).parent_path());
  {
    snapshot::Header h{"indicators", indicator::Service::kSnapshotFormat, svc->catalogue().digest(), "", 0};
    store::ChangeLogHead head;
    if (Status s = st->ChangeHead(&head); !s.ok()) return std::cerr << s.ToString() << "\n", 1;
    h.db_id = head.db_id;
    h.seq = head.seq;
    auto t0 = Steady::now();
    double c0 = CpuSeconds();
    const indicator::Engine::Sections sections = eng.Encode();
    const double enc = Since(t0), enc_cpu = CpuSeconds() - c0;
    t0 = Steady::now();
    c0 = CpuSeconds();
    std::unique_ptr<snapshot::Writer> w;
    Status ws = snapshot::Writer::Create(snap, h, &w);
    for (const auto& [name, b] : sections)
      if (ws.ok()) ws = w->Section(name, b);
    if (ws.ok()) ws = w->Commit();
    if (!ws.ok()) return std::cerr << ws.ToString() << "\n", 1;
    const double wr = Since(t0), wr_cpu = CpuSeconds() - c0;
    std::printf("(e) snapshot write  encode %.3f s wall %.3f s CPU; write + fsync %.3f s wall %.3f s CPU; file %.1f MiB\n", enc, enc_cpu, wr,
                wr_cpu, std::filesystem::file_size(snap) / 1048576.0);
    indicator::Engine fresh(svc->catalogue(), [&](const std::string& ou) { return indicator::ClosureAncestors(*st, ou); });
    t0 = Steady::now();
    c0 = CpuSeconds();
    std::unique_ptr<snapshot::Reader> r;
    Status rs = snapshot::Reader::Open(snap, &r);
    const double rd = Since(t0), rd_cpu = CpuSeconds() - c0;
    if (rs.ok()) rs = fresh.Decode([&](std::string_view name, std::string_view* out) { return r->Section(name, out); });
    const double dec = Since(t0) - rd, dec_cpu = CpuSeconds() - c0 - rd_cpu;
    if (!rs.ok()) return std::cerr << rs.ToString() << "\n", 1;
    std::printf("(e) snapshot read   open + verify %.3f s wall %.3f s CPU; decode %.3f s wall %.3f s CPU; same cells as the load: %s\n", rd,
                rd_cpu, dec, dec_cpu, fresh.NonZeroCells() == eng.NonZeroCells() ? "yes" : "NO");
  }

  store::Db db;
  if (Status s = store::Db::Open(path, &db, false, true); !s.ok()) return std::cerr << s.ToString() << "\n", 1;
  double sql_total = 0, sql_cpu = 0;
  for (const auto& [name, sql] : kSql) {
    store::Stmt stmt;
    if (Status s = db.Prepare(sql, &stmt); !s.ok()) return std::cerr << name << ": " << s.ToString() << "\n", 1;
    auto t0 = Steady::now();
    const double c0 = CpuSeconds();
    size_t rows = 0;
    while (stmt.Step()) ++rows;
    const double t = Since(t0), c = CpuSeconds() - c0;
    sql_total += t;
    sql_cpu += c;
    std::printf("(d) sql %-36s %.3f s wall, %.3f s CPU (%zu rows)\n", name, t, c, rows);
  }
  std::printf("(d) sql total       %.3f s wall, %.3f s CPU for %zu queries covering 16 of the indicators, months only\n",
              sql_total, sql_cpu, std::size(kSql));
  std::printf("ratio (d)/(b)       %.1fx wall, %.1fx CPU (matrix from loaded facts, every indicator and period kind)\n",
              sql_total / best_matrix, sql_cpu / best_matrix_cpu);
  std::printf("ratio (d)/(a)       %.1fx wall, %.1fx CPU (cold start from SQLite included)\n", sql_total / ls.seconds,
              sql_cpu / ls.cpu_seconds);

  // Write -> current indicators: a death of an existing child, then the refresh a dashboard read does.
  store::Stmt pick;
  db.Prepare("SELECT id, orgunit_id, birth_date FROM person WHERE mother_id IS NOT NULL AND deleted_at IS NULL LIMIT 20", &pick);
  std::vector<double> lat;
  indicator::Period year = indicator::YearPeriod(2025);
  while (pick.Step()) {
    store::Record r;
    r.type = "death";
    r.id = NewUuid7();
    r.person_id = pick.Text(0);
    r.orgunit_id = pick.Text(1);
    r.date = FormatDate(Date{ParseDate(pick.Text(2))->days + 10});
    r.body = R"({"age_at_death_days":10,"age_group":"neonatal"})";
    r.created_at = r.updated_at = NowIso();
    if (Status s = st->Insert(r); !s.ok()) return std::cerr << s.ToString() << "\n", 1;
    auto t0 = Steady::now();
    indicator::IndicatorValue v;
    if (Status s = svc->Value("neonatal_mortality_rate", r.orgunit_id, year, &v); !s.ok()) return std::cerr << s.ToString() << "\n", 1;
    lat.push_back(Since(t0) * 1000);
  }
  std::sort(lat.begin(), lat.end());
  if (!lat.empty())
    std::printf("(c) write->current median %.2f ms, max %.2f ms over %zu committed writes\n", lat[lat.size() / 2], lat.back(), lat.size());

  // (f) a start from the snapshot of (e) after writes it does not hold: the
  // deaths of (c) and as many more, one person each, replayed from the change log.
  store::Stmt more;
  db.Prepare("SELECT id, orgunit_id, birth_date FROM person WHERE mother_id IS NOT NULL AND deleted_at IS NULL LIMIT 1000 OFFSET 20", &more);
  while (more.Step()) {
    store::Record r;
    r.type = "death";
    r.id = NewUuid7();
    r.person_id = more.Text(0);
    r.orgunit_id = more.Text(1);
    r.date = FormatDate(Date{ParseDate(more.Text(2))->days + 10});
    r.body = R"({"age_at_death_days":10,"age_group":"neonatal"})";
    r.created_at = r.updated_at = NowIso();
    if (Status s = st->Insert(r); !s.ok()) return std::cerr << s.ToString() << "\n", 1;
  }
  if (Status s = svc->Refresh(); !s.ok()) return std::cerr << s.ToString() << "\n", 1;
  std::unique_ptr<indicator::Service> started;
  if (Status s = indicator::Service::Open(*st, U5_DATA_DIR, &started, snap); !s.ok()) return std::cerr << s.ToString() << "\n", 1;
  auto t0 = Steady::now();
  const double c0 = CpuSeconds();
  if (Status s = started->Refresh(); !s.ok()) return std::cerr << s.ToString() << "\n", 1;
  const snapshot::StartReport rep = started->start_report();
  std::printf("(f) start from snapshot %.3f s wall, %.3f s CPU: from the snapshot %s, %zu persons replayed; same cells as the live engine: %s\n",
              Since(t0), CpuSeconds() - c0, rep.from_snapshot ? "yes" : ("NO: " + rep.rejected).c_str(), rep.replayed,
              started->engine().NonZeroCells() == eng.NonZeroCells() ? "yes" : "NO");
  return 0;
}
