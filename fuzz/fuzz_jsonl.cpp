// The JSONL importer over the shared store: every line through validation
// and the bulk writer (all or nothing).
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz/fuzz_store.h"
#include "registry/jsonl.h"

using namespace u5;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  store::Store& s = fuzz::SharedStore();
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  registry::ImportResult result;
  registry::ImportJsonl(s, in, &result);
  return 0;
}
