#include "emergency/stats.h"

#include <algorithm>
#include <cmath>

#include "core/date.h"

namespace u5::emergency {

using nlohmann::json;

std::optional<double> Quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

IntervalStats Summarise(const std::vector<const Case*>& cases, const Config& cfg, int64_t now) {
  IntervalStats s;
  std::vector<double> ack, arrival, treatment;
  int red_within = 0;
  auto minutes = [](int64_t a, int64_t b) { return static_cast<double>(b - a) / 60.0; };
  for (const Case* c : cases) {
    ++s.n;
    const auto t = [&](const char* k) -> std::optional<int64_t> {
      auto it = c->times.find(k);
      return it == c->times.end() ? std::nullopt : std::optional<int64_t>(it->second);
    };
    if (auto a = t("acknowledged")) ack.push_back(minutes(c->raised_at, *a));
    if (auto a = t("arrived")) {
      arrival.push_back(minutes(c->raised_at, *a));
      if (auto tr = t("treatment_started")) treatment.push_back(minutes(*a, *tr));
    }
    if (c->level == "red") {
      const Level* l = cfg.FindLevel("red");
      const int64_t deadline = c->raised_at + int64_t{l ? l->treat_within_minutes : 0} * 60;
      auto tr = t("treatment_started");
      if (tr || now > deadline) {
        ++s.red_n;
        if (tr && *tr <= deadline) ++red_within;
      }
    }
  }
  s.ack_median = Quantile(ack, 0.5);
  s.ack_p90 = Quantile(ack, 0.9);
  s.arrival_median = Quantile(arrival, 0.5);
  s.arrival_p90 = Quantile(arrival, 0.9);
  s.treatment_median = Quantile(treatment, 0.5);
  s.treatment_p90 = Quantile(treatment, 0.9);
  if (s.red_n > 0) s.red_treated_within_share = static_cast<double>(red_within) / s.red_n;
  return s;
}

json StatsJson(const IntervalStats& s) {
  auto num = [](const std::optional<double>& v) { return v ? json(std::round(*v * 10) / 10) : json(nullptr); };
  return {{"key", s.key},
          {"label", s.label},
          {"n", s.n},
          {"ack_median_min", num(s.ack_median)},
          {"ack_p90_min", num(s.ack_p90)},
          {"arrival_median_min", num(s.arrival_median)},
          {"arrival_p90_min", num(s.arrival_p90)},
          {"treatment_median_min", num(s.treatment_median)},
          {"treatment_p90_min", num(s.treatment_p90)},
          {"red_n", s.red_n},
          {"red_treated_within_share",
           s.red_treated_within_share ? json(std::round(*s.red_treated_within_share * 1000) / 1000) : json(nullptr)}};
}

Status ParsePeriod(const std::string& p, int64_t* from, int64_t* to) {
  const Status bad = Status::Invalid("period", "period must look like 2026, 2026S1, 2026Q3 or 2026-05");
  if (p.size() < 4 || !std::all_of(p.begin(), p.begin() + 4, [](char ch) { return ch >= '0' && ch <= '9'; })) return bad;
  const int y = std::stoi(p.substr(0, 4));
  int m0 = 1, months = 12;
  const std::string rest = p.substr(4);
  if (rest.empty()) {
  } else if (rest.size() == 2 && rest[0] == 'S' && (rest[1] == '1' || rest[1] == '2')) {
    m0 = rest[1] == '1' ? 1 : 7;
    months = 6;
  } else if (rest.size() == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4') {
    m0 = (rest[1] - '1') * 3 + 1;
    months = 3;
  } else if (rest.size() == 3 && rest[0] == '-' && std::isdigit(static_cast<unsigned char>(rest[1])) &&
             std::isdigit(static_cast<unsigned char>(rest[2]))) {
    m0 = std::stoi(rest.substr(1));
    months = 1;
    if (m0 < 1 || m0 > 12) return bad;
  } else {
    return bad;
  }
  const Date start = DateFromYmd(y, static_cast<unsigned>(m0), 1);
  const Date end = AddMonths(start, months);
  constexpr int64_t kVietnamOffset = 7 * 3600;  // periods are Vietnam's calendar
  *from = int64_t{start.days} * 86400 - kVietnamOffset;
  *to = int64_t{end.days} * 86400 - kVietnamOffset;
  return Status::Ok();
}

}  // namespace u5::emergency
