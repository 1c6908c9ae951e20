// Name search latency over N persons (default 1,000,000): builds a database of
// persons with Vietnamese names in realistic proportions, then times queries
// typed without diacritics, as a health worker types them.
// Usage: bench_search [persons] [queries]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/text.h"
#include "orgunit/load.h"
#include "store/sqlite.h"
#include "store/store.h"

using namespace u5;

namespace {

struct Weighted {
  const char* name;
  int weight;  // per mille, approximate shares of Vietnamese family names
};
const Weighted kFamilies[] = {{"Nguyễn", 380}, {"Trần", 110}, {"Lê", 95}, {"Phạm", 70}, {"Hoàng", 50}, {"Phan", 45},
                              {"Vũ", 39},      {"Đặng", 21},  {"Bùi", 20}, {"Đỗ", 14},  {"Hồ", 13},    {"Ngô", 13},
                              {"Dương", 10},   {"Lý", 5},     {"Lò", 30},  {"Giàng", 25}, {"Vàng", 20}, {"Lường", 20}};
const char* kMiddleF[] = {"Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hoài"};
const char* kMiddleM[] = {"Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thành"};
const char* kGiven[] = {"An", "Anh", "Bình", "Châu", "Chi", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hiền",
                        "Hoa", "Hùng", "Hương", "Huy", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngọc",
                        "Nhung", "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tú", "Tuấn", "Vân",
                        "Việt", "Yến", "Páo", "Sua", "Súa", "Dính", "Chứ", "Mỷ", "Xuân"};

template <typename T, size_t N>
const char* Pick(std::mt19937_64& rng, const T (&arr)[N]) {
  return arr[rng() % N];
}

const char* PickFamily(std::mt19937_64& rng) {
  int total = 0;
  for (const auto& f : kFamilies) total += f.weight;
  int r = static_cast<int>(rng() % static_cast<uint64_t>(total));
  for (const auto& f : kFamilies) {
    if (r < f.weight) return f.name;
    r -= f.weight;
  }
  return kFamilies[0].name;
}

void Report(const char* label, std::vector<double>& ms) {
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
  std::printf("%-44s n=%zu p50=%.3f ms p95=%.3f ms p99=%.3f ms max=%.3f ms\n", label, ms.size(), pct(0.50), pct(0.95),
              pct(0.99), ms.back());
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 1000000;
  const size_t queries = argc > 2 ? std::stoul(argv[2]) : 2000;
  const std::string dir = (std::filesystem::temp_directory_path() / "u5_bench_search").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/search.db";

  std::unique_ptr<store::Store> st;
  if (Status s = store::OpenSqliteStore(path, &st); !s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  if (Status s = orgunit::LoadOrgUnits(*st, std::string(U5_SOURCE_DIR) + "/data"); !s.ok())
    return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  // Communes of the five plan provinces, so a province-scoped search has realistic selectivity.
  std::vector<std::string> communes;
  {
    store::Db db;
    store::Db::Open(path, &db);
    store::Stmt s;
    db.Prepare("SELECT id FROM orgunit WHERE kind='commune' AND scheme='vn2025' ORDER BY id", &s);
    while (s.Step()) communes.push_back(s.Text(0));
  }

  std::mt19937_64 rng(20261125);
  auto t0 = std::chrono::steady_clock::now();
  {
    std::unique_ptr<store::BulkWriter> w;
    if (Status s = st->OpenBulk(&w); !s.ok()) return 1;
    store::Record r;
    r.type = "person";
    r.version = 1;
    r.created_at = r.updated_at = NowIso();
    for (size_t i = 0; i < n; ++i) {
      const bool female = rng() % 2 == 0;
      r.full_name = std::string(PickFamily(rng)) + " " + (female ? Pick(rng, kMiddleF) : Pick(rng, kMiddleM)) + " " + Pick(rng, kGiven);
      r.full_name = text::Nfc(r.full_name);
      r.name_folded = text::Fold(r.full_name);
      r.id = "0190c000-0000-7000-8000-" + std::to_string(100000000000 + i);
      r.sex = female ? "female" : "male";
      r.date = FormatDate(Date{static_cast<int32_t>(7000 + rng() % 12000)});
      r.orgunit_id = communes[rng() % communes.size()];
      char phone[16];
      std::snprintf(phone, sizeof phone, "09%08llu", static_cast<unsigned long long>(rng() % 100000000));
      r.phone = phone;
      r.body = "{\"full_name\":\"" + r.full_name + "\"}";
      if (Status s = w->Add(r); !s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
    }
    if (Status s = w->Commit(); !s.ok()) return 1;
  }
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("persons=%zu load=%.1f s\n", n, load_s);

  auto run = [&](const char* label, auto make_query) {
    std::vector<double> ms;
    std::vector<store::Record> out;
    size_t hits = 0;
    for (size_t i = 0; i < queries; ++i) {
      store::SearchQuery q = make_query();
      auto a = std::chrono::steady_clock::now();
      st->SearchPersons(q, &out);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
      hits += out.size();
    }
    Report(label, ms);
    std::printf("%-44s mean hits=%.1f\n", "", static_cast<double>(hits) / queries);
  };
  auto folded_name = [&](int words) {
    std::string s = text::Fold(PickFamily(rng));
    if (words >= 2) s += " " + text::Fold(rng() % 2 ? Pick(rng, kMiddleF) : Pick(rng, kMiddleM));
    if (words >= 3) s += " " + text::Fold(Pick(rng, kGiven)).substr(0, 1 + rng() % 3);
    return s;
  };
  run("full name prefix, nationwide (\"nguyen thi h\")", [&] { store::SearchQuery q; q.name_folded = folded_name(3); return q; });
  run("family + middle, nationwide (\"tran van\")", [&] { store::SearchQuery q; q.name_folded = folded_name(2); return q; });
  run("full name prefix, one province (12)", [&] { store::SearchQuery q; q.name_folded = folded_name(3); q.orgunit = "12"; return q; });
  // The deepest page the route serves (offset 1000, limit 20 + 1 to tell whether more follow).
  run("one word, page 51 (\"nguyen\", offset 1000)", [&] {
    store::SearchQuery q;
    q.name_folded = text::Fold(PickFamily(rng));
    q.offset = 1000;
    q.limit = 21;
    return q;
  });
  run("phone, nationwide", [&] {
    store::SearchQuery q;
    char phone[16];
    std::snprintf(phone, sizeof phone, "09%08llu", static_cast<unsigned long long>(rng() % 100000000));
    q.phone = phone;
    return q;
  });
  std::filesystem::remove_all(dir);
  return 0;
}
