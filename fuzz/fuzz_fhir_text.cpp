// The FHIR text writer (src/fhir/text.h) on arbitrary bytes: whatever it
// writes must be JSON that nlohmann's strict parser reads back, a valid
// UTF-8 string must come back unchanged, and a JSON value must come back
// equal to itself.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fhir/text.h"

using u5::fhir::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  std::string out;
  u5::fhir::AppendString(out, in);
  json back;
  try {
    back = json::parse(out);
  } catch (const json::exception&) {
    abort();  // the writer wrote something that is not JSON
  }
  bool valid_utf8 = true;
  try {
    (void)json(in).dump();  // strict: throws on invalid UTF-8
  } catch (const json::exception&) {
    valid_utf8 = false;
  }
  if (valid_utf8 && back.get<std::string>() != in) abort();

  const json value = json::parse(in, nullptr, false);
  if (!value.is_discarded()) {
    u5::fhir::Object o;
    o.Value("v", value).Str("s", in);
    const json obj = json::parse(o.Close().text, nullptr, false);
    if (obj.is_discarded() || obj["v"] != value) abort();
  }
  return 0;
}
