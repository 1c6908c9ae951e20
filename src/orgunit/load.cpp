#include "orgunit/load.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/log.h"
#include "core/text.h"
#include "orgunit/csv.h"
#include "store/orgunit_writer.h"

namespace u5::orgunit {
namespace {

constexpr const char* kValidFrom2025 = "2025-07-01";
constexpr const char* kValidToPre2025 = "2025-06-30";

using Rows = std::vector<std::vector<std::string>>;

bool IsDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

struct Unit {
  std::string id;
  std::string code;
  const char* scheme;
  const char* kind;
  std::string name;
  std::optional<std::string> division_type;
  int parent = -1;  // index into Loader::ids_
  const char* valid_from = nullptr;
  const char* valid_to = nullptr;
  std::optional<int64_t> population;
  std::optional<double> area_km2;
};

Unit MakeUnit(std::string id, std::string code, const char* scheme, const char* kind, std::string name,
              std::optional<std::string> division_type, int parent) {
  Unit u;
  u.id = std::move(id);
  u.code = std::move(code);
  u.scheme = scheme;
  u.kind = kind;
  u.name = std::move(name);
  u.division_type = std::move(division_type);
  u.parent = parent;
  return u;
}

struct Figures {
  std::optional<int64_t> population;
  std::optional<double> area_km2;
  bool used = false;
};

class Loader {
 public:
  Loader(store::Store& store, std::string dir, const LoadProgress& progress)
      : store_(store), dir_(std::move(dir)), progress_(progress) {}

  Status Run();

 private:
  Status Read(const std::string& rel, const std::vector<std::string>& header, Rows* rows);
  Status Insert(const Unit& u);
  int Index(const std::string& id) const {
    auto it = index_.find(id);
    return it == index_.end() ? -1 : it->second;
  }
  void Progress(std::string_view stage, size_t done, size_t total) {
    if (progress_) progress_(stage, done, total);
  }
  Status Error(const std::string& file, size_t row, const std::string& msg) {
    return Status::Invalid("data", file + " row " + std::to_string(row) + ": " + msg);
  }

  Status LoadPopulation();
  Status LoadPre2025();
  Status SupplementPre2025FromJson();
  Status LoadProvinces2025();
  Status LoadCommunes2025();
  Status LoadSuccessors();
  Status LoadHospitals();
  Status BuildClosure();

  store::Store& store_;
  std::string dir_;
  const LoadProgress& progress_;
  store::OrgUnitSet set_;  // what the store writes
  std::vector<std::string> ids_;
  std::vector<int> parent_;
  std::unordered_map<std::string, int> index_;
  std::unordered_map<std::string, Figures> figures_;
  std::map<std::string, int64_t> expected_communes_;  // 2025 province id -> n_communes
  std::vector<std::pair<int, int>> successors_;        // (old commune, new commune)
  // Counts for the log line.
  int64_t n_pre_prov_ = 0, n_pre_dist_ = 0, n_pre_comm_ = 0, n_prov_ = 0, n_comm_ = 0, n_fac_ = 0;
  int64_t n_with_population_ = 0, n_figures_unused_ = 0;
  int64_t n_succ_ = 0, n_succ_no_old_ = 0, n_succ_unknown_old_ = 0, n_succ_dup_ = 0, n_banner_ = 0;
  int64_t n_closure_ = 0;
};

Status Loader::Read(const std::string& rel, const std::vector<std::string>& header, Rows* rows) {
  Status st = ReadCsv(dir_ + "/vn-admin/" + rel, rows);
  if (!st.ok()) return Status::Invalid("data", st.message());
  if (header.empty()) return Status::Ok();
  if (rows->empty() || (*rows)[0] != header) return Status::Invalid("data", rel + ": unexpected header");
  for (size_t i = 1; i < rows->size(); ++i)
    if ((*rows)[i].size() != header.size())
      return Error(rel, i, "expected " + std::to_string(header.size()) + " columns, got " +
                               std::to_string((*rows)[i].size()));
  return Status::Ok();
}

Status Loader::Insert(const Unit& u) {
  if (index_.count(u.id)) return Status::Invalid("data", "duplicate org unit id " + u.id);
  store::OrgUnitRow row;
  row.id = u.id;
  row.code = u.code;
  row.scheme = u.scheme;
  row.kind = u.kind;
  row.name = u.name;
  row.division_type = u.division_type;
  if (u.parent >= 0) row.parent_id = ids_[u.parent];
  if (u.valid_from) row.valid_from = u.valid_from;
  if (u.valid_to) row.valid_to = u.valid_to;
  row.population = u.population;
  row.area_km2 = u.area_km2;
  set_.units.push_back(std::move(row));
  index_.emplace(u.id, static_cast<int>(ids_.size()));
  ids_.push_back(u.id);
  parent_.push_back(u.parent);
  return Status::Ok();
}

Status Loader::LoadPopulation() {
  const std::string file = "post2025/population_2025.csv";
  Rows rows;
  U5_RETURN_IF_ERROR(Read(file, {"code", "name", "population", "area_km2", "source"}, &rows));
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    std::string_view code = Trim(r[0]);
    if (!IsDigits(code, 2) && !IsDigits(code, 5)) return Error(file, i, "bad code '" + r[0] + "'");
    Figures f;
    std::string_view pop = Trim(r[2]), area = Trim(r[3]);
    if (!pop.empty()) {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(pop.data(), pop.data() + pop.size(), v);
      if (ec != std::errc() || p != pop.data() + pop.size() || v < 0) return Error(file, i, "bad population");
      f.population = v;
    }
    if (!area.empty()) {
      double v = 0;
      auto [p, ec] = std::from_chars(area.data(), area.data() + area.size(), v);
      if (ec != std::errc() || p != area.data() + area.size() || v < 0) return Error(file, i, "bad area_km2");
      f.area_km2 = v;
    }
    if (!figures_.emplace(std::string(code), f).second) return Error(file, i, "duplicate code");
  }
  return Status::Ok();
}

Status Loader::LoadPre2025() {
  const std::string file = "pre2025/units_2025-03-01.csv";
  Rows rows;
  U5_RETURN_IF_ERROR(Read(file,
                          {"province_code", "province_name", "province_type", "district_code", "district_name",
                           "district_type", "commune_code", "commune_name", "commune_type"},
                          &rows));
  const size_t total = rows.size() - 1;
  Progress("pre2025", 0, total);
  const int vn = Index("VN");
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    std::string pc(Trim(r[0])), dc(Trim(r[3])), cc(Trim(r[6]));
    if (!IsDigits(pc, 2) || !IsDigits(dc, 3) || !IsDigits(cc, 5)) return Error(file, i, "bad code");
    const std::string pid = "pre2025:" + pc, did = "pre2025:" + dc, cid = "pre2025:" + cc;
    int p = Index(pid);
    if (p < 0) {
      Unit u = MakeUnit(pid, pc, "pre2025", "province", text::NormalizeName(r[1]), text::NormalizeName(r[2]), vn);
      u.valid_to = kValidToPre2025;
      U5_RETURN_IF_ERROR(Insert(u));
      p = Index(pid);
      ++n_pre_prov_;
    }
    int d = Index(did);
    if (d < 0) {
      Unit u = MakeUnit(did, dc, "pre2025", "district", text::NormalizeName(r[4]), text::NormalizeName(r[5]), p);
      u.valid_to = kValidToPre2025;
      U5_RETURN_IF_ERROR(Insert(u));
      d = Index(did);
      ++n_pre_dist_;
    } else if (parent_[d] != p) {
      return Error(file, i, "district " + dc + " listed under two provinces");
    }
    Unit u = MakeUnit(cid, cc, "pre2025", "commune", text::NormalizeName(r[7]), text::NormalizeName(r[8]), d);
    u.valid_to = kValidToPre2025;
    Status st = Insert(u);
    if (!st.ok()) return Error(file, i, st.message());
    ++n_pre_comm_;
    if (i % 1000 == 0) Progress("pre2025", i, total);
  }
  U5_RETURN_IF_ERROR(SupplementPre2025FromJson());
  Progress("pre2025", total, total);
  return Status::Ok();
}

// The flattened CSV has one row per commune, so the five island districts
// without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) are
// missing from it. They are taken from the verbatim GSO list (dvhcvn.json),
// which is also used to cross-check the CSV.
Status Loader::SupplementPre2025FromJson() {
  const std::string file = "pre2025/dvhcvn.json";
  std::ifstream in(dir_ + "/vn-admin/" + file, std::ios::binary);
  if (!in) return Status::Invalid("data", "cannot open " + file);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("data") || !j["data"].is_array())
    return Status::Invalid("data", file + ": not the expected JSON");
  const int vn = Index("VN");
  int64_t communes = 0;
  auto str = [](const nlohmann::json& o, const char* k) -> std::string {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  for (const auto& p : j["data"]) {
    const std::string pc = str(p, "level1_id");
    if (!IsDigits(pc, 2)) return Status::Invalid("data", file + ": bad province id '" + pc + "'");
    int pi = Index("pre2025:" + pc);
    if (pi < 0) {
      Unit u = MakeUnit("pre2025:" + pc, pc, "pre2025", "province", text::NormalizeName(str(p, "name")),
                        text::NormalizeName(str(p, "type")), vn);
      u.valid_to = kValidToPre2025;
      U5_RETURN_IF_ERROR(Insert(u));
      pi = Index(u.id);
      ++n_pre_prov_;
    }
    if (!p.contains("level2s") || !p["level2s"].is_array()) continue;
    for (const auto& d : p["level2s"]) {
      const std::string dc = str(d, "level2_id");
      if (!IsDigits(dc, 3)) return Status::Invalid("data", file + ": bad district id '" + dc + "'");
      int di = Index("pre2025:" + dc);
      if (di < 0) {
        Unit u = MakeUnit("pre2025:" + dc, dc, "pre2025", "district", text::NormalizeName(str(d, "name")),
                          text::NormalizeName(str(d, "type")), pi);
        u.valid_to = kValidToPre2025;
        U5_RETURN_IF_ERROR(Insert(u));
        di = Index(u.id);
        ++n_pre_dist_;
      } else if (parent_[di] != pi) {
        return Status::Invalid("data", file + ": district " + dc + " is under another province in the CSV");
      }
      if (!d.contains("level3s") || !d["level3s"].is_array()) continue;
      for (const auto& c : d["level3s"]) {
        const int ci = Index("pre2025:" + str(c, "level3_id"));
        if (ci < 0 || parent_[ci] != di)
          return Status::Invalid("data", file + ": commune " + str(c, "level3_id") +
                                             " missing from or placed differently in units_2025-03-01.csv");
        ++communes;
      }
    }
  }
  if (communes != n_pre_comm_)
    return Status::Invalid("data", file + " lists " + std::to_string(communes) + " communes, the CSV " +
                                       std::to_string(n_pre_comm_));
  return Status::Ok();
}

Status Loader::LoadProvinces2025() {
  const std::string file = "post2025/provinces_2025.csv";
  Rows rows;
  U5_RETURN_IF_ERROR(
      Read(file, {"province_code", "name", "division_type", "codename", "phone_code", "n_communes"}, &rows));
  const size_t total = rows.size() - 1;
  Progress("provinces", 0, total);
  const int vn = Index("VN");
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    std::string code(Trim(r[0]));
    if (!IsDigits(code, 2)) return Error(file, i, "bad province code '" + r[0] + "'");
    int64_t n = -1;
    std::string_view ns = Trim(r[5]);
    auto [p, ec] = std::from_chars(ns.data(), ns.data() + ns.size(), n);
    if (ec != std::errc() || p != ns.data() + ns.size() || n < 0) return Error(file, i, "bad n_communes");
    Unit u = MakeUnit(code, code, "vn2025", "province", text::NormalizeName(r[1]), text::NormalizeName(r[2]), vn);
    u.valid_from = kValidFrom2025;
    if (auto it = figures_.find(code); it != figures_.end()) {
      u.population = it->second.population;
      u.area_km2 = it->second.area_km2;
      it->second.used = true;
    }
    Status st = Insert(u);
    if (!st.ok()) return Error(file, i, st.message());
    expected_communes_[code] = n;
    ++n_prov_;
  }
  Progress("provinces", total, total);
  return Status::Ok();
}

Status Loader::LoadCommunes2025() {
  const std::string file = "post2025/communes_2025.csv";
  Rows rows;
  U5_RETURN_IF_ERROR(
      Read(file, {"commune_code", "name", "division_type", "codename", "province_code", "province_name"}, &rows));
  const size_t total = rows.size() - 1;
  Progress("communes", 0, total);
  std::map<std::string, int64_t> seen;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    std::string code(Trim(r[0])), pcode(Trim(r[4]));
    if (!IsDigits(code, 5)) return Error(file, i, "bad commune code '" + r[0] + "'");
    if (!IsDigits(pcode, 2) || !expected_communes_.count(pcode))
      return Error(file, i, "unknown 2025 province '" + r[4] + "'");
    Unit u = MakeUnit(code, code, "vn2025", "commune", text::NormalizeName(r[1]), text::NormalizeName(r[2]), Index(pcode));
    u.valid_from = kValidFrom2025;
    if (auto it = figures_.find(code); it != figures_.end()) {
      u.population = it->second.population;
      u.area_km2 = it->second.area_km2;
      it->second.used = true;
      if (u.population) ++n_with_population_;
    }
    Status st = Insert(u);
    if (!st.ok()) return Error(file, i, st.message());
    ++n_comm_;
    ++seen[pcode];
    Unit f = MakeUnit("tyt:" + code, code, "facility", "facility", text::NormalizeName("Trạm Y tế " + u.name), std::nullopt,
           Index(code));
    f.valid_from = kValidFrom2025;
    st = Insert(f);
    if (!st.ok()) return Error(file, i, st.message());
    ++n_fac_;
    if (i % 500 == 0) Progress("communes", i, total);
  }
  // provinces_2025.csv states each province's commune count: a truncated or
  // partly lost communes file must not load.
  for (const auto& [pcode, n] : expected_communes_) {
    int64_t got = seen.count(pcode) ? seen[pcode] : 0;
    if (got != n)
      return Status::Invalid("data", file + ": province " + pcode + " has " + std::to_string(got) +
                                         " communes, provinces_2025.csv says " + std::to_string(n));
  }
  for (const auto& [code, f] : figures_)
    if (!f.used) ++n_figures_unused_;
  if (n_figures_unused_) log::Warn("orgunit_population_unmatched", {{"codes", n_figures_unused_}});
  Progress("communes", total, total);
  return Status::Ok();
}

// Hospitals that receive referrals (red alerts), as facilities under the 2025
// commune where they stand. The national lists name no such units, so the file
// is the province's own (each row says its source); without it there are none.
Status Loader::LoadHospitals() {
  const std::string file = "hospitals.csv";
  if (!std::filesystem::exists(dir_ + "/vn-admin/" + file)) return Status::Ok();
  Rows rows;
  U5_RETURN_IF_ERROR(Read(file, {"id", "name", "commune_code", "source"}, &rows));
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    std::string id(Trim(r[0])), commune(Trim(r[2]));
    if (id.rfind("bv:", 0) != 0 || id.size() < 4) return Error(file, i, "a hospital id starts with 'bv:'");
    if (!IsDigits(commune, 5) || !index_.count(commune)) return Error(file, i, "unknown 2025 commune '" + r[2] + "'");
    if (Trim(r[3]).empty()) return Error(file, i, "every hospital row names its source");
    Unit f = MakeUnit(id, id.substr(3), "facility", "facility", text::NormalizeName(r[1]), std::nullopt, Index(commune));
    f.valid_from = kValidFrom2025;
    if (Status st = Insert(f); !st.ok()) return Error(file, i, st.message());
    ++n_fac_;
  }
  return Status::Ok();
}

Status Loader::LoadSuccessors() {
  const std::string file = "post2025/nso_conversion_old_to_new_2025-07.csv";
  Rows rows;
  U5_RETURN_IF_ERROR(Read(file, {}, &rows));
  // Locate the column header row (the file has a banner row above it).
  int c_new = -1, c_old = -1, c_note = -1;
  size_t first = 0;
  for (size_t i = 0; i < rows.size() && i < 5 && c_new < 0; ++i) {
    for (size_t j = 0; j < rows[i].size(); ++j) {
      std::string h = text::NormalizeName(rows[i][j]);
      if (h == "Mã Xã mới") c_new = static_cast<int>(j);
      if (h == "Mã Xã cũ") c_old = static_cast<int>(j);
      if (h == "Ghi chú") c_note = static_cast<int>(j);
    }
    first = i + 1;
  }
  if (c_new < 0 || c_old < 0 || c_note < 0) return Status::Invalid("data", file + ": column header row not found");
  const size_t need = static_cast<size_t>(std::max({c_new, c_old, c_note})) + 1;
  const size_t total = rows.size() - first;
  Progress("successors", 0, total);

  std::set<std::pair<int, int>> pairs;
  for (size_t i = first; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.size() < need) return Error(file, i, "too few columns");
    std::string nc(Trim(r[c_new])), oc(Trim(r[c_old]));
    if (nc.empty()) {  // province banner ("THÀNH PHỐ HÀ NỘI") or blank row
      if (!oc.empty()) return Error(file, i, "old code without new code");
      ++n_banner_;
      continue;
    }
    if (!IsDigits(nc, 5)) return Error(file, i, "bad new commune code '" + nc + "'");
    const int n = Index(nc);
    if (n < 0) return Error(file, i, "new commune " + nc + " is not in communes_2025.csv");
    if (oc.empty()) {  // island districts turned into đặc khu, coastal strip of Kim Sơn
      ++n_succ_no_old_;
      continue;
    }
    if (!IsDigits(oc, 5)) return Error(file, i, "bad old commune code '" + oc + "'");
    const int o = Index("pre2025:" + oc);
    if (o < 0) {
      ++n_succ_unknown_old_;
      continue;
    }
    if (!pairs.emplace(o, n).second) {
      ++n_succ_dup_;
      continue;
    }
    std::string note = text::NormalizeName(r[c_note]);
    set_.successors.push_back({ids_[o], ids_[n], note.empty() ? std::nullopt : std::optional<std::string>(note)});
    successors_.emplace_back(o, n);
    ++n_succ_;
    if ((i - first) % 2000 == 0) Progress("successors", i - first, total);
  }
  if (n_succ_unknown_old_)
    log::Warn("orgunit_successor_unknown_old", {{"rows_skipped", n_succ_unknown_old_}, {"file", file}});
  Progress("successors", total, total);
  return Status::Ok();
}

Status Loader::BuildClosure() {
  const size_t n = ids_.size();
  std::unordered_map<uint64_t, int> best;
  best.reserve(n * 6);
  auto key = [](int a, int d) { return (static_cast<uint64_t>(a) << 32) | static_cast<uint32_t>(d); };
  auto put = [&](int a, int d, int depth) {
    auto [it, fresh] = best.emplace(key(a, d), depth);
    if (!fresh && depth < it->second) it->second = depth;
  };
  for (size_t i = 0; i < n; ++i) {
    int depth = 0;
    for (int a = static_cast<int>(i); a >= 0; a = parent_[a]) {
      put(a, static_cast<int>(i), depth++);
      if (depth > 16) return Status::Internal("org unit parent cycle at " + ids_[i]);
    }
  }
  // An old commune is a descendant of each new commune it merged into, one
  // level below it, and so of that commune's ancestors.
  for (const auto& [o, nc] : successors_) {
    int depth = 1;
    for (int a = nc; a >= 0; a = parent_[a]) put(a, o, depth++);
  }
  struct Row {
    int a, d, depth;
  };
  std::vector<Row> rows;
  rows.reserve(best.size());
  for (const auto& [k, depth] : best) rows.push_back({static_cast<int>(k >> 32), static_cast<int>(k & 0xffffffffu), depth});
  // Insert in primary-key order: the B-tree only ever appends.
  std::sort(rows.begin(), rows.end(), [&](const Row& x, const Row& y) {
    if (x.a != y.a) return ids_[x.a] < ids_[y.a];
    return ids_[x.d] < ids_[y.d];
  });
  set_.closure.reserve(rows.size());
  for (const Row& r : rows) set_.closure.push_back({ids_[r.a], ids_[r.d], r.depth});
  n_closure_ = static_cast<int64_t>(rows.size());
  return Status::Ok();
}

Status Loader::Run() {
  const auto t0 = std::chrono::steady_clock::now();
  bool yes = false;
  // Cheap check without the write lock, before any file is read.
  U5_RETURN_IF_ERROR(store_.orgunit_writer().Loaded(&yes));
  if (yes) {
    log::Info("orgunits_already_loaded");
    return Status::Ok();
  }
  U5_RETURN_IF_ERROR(Insert(MakeUnit("VN", "VN", "root", "country", text::NormalizeName("Việt Nam"), std::nullopt, -1)));
  U5_RETURN_IF_ERROR(LoadPopulation());
  U5_RETURN_IF_ERROR(LoadPre2025());
  U5_RETURN_IF_ERROR(LoadProvinces2025());
  U5_RETURN_IF_ERROR(LoadCommunes2025());
  U5_RETURN_IF_ERROR(LoadSuccessors());
  U5_RETURN_IF_ERROR(LoadHospitals());
  U5_RETURN_IF_ERROR(BuildClosure());
  bool written = false;
  U5_RETURN_IF_ERROR(store_.orgunit_writer().LoadIfEmpty(set_, progress_, &written));
  if (!written) {
    log::Info("orgunits_already_loaded");  // another process loaded them meanwhile
    return Status::Ok();
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  log::Info("orgunits_loaded", {{"vn2025_provinces", n_prov_},
                                {"vn2025_communes", n_comm_},
                                {"vn2025_communes_with_population", n_with_population_},
                                {"facilities", n_fac_},
                                {"pre2025_provinces", n_pre_prov_},
                                {"pre2025_districts", n_pre_dist_},
                                {"pre2025_communes", n_pre_comm_},
                                {"successors", n_succ_},
                                {"successor_rows_without_old_code", n_succ_no_old_},
                                {"successor_rows_unknown_old_code", n_succ_unknown_old_},
                                {"successor_rows_duplicate", n_succ_dup_},
                                {"closure_rows", n_closure_},
                                {"ms", ms}});
  return Status::Ok();
}

}  // namespace

Status LoadOrgUnits(store::Store& store, const std::string& data_dir, const LoadProgress& progress) {
  Loader loader(store, data_dir, progress);
  return loader.Run();
}

}  // namespace u5::orgunit
