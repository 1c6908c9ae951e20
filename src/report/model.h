// A report as a table model, independent of its output format: the legal
// header, the headline indicators against the plan's targets, one table per
// template section (rows: the org units under the report's unit, then the
// total), and the sign-off completeness table. Every figure is the indicator
// Service's value for that org unit and period.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "indicator/period.h"
#include "indicator/service.h"
#include "report/labels.h"
#include "report/signoff.h"
#include "report/template.h"
#include "store/store.h"

namespace u5::report {

struct Cell {
  std::optional<double> num;  // a number, or
  std::string text;           // text (empty with no number: no value)
  int decimals = 0;
  // A value's 95 % interval (CSV columns) and its small-number mark (printed
  // "*", explained in the report's footnote); `grey`: an uncertain verdict.
  std::optional<double> ci_low, ci_high;
  bool small = false;
  bool grey = false;
};

struct Column {
  std::string title_vi, title_en;
  std::string group_vi;  // spanning title (the indicator) above num/den/value columns
  bool numeric = true;
  std::string indicator;  // section tables: the indicator of this column
  std::string group_en;
  const std::string& Title(Lang l) const { return Pick(l, title_vi, title_en); }
  const std::string& Group(Lang l) const { return Pick(l, group_vi, group_en); }
};

struct Row {
  std::string orgunit, name;
  bool total = false;
  std::vector<Cell> cells;
};

struct Table {
  std::string id, title_vi, title_en;
  // The first two columns' titles when not "code" and "org unit" (a line
  // list: "No." and "Full name"); empty: the usual ones.
  std::string code_title_vi, code_title_en, name_title_vi, name_title_en;
  std::vector<Column> columns;  // after the org-unit name column
  std::vector<Row> rows;
  const std::string& Title(Lang l) const { return Pick(l, title_vi, title_en); }
};

struct HeadlineItem {
  std::string indicator, name_vi, name_en, unit;
  std::optional<double> value;
  int64_t num = 0, den = 0;
  // False for an entered value given without numerator and denominator (a
  // survey percentage): the report leaves those cells empty, not 0 and 0.
  bool has_counts = true;
  std::optional<double> target;
  std::string target_printed, status, op;  // target_printed: in the report's language
  int target_year = 0;
  bool lower_is_better = false;
  std::optional<double> ci_low, ci_high;  // 95 % interval of the value
  bool small = false;      // on too few events (catalogue small_numbers)
  bool uncertain = false;  // the interval contains the target: verdict printed grey
};

// One figure for the machine exports (ADX, dataValueSets).
struct DataValue {
  std::string indicator, orgunit;
  int64_t num = 0, den = 0;
  std::optional<double> value;
};


struct Completeness {
  int expected = 0, signed_off = 0, on_time = 0, changed_since = 0;
  double completeness_pct() const { return expected ? 100.0 * signed_off / expected : 0; }
  double timeliness_pct() const { return expected ? 100.0 * on_time / expected : 0; }
};

// One expected unit's sign-off as the completeness line counts it.
struct UnitSignoff {
  std::string orgunit, name;
  SignoffState state;
  bool on_time = false;  // closed, and confirmed before the due date
  int changed = 0;       // indicators whose figures differ from those confirmed
};

struct Report {
  const Template* tmpl = nullptr;
  // The language of every text the report prints (figures do not depend on it).
  Lang lang = Lang::vi;
  std::string orgunit, orgunit_name;
  indicator::Period period;
  Date due_before, as_of;
  std::vector<HeadlineItem> headline;
  std::vector<Table> tables;  // the template's sections, then "signoff"
  std::vector<DataValue> values;
  Completeness completeness;
  std::vector<UnitSignoff> units;  // each unit counted in `completeness`, in row order
  indicator::SmallNumbers small_numbers;  // thresholds named in the footnote
  bool any_small = false, any_uncertain = false;
  // A line list (Template::line_list): one table of persons, no headline,
  // due date nor completeness; `persons` are the ids it names, for the audit.
  bool line_list = false;
  std::vector<std::string> persons;
};

// The footnotes under the report's tables in its language: what "*" (small
// numbers) and a grey "(?)" verdict mean, when the report has any.
std::vector<std::string> Footnotes(const Report& r);

struct BuildOptions {
  std::string orgunit;  // default: the template's
  std::string period;   // 2026S1, 2026, ...
  Date as_of;           // sign-off state and target evaluation as of this day
  Lang lang = Lang::vi;
};

// Org units are read from `store`; the sign-off state from `signoffs` (write
// side: store-write branch, until sign-offs are read through the store).
Status BuildReport(indicator::Service& svc, store::Store& store, const Template& t, const BuildOptions& o, Report* out);
// Every computable indicator's numerator and denominator at an org unit and
// period, as JSON {"id": [num, den]}: what a commune confirms at sign-off.
std::string FiguresJson(indicator::Service& svc, const std::string& orgunit, const indicator::Period& p);

}  // namespace u5::report
