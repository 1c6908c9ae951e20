// Facts: the counted units of every computable indicator, derived from one
// person's records (and, for a mother, the records of her newborns that
// newborns-scoped rules read). Everything the matrix holds is a sum over facts,
// and the facts of a person depend only on those records, which is what makes
// incremental maintenance exact: replace one person's facts and the matrix
// changes by the difference (the service re-reads a mother when a child's
// records change).
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
  int32_t self = -1;  // this record's id, interned per person (Rules::KeepsId types and anchors of newborns rules)
  int32_t preg = -1;  // its pregnancy_id, interned per person; -1 when none
  uint32_t vals = 0;  // offset of its values in PersonRecords::vals
};

// A child of the person (person.mother_id) as newborns-scoped rules see it:
// the deliveries its newborn records name and its records of the types those
// rules read.
struct ChildRecords {
  std::vector<int32_t> deliveries;  // newborn.delivery_id, in the mother's Key() interning
  uint32_t begin = 0, end = 0;      // its events in PersonRecords::child_events
};

struct PersonRecords {
  uint32_t ou = 0;
  Date birth;
  uint8_t sex = 0, ethnicity = 0;
  std::string mother_id;  // person.mother_id, "" when none
  std::vector<EventData> events;  // in date order (any order within a day), deleted records excluded
  std::vector<Val> vals;
  std::vector<std::string> keys;  // per-person interning of record ids
  std::vector<ChildRecords> children;     // only when the rules have newborns scopes (AttachChild)
  std::vector<EventData> child_events;    // their values are in `vals` too

  void Clear() { events.clear(), vals.clear(), keys.clear(), children.clear(), child_events.clear(), mother_id.clear(); }
  int32_t Key(std::string_view id);
};

// True when `child` has a newborn record naming a delivery (newborn.delivery_id):
// the records newborns-scoped rules of its mother may read.
bool HasDeliveryLink(const Rules& rules, const PersonRecords& child);
// Copies the child's records that newborns-scoped rules read into `mother`
// (nothing when it names no delivery). The order children are attached in
// does not change the mother's facts.
void AttachChild(const Rules& rules, const PersonRecords& child, PersonRecords* mother);

// Appends the person's facts, sorted by (indicator, day, then the other fields):
// the result does not depend on the order of the events dated the same day.
void ExtractFacts(const Rules& rules, const PersonRecords& person, std::vector<Fact>* out);

uint8_t EthnicityCode(std::string_view code);
uint8_t AgeBandAt(Date birth, Date on);

}  // namespace u5::indicator
