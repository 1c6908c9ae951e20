#pragma once
// Batch z-scores for a CSV file (used by `under5 zscore`).
//
// Input: header row with (any order, case-insensitive, other columns ignored)
//   id, sex              -- required
//   age_days, weight_kg, lenhei_cm, measure, oedema, headc_cm -- optional
// Empty cell (or NA) = missing. sex: 1/2 (also m/f); other numbers = unknown
// sex (no z-scores). measure: l, h, L, H or empty. oedema: y, n, Y, N or empty (= n).
//
// Output (anthro's column names):
//   id,clenhei,cmeasure,c9mo_flag,cbmi,csex,zlen,flen,zwei,fwei,zwfl,fwfl,zbmi,fbmi,zhc,fhc
// z with exactly 2 decimals, flags 0/1, empty when not computed; clenhei and
// cbmi with 12 significant digits.
//
// A malformed row is reported on `err` as "line N: <field>: <reason>" and
// written with its id and all other outputs empty. in_path / out_path "-"
// mean standard input / output.
//
// Returns 0 on success (also when rows were malformed), 1 when the input
// cannot be read, 2 when the header is missing or lacks a required column,
// 3 when the output cannot be written.

#include <ostream>
#include <string>

namespace u5::growth {

int run_zscore_csv(const std::string& in_path, const std::string& out_path, std::ostream& err);

}  // namespace u5::growth
