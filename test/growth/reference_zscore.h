#pragma once
// The straightforward (pre-fast-path) z-score computation, for comparison.

#include "growth/zscore.h"

namespace u5::growth::reference {

ZResult compute(const Measurement& m) noexcept;

}  // namespace u5::growth::reference
