// At province scale, each configured rate comes out of the records within a
// stated tolerance. Rates are computed from the records in export form
// (registry::ToJsonText, the text `under5 export` writes, parsed back), never
// from the generator's counters.
//
// Scale: Lai Châu (38 communes, ~10,000 births a year), window 2025-01-01 ..
// 2026-11-25: ~19,000 deliveries, ~20,000 live births, ~600 under-5 deaths.
// Tolerances are at least 3.5 standard errors of each estimate:
//   shares of deliveries/newborns (p ~ 0.66, n ~ 19,000): SE 0.35 points -> +-2
//   low birth weight (p 0.05, n ~ 16,000 weighed): SE 0.17 points -> +-1
//   under-5 deaths per 1000 live births (~600 deaths): SE ~1.3 per mille -> +-5
//   neonatal share of deaths (n ~ 600): SE 2 points -> +-10
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "demo/generator.h"
#include "demo/profile.h"
#include "demo_fixture.h"
#include "registry/json_record.h"

namespace u5::demo {
namespace {

using nlohmann::json;

struct Counts {
  // deliveries
  int deliveries = 0, facility = 0, skilled = 0, anc4 = 0;
  // newborns
  int newborns = 0, weighed = 0, lbw = 0, eenc = 0, early_bf = 0;
  // deaths
  int u5_deaths = 0, neonatal_deaths = 0;
  // pneumonia
  int pneumonia = 0, pneumonia_abx = 0;
  // records and defects
  int records = 0, late = 0, missing = 0, implausible = 0, implausible_flagged = 0;
  int may_miss = 0;  // records of the types that draw the missing-optional defect
};

struct ChildFacts {
  Date birth{};
  Date death{1000000};
  std::map<std::string, Date> doses;  // "bcg1" -> earliest date
  Date last_growth{-1};
  double haz = 0, whz = 0;
  bool has_haz = false, has_whz = false;
};

TEST(DemoRates, LaiChauProvinceMatchesItsProfile) {
  Options o;
  o.provinces = {"12"};
  o.from_year = 2025;
  o.to_year = 2026;
  o.today = DateFromYmd(2026, 11, 25);
  const Date w0 = DateFromYmd(2025, 1, 1), w1 = o.today;
  const Profile p = ProfileFor("12");

  Counts k;
  std::unordered_map<std::string, std::set<int>> trimesters;  // pregnancy -> trimesters seen
  std::unordered_map<std::string, int> visits;
  std::vector<std::string> delivered_pregnancies;
  std::unordered_map<std::string, ChildFacts> children;
  Stats stats;
  Status st = GenerateTo(
      [&](std::vector<store::Record>& batch) {
        for (const store::Record& r : batch) {
          const json j = json::parse(registry::ToJsonText(r));
          ++k.records;
          const std::string note = j.value("note", "");
          k.late += note == kTagLate;
          k.missing += note == kTagMissing;
          const std::string type = j["type"];
          for (const char* t : {"person", "pregnancy", "anc_visit", "newborn", "immunization", "growth"}) k.may_miss += type == t;
          if (type == "person") {
            if (j.contains("mother_id")) children[j["id"]].birth = *ParseDate(j["birth_date"].get<std::string>());
            continue;
          }
          const Date d = *ParseDate(j["date"].get<std::string>());
          const std::string pid = j["person_id"];
          if (type == "anc_visit") {
            trimesters[j["pregnancy_id"]].insert(j["trimester"].get<int>());
            visits[j["pregnancy_id"]]++;
          } else if (type == "delivery" && d >= w0) {
            ++k.deliveries;
            k.facility += j["place"] == "facility";
            const std::string a = j["attendant"];
            k.skilled += a == "doctor" || a == "midwife" || a == "nurse" || a == "assistant_doctor";
            delivered_pregnancies.push_back(j["pregnancy_id"]);
          } else if (type == "newborn") {
            ++k.newborns;
            if (j.contains("birth_weight_g")) {
              ++k.weighed;
              k.lbw += j["birth_weight_g"].get<int>() < 2500;
            }
            k.eenc += j["drying"] == true && j["skin_to_skin"] == true && j["delayed_cord_clamping"] == true;
            k.early_bf += j["breastfed_within_1h"] == true;
          } else if (type == "death" && j["age_group"] != "older") {
            ++k.u5_deaths;
            k.neonatal_deaths += j["age_group"] == "neonatal";
            children[pid].death = d;
          } else if (type == "immunization") {
            auto& doses = children[pid].doses;
            const std::string key = j["vaccine"].get<std::string>() + std::to_string(j["dose"].get<int>());
            if (!doses.count(key)) doses[key] = d;
          } else if (type == "illness" && j["kind"] == "pneumonia") {
            ++k.pneumonia;
            k.pneumonia_abx += j.value("antibiotic", false);
          } else if (type == "growth") {
            if (note == kTagImplausible) {
              ++k.implausible;
              k.implausible_flagged += j.contains("implausible");
              continue;
            }
            if (j.contains("implausible")) continue;  // a WHO flag: excluded as an indicator would
            auto& c = children[pid];
            if (d >= c.last_growth && j.contains("z_lhfa") && j.contains("z_wflh")) {
              c.last_growth = d;
              c.haz = j["z_lhfa"];
              c.whz = j["z_wflh"];
              c.has_haz = c.has_whz = true;
            }
          }
        }
        batch.clear();
        return Status::Ok();
      },
      testing::OrgUnits(), o, &stats);
  ASSERT_TRUE(st.ok()) << st.ToString();

  for (const auto& preg : delivered_pregnancies)
    k.anc4 += visits[preg] >= 4 && trimesters[preg].size() == 3;
  // Fully immunized before the first birthday, among children born in the
  // window who reached it alive before its end.
  int eligible = 0, full = 0, measured = 0, stunted = 0, wasted = 0;
  for (const auto& [id, c] : children) {
    if (c.has_haz) {
      ++measured;
      stunted += c.haz < -2;
      wasted += c.whz < -2;
    }
    int y;
    unsigned m, d;
    YmdFromDate(c.birth, y, m, d);
    const Date one = DateFromYmd(y + 1, m, m == 2 && d == 29 ? 28 : d);
    if (c.birth < w0 || one > w1 || c.death <= one) continue;
    ++eligible;
    bool ok = true;
    for (const char* v : {"bcg1", "dtp_hepb_hib1", "dtp_hepb_hib2", "dtp_hepb_hib3", "opv1", "opv2", "opv3", "measles1"}) {
      auto it = c.doses.find(v);
      ok = ok && it != c.doses.end() && it->second < one;
    }
    full += ok;
  }

  auto pct = [](int a, int b) { return b ? 100.0 * a / b : -1.0; };
  std::printf("deliveries %d facility %.2f skilled %.2f anc4 %.2f | newborns %d lbw %.2f eenc %.2f early_bf %.2f\n",
              k.deliveries, pct(k.facility, k.deliveries), pct(k.skilled, k.deliveries), pct(k.anc4, k.deliveries),
              k.newborns, pct(k.lbw, k.weighed), pct(k.eenc, k.newborns), pct(k.early_bf, k.newborns));
  std::printf("full immunization %.2f of %d | pneumonia abx %.2f | stunting %.2f wasting %.2f of %d\n",
              pct(full, eligible), eligible, pct(k.pneumonia_abx, k.pneumonia), pct(stunted, measured),
              pct(wasted, measured), measured);
  std::printf("u5 deaths %d per 1000 lb %.2f neonatal share %.2f | late %.2f missing %.2f implausible %d\n",
              k.u5_deaths, 1000.0 * k.u5_deaths / k.newborns, pct(k.neonatal_deaths, k.u5_deaths),
              pct(k.late, k.records), pct(k.missing, k.may_miss), k.implausible);
  ASSERT_GT(k.deliveries, 15000);
  EXPECT_NEAR(pct(k.facility, k.deliveries), 100 * p.facility_delivery, 2.0);
  EXPECT_NEAR(pct(k.skilled, k.deliveries), 100 * p.skilled_attendance, 2.0);
  EXPECT_NEAR(pct(k.anc4, k.deliveries), 100 * p.anc4, 2.0);
  EXPECT_NEAR(pct(k.lbw, k.weighed), 100 * p.low_birth_weight, 1.0);
  EXPECT_NEAR(pct(k.eenc, k.newborns), 100 * p.eenc, 2.0);
  EXPECT_NEAR(pct(k.early_bf, k.newborns), 100 * p.early_breastfeeding, 2.0);
  ASSERT_GT(eligible, 5000);
  EXPECT_NEAR(pct(full, eligible), 100 * p.full_immunization, 2.0);
  EXPECT_NEAR(pct(k.pneumonia_abx, k.pneumonia), 100 * p.pneumonia_antibiotic, 2.0);
  ASSERT_GT(measured, 20000);
  EXPECT_NEAR(pct(stunted, measured), 100 * p.stunting, 2.0);
  EXPECT_NEAR(pct(wasted, measured), 100 * p.wasting, 1.5);
  // Period ratio: under-5 deaths in the window per 1000 live births in it.
  EXPECT_NEAR(1000.0 * k.u5_deaths / k.newborns, p.under5_mortality, 5.0);
  EXPECT_NEAR(pct(k.neonatal_deaths, k.u5_deaths), 100 * p.neonatal_share, 10.0);
  // Defects at their configured rates, each tagged; implausible ones flagged by WHO rules.
  EXPECT_NEAR(pct(k.late, k.records), 100 * o.defects.late_entry, 0.3);
  EXPECT_NEAR(pct(k.missing, k.may_miss), 100 * o.defects.missing_optional, 0.3);
  EXPECT_GT(k.implausible, 20);
  EXPECT_EQ(k.implausible_flagged, k.implausible);
}

}  // namespace
}  // namespace u5::demo
