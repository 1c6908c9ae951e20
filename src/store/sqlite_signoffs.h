// The sign-off rows of one (org unit, period) read on a given SQLite
// connection: for report/model.cpp, which still builds reports over its own
// connection (until it reads through the Store). Everything else uses
// Store::signoffs().
#pragma once
#include <string>
#include <vector>

#include "store/signoffs.h"
#include "store/sqlite.h"

namespace u5::store {

Status SqliteSignoffHistory(Db& db, const std::string& orgunit, const std::string& period, std::vector<SignoffRow>* out);

}  // namespace u5::store
