// The fast path of compute() (fast_pow.h, fast_z.h) against the reference
// implementation kept in reference_zscore.cpp: every output bit for bit, on
// millions of deterministic random measurements, including inputs placed on
// rounding ties and on the +-3 SD switch where the fast path must give way.

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "growth/fast_pow.h"
#include "growth/fast_z.h"
#include "growth/fast_z2.h"
#include "growth/lms.h"
#include "growth/who_tables.h"
#include "growth/zscore.h"
#include "reference_zscore.h"

using namespace u5::growth;

namespace {

bool same(const std::optional<double>& a, const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || std::bit_cast<std::uint64_t>(*a) == std::bit_cast<std::uint64_t>(*b);
}
bool same(const std::optional<Score>& a, const std::optional<Score>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (std::bit_cast<std::uint64_t>(a->z) == std::bit_cast<std::uint64_t>(b->z) &&
                a->flag == b->flag);
}

std::string show(const std::optional<double>& v) {
  if (!v) return "NA";
  std::ostringstream o;
  o.precision(17);
  o << *v;
  return o.str();
}
std::string show(const std::optional<Score>& s) {
  return s ? show(s->z) + (s->flag ? "!" : "") : "NA";
}

// Empty when equal, else a description of the first difference.
std::string diff(const Measurement& m, const ZResult& a, const ZResult& b) {
  std::string d;
  auto chk = [&](const char* name, const auto& va, const auto& vb) {
    if (d.empty() && !same(va, vb)) d = std::string(name) + ": fast " + show(va) + " vs reference " + show(vb);
  };
  auto chk_eq = [&](const char* name, bool eq) {
    if (d.empty() && !eq) d = name;
  };
  chk("clenhei", a.clenhei, b.clenhei);
  chk("cbmi", a.cbmi, b.cbmi);
  chk_eq("cmeasure", a.cmeasure == b.cmeasure);
  chk_eq("c9mo_flag", a.c9mo_flag == b.c9mo_flag);
  chk_eq("csex", a.csex == b.csex);
  chk_eq("wfl_table", a.wfl_table == b.wfl_table);
  chk("zlen", a.zlen, b.zlen);
  chk("zwei", a.zwei, b.zwei);
  chk("zwfl", a.zwfl, b.zwfl);
  chk("zbmi", a.zbmi, b.zbmi);
  chk("zhc", a.zhc, b.zhc);
  chk("zac", a.zac, b.zac);
  chk("zts", a.zts, b.zts);
  chk("zss", a.zss, b.zss);
  if (d.empty()) return d;
  std::ostringstream o;
  o.precision(17);
  o << d << " for sex " << m.sex << " age " << show(m.age_days) << " weight " << show(m.weight_kg)
    << " lenhei " << show(m.lenhei_cm) << " measure " << static_cast<int>(m.measure)
    << " headc " << show(m.headc_cm) << " muac " << show(m.muac_cm) << " oedema " << m.oedema;
  return o.str();
}

// Runs n generated measurements through both implementations; returns the
// number of differences (the first few are reported).
template <class Gen>
long compare_many(long n, Gen&& gen) {
  long bad = 0;
  for (long i = 0; i < n; ++i) {
    const Measurement m = gen();
    const std::string d = diff(m, compute(m), reference::compute(m));
    if (!d.empty() && ++bad <= 5) ADD_FAILURE() << d;
  }
  return bad;
}

double on_curve(Indicator ind, int sex, int x, double z) {
  return lms_value(who_table(ind, sex).at(x), z);
}

// Survey-like data: WHO distributions with a shifted, wider spread (some
// beyond +-3 SD), values recorded to 0.1 cm / 0.01 kg or unrounded, ages in
// whole or fractional days, positions mostly right, a few values missing.
TEST(FastPath, EqualsReferenceOnRealisticMeasurements) {
  std::mt19937_64 g(20240601);
  std::uniform_int_distribution<int> age(0, 1826);
  std::normal_distribution<double> z(-0.5, 1.5);
  std::uniform_real_distribution<double> u(0, 1);
  auto gen = [&] {
    Measurement m;
    m.sex = 1 + static_cast<int>(u(g) * 2);
    const int day = age(g);
    const bool exact = u(g) < 0.2;  // unrounded values hit any z, not just a grid
    m.age_days = exact ? day + u(g) * 0.999 : day;
    auto rec = [&](double v, double step) { return exact ? v : std::round(v / step) * step; };
    m.lenhei_cm = rec(on_curve(Indicator::length_height_for_age, m.sex, day, z(g)), 0.1);
    const Indicator wfx = day < 731 ? Indicator::weight_for_length : Indicator::weight_for_height;
    const LmsTable t = who_table(wfx, m.sex);
    const int row = std::clamp(static_cast<int>(*m.lenhei_cm * 10), t.first, t.last);
    m.weight_kg = rec(lms_value(t.at(row), z(g)), 0.01);
    m.headc_cm = rec(on_curve(Indicator::head_circumference_for_age, m.sex, day, z(g)), 0.1);
    if (day >= 91 && u(g) < 0.3)
      m.muac_cm = rec(on_curve(Indicator::arm_circumference_for_age, m.sex, day, z(g)), 0.1);
    m.measure = day < 731 ? Measure::lying : Measure::standing;
    const double p = u(g);
    if (p < 0.05) m.measure = Measure::unknown;
    else if (p < 0.1) m.measure = day < 731 ? Measure::standing : Measure::lying;
    m.oedema = u(g) < 0.01;
    if (u(g) < 0.02) m.age_days.reset();
    if (u(g) < 0.02) m.weight_kg.reset();
    if (u(g) < 0.01) m.sex = 0;
    return m;
  };
  EXPECT_EQ(compare_many(2'000'000, gen), 0);
}

// Values whose exact z lies on or within 1e-9 of a rounding tie k/100 +
// 0.005, or of +-3 SD: the cases the fast path must hand to the exact path.
TEST(FastPath, EqualsReferenceNearTiesAndThreeSd) {
  std::mt19937_64 g(77);
  std::uniform_int_distribution<int> age(0, 1826);
  std::uniform_int_distribution<int> hundredths(-450, 450);
  std::uniform_real_distribution<double> u(0, 1);
  auto near_z = [&] {
    const double jitter = (u(g) - 0.5) * 2e-9;
    if (u(g) < 0.1) return (u(g) < 0.5 ? 3.0 : -3.0) + jitter;
    return hundredths(g) / 100.0 + 0.005 + (u(g) < 0.3 ? 0.0 : jitter);
  };
  auto gen = [&] {
    Measurement m;
    m.sex = 1 + static_cast<int>(u(g) * 2);
    const int day = age(g);
    m.age_days = day;
    m.measure = day < 731 ? Measure::lying : Measure::standing;
    m.lenhei_cm = on_curve(Indicator::length_height_for_age, m.sex, day, near_z());
    m.headc_cm = on_curve(Indicator::head_circumference_for_age, m.sex, day, near_z());
    // Weight on a weight-for-age tie, or on a weight-for-length tie at a
    // table row (BMI then falls anywhere).
    const Indicator wfx = day < 731 ? Indicator::weight_for_length : Indicator::weight_for_height;
    const LmsTable t = who_table(wfx, m.sex);
    const int row = static_cast<int>(std::round(*m.lenhei_cm * 10));
    if (u(g) < 0.5 && t.contains(row)) {
      m.lenhei_cm = row / 10.0;
      m.weight_kg = lms_value(t.at(row), near_z());
    } else {
      m.weight_kg = on_curve(Indicator::weight_for_age, m.sex, day, near_z());
    }
    return m;
  };
  EXPECT_EQ(compare_many(300'000, gen), 0);
}

// BMI on its own ties: weight chosen so that weight / (clenhei/100)^2 is on
// the BMI-for-age curve at a tie.
TEST(FastPath, EqualsReferenceOnBmiTies) {
  std::mt19937_64 g(5);
  std::uniform_int_distribution<int> age(0, 1826);
  std::uniform_int_distribution<int> hundredths(-350, 350);
  std::uniform_real_distribution<double> u(0, 1);
  auto gen = [&] {
    Measurement m;
    m.sex = 1 + static_cast<int>(u(g) * 2);
    const int day = age(g);
    m.age_days = day;
    m.lenhei_cm = on_curve(Indicator::length_height_for_age, m.sex, day, (u(g) - 0.5) * 4);
    m.measure = day < 731 ? Measure::lying : Measure::standing;
    const double h = *m.lenhei_cm / 100.0;
    m.weight_kg = on_curve(Indicator::bmi_for_age, m.sex, day, hundredths(g) / 100.0 + 0.005) * h * h;
    return m;
  };
  EXPECT_EQ(compare_many(200'000, gen), 0);
}

// Nonsense and edge input: tiny, huge and extreme values, all ages incl.
// fractional and out of range, random positions, oedema.
TEST(FastPath, EqualsReferenceOnWildInput) {
  std::mt19937_64 g(99);
  std::uniform_real_distribution<double> u(0, 1);
  auto wild = [&](double typical) -> std::optional<double> {
    const double p = u(g);
    if (p < 0.05) return std::nullopt;
    if (p < 0.1) return -typical * u(g);
    if (p < 0.15) return std::ldexp(u(g), static_cast<int>(u(g) * 2000) - 1000);
    return typical * std::exp((u(g) - 0.5) * 3);
  };
  auto gen = [&] {
    Measurement m;
    m.sex = static_cast<int>(u(g) * 4);
    m.age_days = u(g) < 0.05 ? std::optional<double>{} : (u(g) - 0.02) * 2000;
    m.weight_kg = wild(12);
    m.lenhei_cm = wild(85);
    m.headc_cm = wild(45);
    m.muac_cm = wild(15);
    m.triceps_mm = wild(8);
    m.subscap_mm = wild(7);
    m.measure = static_cast<Measure>(static_cast<int>(u(g) * 3));
    m.oedema = u(g) < 0.1;
    return m;
  };
  EXPECT_EQ(compare_many(500'000, gen), 0);
}

// The two known properties of anthro (issue 19, docs/growth.md): weights of
// 0 (and -0) with every length, and lengths whose clenhei*10 is the double
// just below 512 or 1024, or within a few ulps of any 0.1 cm row, reached
// directly or through the 0.7 cm adjustment. Fast and reference paths agree.
TEST(FastPath, EqualsReferenceOnAnthroEdges) {
  std::mt19937_64 g(19);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> lengths;
  for (double edge : {51.2, 102.4})
    for (int k = -4; k <= 4; ++k) {
      double x = edge;
      for (int j = 0; j < std::abs(k); ++j) x = std::nextafter(x, k < 0 ? 0.0 : 200.0);
      lengths.push_back(x);
      lengths.push_back(x + 0.7);
      lengths.push_back(x - 0.7);
    }
  for (int row = 450; row <= 1200; ++row) {
    const double x = row / 10.0;
    lengths.push_back(x);
    lengths.push_back(std::nextafter(x, 0.0));
    lengths.push_back(std::nextafter(x, 200.0));
    lengths.push_back(x + 0.7);
    lengths.push_back(x - 0.7);
  }
  long bad = 0;
  for (double len : lengths)
    for (int i = 0; i < 8; ++i) {
      Measurement m;
      m.sex = 1 + i % 2;
      m.lenhei_cm = len;
      m.measure = static_cast<Measure>(i / 2 % 3);
      if (i < 6) m.age_days = u(g) < 0.5 ? 200 + u(g) * 500 : 731 + u(g) * 1000;
      const double w = u(g);
      m.weight_kg = i == 7 ? -0.0 : w < 0.3 ? 0.0 : 2 + w * 25;
      m.oedema = u(g) < 0.05;
      const std::string d = diff(m, compute(m), reference::compute(m));
      if (!d.empty() && ++bad <= 5) ADD_FAILURE() << d;
    }
  EXPECT_EQ(bad, 0);
}

// fast_pow() keeps the relative error bound the fast path's proof assumes
// (kFastPowRelError), with a margin of 3 (scalar and SSE2 pair), over its whole domain (the worst
// case, ~2.6e-15, is at |l ln y| near 14 where ln y itself is rounded).
TEST(FastPath, FastPowWithinItsErrorBound) {
  const detail::PowTables& t = detail::pow_tables();
  std::mt19937_64 g(3);
  std::uniform_real_distribution<double> u(0, 1);
  const std::uint64_t* eb = detail::exp2j_shifted_bits();
  double worst = 0, worst_pair = 0;
  for (int i = 0; i < 2'000'000; ++i) {
    const double y = i % 2 ? std::ldexp(1.0 + u(g), static_cast<int>(u(g) * 40) - 20)
                           : 0.5 + 1.5 * u(g);
    const double l = i % 7 == 0 ? (u(g) < 0.5 ? -1.0 : 1.0) : (u(g) - 0.5) * 2;
    ASSERT_TRUE(detail::fast_pow_domain(y, l));
    const long double exact = std::pow(static_cast<long double>(y), static_cast<long double>(l));
    const long double err = std::fabs((detail::fast_pow(y, l, t) - exact) / exact);
    worst = std::max(worst, static_cast<double>(err));
    double pair[2];
    _mm_storeu_pd(pair, detail::fast_pow_pair(_mm_set_pd(1.0, y), _mm_set_pd(1.0, l), t, eb));
    worst_pair = std::max(worst_pair, static_cast<double>(std::fabs((pair[0] - exact) / exact)));
  }
  EXPECT_LT(worst, detail::kFastPowRelError / 3) << "worst relative error " << worst;
  EXPECT_LT(worst_pair, detail::kFastPowRelError / 3) << "pair: worst relative error " << worst_pair;
  EXPECT_FALSE(detail::fast_pow_domain(std::ldexp(1.0, 20), 0.5));
  EXPECT_FALSE(detail::fast_pow_domain(std::ldexp(1.0, -21), 0.5));
  EXPECT_FALSE(detail::fast_pow_domain(1.0, 1.5));
}

// The SSE2 pair (weight-for-age and BMI together) gives what the scalar
// fast path gives for each lane, and proves typical inputs itself (else the
// speed-up would silently vanish into the exact path).
TEST(FastPath, PairEqualsScalarFastPath) {
  const detail::PowTables& t = detail::pow_tables();
  const std::uint64_t* eb = detail::exp2j_shifted_bits();
  const double* h = detail::hundredths();
  std::mt19937_64 g(11);
  std::uniform_int_distribution<int> age(0, 1826);
  std::normal_distribution<double> z(-0.5, 1.5);
  std::uniform_real_distribution<double> u(0, 1);
  long proven = 0, n = 500'000;
  for (long i = 0; i < n; ++i) {
    const int sex = 1 + static_cast<int>(u(g) * 2);
    const Lms& a = who_table(Indicator::weight_for_age, sex).at(age(g));
    const Lms& b = who_table(Indicator::bmi_for_age, sex).at(age(g));
    const detail::FastRow ra = detail::make_fast_row(a, false), rb = detail::make_fast_row(b, false);
    const double x[2] = {lms_value(a, z(g)), lms_value(b, z(g))};
    double pair[2], one[2];
    const unsigned ok = detail::row_z_fast_pair(x, ra, rb, t, eb, h, pair);
    const bool ok0 = detail::row_z_fast<false, true>(x[0], ra, t, h, one[0]);
    const bool ok1 = detail::row_z_fast<false, true>(x[1], rb, t, h, one[1]);
    if (ok & 1 && ok0) {
      ASSERT_EQ(pair[0], one[0]) << x[0];
    }
    if (ok & 2 && ok1) {
      ASSERT_EQ(pair[1], one[1]) << x[1];
    }
    proven += (ok & 1) + (ok >> 1);
  }
  EXPECT_GT(proven, n * 2 * 9 / 10);
}

}  // namespace
