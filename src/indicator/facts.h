// Facts: the counted units of every computable indicator, derived from one
// person's records. Everything the matrix holds is a sum over facts, and the
// facts of a person depend only on that person's own records, which is what
// makes incremental maintenance exact: replace one person's facts and the
// matrix changes by the difference.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "indicator/rules.h"

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

// One event as the rules see it: ids interned, body reduced to the fields the
// rules read (Rules::Decode), stored in the owning PersonRecords' `vals`.
struct EventData {
  Date date;
  uint32_t ou = 0;  // org unit index
  int32_t type = -1;  // Rules type id
  int32_t self = -1;  // this record's id, interned per person (types with Rules::KeepsId only)
  int32_t preg = -1;  // its pregnancy_id, interned per person; -1 when none
  uint32_t vals = 0;  // offset of its values in PersonRecords::vals
};

struct PersonRecords {
  uint32_t ou = 0;
  Date birth;
  uint8_t sex = 0, ethnicity = 0;
  std::vector<EventData> events;  // in date order (any order within a day), deleted records excluded
  std::vector<Val> vals;
  std::vector<std::string> keys;  // per-person interning of record ids

  void Clear() { events.clear(), vals.clear(), keys.clear(); }
  int32_t Key(std::string_view id);
};

// Appends the person's facts, sorted by (indicator, day, then the other fields):
// the result does not depend on the order of the events dated the same day.
void ExtractFacts(const Rules& rules, const PersonRecords& person, std::vector<Fact>* out);

uint8_t EthnicityCode(std::string_view code);
uint8_t AgeBandAt(Date birth, Date on);

}  // namespace u5::indicator
