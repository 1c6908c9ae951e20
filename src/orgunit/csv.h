// Minimal RFC 4180 CSV reader: comma separated, fields optionally in double
// quotes ("" is a literal quote inside), quoted fields may hold commas and
// line breaks; records end with LF or CRLF; a leading UTF-8 BOM is skipped.
// The whole file is held in memory (the reference files are a few MB).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace u5::orgunit {

class CsvReader {
 public:
  CsvReader() = default;
  // Takes the whole text; `name` is used in error messages.
  CsvReader(std::string text, std::string name);
  static Status Open(const std::string& path, CsvReader* out);

  // Reads the next record into *row. Returns false at end of input or on a
  // syntax error (then status() is not ok). Blank lines are returned as a
  // record with one empty field.
  bool Next(std::vector<std::string>* row);
  const Status& status() const { return status_; }
  // 1-based line number where the last record returned started.
  size_t line() const { return record_line_; }
  const std::string& name() const { return name_; }

 private:
  std::string text_;
  std::string name_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 0;
  Status status_;
};

// Reads a whole file; fails on a syntax error.
Status ReadCsv(const std::string& path, std::vector<std::vector<std::string>>* rows);

}  // namespace u5::orgunit
