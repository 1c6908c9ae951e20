// Entered figures (data/indicators/figures.json): the values no register
// holds — survey results, population, doctors per facility, budget by source,
// reference death ratios — grouped for the web page, each with its bound, and
// the per-facility staffing norms of the provinces' plans with the verdict
// and compliance computed from the entered staffing.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace u5::indicator {

struct FigureElement {
  std::string id, label_vi, label_en, unit;  // labels empty for catalogue indicators (the catalogue names them)
  double max = 0;                            // largest value that can be entered
};

struct FigureGroup {
  std::string id, label_vi, label_en;
  std::string source;  // the source kind a value of the group is entered with by default
  std::string level;   // "area" (any org unit) or "facility" (hospitals, district health centres)
  std::vector<FigureElement> elements;
};

// "Each <facility> has at least min_total doctors of <indicator>, of whom at
// least min_specialist at specialist level I or above", as a plan prints it.
struct StaffingNorm {
  std::string plan, indicator, scope, printed, note;
  double min_total = 0, min_specialist = 0;
};

// Entered staffing of one facility: staff element id -> count.
using Staffing = std::map<std::string, double>;

struct NormVerdict {
  bool entered = false;  // no staff element of the indicator entered: no verdict
  double total = 0, specialist = 0;
  bool meets = false;
};

struct NormCompliance {
  int facilities = 0, entered = 0, meeting = 0;
  std::optional<double> share;  // % of the facilities with staffing entered that meet the norm
};

class Figures {
 public:
  // Invalid naming the group, element or norm at fault.
  static Status Parse(std::string_view json, Figures* out);
  // <data_dir>/indicators/figures.json if present (an edited file that does not parse is an error), else the built-in copy.
  static Status Load(const std::string& data_dir, Figures* out);
  static const Figures& Builtin();

  const std::vector<FigureGroup>& groups() const { return groups_; }
  const std::vector<StaffingNorm>& norms() const { return norms_; }
  const FigureElement* Find(const std::string& id) const;
  const FigureGroup* GroupOf(const std::string& element) const;
  // Staff elements summed into a per-facility indicator (ob_doctors_per_facility ...), and those at CKI or above.
  const std::vector<std::string>& Parts(const std::string& indicator) const;
  const std::vector<std::string>& SpecialistParts(const std::string& indicator) const;
  // Whether staffing is entered for a unit: hospitals by id prefix, pre-2025 districts by kind (figures.json "facilities").
  bool IsStaffedFacility(const std::string& id, const std::string& kind) const;
  const std::string& facilities_rule() const { return facilities_source_; }

  // A facility's doctors of the norm's indicator against the norm.
  NormVerdict Judge(const StaffingNorm& n, const Staffing& s) const;
  // Share of facilities meeting the norm among those with staffing entered.
  NormCompliance Compliance(const StaffingNorm& n, const std::vector<Staffing>& facilities) const;

 private:
  std::vector<FigureGroup> groups_;
  std::vector<StaffingNorm> norms_;
  std::map<std::string, std::vector<std::string>> derived_, specialist_;
  std::vector<std::string> facility_prefixes_, facility_kinds_;
  std::string facilities_source_;
};

extern const char* const kBuiltinFigures;

}  // namespace u5::indicator
