// The sync feed's cursor (docs/sync.md): opaque to clients, a position in
// commit order of one database.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace u5::sync {

struct Cursor {
  std::string db_id;     // the change log's database id
  int64_t base = 0;      // the change-log head the run of pages started from
  bool first = false;    // the run is a first sync: living records only
  int64_t after_seq = 0; // the last person sent: (position, id)
  std::string after_id;
};

std::string EncodeCursor(const Cursor& c);
// Empty when `text` is not a cursor this code wrote.
std::optional<Cursor> DecodeCursor(const std::string& text);

}  // namespace u5::sync
