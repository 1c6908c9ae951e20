// The order of a person's events in a ForEachHistory pass (history.h), the
// same on every store. Internal to src/store.
#pragma once
#include <vector>

#include "store/history.h"

namespace u5::store {

// Date order, then by id (bytes), as HistoryFn promises.
void SortByDate(std::vector<EventRow>& events);

}  // namespace u5::store
