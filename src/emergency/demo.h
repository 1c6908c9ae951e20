// The demo province's red-alert history: a year of referrals from its health
// stations to its hospitals with timelines drawn from lognormal delays, the
// escalations those delays imply, and a few alerts still open at `now` so the
// board has something live. Deterministic for a given seed and `now`.
#pragma once
#include <cstdint>
#include <string>

#include "core/status.h"
#include "emergency/config.h"
#include "store/store.h"

namespace u5::emergency {

struct DemoSummary {
  int cases = 0, open = 0, escalated = 0, red = 0, died = 0, transferred = 0;
};

// Writes nothing when the province has no facility to receive referrals.
Status GenerateDemo(store::Store& store, const Config& cfg, const std::string& province, int64_t now, uint64_t seed,
                    DemoSummary* out);

}  // namespace u5::emergency
