// The change log's SQL (migration 24), shared by the record writes of
// sqlite_store.cpp and the org unit load. Internal to src/store.
#pragma once
#include <string>

#include "core/status.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace u5::store {

// Appends a row inside the caller's write transaction: the person touched, or
// (null) everything.
Status LogChangeIn(Db& db, const std::string* person_id);
Status ReadChangeHead(Db& db, ChangeLogHead* out);
Status ReadChangesAfter(Db& db, int64_t seq, ChangesAfter* out);
Status TrimChangeLog(Db& db, int64_t up_to_seq);

}  // namespace u5::store
