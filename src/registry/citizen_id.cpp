#include "registry/citizen_id.h"

#include <set>

namespace u5::registry {

std::string CheckCitizenId(std::string_view id, const Date* birth, std::string_view sex) {
  if (id.size() != 12) return "must have exactly 12 digits";
  for (char c : id)
    if (c < '0' || c > '9') return "must contain digits only";
  // Province codes of birth registration: the 63 pre-2025 GSO province codes, 3 digits.
  static const std::set<int> kProvinces = {1,  2,  4,  6,  8,  10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25,
                                           26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48,
                                           49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75,
                                           77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96};
  const int province = (id[0] - '0') * 100 + (id[1] - '0') * 10 + (id[2] - '0');
  if (!kProvinces.count(province)) return "first 3 digits are not a province code";
  const int cs = id[3] - '0';  // 0/1: 1900s male/female, 2/3: 2000s, 4/5: 2100s, ...
  if (cs > 9) return "century digit out of range";
  const int century_base = 1900 + (cs / 2) * 100;
  const int year = century_base + (id[4] - '0') * 10 + (id[5] - '0');
  if (birth) {
    int y;
    unsigned m, d;
    YmdFromDate(*birth, y, m, d);
    if (y != year) return "digits 4-6 encode birth year " + std::to_string(year) + ", not " + std::to_string(y);
  }
  if (sex == "male" && cs % 2 != 0) return "digit 4 encodes a female, but sex is male";
  if (sex == "female" && cs % 2 != 1) return "digit 4 encodes a male, but sex is female";
  return {};
}

}  // namespace u5::registry
