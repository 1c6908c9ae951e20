#include "sync/cursor.h"

#include <charconv>
#include <vector>

namespace u5::sync {
namespace {

constexpr const char* kVersion = "s1";

bool ParseCount(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out >= 0;
}

}  // namespace

std::string EncodeCursor(const Cursor& c) {
  return std::string(kVersion) + "." + c.db_id + "." + std::to_string(c.base) + "." + (c.first ? "1" : "0") + "." +
         std::to_string(c.after_seq) + "." + c.after_id;
}

std::optional<Cursor> DecodeCursor(const std::string& text) {
  std::vector<std::string> parts(1);
  for (char ch : text) {
    if (ch == '.') parts.emplace_back();
    else parts.back() += ch;
  }
  if (parts.size() != 6 || parts[0] != kVersion || parts[1].empty() || parts[1].size() > 64) return std::nullopt;
  if (parts[3] != "0" && parts[3] != "1") return std::nullopt;
  Cursor c;
  c.db_id = parts[1];
  c.first = parts[3] == "1";
  c.after_id = parts[5];
  if (!ParseCount(parts[2], &c.base) || !ParseCount(parts[4], &c.after_seq)) return std::nullopt;
  if (c.after_id.size() > 64) return std::nullopt;
  return c;
}

}  // namespace u5::sync
