#include "store/history_order.h"

#include <algorithm>

namespace u5::store {

void SortByDate(std::vector<EventRow>& events) {
  std::sort(events.begin(), events.end(),
            [](const EventRow& a, const EventRow& b) { return a.date != b.date ? a.date < b.date : a.id < b.id; });
}

}  // namespace u5::store
