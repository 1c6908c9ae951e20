#include "growth/zscore_csv.h"

#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "growth/csv_reader.h"
#include "growth/zscore.h"

namespace u5::growth {
namespace {

enum Col { c_id, c_sex, c_age, c_weight, c_lenhei, c_measure, c_oedema, c_headc, c_count };
constexpr std::array<std::string_view, c_count> kColNames = {
    "id", "sex", "age_days", "weight_kg", "lenhei_cm", "measure", "oedema", "headc_cm"};

constexpr std::string_view kOutHeader =
    "id,clenhei,cmeasure,c9mo_flag,cbmi,csex,zlen,flen,zwei,fwei,zwfl,fwfl,zbmi,fbmi,zhc,fhc\n";
constexpr std::string_view kEmptyOutputs = ",,,,,,,,,,,,,,,";  // 15 empty fields after id

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

bool is_na(std::string_view s) { return s.empty() || s == "NA" || s == "na" || s == "N/A"; }

// Parses a whole field as a finite double.
std::optional<double> parse_number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0.0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string shown(std::string_view s) {
  std::string r = "'";
  r.append(s.substr(0, 40));
  if (s.size() > 40) r += "...";
  r += "'";
  return r;
}

void append_csv_field(std::string& out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_general(std::string& out, double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 12);
  out.append(buf, res.ptr);
}

void append_score(std::string& out, const std::optional<Score>& s) {
  out.push_back(',');
  if (s) {
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, s->z, std::chars_format::fixed, 2);
    out.append(buf, res.ptr);
  }
  out.push_back(',');
  if (s) out.push_back(s->flag ? '1' : '0');
}

void append_result(std::string& out, const ZResult& r) {
  out.push_back(',');
  if (r.clenhei) append_general(out, *r.clenhei);
  out.push_back(',');
  if (r.cmeasure == Measure::lying) out.push_back('l');
  if (r.cmeasure == Measure::standing) out.push_back('h');
  out.push_back(',');
  out.push_back(r.c9mo_flag ? '1' : '0');
  out.push_back(',');
  if (r.cbmi) append_general(out, *r.cbmi);
  out.push_back(',');
  if (r.csex) out.push_back(static_cast<char>('0' + r.csex));
  append_score(out, r.zlen);
  append_score(out, r.zwei);
  append_score(out, r.zwfl);
  append_score(out, r.zbmi);
  append_score(out, r.zhc);
}

bool read_input(const std::string& path, std::string& text) {
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return !std::cin.bad();
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return false;
  text = std::move(ss).str();
  return true;
}

// Parses one data row into a measurement; reports problems to err.
bool parse_row(const std::vector<std::string>& f, const std::array<int, c_count>& idx, long line,
               std::ostream& err, Measurement& m) {
  bool ok = true;
  auto cell = [&](Col c) -> std::string_view {
    return idx[c] < 0 ? std::string_view() : std::string_view(f[static_cast<std::size_t>(idx[c])]);
  };
  auto bad = [&](Col c, const std::string& reason) {
    err << "line " << line << ": " << kColNames[c] << ": " << reason << '\n';
    ok = false;
  };
  auto number = [&](Col c) -> std::optional<double> {
    const std::string_view s = cell(c);
    if (is_na(s)) return std::nullopt;
    auto v = parse_number(s);
    if (!v) bad(c, "not a number: " + shown(s));
    return v;
  };

  const std::string_view sex = cell(c_sex);
  if (sex == "m" || sex == "M") {
    m.sex = 1;
  } else if (sex == "f" || sex == "F") {
    m.sex = 2;
  } else if (!is_na(sex)) {
    auto v = parse_number(sex);
    if (!v)
      bad(c_sex, "expected 1, 2, m or f: " + shown(sex));
    else
      m.sex = (*v == 1.0) ? 1 : (*v == 2.0) ? 2 : 0;  // other numbers: unknown sex
  }
  m.age_days = number(c_age);
  if (m.age_days && *m.age_days < 0.0) bad(c_age, "negative age");
  m.weight_kg = number(c_weight);
  m.lenhei_cm = number(c_lenhei);
  m.headc_cm = number(c_headc);

  const std::string_view meas = cell(c_measure);
  if (meas == "l" || meas == "L")
    m.measure = Measure::lying;
  else if (meas == "h" || meas == "H")
    m.measure = Measure::standing;
  else if (!is_na(meas))
    bad(c_measure, "expected l, h or empty: " + shown(meas));

  const std::string_view oed = cell(c_oedema);
  if (oed == "y" || oed == "Y")
    m.oedema = true;
  else if (!(is_na(oed) || oed == "n" || oed == "N"))
    bad(c_oedema, "expected y, n or empty: " + shown(oed));
  return ok;
}

}  // namespace

int run_zscore_csv(const std::string& in_path, const std::string& out_path, std::ostream& err) {
  std::string text;
  if (!read_input(in_path, text)) {
    err << in_path << ": cannot read input file\n";
    return 1;
  }

  CsvReader reader(text);
  std::vector<std::string> fields;
  long line = 0;
  std::string error;
  if (!reader.next(fields, line, error)) {
    err << in_path << ": empty file, header row missing\n";
    return 2;
  }
  if (!error.empty()) {
    err << "line " << line << ": header: " << error << '\n';
    return 2;
  }
  std::array<int, c_count> idx;
  idx.fill(-1);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string name = lower(fields[i]);
    for (int c = 0; c < c_count; ++c) {
      if (name != kColNames[static_cast<std::size_t>(c)]) continue;
      if (idx[static_cast<std::size_t>(c)] >= 0) {
        err << "line " << line << ": header: duplicate column '" << name << "'\n";
        return 2;
      }
      idx[static_cast<std::size_t>(c)] = static_cast<int>(i);
    }
  }
  for (Col c : {c_id, c_sex}) {
    if (idx[c] < 0) {
      err << "line " << line << ": header: required column '" << kColNames[c] << "' missing\n";
      return 2;
    }
  }
  const std::size_t ncols = fields.size();

  std::string out;
  out.reserve(text.size() + 64);
  out.append(kOutHeader);
  while (reader.next(fields, line, error)) {
    const std::string_view id =
        static_cast<std::size_t>(idx[c_id]) < fields.size() ? std::string_view(fields[static_cast<std::size_t>(idx[c_id])])
                                                            : std::string_view();
    append_csv_field(out, id);
    Measurement m;
    bool ok = true;
    if (!error.empty()) {
      err << "line " << line << ": row: " << error << '\n';
      ok = false;
    } else if (fields.size() != ncols) {
      err << "line " << line << ": row: expected " << ncols << " fields, found " << fields.size()
          << '\n';
      ok = false;
    } else {
      ok = parse_row(fields, idx, line, err, m);
    }
    if (ok)
      append_result(out, compute(m));
    else
      out.append(kEmptyOutputs);
    out.push_back('\n');
  }

  if (out_path == "-") {
    std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
    std::cout.flush();
    if (!std::cout) {
      err << "cannot write to standard output\n";
      return 3;
    }
    return 0;
  }
  std::ofstream os(out_path, std::ios::binary | std::ios::trunc);
  if (!os) {
    err << out_path << ": cannot open output file\n";
    return 3;
  }
  os.write(out.data(), static_cast<std::streamsize>(out.size()));
  os.close();
  if (!os) {
    err << out_path << ": cannot write output file\n";
    return 3;
  }
  return 0;
}

}  // namespace u5::growth
