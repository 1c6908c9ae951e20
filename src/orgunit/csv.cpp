#include "orgunit/csv.h"

#include <fstream>
#include <sstream>

namespace u5::orgunit {

CsvReader::CsvReader(std::string text, std::string name) : text_(std::move(text)), name_(std::move(name)) {
  if (text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
}

Status CsvReader::Open(const std::string& path, CsvReader* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Internal("cannot read " + path);
  *out = CsvReader(std::move(ss).str(), path);
  return Status::Ok();
}

bool CsvReader::Next(std::vector<std::string>* row) {
  row->clear();
  if (!status_.ok() || pos_ >= text_.size()) return false;
  record_line_ = line_;
  std::string field;
  const size_t n = text_.size();
  while (true) {
    // Start of a field.
    field.clear();
    if (pos_ < n && text_[pos_] == '"') {
      const size_t open_line = line_;
      ++pos_;
      while (true) {
        if (pos_ >= n) {
          status_ = Status::Invalid("csv", name_ + ":" + std::to_string(open_line) + ": unterminated quoted field");
          return false;
        }
        char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < n && text_[pos_] == '"') {
            field.push_back('"');
            ++pos_;
          } else {
            break;
          }
        } else {
          if (c == '\n') ++line_;
          field.push_back(c);
        }
      }
      // After the closing quote: separator, end of record or end of input.
      if (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        status_ = Status::Invalid("csv", name_ + ":" + std::to_string(line_) + ": text after closing quote");
        return false;
      }
    } else {
      while (pos_ < n) {
        char c = text_[pos_];
        if (c == ',' || c == '\n' || c == '\r') break;
        if (c == '"') {
          status_ = Status::Invalid("csv", name_ + ":" + std::to_string(line_) + ": quote inside unquoted field");
          return false;
        }
        field.push_back(c);
        ++pos_;
      }
    }
    row->push_back(field);
    if (pos_ >= n) return true;
    char c = text_[pos_++];
    if (c == ',') {
      if (pos_ >= n) {  // trailing comma at end of input: one more empty field
        row->emplace_back();
        return true;
      }
      continue;
    }
    if (c == '\r') {
      if (pos_ < n && text_[pos_] == '\n') ++pos_;
    }
    ++line_;
    return true;
  }
}

Status ReadCsv(const std::string& path, std::vector<std::vector<std::string>>* rows) {
  CsvReader r;
  U5_RETURN_IF_ERROR(CsvReader::Open(path, &r));
  rows->clear();
  std::vector<std::string> row;
  while (r.Next(&row)) rows->push_back(row);
  return r.status();
}

}  // namespace u5::orgunit
