// What both stores' National share: the fingerprint a pusher and the national side compare.
#include <algorithm>

#include "core/id.h"
#include "store/national.h"

namespace u5::store {

std::string NationalFingerprint(std::vector<NationalValue> values) {
  std::sort(values.begin(), values.end(), [](const NationalValue& a, const NationalValue& b) {
    return std::tie(a.orgunit, a.indicator) < std::tie(b.orgunit, b.indicator);
  });
  std::string lines;
  for (const NationalValue& v : values)
    lines += v.orgunit + "|" + v.indicator + "|" + std::to_string(v.num) + "|" + std::to_string(v.den) + "|" + v.value + "\n";
  return Sha256Hex(lines);
}

std::vector<NationalHolding> NationalHoldings(std::map<std::string, std::vector<NationalValue>> by_month) {
  std::vector<NationalHolding> out;
  for (auto& [period, values] : by_month) {
    const int64_t n = static_cast<int64_t>(values.size());
    out.push_back({period, n, NationalFingerprint(std::move(values))});
  }
  return out;
}

}  // namespace u5::store
