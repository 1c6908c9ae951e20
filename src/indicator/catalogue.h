// The indicator catalogue as data: definitions, computation rules and plan
// targets, read from <data>/indicators/catalogue.json at run time (the copy
// built into the binary is the fallback). Format: docs/indicators.md.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace u5::indicator {

enum class Op { eq, ne, in, lt, le, gt, ge, exists, missing, nonempty, prefix_in, any };

// A test on one field of a record; "$age_days", "$age_months" and "$age_years"
// are the subject's age at the record's date (in a related rule's `where`, the
// date of the related record: "both doses at 6-35 months").
struct Cond {
  std::string field;
  Op op = Op::eq;
  nlohmann::json value;
  std::vector<Cond> any;  // op == any: true when one of these holds
  std::string value_set;  // the named list `value` was taken from ("value_set": "skilled_attendant")
};

// A named list of codes with the source that defines it (the catalogue's
// "value_sets"): a condition {"field", "op": "in", "value_set": name} tests
// membership, so who counts as a skilled attendant is data, not a rule's text.
struct ValueSet {
  std::string id, name_en, name_vi, source, note;
  std::vector<std::string> values;
};

// Other records of the same pregnancy or person that must (or must not) exist.
// A pregnancy's records dated after its delivery are not of the pregnancy
// (docs/indicators.md, "pregnancy scope").
// Scope "newborns" counts newborns instead of records: the children of the
// unit's person (person.mother_id) whose newborn record names the unit's
// record (newborn.delivery_id), each counted once when it has a record
// passing `where` in the window; `min_count_field` takes the needed count from
// a field of the unit's record (delivery.live_births: every live-born newborn).
// Scope "linked" counts the person's records whose field `link` names the
// unit's record (death_review.death_id): a death is reviewed when such a
// review exists, whatever the stored flags say.
struct Related {
  std::string scope;   // "pregnancy" | "person" | "newborns" | "linked"
  std::string link;    // linked scope: the field of `record` that holds the unit's id
  std::string record;  // event type
  std::vector<Cond> where;
  int min_count = 1;
  int max_count = -1;  // -1: no upper bound
  std::string distinct;  // count distinct values of this field instead of records
  std::optional<int> window_min, window_max;  // days relative to the unit's date
  bool same_year = false;  // only records in the unit's calendar year
  // Only records at least this many completed calendar months before the unit's
  // date (CompletedMonths, as $age_months counts them); -1: no such bound.
  int min_months_before = -1;
  // Only records dated from the subject's birth up to, not including, the day
  // the subject completes this many months (MonthsCompletedOn: the calendar
  // birthday, 1 March for 29 February births in a common year); 0: no bound.
  int before_months = 0;
  std::string min_count_field;  // newborns scope: the minimum is this field of the unit's record
};

// "once_per": of the units of one group that pass every condition, only the
// first counts (earliest date; on one day the record created first, i.e. the
// smallest UUIDv7 id), so a group is one unit whatever the number of records.
enum class OncePer { none, pregnancy, year };

// What one counted unit is: records of a type passing conditions.
struct UnitSpec {
  std::string record;  // event type, or "person"
  std::vector<Cond> where;
  std::vector<Related> related;
  std::string weight;          // a field summed instead of counting 1 (delivery.live_births)
  bool latest_per_person = false;  // prevalence: the latest unit of each person in the period
  bool date_last_related = false;  // the unit's date is that of its last matched related record
  OncePer once_per = OncePer::none;  // pregnancy: each pregnancy once; year: each person once a calendar year
  // A person unit dated by the day the person completes this many months
  // ("date": "birthday"), instead of the birth date; 0: not so dated.
  int birthday_months = 0;
  // A unit dated by this date field of its record instead of the record's date
  // (review_action.due_date: actions due in the period); records without it are no unit.
  std::string date_field;
};

struct Indicator {
  std::string id, name_vi, name_en, kind, unit, direction, source, basis;
  std::string numerator_text, denominator_text;
  double multiplier = 1;
  std::vector<std::string> disaggregations;
  bool computable = false;
  std::string not_computable;  // reason, when !computable
  // Computation (when computable):
  UnitSpec den;
  bool den_aggregate = false;  // denominator is an entered data element
  std::string den_element;     // e.g. population.under5_midyear
  // A counted denominator scaled by an entered ratio per `den_scale_per` for
  // the year: expected deaths = live births x reference deaths per 1000.
  std::string den_scale_element;
  double den_scale_per = 1;
  bool num_is_flag = false;    // numerator = denominator units passing `flag`
  std::vector<Cond> flag_where;
  std::vector<Related> flag_related;
  UnitSpec num;                // when !num_is_flag
  bool annual_only = false;
  std::string interval;  // wilson | poisson_exact | none; empty: by kind (SmallNumbers)
  bool lower_is_better() const { return direction == "lower_is_better"; }
};

// The operators a plan target may have: the one list, used by the catalogue
// loader, target edits and evaluation (evaluate.cpp).
struct TargetOp {
  std::string_view name;
  // A change against a baseline year's value (EvaluateTarget turns it into a
  // threshold and a comparison); the others compare the value itself.
  bool relative;
  bool needs_baseline_year;  // the baseline year is part of the target (increase_pct_vs_2020 names its own)
  double max_value;          // the largest target value; 0: the indicator's own range (MaxIndicatorValue)
};
inline constexpr TargetOp kTargetOps[] = {
    {"<", false, false, 0},
    {"<=", false, false, 0},
    {">", false, false, 0},
    {">=", false, false, 0},
    {"=", false, false, 0},
    {"increase_pct_vs_2020", true, false, 1000},  // a percentage
    {"reduce_by_points", true, true, 0},
    {"reduce_by_pct", true, true, 100},           // a percentage
};
// Null when `name` is not a target operator.
const TargetOp* FindTargetOp(std::string_view name);
// "<, <=, ..., reduce_by_pct", for messages.
std::string TargetOpNames();

// How precise a value from few events is, as data (catalogue "small_numbers";
// docs/indicators.md "Small numbers"): the interval's confidence, the interval
// method of each indicator kind, and below how many events a value is marked.
struct SmallNumbers {
  double confidence = 0.95;
  int64_t min_events = 20;       // rates: numerator (deaths) below this is small
  int64_t min_denominator = 30;  // proportions: denominator below this is small
  std::map<std::string, std::string> method_by_kind;  // kind -> wilson | poisson_exact | none
  std::string source;
};
// The interval methods the catalogue may name.
bool IsIntervalMethod(const std::string& m);

struct Target {
  std::string plan, indicator, op, printed, note;
  // `printed` is the target as the plan's document prints it (Vietnamese);
  // `printed_en` the same in English, from the catalogue. Edits mark both
  // (aggregates.h): printed_vi is `printed` marked in Vietnamese.
  std::string printed_vi, printed_en;
  int year = 0;
  double value = 0;
  bool maintain = false;
  std::optional<int> baseline_year;  // reduce_by_points / reduce_by_pct / increase_pct_vs_2020
};

struct Baseline {
  std::string indicator, source, printed, scope;
  int year = 0;
  double value = 0;
};

struct Plan {
  std::string id, province, orgunit, document, targets_missing;
  std::string province_en;  // the province's name in English (a proper noun is the same)
  std::string successor_orgunit;  // 2025 province that took over a former province's plan
  // "every_province": a national plan (orgunit "VN") whose targets apply to
  // every province and commune; it is evaluated for any org unit and only a
  // country-wide role may edit its targets.
  std::string applies_to;
  bool national() const { return applies_to == "every_province"; }
  std::vector<Target> targets;
  std::vector<Baseline> baseline;
};

class Catalogue {
 public:
  static Status Parse(const std::string& text, Catalogue* out);
  // <data_dir>/indicators/catalogue.json if present and valid, else the built-in copy.
  static Status Load(const std::string& data_dir, Catalogue* out);
  static const Catalogue& Builtin();

  const std::vector<Indicator>& indicators() const { return indicators_; }
  const std::vector<Plan>& plans() const { return plans_; }
  const SmallNumbers& small_numbers() const { return small_numbers_; }
  const Indicator* Find(const std::string& id) const;
  int IndexOf(const std::string& id) const;
  const Plan* FindPlan(const std::string& id) const;
  // Entered data elements (population denominators), besides indicator ids.
  const std::vector<std::string>& data_elements() const { return data_elements_; }
  const std::vector<ValueSet>& value_sets() const { return value_sets_; }
  const ValueSet* FindValueSet(const std::string& id) const;
  bool IsEnterable(const std::string& id) const;
  int first_year() const { return first_year_; }
  int last_year() const { return last_year_; }
  const std::string& origin() const { return origin_; }
  // SHA-256 (hex) of the text it was parsed from: what a snapshot of state
  // computed with this catalogue is stamped with.
  const std::string& digest() const { return digest_; }
  // "death_analysis": the labels (vi/en) of the dimensions and values of the
  // death analysis and the ICD-10 chapters that group underlying causes
  // (death_analysis.h reads it).
  const nlohmann::json& death_analysis() const { return death_analysis_; }

 private:
  nlohmann::json death_analysis_;
  std::vector<Indicator> indicators_;
  std::vector<Plan> plans_;
  std::vector<std::string> data_elements_;
  std::vector<ValueSet> value_sets_;
  SmallNumbers small_numbers_;
  int first_year_ = 2020, last_year_ = 2031;
  std::string origin_;
  std::string digest_;
};

// The built-in catalogue text (generated at build time from data/indicators).
extern const char* const kBuiltinCatalogue;

}  // namespace u5::indicator
