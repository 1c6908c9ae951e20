// What the care engine knows of a person: the few fields of their records the
// schedules read, parsed once. Built from store records (one person) or
// from the store's history pass (everyone, LoadHistories in service.h).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "store/record.h"

namespace u5::care {

// One event, reduced. `fields` keeps the body's scalar fields as JSON text
// ("1", "true", "\"home\"") so schedule rules can match any field by name.
struct Fact {
  std::string id, type, pregnancy_id;
  Date date;
  std::vector<std::pair<std::string, std::string>> fields;
  // Names as views: rules ask with literals, millions of times a recomputation.
  const std::string* Get(std::string_view name) const;
  std::optional<int> Int(std::string_view name) const;
  bool True(std::string_view name) const;
  bool Is(std::string_view name, std::string_view json_text) const;
};

struct Person {
  std::string id, orgunit, full_name, sex, village, phone, mother_id;
  Date birth;
};

struct History {
  Person person;
  std::vector<Fact> events;  // live events in date order
  std::optional<Date> death;
};

// The event types (and body fields) any schedule or alert reads: the types the
// engine loads from the store, and the test for one.
const std::vector<std::string>& UsedTypes();
bool TypeUsed(const std::string& type);
Fact FactFromBody(const std::string& id, const std::string& type, const std::string& pregnancy_id, Date date,
                  std::string_view body_json);
History HistoryFromRecords(const store::Record& person, const std::vector<store::Record>& events);

}  // namespace u5::care
