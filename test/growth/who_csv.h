#pragma once
// Test helper: reads the WHO LMS CSV files in data/who-growth directly
// (independently of the tables compiled into u5_growth).

#include <array>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace growth_test {

struct Row {
  int sex;
  double x;
  double l, m, s;
};

inline const std::map<std::string, std::string>& table_files() {
  static const std::map<std::string, std::string> files = {
      {"wfa", "weight_for_age.csv"},
      {"lhfa", "length_height_for_age.csv"},
      {"wfl", "weight_for_length.csv"},
      {"wfh", "weight_for_height.csv"},
      {"bmi", "bmi_for_age.csv"},
      {"hc", "head_circumference_for_age.csv"},
      {"ac", "arm_circumference_for_age.csv"},
      {"ts", "triceps_skinfold_for_age.csv"},
      {"ss", "subscapular_skinfold_for_age.csv"},
  };
  return files;
}

inline bool is_length_table(const std::string& t) { return t == "wfl" || t == "wfh"; }

// All rows of a table, keyed by (sex, x*10 rounded) for lookup.
inline const std::map<std::pair<int, long>, Row>& who_rows(const std::string& table) {
  static std::map<std::string, std::map<std::pair<int, long>, Row>> cache;
  auto it = cache.find(table);
  if (it != cache.end()) return it->second;
  const std::string path = std::string(U5_WHO_DATA_DIR) + "/" + table_files().at(table);
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);  // header
  std::map<std::pair<int, long>, Row> rows;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string f[5];
    for (auto& c : f) std::getline(ss, c, ',');
    Row r{std::stoi(f[0]), std::stod(f[1]), std::stod(f[2]), std::stod(f[3]), std::stod(f[4])};
    rows[{r.sex, std::lround(r.x * 10)}] = r;
  }
  return cache[table] = rows;
}

struct LmsT {
  double l, m, s;
};

// LMS at key: age tables need an integer day; length tables interpolate
// linearly between 0.1 cm rows.
inline LmsT lms_at(const std::string& table, int sex, double key) {
  const auto& rows = who_rows(table);
  const double k10 = key * 10.0;
  const double near = std::round(k10);
  if (std::fabs(k10 - near) < 1e-6) {
    const Row& r = rows.at({sex, static_cast<long>(near)});
    return {r.l, r.m, r.s};
  }
  if (!is_length_table(table)) throw std::runtime_error("non-integer age key");
  const double lo = std::floor(k10);
  const double w = k10 - lo;
  const Row& a = rows.at({sex, static_cast<long>(lo)});
  const Row& b = rows.at({sex, static_cast<long>(lo) + 1});
  return {a.l + w * (b.l - a.l), a.m + w * (b.m - a.m), a.s + w * (b.s - a.s)};
}

// The value on the SD line z: M (1 + L S z)^(1/L).
inline double sd_line(const LmsT& p, double z) {
  return p.m * std::pow(1.0 + p.l * p.s * z, 1.0 / p.l);
}

// A value whose WHO restricted z-score is z (linear beyond +-3 SD).
inline double restricted_value(const LmsT& p, double z) {
  if (z > 3) {
    const double sd3 = sd_line(p, 3), sd2 = sd_line(p, 2);
    return sd3 + (z - 3) * (sd3 - sd2);
  }
  if (z < -3) {
    const double sd3 = sd_line(p, -3), sd2 = sd_line(p, -2);
    return sd3 + (z + 3) * (sd2 - sd3);
  }
  return sd_line(p, z);
}

}  // namespace growth_test
