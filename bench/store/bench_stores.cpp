// SQLite and PostgreSQL side by side on the same data (issue 25): a bulk load
// into an empty database (records/s, one OpenBulk transaction committed), then
// Get of a person and Handbook of a child, on the loaded data.
//
// Data: kMothers (5,000) mothers, each with one child and kEvents (5) events of
// the child: 35,000 records, all in one commune.
// PostgreSQL: the cluster named by env U5_BENCH_PG (a libpq URI; e.g. the one
// `scripts/pg-cluster start DIR` prints); each load goes into a new database.
// SQLite: files under $TMPDIR.
//
// Usage: U5_BENCH_PG=URI bench_stores --benchmark_repetitions=3
// The latest figures, with their commands and the machine's load: docs/postgres.md.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/id.h"
#include "core/text.h"
#include "store/pg.h"
#include "store/pg_store.h"
#include "store/sqlite.h"
#include "store/store.h"

using namespace u5;

namespace {

constexpr int kMothers = 5000, kEvents = 5;
constexpr const char* kOrgUnits =
    "INSERT INTO orgunit(id, code, scheme, kind, name, parent_id) VALUES ('VN','VN','root','country','Việt Nam',NULL);"
    "INSERT INTO orgunit(id, code, scheme, kind, name, parent_id) VALUES ('03390','03390','vn2025','commune','Xã',NULL);";

struct Data {
  std::vector<store::Record> records;  // mothers, children, events, in load order
  std::vector<std::string> mothers, children;
  Data() {
    auto person = [](const std::string& name, const std::string& birth) {
      store::Record r;
      r.type = "person";
      r.id = NewUuid7();
      r.orgunit_id = "03390";
      r.full_name = name;
      r.name_folded = text::Fold(name);
      r.sex = "female";
      r.date = birth;
      r.version = 1;
      r.created_at = r.updated_at = "2026-07-01T00:00:00.000Z";
      r.body = nlohmann::json{{"id", r.id}, {"full_name", name}, {"birth_date", birth}, {"ethnicity", "thai"}}.dump();
      return r;
    };
    for (int m = 0; m < kMothers; ++m) {
      store::Record mother = person("Lò Thị Mai " + std::to_string(m), "1996-04-12");
      store::Record child = person("Lò Văn An " + std::to_string(m), "2025-03-01");
      child.mother_id = mother.id;
      mothers.push_back(mother.id);
      children.push_back(child.id);
      records.push_back(mother);
      records.push_back(child);
      for (int e = 0; e < kEvents; ++e) {
        store::Record ev;
        ev.type = "growth";
        ev.id = NewUuid7();
        ev.person_id = child.id;
        ev.orgunit_id = "03390";
        ev.date = "2025-0" + std::to_string(4 + e) + "-10";
        ev.version = 1;
        ev.created_at = ev.updated_at = "2026-07-01T00:00:00.000Z";
        ev.body = nlohmann::json{{"id", ev.id}, {"date", ev.date}, {"weight_kg", 6.1 + e}, {"length_cm", 60 + e}}.dump();
        records.push_back(ev);
      }
    }
  }
};

const Data& TheData() {
  static const Data d;
  return d;
}

void Check(const Status& st, const char* what) {
  if (!st.ok()) throw std::runtime_error(std::string(what) + ": " + st.ToString());
}

// A new, empty, migrated store with the two org units: SQLite (kind 0) or PostgreSQL (kind 1).
std::unique_ptr<store::Store> NewStore(int kind) {
  static int n = 0;
  ++n;
  std::unique_ptr<store::Store> s;
  if (kind == 0) {
    const std::string dir = (std::filesystem::temp_directory_path() / ("u5_bench_stores_" + std::to_string(getpid()))).string();
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/" + std::to_string(n) + ".db";
    Check(store::OpenSqliteStore(path, &s), "open sqlite");
    store::Db db;
    Check(store::Db::Open(path, &db), "open sqlite file");
    Check(db.Exec(kOrgUnits), "org units");
    return s;
  }
  const char* cluster = std::getenv("U5_BENCH_PG");
  if (!cluster || !*cluster) throw std::runtime_error("set U5_BENCH_PG to a PostgreSQL URI (scripts/pg-cluster start DIR)");
  store::pg::Conn admin;
  Check(store::pg::Conn::Open(cluster, &admin), "connect");
  const std::string name = "u5_bench_" + std::to_string(getpid()) + "_" + std::to_string(n);
  // The databases go when the program ends (FORCE: the loaded stores still hold connections).
  static struct Dropper {
    std::string cluster;
    std::vector<std::string> names;
    ~Dropper() {
      store::pg::Conn c;
      if (!store::pg::Conn::Open(cluster, &c).ok()) return;
      for (const auto& db : names) (void)c.Exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  } dropper{cluster, {}};
  dropper.names.push_back(name);
  Check(admin.Exec("DROP DATABASE IF EXISTS " + name), "drop database");
  Check(admin.Exec("CREATE DATABASE " + name), "create database");
  std::string uri;
  Check(store::pg::WithDatabase(cluster, name, &uri), "uri");
  Check(store::OpenPgStore(uri, store::PgOptions{}, &s), "open postgres");
  store::pg::Conn c;
  Check(store::pg::Conn::Open(uri, &c), "connect");
  Check(c.Exec(kOrgUnits), "org units");
  return s;
}

void Load(store::Store& s) {
  std::unique_ptr<store::BulkWriter> w;
  Check(s.OpenBulk(&w), "open bulk");
  for (const auto& r : TheData().records) Check(w->Add(r), "add");
  Check(w->Commit(), "commit");
}

// A loaded store per kind, for the reads.
store::Store& Loaded(int kind) {
  static std::map<int, std::unique_ptr<store::Store>> stores;
  auto& s = stores[kind];
  if (!s) {
    s = NewStore(kind);
    Load(*s);
  }
  return *s;
}

void BM_BulkLoad(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto s = NewStore(kind);
    TheData();
    state.ResumeTiming();
    Load(*s);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(TheData().records.size()));
  state.SetLabel(kind == 0 ? "sqlite" : "postgres");
}
BENCHMARK(BM_BulkLoad)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Get(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  store::Store& s = Loaded(kind);
  std::mt19937 rng(7);
  store::Record r;
  for (auto _ : state) Check(s.Get("person", TheData().mothers[rng() % kMothers], &r), "get");
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(kind == 0 ? "sqlite" : "postgres");
}
BENCHMARK(BM_Get)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

// Handbook without the mother: the person and their events from the database
// on both stores (with the mother, SQLite answers from its handbook cache).
void BM_Handbook(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  store::Store& s = Loaded(kind);
  std::mt19937 rng(7);
  store::Record person;
  std::vector<store::Record> events;
  for (auto _ : state) {
    Check(s.Handbook(TheData().children[rng() % kMothers], &person, &events), "handbook");
    if (events.size() != kEvents) throw std::runtime_error("wrong handbook");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(kind == 0 ? "sqlite" : "postgres");
}
BENCHMARK(BM_Handbook)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
