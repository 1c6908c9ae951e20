// Generation rate of the demo at province and multi-province scale.
//   bench_demo [--null] [--db FILE] [--from Y --to Y] [--seed S] PROVINCE...
// --null measures generation alone (records are counted, not stored).
// Prints records, seconds, records/s and the database size.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "demo/generator.h"
#include "orgunit/load.h"
#include "store/store.h"

using namespace u5;

int main(int argc, char** argv) {
  demo::Options o;
  o.provinces.clear();
  std::string db_path = "/tmp/u5_bench_demo.db";
  bool null_sink = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--null") null_sink = true;
    else if (a == "--db" && i + 1 < argc) db_path = argv[++i];
    else if (a == "--from" && i + 1 < argc) o.from_year = std::atoi(argv[++i]);
    else if (a == "--to" && i + 1 < argc) o.to_year = std::atoi(argv[++i]);
    else if (a == "--seed" && i + 1 < argc) o.seed = std::strtoull(argv[++i], nullptr, 10);
    else o.provinces.push_back(a);
  }
  if (o.provinces.empty()) o.provinces = {"12"};
  o.today = DateFromYmd(2026, 11, 25);
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + ext);
  std::unique_ptr<store::Store> st;
  if (Status s = store::OpenSqliteStore(db_path, &st); !s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  if (Status s = orgunit::LoadOrgUnits(*st, U5_SOURCE_DIR "/data"); !s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  demo::Stats stats;
  Status s;
  const auto t0 = std::chrono::steady_clock::now();
  if (null_sink) {
    int64_t n = 0;
    s = demo::GenerateTo([&](std::vector<store::Record>& b) { n += static_cast<int64_t>(b.size()); b.clear(); return Status::Ok(); }, *st, o, &stats);
  } else {
    s = demo::Generate(*st, o, &stats);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  const int64_t n = stats.persons + stats.events;
  std::error_code ec;
  const auto size = null_sink ? 0 : std::filesystem::file_size(db_path, ec) + std::filesystem::file_size(db_path + "-wal", ec);
  std::printf("provinces=%zu births=%lld persons=%lld events=%lld records=%lld seconds=%.2f records_per_s=%.0f db_bytes=%llu mode=%s\n",
              o.provinces.size(), static_cast<long long>(stats.births), static_cast<long long>(stats.persons),
              static_cast<long long>(stats.events), static_cast<long long>(n), secs, n / secs,
              static_cast<unsigned long long>(size), null_sink ? "null" : "store");
  return 0;
}
