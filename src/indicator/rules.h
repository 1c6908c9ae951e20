// The catalogue's computation rules compiled for speed: record types and body
// fields become small integers, a record body becomes the few values the rules
// read (decoded once, with simdjson), and constant strings are interned so a
// condition compares integers. Semantics are those of the JSON rules in
// docs/indicators.md (numbers compare as numbers, null counts as absent).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "indicator/catalogue.h"

namespace u5::indicator {

enum class ValKind : uint8_t { missing, boolean, number, string, other };

// One body field as the rules see it. `truthy` is the "nonempty" test: a
// non-empty string or array, true, any number or object.
struct Val {
  ValKind kind = ValKind::missing;
  bool truthy = false;
  uint32_t str = 0;  // interned string (kind == string)
  double num = 0;    // number, or 0/1 for booleans
};

enum AgeField : int8_t { kNoAge = 0, kAgeDays, kAgeMonths, kAgeYears };

struct CCond {
  int slot = -1;  // index into the record's values; -1: never present
  AgeField age = kNoAge;
  Op op = Op::eq;
  Val ref;
  bool ref_is_list = false;
  std::vector<Val> refs;
  std::vector<CCond> any;
};

struct CRelated {
  bool pregnancy_scope = false;
  bool linked_scope = false;    // only records whose field `link_slot` holds the unit's id
  int link_slot = -1;
  bool newborns_scope = false;  // counts the unit's newborns (PersonRecords::children)
  int min_count_slot = -1;      // newborns scope: the minimum is this field of the unit's record
  int type = -1;
  std::vector<CCond> where;
  int min_count = 1, max_count = -1;
  int distinct_slot = -1;
  bool has_distinct = false;
  bool has_min = false, has_max = false;
  int window_min = 0, window_max = 0;
  bool same_year = false;
  int min_months_before = -1;  // -1: none
  int before_months = 0;  // Related::before_months
};

struct CUnit {
  int type = -1;  // -1: the person record
  std::vector<CCond> where;
  std::vector<CRelated> related;
  int weight_slot = -1;
  AgeField weight_age = kNoAge;
  bool has_weight = false;
  bool latest_per_person = false;
  bool date_last_related = false;
  OncePer once_per = OncePer::none;
  int birthday_months = 0;  // UnitSpec::birthday_months
  int date_slot = -1;       // UnitSpec::date_field; -1: the record's date
};

struct CIndicator {
  int index = 0;  // in the catalogue
  bool den_aggregate = false, num_is_flag = false;
  CUnit den, num;
  std::vector<CCond> flag_where;  // evaluated on the denominator record
  std::vector<CRelated> flag_related;
};

// The fields the death analysis reads (death_analysis.h). They are declared
// whatever the catalogue's rules read, so the loader decodes them; deaths and
// stillbirths keep their ids so their reviews can name them.
struct DeathSlots {
  int death = -1, stillbirth = -1, review = -1;  // type ids
  int category[2] = {-1, -1}, place[2] = {-1, -1};  // [0] death, [1] stillbirth
  int maternal = -1, candidate = -1, timing = -1;   // death.maternal_death, death.maternal_candidate, stillbirth.timing
  int link = -1, status = -1, mm_group = -1, pm_timing = -1, icd10 = -1, avoidability = -1;  // death_review
  int delay[3] = {-1, -1, -1};
};

class Rules {
 public:
  explicit Rules(const Catalogue& cat);

  // Record type id, -1 when no rule reads this type (its records are skipped).
  int TypeId(std::string_view type) const;
  int pregnancy_type() const { return pregnancy_type_; }
  // -1 when no rule reads deliveries (then no pregnancy is bounded by one).
  int delivery_type() const { return delivery_type_; }
  // Whether events of this type keep their record id (EventData::self): the
  // pregnancy (the key of its scope) and the types of `once_per` units, whose
  // same-day ties are broken by id.
  bool KeepsId(int type) const {
    return type >= 0 && (type == pregnancy_type_ || keeps_id_[static_cast<size_t>(type)]);
  }
  // Newborns-scoped rules (docs/indicators.md "Families"): a mother's facts
  // then read her children's records of the types those rules read.
  bool has_family() const { return newborn_type_ >= 0; }
  int newborn_type() const { return newborn_type_; }
  // Slot of newborn.delivery_id, the link from a child to its mother's delivery.
  int link_slot() const { return link_slot_; }
  // Records of this type are read by a newborns-scoped rule (copied from a child to its mother).
  bool family_type(int type) const { return type >= 0 && static_cast<size_t>(type) < family_types_.size() && family_types_[type]; }
  // Units of this type anchor a newborns-scoped rule: their records need their own id (EventData::self).
  bool anchor_type(int type) const { return type >= 0 && static_cast<size_t>(type) < anchor_types_.size() && anchor_types_[type]; }
  size_t field_count(int type) const { return fields_[static_cast<size_t>(type)].size(); }
  // Appends field_count(type) values decoded from a JSON object body (all
  // missing when the body is not an object).
  void Decode(int type, std::string_view body, std::vector<Val>* out);
  uint32_t Intern(std::string_view s);
  const std::string& Str(uint32_t id) const { return strings_[id]; }
  const std::vector<CIndicator>& indicators() const { return inds_; }
  const DeathSlots& death_slots() const { return death_; }
  std::vector<std::string> TypeNames() const { return types_; }

 private:
  int AddType(const std::string& t);
  int Slot(int type, const std::string& field);
  CCond Compile(int type, const Cond& c);
  CRelated Compile(int unit_type, const Related& r);
  CUnit Compile(const UnitSpec& u);
  Val Constant(const nlohmann::json& v);

  std::vector<std::string> types_;
  std::vector<std::vector<std::string>> fields_;  // per type
  int pregnancy_type_ = -1, delivery_type_ = -1;
  std::vector<bool> keeps_id_;  // per type
  int newborn_type_ = -1, link_slot_ = -1;
  std::vector<char> family_types_, anchor_types_;  // by type id
  std::vector<CIndicator> inds_;
  DeathSlots death_;
  std::vector<std::string> strings_;
  std::unordered_map<std::string, uint32_t> string_ids_;
};

}  // namespace u5::indicator
