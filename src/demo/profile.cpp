#include "demo/profile.h"

#include <cctype>

#include "core/text.h"

namespace u5::demo {
namespace {

Profile LaiChau() {
  Profile p;
  p.code = "12";
  p.plan_id = "lai_chau_u5_2030";
  p.mountain = true;
  p.crude_birth_rate = 20;                  // assumption: highest fertility of the north-west (GSO, outside the seeds)
  p.anc4 = 0.60;                            // assumption: no Lai Châu figure in the seed
  p.skilled_attendance = 0.70;              // lai_chau_u5_2030 skilled_birth_attendance 2025 ">= 70"
  p.facility_delivery = 0.66;               // assumption: a little below skilled attendance
  p.health_worker_attended = 0.80;          // assumption: village midwives at home births
  p.postnatal_week1 = 0.60;                 // assumption
  p.low_birth_weight = 0.05;                // lai_chau_u5_2030 low_birth_weight 2025 "<5%"
  p.eenc = 0.70;                            // lai_chau_u5_2030 early_essential_newborn_care 2025 "70%"
  p.early_breastfeeding = 0.70;             // lai_chau_u5_2030 early_initiation_breastfeeding 2025 "70%"
  p.full_immunization = 0.95;               // lai_chau_u5_2030 full_immunization_under1 2025 "95%"
  p.vitamin_a = 0.93;                       // assumption
  p.pneumonia_antibiotic = 0.90;            // lai_chau_u5_2030 pneumonia_antibiotic_under5 2025 "90%"
  p.stunting = 0.28;                        // assumption: north-west mountain level (outside the seeds)
  p.wasting = 0.06;                         // assumption
  p.under5_mortality = 32;                  // lai_chau_u5_2030 under5_mortality_rate 2025 "<32‰"
  p.infant_share = 24.5 / 32;               // lai_chau_u5_2030 infant_mortality_rate 2025 "<24,5‰"
  p.neonatal_share = 0.5;                   // not the "<6‰" target, which cannot fit an IMR of 24.5 (A05)
  p.stillbirths_per_1000 = 9;
  p.maternal_deaths_per_100k = 90;
  p.ethnic_remote = {{Ethnic::mong, 45}, {Ethnic::thai, 28}, {Ethnic::dao, 15}, {Ethnic::ha_nhi, 4}, {Ethnic::giay, 3}, {Ethnic::kinh, 5}};
  p.ethnic_other = {{Ethnic::kinh, 45}, {Ethnic::thai, 30}, {Ethnic::mong, 15}, {Ethnic::giay, 5}, {Ethnic::dao, 5}};
  return p;
}

Profile SonLa() {
  Profile p;
  p.code = "14";
  p.plan_id = "son_la_ct17_2025";
  p.mountain = true;
  p.crude_birth_rate = 18;                  // assumption (GSO, outside the seeds)
  p.anc4 = 0.668;                           // son_la_ct17_2025 baseline anc4_three_trimesters 2023 "66,8%"
  p.facility_delivery = 0.885;              // son_la_ct17_2025 baseline facility_delivery 2023 "88,5%"
  p.health_worker_attended = 0.933;         // son_la_ct17_2025 baseline births_attended_by_health_worker 2023 "93,3%"
  p.skilled_attendance = 0.90;              // assumption: between facility births and health-worker births (A08)
  p.postnatal_week1 = 0.65;                 // assumption
  p.low_birth_weight = 0.055;               // assumption
  p.eenc = 0.72;                            // assumption
  p.early_breastfeeding = 0.72;             // assumption
  p.full_immunization = 0.93;               // assumption
  p.vitamin_a = 0.94;                       // assumption
  p.pneumonia_antibiotic = 0.88;            // assumption
  p.stunting = 0.25;                        // assumption
  p.wasting = 0.055;                        // assumption
  p.under5_mortality = 21.62;               // son_la_ct17_2025 baseline under5_mortality_rate 2023 "21,62‰"
  p.infant_share = 14.4 / 21.62;            // son_la_ct17_2025 baseline infant_mortality_rate 2023 "14,4‰"
  p.neonatal_share = 0.5;                   // assumption (about half of under-5 deaths)
  p.stillbirths_per_1000 = 8;
  p.maternal_deaths_per_100k = 70;
  p.ethnic_remote = {{Ethnic::thai, 50}, {Ethnic::mong, 30}, {Ethnic::dao, 6}, {Ethnic::muong, 6}, {Ethnic::kinh, 8}};
  p.ethnic_other = {{Ethnic::thai, 50}, {Ethnic::kinh, 30}, {Ethnic::muong, 10}, {Ethnic::mong, 10}};
  return p;
}

Profile BacGiang() {
  Profile p;
  p.code = "24";
  p.plan_id = "bac_giang_mnch_2025";
  p.crude_birth_rate = 16;                  // assumption
  p.anc4 = 0.85;                            // bac_giang_mnch_2025 baseline anc4_three_trimesters 2023 "85"
  p.facility_delivery = 0.999;              // bac_giang_mnch_2025 baseline facility_delivery 2023 "99.9"
  p.skilled_attendance = 0.999;             // baseline skilled_birth_attendance 2023 "99" is below facility births; every facility birth is skilled here
  p.health_worker_attended = 0.999;
  p.postnatal_week1 = 0.75;                 // bac_giang_mnch_2025 baseline postnatal_home_care_week1 2023 "75"
  p.low_birth_weight = 0.034;               // bac_giang_mnch_2025 baseline low_birth_weight 2023 "3.4"
  p.eenc = 0.75;                            // bac_giang_mnch_2025 baseline early_essential_newborn_care 2023 "75.0"
  p.early_breastfeeding = 0.78;             // assumption
  p.full_immunization = 0.96;               // assumption
  p.vitamin_a = 0.97;                       // assumption
  p.pneumonia_antibiotic = 0.92;            // assumption
  p.stunting = 0.194;                       // bac_giang_mnch_2025 baseline stunting_under5 2023 "19.4"
  p.wasting = 0.04;                         // assumption
  p.under5_mortality = 6.0;                 // bac_giang_mnch_2025 baseline under5_mortality_rate 2023 "6.0" (registered)
  p.infant_share = 4.0 / 6.0;               // baseline infant_mortality_rate 2023 "4.0"
  p.neonatal_share = 2.7 / 6.0;             // baseline neonatal_mortality_rate 2023 "2.7"
  p.stillbirths_per_1000 = 4;
  p.maternal_deaths_per_100k = 15;          // baseline maternal_mortality_ratio 2023 "0" is a single year's count
  p.ethnic_remote = {{Ethnic::kinh, 55}, {Ethnic::nung, 20}, {Ethnic::tay, 15}, {Ethnic::dao, 10}};
  p.ethnic_other = {{Ethnic::kinh, 94}, {Ethnic::nung, 3}, {Ethnic::tay, 3}};
  return p;
}

Profile HaiPhong() {
  Profile p;
  p.code = "31";
  p.plan_id = "hai_phong_u5_2026_2030";
  p.crude_birth_rate = 14;                  // assumption
  p.anc4 = 0.92;                            // assumption
  p.facility_delivery = 0.995;              // assumption
  p.skilled_attendance = 0.997;
  p.health_worker_attended = 0.998;
  p.postnatal_week1 = 0.80;                 // assumption
  p.low_birth_weight = 0.05;                // hai_phong_u5_2026_2030 low_birth_weight 2030 "< 5%"
  p.eenc = 0.90;                            // hai_phong_u5_2026_2030 early_essential_newborn_care 2030 ">= 90%"
  p.early_breastfeeding = 0.80;             // hai_phong_u5_2026_2030 early_initiation_breastfeeding 2030 "Trên 80%"
  p.full_immunization = 0.95;               // hai_phong_u5_2026_2030 full_immunization_under1 2030 ">= 95%"
  p.vitamin_a = 0.99;                       // hai_phong_u5_2026_2030 vitamin_a_6_35m_twice_yearly 2030 "> 99%"
  p.pneumonia_antibiotic = 0.93;            // assumption
  p.stunting = 0.15;                        // hai_phong_u5_2026_2030 stunting_under5 2030 "< 15%"
  p.wasting = 0.03;                         // hai_phong_u5_2026_2030 wasting_under5 2030 "< 3,0%"
  p.under5_mortality = 2.5;                 // hai_phong_u5_2026_2030 under5_mortality_rate 2030 "dưới 2,5‰" (registered)
  p.infant_share = 2.0 / 2.5;               // infant_mortality_rate 2030 "dưới 2‰"
  p.neonatal_share = 1.5 / 2.5;             // neonatal_mortality_rate 2030 "dưới 1,5‰"
  p.stillbirths_per_1000 = 3;
  p.maternal_deaths_per_100k = 12;
  p.ethnic_remote = {{Ethnic::kinh, 100}};
  p.ethnic_other = {{Ethnic::kinh, 100}};
  return p;
}

Profile BacKan() {
  // bac_kan_ct06_2024 prints no figures (A10): national levels, mountain mix.
  Profile p;
  p.code = "19";
  p.plan_id = "bac_kan_ct06_2024";
  p.mountain = true;
  p.crude_birth_rate = 15;
  p.anc4 = 0.78;
  p.facility_delivery = 0.95;
  p.skilled_attendance = 0.96;
  p.health_worker_attended = 0.97;
  p.postnatal_week1 = 0.70;
  p.low_birth_weight = 0.05;
  p.eenc = 0.75;
  p.early_breastfeeding = 0.75;
  p.full_immunization = 0.94;
  p.vitamin_a = 0.96;
  p.pneumonia_antibiotic = 0.9;
  p.stunting = 0.22;
  p.wasting = 0.05;
  p.under5_mortality = 18.9;                // son_la_ct17_2025 baseline under5_mortality_rate 2023 scope national "18,9‰"
  p.infant_share = 12.5 / 18.5;             // national 1493 targets (domain.md section 1)
  p.neonatal_share = 9.0 / 18.5;
  p.stillbirths_per_1000 = 6;
  p.maternal_deaths_per_100k = 46;
  p.ethnic_remote = {{Ethnic::tay, 45}, {Ethnic::dao, 20}, {Ethnic::nung, 15}, {Ethnic::mong, 10}, {Ethnic::kinh, 10}};
  p.ethnic_other = {{Ethnic::kinh, 70}, {Ethnic::tay, 18}, {Ethnic::nung, 7}, {Ethnic::dao, 5}};
  return p;
}

Profile National(const std::string& code) {
  Profile p;  // defaults above: 1493/QĐ-TTg national targets for 2025
  p.code = code;
  p.ethnic_remote = {{Ethnic::kinh, 60}, {Ethnic::tay, 15}, {Ethnic::muong, 10}, {Ethnic::nung, 10}, {Ethnic::dao, 5}};
  p.ethnic_other = {{Ethnic::kinh, 95}, {Ethnic::tay, 3}, {Ethnic::muong, 2}};
  return p;
}

}  // namespace

Profile ProfileFor(const std::string& code) {
  if (code == "12") return LaiChau();
  if (code == "14") return SonLa();
  if (code == "24") return BacGiang();
  if (code == "31") return HaiPhong();
  if (code == "19") return BacKan();
  return National(code);
}

std::string ProvinceCode(const std::string& in) {
  bool digits = !in.empty() && in.size() <= 2;
  for (char c : in) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (digits) return in.size() == 1 ? "0" + in : in;
  std::string k;
  for (char c : text::Fold(in)) k.push_back(c == ' ' || c == '_' ? '-' : c);
  if (k.rfind("tinh-", 0) == 0) k = k.substr(5);
  if (k == "lai-chau") return "12";
  if (k == "son-la") return "14";
  if (k == "hai-phong" || k == "thanh-pho-hai-phong") return "31";
  if (k == "bac-ninh" || k == "bac-giang") return "24";
  if (k == "thai-nguyen" || k == "bac-kan") return "19";
  return "";
}

}  // namespace u5::demo
