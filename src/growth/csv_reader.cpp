#include "growth/csv_reader.h"

namespace u5::growth {
namespace {

bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

std::string trimmed(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_blank(s[b])) ++b;
  while (e > b && is_blank(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

CsvReader::CsvReader(std::string_view text) noexcept : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::next(std::vector<std::string>& fields, long& line, std::string& error) {
  const std::size_t n = text_.size();
  for (;;) {
    fields.clear();
    error.clear();
    if (pos_ >= n) return false;
    line = line_;
    bool record_has_content = false;
    bool end_of_record = false;
    while (!end_of_record) {
      // One field starts at pos_.
      std::size_t p = pos_;
      while (p < n && is_blank(text_[p])) ++p;
      std::string value;
      if (p < n && text_[p] == '"') {
        record_has_content = true;
        ++p;
        bool closed = false;
        while (p < n) {
          const char c = text_[p];
          if (c == '"') {
            if (p + 1 < n && text_[p + 1] == '"') {
              value.push_back('"');
              p += 2;
              continue;
            }
            ++p;
            closed = true;
            break;
          }
          if (c == '\n' || (c == '\r' && !(p + 1 < n && text_[p + 1] == '\n'))) ++line_;
          value.push_back(c);
          ++p;
        }
        if (!closed) {
          error = "unterminated quoted field";
          pos_ = n;
          fields.push_back(std::move(value));
          return true;
        }
        while (p < n && is_blank(text_[p])) ++p;
        if (p < n && text_[p] != ',' && text_[p] != '\n' && text_[p] != '\r') {
          error = "unexpected character after closing quote";
          // Skip to the end of the physical line.
          while (p < n && text_[p] != '\n' && text_[p] != '\r') ++p;
        }
      } else {
        const std::size_t start = p;
        while (p < n && text_[p] != ',' && text_[p] != '\n' && text_[p] != '\r') ++p;
        value = trimmed(text_.substr(start, p - start));
        if (!value.empty()) record_has_content = true;
      }
      fields.push_back(std::move(value));
      // Delimiter.
      if (p < n && text_[p] == ',') {
        record_has_content = true;
        pos_ = p + 1;
        continue;
      }
      if (p < n && text_[p] == '\r') ++p;
      if (p < n && text_[p] == '\n') ++p;
      ++line_;
      pos_ = p;
      end_of_record = true;
    }
    if (record_has_content || !error.empty()) return true;
    // Blank line: skip.
  }
}

}  // namespace u5::growth
