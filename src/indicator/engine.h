// The indicator matrix: numerator and denominator of every computable
// indicator, for every org unit that has data (and all its ancestors, through
// both the 2025 and the pre-2025 hierarchy) and every month, quarter, half-year
// and year of the catalogue's matrix years. Kept current by replacing one
// person's facts at a time (ReplacePerson): the matrix moves by the difference,
// so incremental maintenance equals a full recompute by construction.
// Not thread-safe; Service adds the locking.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "indicator/catalogue.h"
#include "indicator/death_analysis.h"
#include "indicator/facts.h"
#include "indicator/period.h"
#include "indicator/rules.h"

namespace u5::indicator {

struct Cell {
  int64_t num = 0, den = 0;
  bool operator==(const Cell&) const = default;
};

class Engine {
 public:
  // Ancestors of an org unit id (itself included), from orgunit_closure.
  using AncestorsFn = std::function<std::vector<std::string>(const std::string&)>;
  Engine(const Catalogue& cat, AncestorsFn ancestors);

  // Replaces everything known about a person; null `person` removes them.
  void ReplacePerson(const std::string& person_id, const PersonRecords* person);
  // Index of an org unit for PersonRecords (interned, its ancestors loaded).
  uint32_t OrgUnit(std::string_view ou);
  Rules& rules() { return rules_; }
  const Rules& rules() const { return rules_; }
  void Clear();
  // Recomputes every cell from the facts held in memory, in one pass.
  void RecomputeMatrix();

  // Numerator and denominator of one indicator for an org unit subtree and a
  // period: a matrix lookup for calendar periods, a scan of the facts otherwise.
  Cell Value(int ind, const std::string& orgunit, const Period& p) const;
  // The same, split by "sex", "ethnicity" (kinh / minority / unknown), "age_band"
  // or "orgunit" (the facts' own org units); always from the facts.
  std::map<std::string, Cell> Breakdown(int ind, const std::string& orgunit, const Period& p, const std::string& by) const;

  // Deaths and stillbirths of an org unit subtree dated in [from, to], counted
  // by each dimension of `by` (kDeathDimensions): a scan of the death rows only.
  DeathCounts Deaths(const std::string& orgunit, Date from, Date to, const std::vector<std::string>& by) const;
  size_t death_count() const;

  // Every non-zero cell as (org unit, indicator id, slot) -> cell, for comparing engines.
  std::map<std::tuple<std::string, std::string, int>, Cell> NonZeroCells() const;
  size_t orgunit_count() const { return ou_names_.size(); }
  size_t person_count() const { return person_index_.size(); }
  size_t fact_count() const { return fact_count_; }
  size_t memory_bytes() const;
  const SlotLayout& layout() const { return layout_; }

  // Families (newborns-scoped rules): which mother each linked child belongs
  // to, so that a change to a child's records re-reads its mother. A child is
  // indexed when it has a mother and a newborn record naming a delivery.
  // SetMother(child, "") removes it; returns the mother it had ("" if none).
  std::string SetMother(const std::string& child, const std::string& mother);
  std::string MotherOf(const std::string& child) const;
  std::vector<std::string> ChildrenOf(const std::string& mother) const;
  const Catalogue& catalogue() const { return cat_; }

  // The state a full load builds, as named sections of a snapshot (snapshot/file.h):
  // org unit names, person ids, facts flattened with a count per person, death
  // rows with the strings they name, mother links, and the matrix with the
  // ancestors it was summed over. Decode re-reads the ancestors through
  // AncestorsFn and takes the stored matrix only when they are the same, else
  // recomputes it from the facts: the state never trusts a stale closure.
  using Sections = std::vector<std::pair<std::string, std::string>>;
  Sections Encode() const;
  // Replaces the state with a decoded one. Invalid (field "snapshot") when a
  // section is missing or inconsistent (an index out of range, sizes that do
  // not add up); the engine is then left empty.
  using SectionFn = std::function<Status(std::string_view name, std::string_view* bytes)>;
  Status Decode(const SectionFn& section);

 private:
  Status DecodeSections(const SectionFn& section);
  uint32_t Intern(std::string_view ou);
  const std::vector<uint32_t>& AncestorsOf(uint32_t ou);
  void Apply(const std::vector<Fact>& facts, int sign);
  // Months since January of the first matrix year; -1 outside the matrix years.
  int MonthIndex(int32_t day) const;
  bool InSubtree(uint32_t ou, uint32_t root) const;
  template <class Fn> void Scan(int ind, uint32_t root, Date from, Date to, Fn&& fn) const;

  const Catalogue& cat_;
  Rules rules_;
  AncestorsFn ancestors_;
  SlotLayout layout_;
  std::vector<int> comp_of_;  // catalogue index -> matrix indicator index, -1 if not computed
  int n_comp_ = 0;
  std::vector<std::string> ou_names_;
  std::unordered_map<std::string, uint32_t> ou_index_;
  std::string last_ou_name_;  // records come in runs of one org unit: skip the hash then
  uint32_t last_ou_ = 0;
  std::vector<std::vector<uint32_t>> anc_;
  std::vector<char> anc_loaded_;
  int32_t first_day_ = 0;
  std::vector<int16_t> month_of_;  // by day since first_day_
  std::vector<Cell> cells_;  // [ou][indicator][slot]
  std::unordered_map<std::string, uint32_t> person_index_;
  std::vector<std::vector<Fact>> facts_;
  size_t fact_count_ = 0;
  std::vector<Icd10Chapter> icd10_chapters_;
  std::unordered_map<uint32_t, std::vector<DeathRow>> deaths_;  // person index -> their deaths, only persons with one
  std::unordered_map<std::string, std::string> mother_of_;
  std::unordered_map<std::string, std::vector<std::string>> children_of_;
};

}  // namespace u5::indicator
