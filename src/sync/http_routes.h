// The sync protocol's routes (docs/sync.md):
//   GET  /api/v1/sync/changes?cursor=&limit=&orgunit=   a page of the scope's changes with due lists
//   POST /api/v1/sync/push                              ordered writes, a result each
// Writes go through the record routes' own handlers (http/records.h), so
// validation, scope, write guards and audit are theirs.
#pragma once
#include "http/route.h"

namespace u5::sync {

// The handlers find the care engine attached to the store (care::Service::Attach).
http::Routes Routes();

}  // namespace u5::sync
