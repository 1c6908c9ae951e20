// The growth CSV record reader (src/growth/csv_reader.h) on arbitrary text.
#include <cstdint>
#include <string>
#include <string_view>

#include "growth/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  u5::growth::CsvReader r(std::string_view(reinterpret_cast<const char*>(data), size));
  std::vector<std::string> fields;
  long line = 0;
  std::string error;
  size_t n = 0;
  while (r.next(fields, line, error) && ++n < 1000000) {
  }
  return 0;
}
