// The hand-built Lai Châu population shared by the data-driven tests. Every
// record, and why it counts where it does, is listed in lai_chau.cpp.
#pragma once
#include "population.h"

namespace u5::test {

void BuildLaiChau(Population& pop);

}  // namespace u5::test
