// Cost of appending read-audit entries (Store::AppendAudit), as the HTTP
// audit sink does every 100 ms: batches of 1,000 entries of reads of existing
// records, on an audit_log already holding N entries (the argument).
//
// BM_AppendAudit/N/B: one iteration = one AppendAudit call of B entries
// (one transaction, committed durably). items_per_second counts entries;
// per_entry is the time (CPU of the calling thread, which is where SQLite
// works) per entry. Real time includes the fsync at commit.
//
// Pre-fill: a database with N entries is built once per N into
// $TMPDIR/u5_bench_audit/prefill_N.db (valid hash chain, written directly
// with INSERTs in one transaction, which is much faster than AppendAudit and
// gives the same rows and indexes), then copied to a fresh file for every
// benchmark run so each run starts from the same state. Delete the folder
// to rebuild it (U5_BENCH_AUDIT_DIR overrides the folder).
//
// BM_BuildReadEntry: the HTTP side, building one read entry as
// http/api.cpp AuditRead and AuditSink::Add do.
//
// Usage: bench_audit --benchmark_repetitions=3 [--benchmark_filter=...]
// The latest figures, with their commands: docs/performance.md.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/entry.h"
#include "core/date.h"
#include "core/id.h"
#include "store/audit_index.h"
#include "store/sqlite.h"
#include "store/store.h"

using namespace u5;
namespace fs = std::filesystem;

namespace {

constexpr int kBatch = 1000;
constexpr size_t kRecords = 200000;  // distinct records read (ids of existing-looking records)
constexpr size_t kUsers = 200;
const store::SqliteOptions kStoreOptions;  // the server's run sizes

// A UUIDv7-like id of a record created at some time in the last two years.
std::string RecordId(std::mt19937_64& rng) {
  const uint64_t ms = 1735689600000ULL + rng() % (2ULL * 365 * 86400000ULL);
  const uint64_t r1 = rng(), r2 = rng();
  return FormatUuid7(ms, static_cast<uint16_t>(r1 & 0xfff), r2);
}

struct Population {
  std::vector<std::string> records, orgunits, user_ids, usernames, remotes;
  Population() {
    std::mt19937_64 rng(42);
    for (size_t i = 0; i < kRecords; ++i) records.push_back(RecordId(rng));
    for (size_t i = 0; i < kRecords; ++i) orgunits.push_back(std::to_string(3000 + rng() % 900).insert(0, "0"));
    for (size_t i = 0; i < kUsers; ++i) {
      user_ids.push_back(RecordId(rng));
      usernames.push_back("yte.xa" + std::to_string(i));
      remotes.push_back("10.12." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1));
    }
  }
};

const Population& Pop() {
  static const Population p;
  return p;
}

// One read entry, as the API's AuditRead leaves it in the sink.
audit::Entry ReadEntry(std::mt19937_64& rng, const std::string& at) {
  const Population& p = Pop();
  const size_t r = rng() % kRecords, u = rng() % kUsers;
  audit::Entry e;
  e.at = at;
  e.user_id = p.user_ids[u];
  e.username = p.usernames[u];
  e.remote = p.remotes[u];
  e.action = "read";
  e.record_type = "person";
  e.record_id = p.records[r];
  e.orgunit_id = p.orgunits[r];
  e.detail = R"({"via":"handbook"})";
  return e;
}

void Die(const Status& s) {
  std::fprintf(stderr, "bench_audit: %s\n", s.ToString().c_str());
  std::exit(1);
}

fs::path Dir() {
  const char* d = std::getenv("U5_BENCH_AUDIT_DIR");
  fs::path dir = d ? fs::path(d) : fs::temp_directory_path() / "u5_bench_audit";
  fs::create_directories(dir);
  return dir;
}

// A database with n audit entries (a valid chain), built once and kept.
fs::path Prefilled(int64_t n) {
  const fs::path path = Dir() / ("prefill_" + std::to_string(n) + ".db");
  if (fs::exists(path)) return path;
  const fs::path tmp = Dir() / ("prefill_" + std::to_string(n) + ".building.db");
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(tmp.string() + ext);
  {
    std::unique_ptr<store::Store> st;
    if (Status s = store::OpenSqliteStore(tmp.string(), &st); !s.ok()) Die(s);
  }
  store::Db db;
  if (Status s = store::Db::Open(tmp.string(), &db); !s.ok()) Die(s);
  if (Status s = db.Exec("PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576"); !s.ok()) Die(s);
  std::mt19937_64 rng(7);
  std::string prev = audit::kGenesis;
  {
    store::Tx tx(db);
    if (!tx.status().ok()) Die(tx.status());
    store::Stmt& ins = db.Cached(
        "INSERT INTO audit_log(seq, at, user_id, username, remote, action, record_type, record_id, orgunit_id, detail, "
        "prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)");
    for (int64_t i = 1; i <= n; ++i) {
      // In order, 30 ms apart (the time is not indexed; only its shape matters).
      const int64_t ms = 1748736000000LL + i * 30;
      audit::Entry e = ReadEntry(rng, FormatDate(Date{static_cast<int32_t>(ms / 86400000)}) + "T08:00:00.000Z");
      e.seq = i;
      e.prev_hash = prev;
      e.hash = audit::ComputeHash(e);
      ins.Bind(1, e.seq).Bind(2, e.at).Bind(3, e.user_id).Bind(4, e.username).Bind(5, e.remote).Bind(6, e.action);
      ins.Bind(7, e.record_type).Bind(8, e.record_id).Bind(9, e.orgunit_id).Bind(10, e.detail).Bind(11, e.prev_hash);
      ins.Bind(12, e.hash);
      if (Status s = ins.Run(); !s.ok()) Die(s);
      prev = std::move(e.hash);
      // The runs of entries by record, as the store would have made them on the way.
      if (i % 1000 == 0)
        if (Status s = store::IndexAuditTail(db, i, kStoreOptions.audit_run_entries, kStoreOptions.audit_run_fanout,
                                             kStoreOptions.audit_run_max_level);
            !s.ok())
          Die(s);
    }
    if (Status s = tx.Commit(); !s.ok()) Die(s);
  }
  if (Status s = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); !s.ok()) Die(s);
  db = store::Db();
  for (const char* ext : {"-wal", "-shm"}) fs::remove(tmp.string() + ext);
  fs::rename(tmp, path);
  return path;
}

void BM_AppendAudit(benchmark::State& state) {
  const int64_t n = state.range(0), batch_size = state.range(1);
  const fs::path tpl = Prefilled(n);
  const fs::path path = Dir() / ("run_" + std::to_string(n) + ".db");
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(path.string() + ext);
  fs::copy_file(tpl, path);
  {
    std::unique_ptr<store::Store> st;
    if (Status s = store::OpenSqliteStore(path.string(), &st); !s.ok()) Die(s);
    std::mt19937_64 rng(1234);
    for (auto _ : state) {
      state.PauseTiming();
      std::vector<audit::Entry> batch;
      batch.reserve(batch_size);
      const std::string at = NowIso();
      for (int64_t i = 0; i < batch_size; ++i) batch.push_back(ReadEntry(rng, at));
      state.ResumeTiming();
      if (Status s = st->AppendAudit(std::move(batch)); !s.ok()) Die(s);
    }
    state.SetItemsProcessed(state.iterations() * batch_size);
    state.counters["per_entry"] = benchmark::Counter(static_cast<double>(state.iterations() * batch_size),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    if (std::getenv("U5_BENCH_AUDIT_VERIFY")) {
      int64_t checked = 0;
      if (Status s = st->VerifyAudit(&checked); !s.ok()) Die(s);
      state.counters["verified"] = static_cast<double>(checked);
    }
  }
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(path.string() + ext);
}
// GET /api/v1/audit?record=: the entries of one record (read ~5 times in the
// pre-filled log), through the runs and the tail. One iteration = one query.
void BM_ListAuditByRecord(benchmark::State& state) {
  const int64_t n = state.range(0);
  const fs::path path = Prefilled(n);
  std::unique_ptr<store::Store> st;
  if (Status s = store::OpenSqliteStore(path.string(), &st); !s.ok()) Die(s);
  std::mt19937_64 rng(99);
  size_t found = 0;
  for (auto _ : state) {
    store::AuditQuery q;
    q.record_id = Pop().records[rng() % kRecords];
    std::vector<audit::Entry> out;
    if (Status s = st->ListAudit(q, &out); !s.ok()) Die(s);
    found += out.size();
  }
  state.counters["entries_per_query"] = static_cast<double>(found) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ListAuditByRecord)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// Batches of 1,000 (what the sink flushes every 100 ms at ~10,000 reads/s);
// 10,000 shows what a longer flush interval would buy.
// 100,000 entries an iteration set, so that the tail is sorted into runs
// twice within it (every 50,000 entries) and its cost is in the figure.
BENCHMARK(BM_AppendAudit)
    ->Args({0, kBatch})
    ->Args({1000000, kBatch})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(100);
BENCHMARK(BM_AppendAudit)->Args({1000000, 10 * kBatch})->Unit(benchmark::kMillisecond)->Iterations(10);

// The HTTP side of one read: http/api.cpp AuditRead (copies from the
// principal and the record, the detail JSON) and AuditSink::Add (the time).
void BM_BuildReadEntry(benchmark::State& state) {
  const Population& p = Pop();
  const std::string remote = "10.12.0.7";
  size_t i = 0;
  for (auto _ : state) {
    audit::Entry e;
    e.user_id = p.user_ids[i % kUsers];
    e.username = p.usernames[i % kUsers];
    e.remote = remote;
    e.action = std::string("read");
    e.record_type = std::string("person");
    e.record_id = p.records[i % kRecords];
    e.orgunit_id = p.orgunits[i % kRecords];
    e.detail = nlohmann::json({{"via", "handbook"}}).dump();
    if (e.at.empty()) e.at = NowIso();
    benchmark::DoNotOptimize(e);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BuildReadEntry);

// The entry's hash (SHA-256 of its length-prefixed fields, hex).
void BM_ComputeHash(benchmark::State& state) {
  std::mt19937_64 rng(3);
  audit::Entry e = ReadEntry(rng, "2026-11-26T10:27:17.678Z");
  e.seq = 1234567;
  e.prev_hash = audit::kGenesis;
  for (auto _ : state) benchmark::DoNotOptimize(audit::ComputeHash(e));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ComputeHash);

}  // namespace

BENCHMARK_MAIN();
