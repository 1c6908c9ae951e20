// Cohort (life-table) estimates of early childhood mortality over a five-year
// window: the DHS synthetic-cohort method (Rutstein & Rojas, Guide to DHS
// Statistics, "Early childhood mortality";
// https://dhsprogram.com/Data/Guide-to-DHS-Statistics/Early_Childhood_Mortality.htm),
// applied to the registry's children (birth dates) and death records (dates).
// docs/indicators.md, "Cohort mortality", gives the method and its choices.
//
// Beside the period ratios of the catalogue (deaths of a period over births of
// the same period), these are probabilities of dying before an exact age for
// a child exposed to the mortality of the window: the figures surveys and the
// statistics office publish (1q0, 5q0).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "store/store.h"

namespace u5::indicator {

// One child as the estimate needs it.
struct ChildLife {
  Date birth;
  std::optional<Date> death;  // the earliest death record's date
};

// An age segment [from, to) in completed months (or days when `days`).
struct AgeSegment {
  const char* id;
  int from, to;
  bool days = false;
};

// The guide's eight segments (0, 1-2, 3-5, 6-11, 12-23, 24-35, 36-47, 48-59
// months); 1q0 is the product over the first four, 5q0 over all eight.
std::span<const AgeSegment> DhsSegments();
// Days 0-27: the neonatal period of the registry's period ratio, of WHO and of
// the statistics office (the guide's first segment is the first month).
const AgeSegment& NeonatalSegment();

struct SegmentResult {
  std::string id;
  int from = 0, to = 0;
  bool days = false;
  double exposure = 0;  // children entering the segment, those straddling a window end counted half
  double deaths = 0;    // deaths in the segment, weighted as the guide says (see lifetable.cpp)
  int64_t children = 0; // children entering the segment in any cohort, unweighted
  std::optional<double> q;  // deaths / exposure; none without exposure
};

// A probability of dying with its 95 % interval (all as probabilities 0..1).
struct Probability {
  std::optional<double> q, lower, upper;
  double deaths = 0;  // weighted deaths behind it (sum over its segments)
  std::string reason;  // why q is absent
};

struct CohortEstimate {
  Date from, to;         // the window, both days included
  bool partial = false;  // the window was cut at the as-of date
  std::vector<SegmentResult> segments;  // DhsSegments() then NeonatalSegment()
  Probability neonatal, infant, under5;  // 28-day q, 1q0, 5q0
  int64_t births = 0;         // children born in the window
  int64_t deaths_under5 = 0;  // deaths in the window at ages under 60 months
  double child_years = 0;     // years lived under age 5 inside the window
};

// The estimate over [from, to_excl) from the children given (any child born
// before to_excl; those who cannot contribute are skipped).
CohortEstimate EstimateCohort(std::span<const ChildLife> children, Date from, Date to_excl);

// How far the figures can be used, after the DHS reports' rule for rates from
// few child-years of exposure (fewer than 250: not shown, 250-499: in
// parentheses); a commune is always too small.
struct CohortPrecision {
  std::string level;  // ok | low | too_small
  std::string note;   // why, in English (the web app words its own)
};
CohortPrecision AssessPrecision(const CohortEstimate& e, const std::string& orgunit_kind);

// What the estimate is about: the org unit (its subtree, by the person's
// current org unit), the five calendar years ending 31 December of `year`,
// cut at `as_of` when that is earlier.
struct CohortQuery {
  std::string orgunit;
  int year = 0;
  Date as_of;
};

struct CohortAnswer {
  CohortQuery query;
  std::string orgunit_kind;  // country | province | district | commune | ...
  CohortEstimate estimate;
  CohortPrecision precision;
  int64_t persons_read = 0;  // persons the store handed over (for benchmarks)
};

// Reads the children and their deaths through Store::ForEachHistory and
// estimates. Invalid (field "year") for a year outside 1900..2200 or a window
// starting after as_of; NotFound (field "orgunit") for an unknown org unit.
Status CohortMortality(store::Store& store, const CohortQuery& q, CohortAnswer* out);

// The answer of GET /api/v1/mortality/cohort and `under5 mortality --format json`:
// nmr, imr, u5mr per 1000 with their interval, births, deaths, the window, the
// method and the segments. Aggregates only.
nlohmann::json CohortJson(const CohortAnswer& a);
// One row per measure (neonatal, infant, under-5), for `under5 mortality`.
std::string CohortCsv(const CohortAnswer& a);

}  // namespace u5::indicator
