// Per-province rates that drive the demo. Each value names its source: a
// line of data/indicators/indicators.yaml (plan id, indicator, year) or,
// where no seed gives one, an assumption marked as such (see docs/demo.md).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "demo/names.h"

namespace u5::demo {

struct Profile {
  std::string code;           // 2025 province code
  std::string plan_id;        // plan in indicators.yaml the figures come from, or "" (national defaults)
  bool mountain = false;      // villages are "bản"; remote communes exist
  double crude_birth_rate = 15;  // live births per 1000 population per year

  // Shares of women who gave birth / of live births (0..1).
  double anc4 = 0.8;             // >= 4 visits covering the 3 trimesters
  double facility_delivery = 0.95;
  double skilled_attendance = 0.96;   // facility births + skilled attendants at home
  double health_worker_attended = 0.97;  // adds village midwives (Sơn La's wider indicator, A08)
  double postnatal_week1 = 0.7;
  double low_birth_weight = 0.05;
  double eenc = 0.75;             // drying + skin-to-skin + delayed cord clamping
  double early_breastfeeding = 0.75;
  double full_immunization = 0.93;
  double vitamin_a = 0.95;        // per round, children 6-35 months
  double pneumonia_antibiotic = 0.9;
  double stunting = 0.2;          // HAZ < -2, children 0-59 months
  double wasting = 0.05;          // WHZ < -2
  // Deaths per 1000 live births and the age pattern of under-5 deaths.
  double under5_mortality = 18.5;
  double neonatal_share = 0.5;    // of under-5 deaths
  double infant_share = 0.75;     // of under-5 deaths (neonatal included)
  double stillbirths_per_1000 = 6;
  double maternal_deaths_per_100k = 46;

  // Ethnic mix of remote communes and of the others (weights).
  std::vector<std::pair<Ethnic, double>> ethnic_remote, ethnic_other;
};

// The profile of a 2025 province code: the five plan provinces have their own,
// any other gets national defaults (1493/QĐ-TTg targets for 2025).
Profile ProfileFor(const std::string& province_code);
// Accepts a code ("12") or a plan province name ("lai-chau", "Sơn La",
// "bac-giang" -> 24, "bac-kan" -> 19). Empty when unknown.
std::string ProvinceCode(const std::string& code_or_name);

}  // namespace u5::demo
