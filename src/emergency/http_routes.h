// The red-alert routes (docs/api.md, "Red alert"): configuration, cases and
// their steps, the live stream of the board, interval statistics.
#pragma once
#include "http/route.h"

namespace u5::emergency {

http::Routes Routes();

}  // namespace u5::emergency
