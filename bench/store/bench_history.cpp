// The same data on both stores, side by side: the full country's org unit
// load (SQLite's INSERTs, PostgreSQL's COPY) and the ForEachHistory pass the
// engines make at start, over N persons with their events.
// Usage: bench_history PG_URI [persons]   (PG_URI: an empty database; bench/store/history.sh makes one)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/id.h"
#include "core/text.h"
#include "orgunit/load.h"
#include "store/history.h"
#include "store/pg_store.h"
#include "store/store.h"

using namespace u5;

namespace {

double Ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

bool Check(const Status& st, const char* what) {
  if (!st.ok()) std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
  return st.ok();
}

// Persons of Lai Châu's communes, each with `events` growth and immunization records.
std::vector<store::Record> Records(int persons, int events) {
  const char* communes[] = {"03388", "03390", "03394", "03405", "03408"};
  std::vector<store::Record> out;
  for (int i = 0; i < persons; ++i) {
    store::Record p;
    p.type = "person";
    p.id = NewUuid7();
    p.orgunit_id = communes[i % 5];
    p.full_name = "Lò Thị Mai " + std::to_string(i);
    p.name_folded = text::Fold(p.full_name);
    p.sex = i % 2 ? "female" : "male";
    p.date = "2024-0" + std::to_string(1 + i % 9) + "-15";
    p.created_at = p.updated_at = "2026-07-01T00:00:00.000Z";
    p.body = "{\"id\":\"" + p.id + "\",\"village\":\"Bản " + std::to_string(i % 40) + "\"}";
    out.push_back(p);
    for (int k = 0; k < events; ++k) {
      store::Record e;
      e.type = k % 3 ? "growth" : "immunization";
      e.id = NewUuid7();
      e.person_id = p.id;
      e.orgunit_id = p.orgunit_id;
      e.date = "2025-" + std::string(k < 9 ? "0" : "") + std::to_string(1 + k % 12) + "-10";
      e.created_at = e.updated_at = p.created_at;
      e.body = "{\"id\":\"" + e.id + "\",\"weight_kg\":" + std::to_string(5 + k) + ",\"note\":\"" + std::string(120, 'x') + "\"}";
      out.push_back(e);
    }
  }
  return out;
}

bool Run(const char* name, store::Store& s, const std::vector<store::Record>& records) {
  auto t0 = std::chrono::steady_clock::now();
  if (!Check(orgunit::LoadOrgUnits(s, std::string(U5_SOURCE_DIR) + "/data"), "load org units")) return false;
  std::printf("%-10s org unit load (whole country)        %8.0f ms\n", name, Ms(t0));
  t0 = std::chrono::steady_clock::now();
  for (size_t at = 0; at < records.size(); at += 5000) {
    std::vector<store::Record> batch(records.begin() + at, records.begin() + std::min(records.size(), at + 5000));
    if (!Check(s.InsertBatch(batch), "insert")) return false;
  }
  const double insert_ms = Ms(t0);
  std::printf("%-10s InsertBatch of %zu records           %8.0f ms (%.0f records/s)\n", name, records.size(), insert_ms,
              records.size() / insert_ms * 1000);
  std::vector<double> runs;
  size_t persons = 0, events = 0;
  for (int r = 0; r < 3; ++r) {
    persons = events = 0;
    store::HistoryQuery q;
    q.person_fields = {"village"};
    t0 = std::chrono::steady_clock::now();
    Status st = s.ForEachHistory(q, [&](const store::PersonRow&, std::span<const store::EventRow> ev) {
      ++persons;
      events += ev.size();
      return Status::Ok();
    });
    if (!Check(st, "history")) return false;
    runs.push_back(Ms(t0));
  }
  std::sort(runs.begin(), runs.end());
  std::printf("%-10s ForEachHistory, %zu persons %zu events: best %.0f ms, median %.0f ms (%.0f persons/s)\n", name,
              persons, events, runs[0], runs[1], persons / runs[1] * 1000);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_history PG_URI [persons]\n");
    return 2;
  }
  const int persons = argc > 2 ? std::atoi(argv[2]) : 20000;
  const std::vector<store::Record> records = Records(persons, 8);
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("u5_bench_history_" + NewUuid7());
  std::filesystem::create_directories(dir);
  bool ok = false;
  {
    std::unique_ptr<store::Store> lite, pg;
    ok = Check(store::OpenSqliteStore((dir / "bench.db").string(), &lite), "open sqlite") && Run("sqlite", *lite, records) &&
         Check(store::OpenPgStore(argv[1], store::PgOptions{}, &pg), "open postgres") && Run("postgres", *pg, records);
  }
  std::filesystem::remove_all(dir);
  return ok ? 0 : 1;
}
