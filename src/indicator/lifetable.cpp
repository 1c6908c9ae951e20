#include "indicator/lifetable.h"

#include <array>
#include <cmath>
#include <string_view>
#include <unordered_set>

#include "store/history.h"
#include "store/orgunits.h"

namespace u5::indicator {
namespace {

// Guide to DHS Statistics, "Early childhood mortality": component death
// probabilities for these segments of completed age in months.
constexpr std::array<AgeSegment, 8> kDhs{{{"0", 0, 1},
                                           {"1-2", 1, 3},
                                           {"3-5", 3, 6},
                                           {"6-11", 6, 12},
                                           {"12-23", 12, 24},
                                           {"24-35", 24, 36},
                                           {"36-47", 36, 48},
                                           {"48-59", 48, 60}}};
constexpr size_t kInfantSegments = 4;  // 0 .. 6-11 months: 1q0
constexpr AgeSegment kNeonatal{"0-27d", 0, 28, true};

// Two-sided 95 %.
constexpr double kZ = 1.959963984540054;
constexpr double kTail = 0.025;

Date SegmentEdge(Date birth, const AgeSegment& s, int at) {
  return s.days ? Date{birth.days + at} : AddMonths(birth, at);
}

// One child's contribution to one segment over the window [from, to).
//
// The guide splits the children who could be in the segment during the window
// into three birth cohorts: A reached the segment before the window started
// and leaves it inside the window, B spends the whole segment inside the
// window, C enters it inside the window and leaves it after the window ends.
// A and C are only partly exposed inside the window, so the guide takes half
// their exposure. Deaths: A's deaths in the segment count half (the guide),
// B's whole. For C it counts the deaths that happened before the window's end
// whole, as the guide does for a survey whose period ends at the interview (the
// deaths after it are unseen there): the half of C's segment that lies inside
// the window holds about half of C's deaths. The registry does see deaths after
// the window, but counting them would make a closed year's figure move as later
// deaths are entered and would need records the as-of date may not yet have.
void AddToSegment(const ChildLife& c, const AgeSegment& s, Date from, Date to, SegmentResult* r) {
  const Date start = SegmentEdge(c.birth, s, s.from), end = SegmentEdge(c.birth, s, s.to);
  if (c.death && *c.death < start) return;  // died before reaching the segment
  if (end <= from || start >= to) return;   // the segment lies outside the window
  const bool cohort_a = start < from;
  const bool cohort_c = !cohort_a && end > to;
  const double w = cohort_a || cohort_c ? 0.5 : 1.0;
  r->exposure += w;
  ++r->children;
  if (!c.death || *c.death >= end) return;  // survived the segment
  if (cohort_c) {
    if (*c.death < to) r->deaths += 1.0;
  } else {
    r->deaths += w;
  }
}

// The product of the segments' survival, q = 1 - prod(1 - q_i), with a 95 %
// interval: Greenwood's variance of log S, var = sum q_i / (n_i (1 - q_i)) with
// n_i the (weighted) exposure, on the complementary log-log scale
// (log(-log S) +- z se / |log S|), so the bounds stay inside 0..1 and are
// asymmetric as they should be for rare deaths. With no death at all the upper
// bound is the exact binomial one for no event among the children entering the
// first segment, 1 - 0.025^(1/n).
Probability Combine(const std::vector<SegmentResult>& segs, size_t first, size_t last) {
  Probability p;
  double log_s = 0, var = 0;
  bool all_die = false;
  for (size_t i = first; i < last; ++i) {
    const SegmentResult& s = segs[i];
    if (!s.q) {
      p.reason = "no child was in the segment " + s.id + (s.days ? " days" : " months") + " during the window";
      return p;
    }
    p.deaths += s.deaths;
    if (*s.q >= 1) {
      all_die = true;
      continue;
    }
    log_s += std::log1p(-*s.q);
    var += *s.q / (s.exposure * (1 - *s.q));
  }
  const double n0 = segs[first].exposure;
  if (all_die) {
    p.q = 1;
    p.lower = std::pow(kTail, 1 / n0);
    p.upper = 1;
    return p;
  }
  if (log_s == 0) {
    p.q = 0;
    p.lower = 0;
    p.upper = 1 - std::pow(kTail, 1 / n0);
    return p;
  }
  const double s = std::exp(log_s);
  const double se = std::sqrt(var) / std::fabs(log_s);
  p.q = 1 - s;
  p.lower = 1 - std::pow(s, std::exp(-kZ * se));
  p.upper = 1 - std::pow(s, std::exp(kZ * se));
  return p;
}

// Few child-years make a rate too unstable to show; the DHS reports put rates
// from 250-499 unweighted child-years of exposure in parentheses and do not
// show those from fewer than 250.
constexpr double kTooSmallChildYears = 250;
constexpr double kLowChildYears = 500;

}  // namespace

std::span<const AgeSegment> DhsSegments() { return kDhs; }
const AgeSegment& NeonatalSegment() { return kNeonatal; }

CohortEstimate EstimateCohort(std::span<const ChildLife> children, Date from, Date to_excl) {
  CohortEstimate e;
  e.from = from;
  e.to = Date{to_excl.days - 1};
  for (const AgeSegment& s : kDhs) e.segments.push_back({s.id, s.from, s.to, s.days});
  e.segments.push_back({kNeonatal.id, kNeonatal.from, kNeonatal.to, kNeonatal.days});
  for (const ChildLife& c : children) {
    if (c.birth >= to_excl) continue;
    const Date fifth = AddMonths(c.birth, 60);
    if (fifth <= from) continue;  // five before the window started
    if (c.birth >= from) ++e.births;
    if (c.death && *c.death >= from && *c.death < to_excl && *c.death < fifth) ++e.deaths_under5;
    // Years lived under five inside the window (the child-years of exposure).
    Date end = fifth;
    if (c.death && *c.death < end) end = *c.death;
    const int32_t lo = std::max(c.birth.days, from.days), hi = std::min(end.days, to_excl.days);
    if (hi > lo) e.child_years += (hi - lo) / 365.25;
    for (size_t i = 0; i < kDhs.size(); ++i) AddToSegment(c, kDhs[i], from, to_excl, &e.segments[i]);
    AddToSegment(c, kNeonatal, from, to_excl, &e.segments.back());
  }
  for (SegmentResult& s : e.segments)
    if (s.exposure > 0) s.q = s.deaths / s.exposure;
  e.infant = Combine(e.segments, 0, kInfantSegments);
  e.under5 = Combine(e.segments, 0, kDhs.size());
  e.neonatal = Combine(e.segments, kDhs.size(), kDhs.size() + 1);
  return e;
}

CohortPrecision AssessPrecision(const CohortEstimate& e, const std::string& orgunit_kind) {
  if (orgunit_kind == "commune" || orgunit_kind == "facility")
    return {"too_small", "a commune has too few births for a life-table estimate: use its district or province"};
  if (e.child_years < kTooSmallChildYears)
    return {"too_small", "fewer than 250 child-years of exposure: too few to use (DHS does not show such rates)"};
  if (e.child_years < kLowChildYears)
    return {"low", "250-499 child-years of exposure: imprecise (DHS shows such rates in parentheses)"};
  return {"ok", ""};
}

namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

Status CohortMortality(store::Store& store, const CohortQuery& q, CohortAnswer* out) {
  *out = CohortAnswer{};
  out->query = q;
  if (q.year < 1900 || q.year > 2200) return Status::Invalid("year", "year must be a year YYYY");
  const Date from = DateFromYmd(q.year - 4, 1, 1);
  Date to_excl = DateFromYmd(q.year + 1, 1, 1);
  bool partial = false;
  if (Date{q.as_of.days + 1} < to_excl) {
    to_excl = Date{q.as_of.days + 1};
    partial = true;
  }
  // A window shorter than the longest segment (a year) would have children
  // straddling both of its ends; the current year's window is at least four years.
  if (to_excl.days - from.days < 365)
    return Status::Invalid("year", "the five-year window ending in " + std::to_string(q.year) + " has less than a year before " +
                                       FormatDate(q.as_of));
  store::OrgUnit unit;
  U5_RETURN_IF_ERROR(store.orgunits().Get(q.orgunit, &unit));
  out->orgunit_kind = unit.kind;
  std::vector<std::string> below;
  U5_RETURN_IF_ERROR(store.orgunits().ClosureDescendants(q.orgunit, &below));
  const std::unordered_set<std::string, StringHash, std::equal_to<>> units(below.begin(), below.end());

  // Children who can be under five in the window: born from five years before
  // its start up to its end. Nobody else in the registry (women) is born then.
  const std::string born_lo = FormatDate(AddMonths(from, -60)), born_hi = FormatDate(to_excl);
  std::vector<ChildLife> children;
  store::HistoryQuery hq;
  hq.event_types = {"death"};
  int64_t persons = 0;
  U5_RETURN_IF_ERROR(store.ForEachHistory(hq, [&](const store::PersonRow& p, std::span<const store::EventRow> events) {
    ++persons;
    // ISO dates compare as text.
    if (p.birth_date < born_lo || p.birth_date >= born_hi) return Status::Ok();
    if (!units.contains(p.orgunit_id)) return Status::Ok();
    const std::optional<Date> birth = ParseDate(p.birth_date);
    if (!birth) return Status::Ok();
    ChildLife c{*birth, std::nullopt};
    for (const store::EventRow& ev : events) {
      const std::optional<Date> d = ParseDate(ev.date);
      if (d && (!c.death || *d < *c.death)) c.death = d;
    }
    children.push_back(c);
    return Status::Ok();
  }));
  out->persons_read = persons;
  out->estimate = EstimateCohort(children, from, to_excl);
  out->estimate.partial = partial;
  out->precision = AssessPrecision(out->estimate, unit.kind);
  return Status::Ok();
}

}  // namespace u5::indicator

namespace u5::indicator {
namespace {

using nlohmann::json;

json Per1000(std::optional<double> q) {
  if (!q) return nullptr;
  return std::round(*q * 1000 * 100) / 100;  // two decimals: enough for any population
}

json ProbabilityJson(const Probability& p, const char* symbol, const char* ages) {
  json j = {{"symbol", symbol}, {"ages", ages}, {"per_1000", Per1000(p.q)}, {"lower", Per1000(p.lower)},
            {"upper", Per1000(p.upper)}, {"deaths_weighted", p.deaths}};
  if (!p.reason.empty()) j["reason"] = p.reason;
  return j;
}

std::string Num(const json& v) {
  if (v.is_null()) return "";
  return v.dump();
}

}  // namespace

nlohmann::json CohortJson(const CohortAnswer& a) {
  const CohortEstimate& e = a.estimate;
  json segs = json::array();
  for (const SegmentResult& s : e.segments)
    segs.push_back({{"age", s.id}, {"unit", s.days ? "days" : "months"}, {"from", s.from}, {"to", s.to},
                    {"exposure", s.exposure}, {"deaths", s.deaths}, {"children", s.children},
                    {"q", s.q ? json(*s.q) : json(nullptr)}});
  return {{"orgunit", a.query.orgunit},
          {"orgunit_kind", a.orgunit_kind},
          {"year", a.query.year},
          {"as_of", FormatDate(a.query.as_of)},
          {"window", {{"from", FormatDate(e.from)}, {"to", FormatDate(e.to)}, {"partial", e.partial}}},
          {"method", "dhs_synthetic_cohort"},
          {"method_text",
           "DHS synthetic-cohort life table (Guide to DHS Statistics, Early childhood mortality): component death "
           "probabilities for ages 0, 1-2, 3-5, 6-11, 12-23, 24-35, 36-47, 48-59 months over the window, children "
           "straddling its start or end counted half; 1q0 and 5q0 are one minus the product of the survival "
           "probabilities; neonatal is the probability of dying in days 0-27"},
          {"interval", "95 %, Greenwood variance of log survival on the complementary log-log scale; "
                       "no death: exact binomial upper bound"},
          {"births", e.births},
          {"deaths_under5", e.deaths_under5},
          {"child_years", std::round(e.child_years * 10) / 10},
          {"precision", a.precision.level},
          {"precision_note", a.precision.note},
          {"nmr", ProbabilityJson(e.neonatal, "q(28d)", "0-27 days")},
          {"imr", ProbabilityJson(e.infant, "1q0", "0-11 months")},
          {"u5mr", ProbabilityJson(e.under5, "5q0", "0-59 months")},
          {"segments", segs}};
}

std::string CohortCsv(const CohortAnswer& a) {
  const json j = CohortJson(a);
  std::string out = "orgunit,from,to,measure,symbol,per_1000,lower_95,upper_95,births,deaths_under5,precision\n";
  for (const char* m : {"nmr", "imr", "u5mr"}) {
    const json& r = j[m];
    out += a.query.orgunit + "," + j["window"]["from"].get<std::string>() + "," + j["window"]["to"].get<std::string>() + "," +
           m + "," + r["symbol"].get<std::string>() + "," + Num(r["per_1000"]) + "," + Num(r["lower"]) + "," +
           Num(r["upper"]) + "," + std::to_string(a.estimate.births) + "," + std::to_string(a.estimate.deaths_under5) +
           "," + a.precision.level + "\n";
  }
  return out;
}

}  // namespace u5::indicator
