// Splits each province rate between remote communes and the others so that
// the birth-weighted average over the province equals the profile's figure:
// coverage rates differ by a fixed gap on the logit scale, adverse rates
// (low birth weight, malnutrition, deaths) by a fixed ratio.
#include <algorithm>
#include <cmath>
#include <map>

#include "demo/model.h"

namespace u5::demo {
namespace {

constexpr double kLogitGap = 1.2;     // remote vs other, coverage indicators
constexpr double kAdverseRatio = 1.5; // remote / other, adverse outcomes

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Remote and other values of a coverage rate whose weighted mean is r.
std::pair<double, double> SplitCoverage(double r, double w_remote) {
  if (r <= 0) return {0, 0};
  if (r >= 1) return {1, 1};
  double lo = -30, hi = 30;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    const double v = w_remote * Sigmoid(mid - kLogitGap / 2) + (1 - w_remote) * Sigmoid(mid + kLogitGap / 2);
    (v < r ? lo : hi) = mid;
  }
  const double l = (lo + hi) / 2;
  return {Sigmoid(l - kLogitGap / 2), Sigmoid(l + kLogitGap / 2)};
}

std::pair<double, double> SplitAdverse(double r, double w_remote) {
  const double other = r / (w_remote * kAdverseRatio + (1 - w_remote));
  return {std::min(1.0, other * kAdverseRatio), other};
}

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace

double InverseNormalCdf(double p) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (NormalCdf(mid) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

void CalibrateRates(std::vector<Commune>& communes) {
  std::map<const Profile*, std::pair<double, double>> births;  // remote, all
  for (const auto& c : communes) {
    auto& b = births[c.profile];
    if (c.remote) b.first += c.births_per_year;
    b.second += c.births_per_year;
  }
  for (auto& c : communes) {
    const Profile& p = *c.profile;
    const auto& b = births[&p];
    const double w = b.second > 0 ? b.first / b.second : 0;
    auto cov = [&](double r) { auto s = SplitCoverage(r, w); return c.remote ? s.first : s.second; };
    auto adv = [&](double r) { auto s = SplitAdverse(r, w); return c.remote ? s.first : s.second; };
    Rates& x = c.rates;
    x.anc4 = cov(p.anc4);
    x.facility = cov(p.facility_delivery);
    // Conditional shares are province-wide, so that facility births plus
    // skilled home births average to the profile's skilled attendance.
    const double f = p.facility_delivery;
    x.home_skilled = f < 1 ? std::clamp((p.skilled_attendance - f) / (1 - f), 0.0, 1.0) : 0;
    x.home_village_midwife = f < 1 ? std::clamp((p.health_worker_attended - p.skilled_attendance) / (1 - f), 0.0, 1.0) : 0;
    x.eenc_facility = std::min(0.98, p.eenc / std::max(f, 1e-9));
    x.eenc_home = f < 1 ? std::clamp((p.eenc - f * x.eenc_facility) / (1 - f), 0.0, 1.0) : 0;
    x.postnatal_week1 = cov(p.postnatal_week1);
    x.low_birth_weight = adv(p.low_birth_weight);
    x.early_breastfeeding = cov(p.early_breastfeeding);
    x.full_immunization = cov(p.full_immunization);
    x.vitamin_a = cov(p.vitamin_a);
    x.pneumonia_antibiotic = cov(p.pneumonia_antibiotic);
    // A child's z-scores are N(mean, 1): P(z < -2) is the prevalence.
    x.haz_mean = -2 - InverseNormalCdf(adv(p.stunting));
    x.whz_mean = -2 - InverseNormalCdf(adv(p.wasting));
    x.under5_death = adv(p.under5_mortality / 1000);
    x.neonatal_share = p.neonatal_share;
    x.infant_share = p.infant_share;
    x.stillbirth = adv(p.stillbirths_per_1000 / 1000);
    x.maternal_death = adv(p.maternal_deaths_per_100k / 100000);
    x.caesarean = c.town ? 0.38 : c.remote ? 0.12 : 0.28;
    x.station_share = c.town ? 0.05 : c.remote ? 0.45 : 0.15;
    x.pneumonia_per_year = c.remote ? 0.22 : 0.14;
    x.diarrhoea_per_year = c.remote ? 0.45 : 0.28;
    x.fever_per_year = 0.3;
    x.injury_per_year = c.remote ? 0.05 : 0.035;
    x.vaccine_delay_days = c.remote ? 18 : 7;
  }
}

}  // namespace u5::demo
