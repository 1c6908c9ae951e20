// Every living person with their live events, in one pass: what the in-memory
// engines (care due lists, indicator matrix) read at start. The rows are views
// so that a million records cost no copies the caller does not make itself.
#pragma once
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace u5::store {

struct HistoryQuery {
  // Event types handed over; others are skipped by the store unread. Empty = every type.
  std::vector<std::string> event_types;
  // Top-level fields of the person's body handed over in PersonRow::fields, in
  // this order (the store extracts them; the caller need not parse the body).
  std::vector<std::string> person_fields;
};

// Views valid during the callback only.
struct PersonRow {
  std::string_view id, orgunit_id, full_name, sex, birth_date;
  std::optional<std::string_view> phone, mother_id;
  // As HistoryQuery::person_fields: the field's text when it is a JSON string, else nullopt.
  std::vector<std::optional<std::string_view>> fields;
};

struct EventRow {
  std::string_view id, type, orgunit_id, date, body;
  std::optional<std::string_view> pregnancy_id;
};

// One person and their live events of the asked types, in date order (then by id).
// Persons come in no particular order (Store::ForEachHistory).
using HistoryFn = std::function<Status(const PersonRow& person, std::span<const EventRow> events)>;

}  // namespace u5::store
