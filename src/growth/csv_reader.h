#pragma once
// Minimal RFC 4180 CSV record reader over an in-memory buffer: quoted fields
// (with "" escapes, embedded commas and newlines), LF / CRLF / CR line ends,
// a leading UTF-8 BOM is skipped. Unquoted fields are trimmed of spaces/tabs.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace u5::growth {

class CsvReader {
 public:
  explicit CsvReader(std::string_view text) noexcept;

  // Reads the next non-blank record into `fields`. Returns false at the end.
  // `line` is the 1-based physical line where the record starts. On a syntax
  // error (unterminated quote, text after a closing quote) `error` is set to
  // a description and the rest of that record is skipped; otherwise cleared.
  bool next(std::vector<std::string>& fields, long& line, std::string& error);

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  long line_ = 1;
};

}  // namespace u5::growth
