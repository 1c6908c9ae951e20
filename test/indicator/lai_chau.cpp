#include "lai_chau.h"

namespace u5::test {

using nlohmann::json;

// Org units: 03390 = 2025 commune Xã Bình Lư (Lai Châu 12), formed from the
// pre-2025 communes 03390, 03412 and 03413 of Tam Đường district (pre2025:106);
// 03388 = Phường Đoàn Kết, another 2025 commune of Lai Châu.
//
// Women and their pregnancies (gd = days since lmp; trimester 1 < 14 w <= 2 < 28 w <= 3):
//   W1 @03390: P1 lmp 2025-03-01; ANC A11 04-20 (7 w, T1, Hb 10.5, HIV/syphilis/HBsAg tested, iron),
//       A12 07-10 (18 w, T2, Hb 12, iron), A13 09-25 (29 w, T3, iron), A14 11-20 (37 w, T3);
//       D1 2025-12-05 facility, midwife, 1 live birth (C1).
//   W2 @03390: P2 lmp 2024-03-30; A21 2024-10-01 (T2); D2 2024-12-31 home, village midwife, 1 live birth (C2).
//   W3 filed under the OLD commune pre2025:03412: P3 lmp 2024-06-20; A31 2024-08-15 (T1, Hb 11.5, HIV only),
//       A32 2024-11-01 (T2), A33 2025-01-20 (T3), A34 2025-02-20 (T3); D3 2025-03-10 facility, doctor,
//       TWINS (live_births 2: C3, C4).
//   W4 @03388: P4 lmp 2024-09-20, no ANC; D4 2025-06-30 (last day of S1) facility, midwife, STILLBIRTH only.
//   W5 @03388: P5 lmp 2024-10-05; A51 2024-11-20 (T1); D5 2025-07-01 (first day of S2) facility, nurse,
//       1 live birth (C5); home postnatal visit by a health worker on 07-05 (day 4).
//   W1 also has a home postnatal visit on 12-20 (day 15: too late for week 1).
//   W4 also has the stillbirth SB4 on 2025-06-30 (38 weeks, intrapartum), not reviewed.
//   W6 @03388, born 1985: maternal death X6 2025-08-01, not reviewed.
// Reviews (death_review naming the death in death_id, filed on the deceased):
//   R1 of X1 complete; R2 of X2 only a draft; R3 of X3 complete. Actions of R3:
//   AC31 due 2025-06-30 done, AC32 due 2025-09-30 still open; of R1: AC11 due 2026-01-31 open.
// Children:
//   C1 born 2025-12-05 @03390, newborn N1 3100 g, full EENC, breastfed in 1 h, K1, HepB, hearing screen.
//       MOVES to 03388 (person updated); dies there 2025-12-20 (X1, day 15, neonatal, reviewed).
//   C2 born 2024-12-31 (31 December) @03390, N2 2400 g (LBW), kangaroo care; dies 2025-01-27 (X2, day 27:
//       still neonatal), not reviewed.
//   C3, C4 twins born 2025-03-10 @pre2025:03412. N3 2300 g (LBW, no kangaroo care), full EENC, BF 1 h, K1.
//       C3 dies 2025-04-07 (X3, day 28: infant, not neonatal), reviewed.
//       N4 2600 g, full EENC, not breastfed in 1 h, no K1. C4 completes the EPI schedule on 2025-12-10
//       (measles at 9 months; a duplicate DTP dose 3 does not count twice); growth 2025-06-10 length 50 cm
//       (stunted) and 2025-11-10 length 68 cm (not stunted); diarrhoea 08-01 ORS+zinc, 09-15 ORS only;
//       vitamin A 09-12 and 12-15 (94 days apart: not a second round).
//   C5 born 2025-07-01 @03388, N5 3000 g, EENC without delayed cord clamping, BF 1 h, K1, HepB; BCG and two
//       DTP/OPV doses only; pneumonia 09-01 with antibiotic, 10-01 without.
//   C6 born 2023-01-15 @03390 (no mother in the registry): vitamin A 2025-06-01 and 2025-12-01 (183 days);
//       drowns 2025-12-20 (X7: under-5 injury death, not reviewed).
void BuildLaiChau(Population& pop) {
  pop.Person("W1", "female", "1995-05-01", "03390", {{"ethnicity", "03"}});
  pop.Person("W2", "female", "1998-02-02", "03390", {{"ethnicity", "01"}});
  pop.Person("W3", "female", "1990-01-01", "pre2025:03412");
  pop.Person("W4", "female", "2000-03-03", "03388");
  pop.Person("W5", "female", "1992-07-07", "03388");
  pop.Person("W6", "female", "1985-01-01", "03388");

  pop.Event("P1", "pregnancy", "W1", "2025-03-20", "03390", {{"lmp", "2025-03-01"}});
  pop.Event("A11", "anc_visit", "W1", "2025-04-20", "03390",
            {{"pregnancy_id", "P1"}, {"hemoglobin_g_dl", 10.5}, {"hiv_test", "negative"}, {"syphilis_test", "negative"},
             {"hepb_test", "negative"}, {"iron_folate", true}});
  pop.Event("A12", "anc_visit", "W1", "2025-07-10", "03390", {{"pregnancy_id", "P1"}, {"hemoglobin_g_dl", 12.0}, {"iron_folate", true}});
  pop.Event("A13", "anc_visit", "W1", "2025-09-25", "03390", {{"pregnancy_id", "P1"}, {"iron_folate", true}});
  pop.Event("A14", "anc_visit", "W1", "2025-11-20", "03390", {{"pregnancy_id", "P1"}});
  pop.Event("D1", "delivery", "W1", "2025-12-05", "03390",
            {{"pregnancy_id", "P1"}, {"delivered_at", "2025-12-05T08:30:00+07:00"}, {"place", "facility"},
             {"attendant", "midwife"}, {"live_births", 1}});

  pop.Event("P2", "pregnancy", "W2", "2024-04-10", "03390", {{"lmp", "2024-03-30"}});
  pop.Event("A21", "anc_visit", "W2", "2024-10-01", "03390", {{"pregnancy_id", "P2"}});
  pop.Event("D2", "delivery", "W2", "2024-12-31", "03390",
            {{"pregnancy_id", "P2"}, {"delivered_at", "2024-12-31T23:10:00+07:00"}, {"place", "home"},
             {"attendant", "village_midwife"}, {"live_births", 1}});

  pop.Event("P3", "pregnancy", "W3", "2024-07-01", "pre2025:03412", {{"lmp", "2024-06-20"}});
  pop.Event("A31", "anc_visit", "W3", "2024-08-15", "pre2025:03412", {{"pregnancy_id", "P3"}, {"hemoglobin_g_dl", 11.5}, {"hiv_test", "negative"}});
  pop.Event("A32", "anc_visit", "W3", "2024-11-01", "pre2025:03412", {{"pregnancy_id", "P3"}});
  pop.Event("A33", "anc_visit", "W3", "2025-01-20", "pre2025:03412", {{"pregnancy_id", "P3"}});
  pop.Event("A34", "anc_visit", "W3", "2025-02-20", "pre2025:03412", {{"pregnancy_id", "P3"}});
  pop.Event("D3", "delivery", "W3", "2025-03-10", "pre2025:03412",
            {{"pregnancy_id", "P3"}, {"delivered_at", "2025-03-10T10:00:00+07:00"}, {"place", "facility"},
             {"attendant", "doctor"}, {"live_births", 2}});

  pop.Event("P4", "pregnancy", "W4", "2024-10-01", "03388", {{"lmp", "2024-09-20"}});
  pop.Event("D4", "delivery", "W4", "2025-06-30", "03388",
            {{"pregnancy_id", "P4"}, {"delivered_at", "2025-06-30T22:00:00+07:00"}, {"place", "facility"},
             {"attendant", "midwife"}, {"live_births", 0}, {"stillbirths", 1}});
  pop.Event("SB4", "stillbirth", "W4", "2025-06-30", "03388",
            {{"pregnancy_id", "P4"}, {"delivery_id", "D4"}, {"gestational_weeks", 38}, {"timing", "intrapartum"}, {"place", "district_hospital"}});

  pop.Event("P5", "pregnancy", "W5", "2024-10-15", "03388", {{"lmp", "2024-10-05"}});
  pop.Event("A51", "anc_visit", "W5", "2024-11-20", "03388", {{"pregnancy_id", "P5"}});
  pop.Event("D5", "delivery", "W5", "2025-07-01", "03388",
            {{"pregnancy_id", "P5"}, {"delivered_at", "2025-07-01T01:00:00+07:00"}, {"place", "facility"},
             {"attendant", "nurse"}, {"live_births", 1}});
  pop.Event("V5", "postnatal_visit", "W5", "2025-07-05", "03388", {{"place", "home"}, {"visitor", "health_worker"}});
  pop.Event("V1", "postnatal_visit", "W1", "2025-12-20", "03390", {{"place", "home"}, {"visitor", "health_worker"}});
  pop.Event("X6", "death", "W6", "2025-08-01", "03388", {{"maternal_death", true}});

  pop.Person("C1", "male", "2025-12-05", "03390", {{"mother_id", "W1"}, {"ethnicity", "03"}});
  pop.Event("N1", "newborn", "C1", "2025-12-05", "03390",
            {{"delivery_id", "D1"}, {"birth_weight_g", 3100}, {"drying", true}, {"skin_to_skin", true},
             {"delayed_cord_clamping", true}, {"breastfed_within_1h", true}, {"vitamin_k1", true},
             {"hepb_birth_dose_24h", true}, {"screening", json::array({"hearing"})}});
  pop.Update("C1", {{"orgunit", "03388"}});  // the family moves
  pop.Event("X1", "death", "C1", "2025-12-20", "03388", {{"cause_category", "prematurity"}});
  pop.Event("R1", "death_review", "C1", "2025-12-20", "03388", {{"death_id", "X1"}, {"review_type", "facility"}, {"status", "complete"}});
  pop.Event("AC11", "review_action", "C1", "2025-12-20", "03388",
            {{"review_id", "R1"}, {"what", "Thêm lồng ấp"}, {"owner_orgunit", "03388"}, {"due_date", "2026-01-31"}, {"status", "open"}});

  pop.Person("C2", "female", "2024-12-31", "03390", {{"mother_id", "W2"}, {"ethnicity", "01"}});
  pop.Event("N2", "newborn", "C2", "2024-12-31", "03390",
            {{"delivery_id", "D2"}, {"birth_weight_g", 2400}, {"gestational_weeks", 39}, {"drying", true},
             {"skin_to_skin", false}, {"breastfed_within_1h", false}, {"kangaroo_care", true}});
  pop.Event("X2", "death", "C2", "2025-01-27", "03390", {{"cause_category", "neonatal_sepsis"}});
  pop.Event("R2", "death_review", "C2", "2025-01-27", "03390", {{"death_id", "X2"}, {"review_type", "community"}, {"status", "draft"}});

  pop.Person("C3", "male", "2025-03-10", "pre2025:03412", {{"mother_id", "W3"}});
  pop.Person("C4", "female", "2025-03-10", "pre2025:03412", {{"mother_id", "W3"}});
  pop.Event("N3", "newborn", "C3", "2025-03-10", "pre2025:03412",
            {{"delivery_id", "D3"}, {"birth_weight_g", 2300}, {"gestational_weeks", 37}, {"drying", true},
             {"skin_to_skin", true}, {"delayed_cord_clamping", true}, {"breastfed_within_1h", true},
             {"vitamin_k1", true}, {"kangaroo_care", false}});
  pop.Event("N4", "newborn", "C4", "2025-03-10", "pre2025:03412",
            {{"delivery_id", "D3"}, {"birth_weight_g", 2600}, {"drying", true}, {"skin_to_skin", true},
             {"delayed_cord_clamping", true}, {"breastfed_within_1h", false}, {"vitamin_k1", false}});
  pop.Event("X3", "death", "C3", "2025-04-07", "pre2025:03412", {{"cause_category", "prematurity"}});
  pop.Event("R3", "death_review", "C3", "2025-04-07", "pre2025:03412", {{"death_id", "X3"}, {"review_type", "facility"}, {"status", "complete"}});
  pop.Event("AC31", "review_action", "C3", "2025-04-07", "pre2025:03412",
            {{"review_id", "R3"}, {"what", "Tập huấn chăm sóc trẻ non tháng"}, {"owner_orgunit", "03390"}, {"due_date", "2025-06-30"},
             {"status", "done"}, {"done_date", "2025-06-15"}});
  pop.Event("AC32", "review_action", "C3", "2025-04-07", "pre2025:03412",
            {{"review_id", "R3"}, {"what", "Xe chuyển viện"}, {"owner_orgunit", "03390"}, {"due_date", "2025-09-30"}, {"status", "open"}});
  const char* epi[][3] = {{"I1", "bcg", "2025-03-11"},          {"I2", "dtp_hepb_hib", "2025-05-10"},
                          {"I3", "dtp_hepb_hib", "2025-06-10"}, {"I4", "dtp_hepb_hib", "2025-07-10"},
                          {"I5", "opv", "2025-05-10"},          {"I6", "opv", "2025-06-10"},
                          {"I7", "opv", "2025-07-10"},          {"I8", "ipv", "2025-07-10"},
                          {"I9", "dtp_hepb_hib", "2025-07-20"}, {"I10", "measles", "2025-12-10"}};
  const int doses[] = {1, 1, 2, 3, 1, 2, 3, 1, 3, 1};
  for (int i = 0; i < 10; ++i)
    pop.Event(epi[i][0], "immunization", "C4", epi[i][2], "pre2025:03412", {{"vaccine", epi[i][1]}, {"dose", doses[i]}});
  pop.Event("G41", "growth", "C4", "2025-06-10", "pre2025:03412", {{"weight_kg", 5.0}, {"length_cm", 50.0}, {"measure", "l"}});
  pop.Event("G42", "growth", "C4", "2025-11-10", "pre2025:03412", {{"weight_kg", 7.5}, {"length_cm", 68.0}, {"measure", "l"}});
  pop.Event("L41", "illness", "C4", "2025-08-01", "pre2025:03412", {{"kind", "diarrhoea"}, {"ors", true}, {"zinc", true}});
  pop.Event("L42", "illness", "C4", "2025-09-15", "pre2025:03412", {{"kind", "diarrhoea"}, {"ors", true}, {"zinc", false}});
  pop.Event("VA41", "vitamin_a", "C4", "2025-09-12", "pre2025:03412", {{"dose_iu", 100000}});
  pop.Event("VA42", "vitamin_a", "C4", "2025-12-15", "pre2025:03412", {{"dose_iu", 100000}});
  pop.Event("HC41", "health_check", "C4", "2025-05-12", "pre2025:03412", {{"conclusion", "healthy"}});

  pop.Person("C5", "male", "2025-07-01", "03388", {{"mother_id", "W5"}});
  pop.Event("N5", "newborn", "C5", "2025-07-01", "03388",
            {{"delivery_id", "D5"}, {"birth_weight_g", 3000}, {"drying", true}, {"skin_to_skin", true},
             {"delayed_cord_clamping", false}, {"breastfed_within_1h", true}, {"vitamin_k1", true},
             {"hepb_birth_dose_24h", true}});
  pop.Event("I51", "immunization", "C5", "2025-07-02", "03388", {{"vaccine", "bcg"}, {"dose", 1}});
  pop.Event("I52", "immunization", "C5", "2025-09-01", "03388", {{"vaccine", "dtp_hepb_hib"}, {"dose", 1}});
  pop.Event("I53", "immunization", "C5", "2025-10-01", "03388", {{"vaccine", "dtp_hepb_hib"}, {"dose", 2}});
  pop.Event("L51", "illness", "C5", "2025-09-01", "03388", {{"kind", "pneumonia"}, {"antibiotic", true}});
  pop.Event("L52", "illness", "C5", "2025-10-01", "03388", {{"kind", "pneumonia"}, {"antibiotic", false}});

  pop.Person("C6", "male", "2023-01-15", "03390");
  pop.Event("VA61", "vitamin_a", "C6", "2025-06-01", "03390", {{"dose_iu", 200000}});
  pop.Event("VA62", "vitamin_a", "C6", "2025-12-01", "03390", {{"dose_iu", 200000}});
  pop.Event("HC61", "health_check", "C6", "2025-02-20", "03390", {{"conclusion", "healthy"}});
  pop.Event("HC62", "health_check", "C6", "2025-11-20", "03390", {{"conclusion", "needs_follow_up"}});
  pop.Event("X7", "death", "C6", "2025-12-20", "03390", {{"cause_category", "injury_drowning"}});
}

}  // namespace u5::test
