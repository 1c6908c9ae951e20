// Vietnamese personal names, villages and phone numbers for the demo.
// Family names of the Kinh majority follow their published frequencies;
// mountain provinces use the family and given names usual among their
// ethnic minorities (Thái, Mông, Dao, Tày, Nùng, Mường, Giáy, Hà Nhì).
#pragma once
#include <string>
#include <string_view>

#include "demo/rng.h"

namespace u5::demo {

// Ethnic groups the demo generates, with their GSO codes (registry list "ethnicity").
enum class Ethnic { kinh, tay, thai, muong, nung, mong, dao, giay, ha_nhi };
std::string_view EthnicCode(Ethnic e);

std::string PersonName(Rng& rng, Ethnic e, bool female);
// A child's name: the mother's family name is reused for minorities that pass
// it through the household, a fresh (father's) family name otherwise.
std::string ChildName(Rng& rng, Ethnic e, bool female, std::string_view mother_name);
// "Bản Nà Sẳng", "Thôn Đông", "Tổ dân phố 4" by kind of commune.
std::string VillageName(Rng& rng, bool mountain, bool town, int index);
// A 10-digit number in the prefix 019, unassigned in Vietnam since the 2018
// renumbering (mobiles use 03, 05, 07, 08, 09; landlines 02), so no demo
// number can reach a real subscriber, yet it passes the registry's check.
std::string PhoneNumber(Rng& rng);

}  // namespace u5::demo
