// Reading registry records into the engine: the whole database in one pass
// (persons and their events in person order, straight from SQLite), or one
// person through the Store interface for incremental updates.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "indicator/engine.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace u5::indicator {

struct LoadStats {
  size_t persons = 0, events = 0;
  double seconds = 0;
};

// Event types any computation of the catalogue reads; others are skipped unparsed.
std::vector<std::string> EventTypesUsed(const Catalogue& cat);
Status LoadAll(store::Db& db, Engine* engine, LoadStats* stats = nullptr);
// Current records of one person; *person empty when absent or deleted.
Status ReadPerson(store::Store& store, const std::string& id, std::optional<PersonData>* person, std::vector<EventData>* events);
PersonData PersonFromRecord(const store::Record& r);
EventData EventFromRecord(const store::Record& r);
// Ancestors from orgunit_closure (the unit itself included).
std::vector<std::string> ClosureAncestors(store::Db& db, const std::string& orgunit);

}  // namespace u5::indicator
