// Facts: the counted units of every computable indicator, derived from one
// person's records. Everything the matrix holds is a sum over facts, and the
// facts of a person depend only on that person's own records, which is what
// makes incremental maintenance exact: replace one person's facts and the
// matrix changes by the difference.
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "indicator/catalogue.h"

namespace u5::indicator {

enum FactBits : uint8_t {
  kNum = 1,     // counts in the numerator
  kDen = 2,     // counts in the denominator
  kLatest = 4,  // prevalence unit: only the person's latest one in a period counts
};

enum AgeBand : uint8_t { kAgeNeonatal = 0, kAgeInfant = 1, kAgeChild = 2, kAgeOver5 = 3 };

struct Fact {
  int32_t day;      // Date::days of the unit
  uint32_t ou;      // org unit index (the engine's interning)
  uint16_t ind;     // index into the catalogue's indicators
  uint16_t weight;  // usually 1; live births for delivery-based denominators
  uint8_t bits;
  uint8_t sex;        // 0 unknown, 1 female, 2 male
  uint8_t ethnicity;  // national code 1-55, 0 unknown (1 = Kinh)
  uint8_t age_band;
};
static_assert(sizeof(Fact) == 16);

struct PersonData {
  std::string id, orgunit;
  Date birth;
  uint8_t sex = 0, ethnicity = 0;
};

struct EventData {
  std::string id, type, orgunit;
  std::optional<std::string> pregnancy_id;
  Date date;
  nlohmann::json body;
};

using OrgUnitIndex = std::function<uint32_t(const std::string&)>;

// Appends the person's facts, sorted by (indicator, day). `events` must be in
// date order and exclude deleted records.
void ExtractFacts(const Catalogue& cat, const PersonData& person, const std::vector<EventData>& events,
                  const OrgUnitIndex& ou_index, std::vector<Fact>* out);

uint8_t EthnicityCode(const nlohmann::json& person_body);
uint8_t AgeBandAt(Date birth, Date on);

}  // namespace u5::indicator
