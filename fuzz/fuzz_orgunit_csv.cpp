// The org-unit CSV reader (src/orgunit/csv.h) on arbitrary text.
#include <cstdint>
#include <string>

#include "orgunit/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  u5::orgunit::CsvReader r(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
  std::vector<std::string> row;
  size_t n = 0;
  while (r.Next(&row) && ++n < 1000000) {
    for (const auto& f : row) (void)f.size();
  }
  (void)r.status().ok();
  return 0;
}
