// How a sync page is cut, the same on every store (docs/sync.md): between
// persons, a person always with all of their events. Internal to src/store.
#pragma once
#include <cstddef>
#include <utility>

#include "store/store.h"

namespace u5::store {

// Adds `p` to the page and counts its records in *records, unless the page
// already holds a person and `p` would take it past `limit` records: then the
// page is full (out->more) and false is returned.
inline bool AddToPage(SyncPerson&& p, int limit, size_t* records, SyncPage* out) {
  const size_t n = 1 + p.events.size();
  if (!out->persons.empty() && *records + n > static_cast<size_t>(limit)) {
    out->more = true;
    return false;
  }
  *records += n;
  out->persons.push_back(std::move(p));
  return true;
}

}  // namespace u5::store
