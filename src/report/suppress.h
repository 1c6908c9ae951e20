// Small-cell suppression of a built report, for roles that must never see one
// person (the ministry; docs/security.md). A hidden figure prints as "*".
#pragma once
#include "report/model.h"

namespace u5::report {

inline constexpr const char* kSuppressedMark = "*";

// Headline rows: a small count hides the row's numerator, denominator, value
// and status. Section tables: each indicator's unit rows are a breakdown of
// its total row (auth::CellsToHide: small cells and, when only one is hidden,
// its complement); a small total hides the whole column. Hidden figures also
// leave the machine exports (ADX, dataValueSets).
void SuppressSmallCells(Report* r, int threshold);

}  // namespace u5::report
