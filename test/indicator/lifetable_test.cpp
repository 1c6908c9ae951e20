// Cohort (life-table) mortality, the DHS synthetic-cohort method
// (indicator/lifetable.h): a hand-computed example, a closed case (constant
// hazard) through the store, and the API and its scope.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "core/date.h"
#include "core/id.h"
#include "indicator/lifetable.h"
#include "lai_chau_http.h"

namespace u5::test {
namespace {

using indicator::ChildLife;
using indicator::CohortEstimate;
using nlohmann::json;

Date D(const char* s) { return *ParseDate(s); }

// Window: the five years 2020-2024, [2020-01-01, 2025-01-01).
//
// Each group: how many children, born, died (empty: alive). Per segment the
// group's exposure and deaths, by the rules in lifetable.cpp (A = straddles
// the window's start: half exposure, half deaths; B = inside: whole; C =
// straddles its end: half exposure, deaths before 2025-01-01 whole):
//
//  B1  20 born 2021-03-15 alive: 0, 1-2, 3-5, 6-11, 12-23, 24-35 and 0-27d B (1 each);
//      36-47 = 2024-03-15..2025-03-15 C (0.5 each); 48-59 starts after the window.
//  C2   6 born 2024-08-01 alive: 0, 1-2, 0-27d B; 3-5 = 2024-11-01..2025-02-01 C (0.5).
//  D1   4 born 2022-01-10 died 2022-01-20 (day 10): 0 and 0-27d B, a death each.
//  D2   2 born 2022-05-01 died 2022-06-15 (day 45): 0, 0-27d B survived; 1-2 B, a death each.
//  D3   1 born 2019-12-20 died 2020-01-05 (day 16): 0 = 2019-12-20..2020-01-20 and
//      0-27d = ..2020-01-17 straddle the start: A, 0.5 exposure, 0.5 death each.
//  D4   1 born 2024-12-10 died 2024-12-25 (day 15): 0 and 0-27d C: 0.5 exposure, death before the end: 1.
//  D5   1 born 2024-12-20 died 2025-01-03: 0 and 0-27d C: 0.5 exposure, death after the end: 0.
//  D6   3 born 2020-06-01 died 2022-07-01 (25 months): 0 .. 12-23, 0-27d B; 24-35 B with a death each.
//  D7   2 born 2016-03-01 died 2020-05-01 (50 months): 36-47 = 2019-03-01..2020-03-01 A (0.5);
//      48-59 = 2020-03-01..2021-03-01 B, a death each.
//  A1  10 born 2015-06-01 alive: 48-59 = 2019-06-01..2020-06-01 A (0.5 each).
//  D8   1 born 2015-08-01 died 2020-02-01 (54 months): 48-59 A: 0.5, 0.5 death.
//  D9   1 born 2015-08-01 died 2019-10-01 (50 months, before the window): 48-59 A: 0.5 and,
//      as the guide counts cohort A's deaths, 0.5 death.
//  D10  1 born 2023-01-01 died 2023-01-30 (day 29): 0 B with a death; 0-27d B survived.
//
// Totals (exposure, deaths, q):
//   0      20+6+4+2+0.5+0.5+0.5+3+1 = 37.5   D1 4 + D3 0.5 + D4 1 + D10 1 = 6.5      6.5/37.5
//   1-2    20+6+2+3 = 31                      2                                       2/31
//   3-5    20+3+3 = 26                        0
//   6-11   20+3 = 23                          0
//   12-23  20+3 = 23                          0
//   24-35  20+3 = 23                          3                                       3/23
//   36-47  10+1 = 11                          0
//   48-59  5+2+0.5+0.5 = 8                    2+0.5+0.5 = 3                           3/8
//   0-27d  37.5                               4+0.5+1 = 5.5                           5.5/37.5
// 1q0 = 1 - (31/37.5)(29/31) = 1 - 29/37.5 = 0.226667
// 5q0 = 1 - (29/37.5)(20/23)(5/8) = 1 - 2900/6900 = 0.579710
// neonatal = 5.5/37.5 = 0.146667
// Births in the window: 20+6+4+2+1+1+3+1 = 38. Deaths in it under five: D1 4, D2 2, D3 1, D4 1,
// D6 3, D7 2, D8 1, D10 1 = 15 (D5 died after it, D9 before it).
struct Group {
  int n;
  const char* born;
  const char* died;
};
const Group kGroups[] = {
    {20, "2021-03-15", nullptr},      {6, "2024-08-01", nullptr},      {4, "2022-01-10", "2022-01-20"},
    {2, "2022-05-01", "2022-06-15"},  {1, "2019-12-20", "2020-01-05"}, {1, "2024-12-10", "2024-12-25"},
    {1, "2024-12-20", "2025-01-03"},  {3, "2020-06-01", "2022-07-01"}, {2, "2016-03-01", "2020-05-01"},
    {10, "2015-06-01", nullptr},      {1, "2015-08-01", "2020-02-01"}, {1, "2015-08-01", "2019-10-01"},
    {1, "2023-01-01", "2023-01-30"},
};

struct Expected {
  const char* id;
  double exposure, deaths;
};
const Expected kSegments[] = {
    {"0", 37.5, 6.5},   {"1-2", 31, 2},   {"3-5", 26, 0},   {"6-11", 23, 0},   {"12-23", 23, 0},
    {"24-35", 23, 3},   {"36-47", 11, 0}, {"48-59", 8, 3},  {"0-27d", 37.5, 5.5},
};

std::vector<ChildLife> HandExample() {
  std::vector<ChildLife> out;
  for (const Group& g : kGroups)
    for (int i = 0; i < g.n; ++i)
      out.push_back({D(g.born), g.died ? std::optional<Date>(D(g.died)) : std::nullopt});
  return out;
}

class CohortMortality : public OnEachStore {};

TEST(CohortMortalityFormula, HandComputedExample) {
  const std::vector<ChildLife> kids = HandExample();
  ASSERT_EQ(kids.size(), 53u);
  const CohortEstimate e = indicator::EstimateCohort(kids, D("2020-01-01"), D("2025-01-01"));
  EXPECT_EQ(FormatDate(e.from), "2020-01-01");
  EXPECT_EQ(FormatDate(e.to), "2024-12-31");
  ASSERT_EQ(e.segments.size(), std::size(kSegments));
  for (size_t i = 0; i < e.segments.size(); ++i) {
    SCOPED_TRACE(kSegments[i].id);
    EXPECT_EQ(e.segments[i].id, kSegments[i].id);
    EXPECT_DOUBLE_EQ(e.segments[i].exposure, kSegments[i].exposure);
    EXPECT_DOUBLE_EQ(e.segments[i].deaths, kSegments[i].deaths);
    ASSERT_TRUE(e.segments[i].q);
    EXPECT_NEAR(*e.segments[i].q, kSegments[i].deaths / kSegments[i].exposure, 1e-12);
  }
  ASSERT_TRUE(e.infant.q && e.under5.q && e.neonatal.q);
  EXPECT_NEAR(*e.infant.q, 1 - 29 / 37.5, 1e-12);
  EXPECT_NEAR(*e.under5.q, 1 - 2900.0 / 6900.0, 1e-12);
  EXPECT_NEAR(*e.neonatal.q, 5.5 / 37.5, 1e-12);
  EXPECT_DOUBLE_EQ(e.infant.deaths, 8.5);
  EXPECT_DOUBLE_EQ(e.under5.deaths, 14.5);
  EXPECT_EQ(e.births, 38);
  EXPECT_EQ(e.deaths_under5, 15);

  // The interval of 1q0 by hand: var(log S) = sum q/(n(1-q)) over segments with deaths
  // = (6.5/37.5)/(37.5 (31/37.5)) + (2/31)/(31 (29/31)) = 6.5/(37.5*31) + 2/(31*29);
  // on log(-log S): se = sqrt(var)/|log S|, q_lo = 1 - S^exp(-1.96 se), q_hi = 1 - S^exp(1.96 se).
  const double s = 29 / 37.5, var = 6.5 / (37.5 * 31) + 2.0 / (31 * 29);
  const double se = std::sqrt(var) / std::fabs(std::log(s));
  const double z = 1.959963984540054;
  EXPECT_NEAR(*e.infant.lower, 1 - std::pow(s, std::exp(-z * se)), 1e-12);
  EXPECT_NEAR(*e.infant.upper, 1 - std::pow(s, std::exp(z * se)), 1e-12);
  EXPECT_NEAR(*e.infant.lower, 0.1228, 5e-4);  // worked out by hand from the line above
  EXPECT_NEAR(*e.infant.upper, 0.3961, 5e-4);
  for (const auto* p : {&e.neonatal, &e.infant, &e.under5}) {
    EXPECT_LT(*p->lower, *p->q);
    EXPECT_GT(*p->upper, *p->q);
  }
}

// Edge cases of one segment's rules, one row each: a child born on the window's
// first day is whole (B) in the first month; one whose first month ends on the
// first day is out; a child born on the last day is C; a death on the window's
// last day counts for C, on the day after it does not.
TEST(CohortMortalityFormula, SegmentEdges) {
  struct Row {
    const char* born;
    const char* died;
    double exposure, deaths;
  } rows[] = {
      {"2020-01-01", nullptr, 1, 0},          {"2019-12-01", nullptr, 0, 0},
      {"2019-12-02", nullptr, 0.5, 0},        {"2024-12-31", nullptr, 0.5, 0},
      {"2024-12-15", "2024-12-31", 0.5, 1},   {"2024-12-15", "2025-01-01", 0.5, 0},
      {"2019-12-15", "2019-12-20", 0.5, 0.5}, {"2020-03-01", "2020-03-31", 1, 1},
      {"2020-03-01", "2020-04-01", 1, 0},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(r.born) + " " + (r.died ? r.died : "alive"));
    const ChildLife c{D(r.born), r.died ? std::optional<Date>(D(r.died)) : std::nullopt};
    const CohortEstimate e = indicator::EstimateCohort(std::span(&c, 1), D("2020-01-01"), D("2025-01-01"));
    EXPECT_DOUBLE_EQ(e.segments[0].exposure, r.exposure);
    EXPECT_DOUBLE_EQ(e.segments[0].deaths, r.deaths);
  }
}

TEST(CohortMortalityFormula, NoDeathsGiveAnExactUpperBoundAndNoChildrenNoValue) {
  std::vector<ChildLife> kids(100, ChildLife{D("2022-01-01"), std::nullopt});
  CohortEstimate e = indicator::EstimateCohort(kids, D("2020-01-01"), D("2025-01-01"));
  ASSERT_TRUE(e.infant.q);
  EXPECT_EQ(*e.infant.q, 0);
  EXPECT_EQ(*e.infant.lower, 0);
  EXPECT_NEAR(*e.infant.upper, 1 - std::pow(0.025, 1.0 / 100), 1e-12);  // about 36.2 per 1000
  // Nobody aged 36-59 months in the window: no 5q0, and it names the first such segment.
  EXPECT_FALSE(e.under5.q);
  EXPECT_NE(e.under5.reason.find("36-47"), std::string::npos) << e.under5.reason;
  e = indicator::EstimateCohort({}, D("2020-01-01"), D("2025-01-01"));
  EXPECT_FALSE(e.infant.q);
  EXPECT_EQ(e.births, 0);
}

// A closed case: every child has the same probability p of dying in each month
// of age (deaths spread evenly inside the month), births evenly from mid-2014
// to 2024, stored as persons and death records and read back through the store.
// Then 1q0 = 1 - (1-p)^12 and 5q0 = 1 - (1-p)^60, which the estimate must find
// within its sampling error, and its 95 % interval must hold them.
TEST_P(CohortMortality, ConstantHazardThroughTheStore) {
  Population pop(GetParam());
  constexpr double p = 0.003;  // 5q0 = 165 per 1000, 1q0 = 35.4
  uint64_t state = 2030;
  auto uniform = [&] {  // splitmix64: the same numbers on every platform
    state += 0x9E3779B97F4A7C15ull;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  };
  std::vector<store::Record> recs;
  const Date first = D("2014-06-01"), last = D("2024-12-31");
  int64_t born_in_window = 0;
  for (int32_t day = first.days; day <= last.days; ++day) {
    for (int k = 0; k < 5; ++k) {
      const Date birth{day};
      store::Record person;
      person.type = "person";
      person.id = NewUuid7();
      person.orgunit_id = k % 2 ? "03390" : "03388";
      person.date = FormatDate(birth);
      person.full_name = person.name_folded = "tre";
      person.sex = k % 2 ? "male" : "female";
      person.created_at = person.updated_at = "2025-01-01T00:00:00Z";
      person.body = json{{"full_name", "Trẻ"}, {"sex", person.sex}, {"birth_date", person.date}, {"orgunit", person.orgunit_id}}.dump();
      recs.push_back(person);
      if (birth >= D("2020-01-01")) ++born_in_window;
      for (int m = 0; m < 60; ++m) {
        if (uniform() >= p) continue;
        const Date a = AddMonths(birth, m), b = AddMonths(birth, m + 1);
        const Date died{a.days + static_cast<int32_t>(uniform() * (b.days - a.days))};
        store::Record death;
        death.type = "death";
        death.id = NewUuid7();
        death.person_id = person.id;
        death.orgunit_id = person.orgunit_id;
        death.date = FormatDate(died);
        death.created_at = death.updated_at = person.created_at;
        death.body = json{{"date", death.date}}.dump();
        recs.push_back(death);
        break;
      }
    }
  }
  // Someone outside the org unit and a woman born long before count nowhere.
  ASSERT_TRUE(pop.store().InsertBatch(recs).ok());
  pop.Person("W", "female", "1990-01-01", "03390");
  pop.Person("X", "male", "2022-01-01", "01");  // Hà Nội, not below Lai Châu

  indicator::CohortAnswer a;
  ASSERT_TRUE(indicator::CohortMortality(pop.store(), {"12", 2024, D("2026-06-01")}, &a).ok());
  const CohortEstimate& e = a.estimate;
  EXPECT_EQ(a.orgunit_kind, "province");
  EXPECT_EQ(e.births, born_in_window);
  EXPECT_FALSE(e.partial);
  EXPECT_EQ(a.precision.level, "ok");
  const double imr = 1 - std::pow(1 - p, 12), u5mr = 1 - std::pow(1 - p, 60);
  // Sampling error: about sqrt(q(1-q)/births) (births ~ 9,100): 1q0 +-1.9, 5q0 +-3.9 per 1000.
  EXPECT_NEAR(*e.infant.q, imr, 0.006) << "1q0 " << *e.infant.q * 1000;
  EXPECT_NEAR(*e.under5.q, u5mr, 0.012) << "5q0 " << *e.under5.q * 1000;
  EXPECT_LT(*e.infant.lower, imr);
  EXPECT_GT(*e.infant.upper, imr);
  EXPECT_LT(*e.under5.lower, u5mr);
  EXPECT_GT(*e.under5.upper, u5mr);
  // Each segment on its own: q = 1 - (1-p)^months, within four standard errors;
  // days 0-27 hold 28/30.44 of the first month's deaths, spread evenly in it.
  for (const auto& s : e.segments) {
    const double want = s.days ? p * 28 / 30.44 : 1 - std::pow(1 - p, s.to - s.from);
    EXPECT_NEAR(*s.q, want, 4 * std::sqrt(want / s.exposure)) << s.id;
  }
  // One commune: too small to use, whatever its size.
  ASSERT_TRUE(indicator::CohortMortality(pop.store(), {"03390", 2024, D("2026-06-01")}, &a).ok());
  EXPECT_EQ(a.precision.level, "too_small");
  EXPECT_NE(a.precision.note.find("commune"), std::string::npos);
  EXPECT_GT(a.estimate.births, born_in_window / 3);
  EXPECT_LT(a.estimate.births, born_in_window * 2 / 3);
}

TEST_P(CohortMortality, WindowAndErrors) {
  Population pop(GetParam());
  indicator::CohortAnswer a;
  // The current year is cut at the as-of date.
  ASSERT_TRUE(indicator::CohortMortality(pop.store(), {"12", 2026, D("2026-03-15")}, &a).ok());
  EXPECT_TRUE(a.estimate.partial);
  EXPECT_EQ(FormatDate(a.estimate.from), "2022-01-01");
  EXPECT_EQ(FormatDate(a.estimate.to), "2026-03-15");
  Status st = indicator::CohortMortality(pop.store(), {"12", 2031, D("2026-03-15")}, &a);
  EXPECT_EQ(st.field(), "year") << st.ToString();
  st = indicator::CohortMortality(pop.store(), {"99999", 2025, D("2026-03-15")}, &a);
  EXPECT_EQ(st.code(), Code::not_found) << st.ToString();
  EXPECT_EQ(st.field(), "orgunit");
}

U5_ON_SQLITE_ONLY(CohortMortality);

class CohortHttp : public LaiChauHttp {
 protected:
  http::Response Get(std::map<std::string, std::string> query, const auth::Principal& who) {
    return Call("GET", "/api/v1/mortality/cohort", std::move(query), who);
  }
};

// The Lai Châu fixture (lai_chau.cpp): children C1..C6 born 2023-2025 in the
// province, four of them died in 2025 (X1, X2, X3, X7).
TEST_P(CohortHttp, ProvinceEstimateWithWindowCountsAndMethod) {
  auto r = Get({{"orgunit", "12"}, {"year", "2025"}, {"as_of", "2026-11-26"}}, province_);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j["window"]["from"], "2021-01-01");
  EXPECT_EQ(j["window"]["to"], "2025-12-31");
  EXPECT_EQ(j["window"]["partial"], false);
  EXPECT_EQ(j["births"], 6);
  EXPECT_EQ(j["deaths_under5"], 4);
  EXPECT_EQ(j["method"], "dhs_synthetic_cohort");
  EXPECT_EQ(j["orgunit_kind"], "province");
  EXPECT_EQ(j["precision"], "too_small") << "six children are far below 250 child-years";
  for (const char* k : {"nmr", "imr", "u5mr"}) {
    EXPECT_TRUE(j[k].contains("per_1000")) << k;
    EXPECT_TRUE(j[k].contains("lower") && j[k].contains("upper")) << k;
  }
  EXPECT_EQ(j["imr"]["symbol"], "1q0");
  EXPECT_EQ(j["u5mr"]["symbol"], "5q0");
  EXPECT_GT(j["imr"]["per_1000"].get<double>(), 0);
  EXPECT_EQ(j["segments"].size(), 9u);
  for (const char* k : {"person_id", "full_name", "birth_date"}) EXPECT_EQ(r.body.find(k), std::string::npos) << k;
  EXPECT_FALSE(r.audit.has_value()) << "aggregates: no audit entry";
}

TEST_P(CohortHttp, ScopeAndErrors) {
  // Another province's officer, and a commune worker asking for the province: refused
  // as the indicators API refuses an org unit outside the scope (403, field orgunit).
  for (const auth::Principal* who : {&bac_ninh_, &commune_}) {
    auto r = Get({{"orgunit", "12"}, {"year", "2025"}}, *who);
    EXPECT_EQ(r.status, 403) << who->username << " " << r.body;
    EXPECT_EQ(json::parse(r.body)["field"], "orgunit");
  }
  // A commune worker sees their commune, marked too small to use.
  auto c = Get({{"year", "2025"}, {"as_of", "2026-11-26"}}, commune_);
  ASSERT_EQ(c.status, 200) << c.body;
  json cj = json::parse(c.body);
  EXPECT_EQ(cj["orgunit"], "03390");
  EXPECT_EQ(cj["precision"], "too_small");
  EXPECT_NE(cj["precision_note"].get<std::string>().find("commune"), std::string::npos);
  for (auto [k, v] : std::initializer_list<std::pair<const char*, const char*>>{{"year", "25"}, {"year", "3000"}, {"as_of", "2026-13-01"}}) {
    auto r = Get({{"orgunit", "12"}, {k, v}}, province_);
    EXPECT_EQ(r.status, 422) << k << "=" << v << " " << r.body;
    EXPECT_EQ(json::parse(r.body)["field"], k);
  }
  EXPECT_EQ(Get({{"orgunit", "zz"}, {"year", "2025"}}, ministry_).status / 100, 4);
}

// The ministry never sees small counts: four deaths hide the figures.
TEST_P(CohortHttp, MinistrySmallCountsHidden) {
  auto r = Get({{"orgunit", "12"}, {"year", "2025"}, {"as_of", "2026-11-26"}}, ministry_);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j["suppressed"], true);
  EXPECT_FALSE(j.contains("births"));
  EXPECT_FALSE(j.contains("segments"));
  EXPECT_TRUE(j["u5mr"]["per_1000"].is_null());
}

U5_ON_BOTH_STORES(CohortHttp);

}  // namespace
}  // namespace u5::test
