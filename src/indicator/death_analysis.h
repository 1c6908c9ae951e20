// Death analysis (issue 21): deaths and stillbirths counted by category, cause
// group, place, delay, avoidability, commune and month, with no names. One
// row per death or stillbirth is kept in memory with the indicator facts (the
// same person-at-a-time replacement, so it is current after every write); a
// query sums the rows of an org unit subtree and a period.
// Review contents (cause group, delays, avoidability) come from the deceased's
// (for a stillbirth the mother's) latest complete death_review naming the
// record in death_id; without one the death counts as "not_reviewed".
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "indicator/facts.h"
#include "indicator/rules.h"

namespace u5::indicator {

struct DeathRow {
  int32_t day = 0;  // Date::days of the death (record date)
  uint32_t ou = 0;  // the record's org unit (engine interning)
  // Interned strings (Rules::Str): the dimension values of this death.
  uint32_t category = 0, place = 0, cause_group = 0, avoidability = 0;
  uint8_t delays = 0;  // bit k: delay k+1 found by the review
  bool reviewed = false;
};

// The dimensions `by` may name, in the order the API lists them.
inline constexpr const char* kDeathDimensions[] = {"category", "cause_group", "place", "delay", "avoidability", "commune", "month"};
bool IsDeathDimension(const std::string& by);

// ICD-10 chapters as code ranges ("A00".."B99"), from the catalogue's
// death_analysis.icd10_chapters, to group a review's underlying cause when it
// has no ICD-MM group or ICD-PM timing.
struct Icd10Chapter {
  std::string id, from, to;
};
std::vector<Icd10Chapter> ReadIcd10Chapters(const nlohmann::json& death_analysis);
// "icd10_<chapter id>" for a code such as "J18.9"; "" when no chapter holds it.
std::string Icd10Group(const std::vector<Icd10Chapter>& chapters, const std::string& code);

// Appends one row per death and stillbirth of the person.
void ExtractDeaths(Rules& rules, const std::vector<Icd10Chapter>& chapters, const PersonRecords& person,
                   std::vector<DeathRow>* out);

struct DeathCounts {
  int64_t total = 0, reviewed = 0;
  std::map<std::string, std::map<std::string, int64_t>> by;  // dimension -> value -> deaths
};

}  // namespace u5::indicator
