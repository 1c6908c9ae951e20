// A store in a fresh temporary file with a few org units
// (VN > 12 > {03390, 03394}, VN > 01 > 00004), shared by the whole fuzz run.
#pragma once
#include "store/store.h"

namespace u5::fuzz {

store::Store& SharedStore();

}  // namespace u5::fuzz
