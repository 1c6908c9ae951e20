// Reading registry records into the engine: the whole database in one pass
// (Store::ForEachHistory: persons and their events in person order), or one
// person (Store::Handbook) for incremental updates. Both paths turn a record
// into EventData the same way (AddEvent).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "indicator/engine.h"
#include "store/store.h"

namespace u5::indicator {

struct LoadStats {
  size_t persons = 0, events = 0;
  double seconds = 0;
  double read_seconds = 0;  // time spent in the store (reading and handing over the rows)
  double cpu_seconds = 0;   // process CPU time of the load (less affected by a busy machine than wall time)
};

// Event types any computation of the catalogue reads; others are skipped unparsed.
std::vector<std::string> EventTypesUsed(const Catalogue& cat);
Status LoadAll(store::Store& store, Engine* engine, LoadStats* stats = nullptr);
// Current records of one person; *found false when absent or deleted.
Status ReadPerson(store::Store& store, Engine& engine, const std::string& id, PersonRecords* out, bool* found);
// ReadPerson, then the records of her children (Engine::ChildrenOf) that
// newborns-scoped rules read (AttachChild): what the person's facts need.
Status ReadFamily(store::Store& store, Engine& engine, const std::string& id, PersonRecords* out, bool* found);
// Appends one event (skipped when no rule reads its type). Events must come in date order.
void AddEvent(Engine& engine, std::string_view id, std::string_view type, const std::string* pregnancy_id,
              std::string_view orgunit, std::string_view date, std::string_view body, PersonRecords* out);
// Units whose figures a record filed under `orgunit` counts in: its closure
// ancestors (the unit itself included) and the pre-2025 units above the old
// communes merged into it.
std::vector<std::string> ClosureAncestors(store::Store& store, const std::string& orgunit);

}  // namespace u5::indicator
