#pragma once
// Access to the WHO Child Growth Standards LMS tables (0-5 years), compiled
// into the binary from data/who-growth/*.csv (see gen_who_tables.cmake).

namespace u5::growth {

// The nine WHO indicators. Weight-for-length and weight-for-height are two
// tables; compute() picks one of them per measurement.
enum class Indicator {
  weight_for_age,
  length_height_for_age,
  weight_for_length,
  weight_for_height,
  bmi_for_age,
  head_circumference_for_age,
  arm_circumference_for_age,
  triceps_skinfold_for_age,
  subscapular_skinfold_for_age,
};

// Box-Cox power L, median M, coefficient of variation S.
struct Lms {
  double l;
  double m;
  double s;
};

// One sex of one table. Rows are contiguous in x:
//  - age tables: x = age in days, one row per day;
//  - weight-for-length/height: x = length/height in tenths of a cm
//    (450 = 45.0 cm), one row per 0.1 cm.
// rows[k] belongs to x = first + k, k = 0 .. last - first.
struct LmsTable {
  const Lms* rows = nullptr;
  int first = 0;
  int last = -1;

  bool empty() const noexcept { return rows == nullptr; }
  bool contains(int x) const noexcept { return rows && x >= first && x <= last; }
  const Lms& at(int x) const noexcept { return rows[x - first]; }
};

// Table for an indicator and sex (1 = male, 2 = female); empty for other sex.
LmsTable who_table(Indicator ind, int sex) noexcept;

// True when x of the indicator's table is length/height in 0.1 cm.
constexpr bool is_length_based(Indicator ind) noexcept {
  return ind == Indicator::weight_for_length || ind == Indicator::weight_for_height;
}

}  // namespace u5::growth
