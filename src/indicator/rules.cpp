#include "indicator/rules.h"

#include <simdjson.h>

#include <algorithm>

namespace u5::indicator {

Rules::Rules(const Catalogue& cat) {
  const auto& all = cat.indicators();
  for (size_t i = 0; i < all.size(); ++i) {
    const Indicator& ind = all[i];
    if (!ind.computable) continue;
    CIndicator c;
    c.index = static_cast<int>(i);
    c.den_aggregate = ind.den_aggregate;
    c.num_is_flag = ind.num_is_flag;
    if (!ind.den_aggregate) c.den = Compile(ind.den);
    if (!ind.num_is_flag) c.num = Compile(ind.num);
    // The flag is tested on the denominator's record.
    const int den_type = ind.den_aggregate ? -1 : c.den.type;
    for (const auto& w : ind.flag_where) c.flag_where.push_back(Compile(den_type, w));
    for (const auto& r : ind.flag_related) c.flag_related.push_back(Compile(den_type, r));
    inds_.push_back(std::move(c));
  }
  auto it = std::find(types_.begin(), types_.end(), "pregnancy");
  if (it != types_.end()) pregnancy_type_ = static_cast<int>(it - types_.begin());
  family_types_.resize(types_.size());
  anchor_types_.resize(types_.size());
  // Which types newborns-scoped rules read (a child's records copied to the
  // mother) and which units anchor them (records that need their own id).
  auto mark = [&](int unit_type, const std::vector<CRelated>& rs) {
    for (const auto& r : rs)
      if (r.newborns_scope) {
        family_types_[static_cast<size_t>(r.type)] = 1;
        if (unit_type >= 0) anchor_types_[static_cast<size_t>(unit_type)] = 1;
      }
  };
  for (const auto& c : inds_) {
    mark(c.den.type, c.den.related);
    mark(c.num.type, c.num.related);
    mark(c.den.type, c.flag_related);
  }
  if (std::find(family_types_.begin(), family_types_.end(), 1) != family_types_.end()) {
    newborn_type_ = AddType("newborn");
    link_slot_ = Slot(newborn_type_, "delivery_id");
    family_types_.resize(types_.size());
    anchor_types_.resize(types_.size());
    family_types_[static_cast<size_t>(newborn_type_)] = 1;
  }
  delivery_type_ = TypeId("delivery");
  DeathSlots& d = death_;
  d.death = AddType("death");
  d.stillbirth = AddType("stillbirth");
  d.review = AddType("death_review");
  for (int k = 0; k < 2; ++k) {
    const int t = k == 0 ? d.death : d.stillbirth;
    d.category[k] = Slot(t, "category");
    d.place[k] = Slot(t, "place");
  }
  d.maternal = Slot(d.death, "maternal_death");
  d.candidate = Slot(d.death, "maternal_candidate");
  d.timing = Slot(d.stillbirth, "timing");
  d.link = Slot(d.review, "death_id");
  d.status = Slot(d.review, "status");
  d.mm_group = Slot(d.review, "icd_mm_group");
  d.pm_timing = Slot(d.review, "icd_pm_timing");
  d.icd10 = Slot(d.review, "underlying_icd10");
  d.avoidability = Slot(d.review, "avoidability");
  d.delay[0] = Slot(d.review, "delay1_seeking");
  d.delay[1] = Slot(d.review, "delay2_reaching");
  d.delay[2] = Slot(d.review, "delay3_receiving");
  keeps_id_.assign(types_.size(), false);
  keeps_id_[static_cast<size_t>(d.death)] = keeps_id_[static_cast<size_t>(d.stillbirth)] = keeps_id_[static_cast<size_t>(d.review)] = true;
  // A record named by a linked rule's records needs its own id to be named.
  for (const CIndicator& c : inds_)
    for (const auto& [unit_type, rs] : {std::pair{c.den.type, &c.den.related}, {c.num.type, &c.num.related}, {c.den.type, &c.flag_related}})
      for (const auto& r : *rs)
        if (r.linked_scope && unit_type >= 0) keeps_id_[static_cast<size_t>(unit_type)] = true;
  for (const CIndicator& c : inds_)
    for (const CUnit* u : {&c.den, &c.num})
      if (u->once_per != OncePer::none && u->type >= 0) keeps_id_[static_cast<size_t>(u->type)] = true;
}

int Rules::AddType(const std::string& t) {
  for (size_t i = 0; i < types_.size(); ++i)
    if (types_[i] == t) return static_cast<int>(i);
  types_.push_back(t);
  fields_.emplace_back();
  return static_cast<int>(types_.size() - 1);
}

int Rules::TypeId(std::string_view type) const {
  for (size_t i = 0; i < types_.size(); ++i)
    if (types_[i] == type) return static_cast<int>(i);
  return -1;
}

int Rules::Slot(int type, const std::string& field) {
  if (type < 0) return -1;  // the person unit has no body fields
  auto& f = fields_[static_cast<size_t>(type)];
  for (size_t i = 0; i < f.size(); ++i)
    if (f[i] == field) return static_cast<int>(i);
  f.push_back(field);
  return static_cast<int>(f.size() - 1);
}

uint32_t Rules::Intern(std::string_view s) {
  auto it = string_ids_.find(std::string(s));
  if (it != string_ids_.end()) return it->second;
  const uint32_t id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  string_ids_.emplace(strings_.back(), id);
  return id;
}

Val Rules::Constant(const nlohmann::json& v) {
  Val out;
  if (v.is_null()) return out;
  if (v.is_boolean()) {
    out.kind = ValKind::boolean;
    out.truthy = v.get<bool>();
    out.num = out.truthy ? 1 : 0;
  } else if (v.is_number()) {
    out.kind = ValKind::number;
    out.truthy = true;
    out.num = v.get<double>();
  } else if (v.is_string()) {
    out.kind = ValKind::string;
    out.str = Intern(v.get_ref<const std::string&>());
    out.truthy = !v.get_ref<const std::string&>().empty();
  } else {
    out.kind = ValKind::other;
    out.truthy = !v.is_array() || !v.empty();
  }
  return out;
}

CCond Rules::Compile(int type, const Cond& c) {
  CCond out;
  out.op = c.op;
  if (!c.field.empty() && c.field[0] == '$') {
    out.age = c.field == "$age_days" ? kAgeDays : c.field == "$age_months" ? kAgeMonths : c.field == "$age_years" ? kAgeYears : kNoAge;
  } else if (c.op != Op::any) {
    out.slot = Slot(type, c.field);
  }
  out.ref = Constant(c.value);
  out.ref_is_list = c.value.is_array();
  if (out.ref_is_list)
    for (const auto& x : c.value) out.refs.push_back(Constant(x));
  for (const auto& sub : c.any) out.any.push_back(Compile(type, sub));
  return out;
}

CRelated Rules::Compile(int unit_type, const Related& r) {
  CRelated out;
  out.pregnancy_scope = r.scope == "pregnancy";
  out.newborns_scope = r.scope == "newborns";
  out.linked_scope = r.scope == "linked";
  out.type = AddType(r.record);
  if (out.linked_scope) out.link_slot = Slot(out.type, r.link);
  if (!r.min_count_field.empty()) out.min_count_slot = Slot(unit_type, r.min_count_field);
  for (const auto& w : r.where) out.where.push_back(Compile(out.type, w));
  out.min_count = r.min_count;
  out.max_count = r.max_count;
  if (!r.distinct.empty()) {
    out.has_distinct = true;
    out.distinct_slot = Slot(out.type, r.distinct);
  }
  out.has_min = r.window_min.has_value();
  out.has_max = r.window_max.has_value();
  out.window_min = r.window_min.value_or(0);
  out.window_max = r.window_max.value_or(0);
  out.same_year = r.same_year;
  out.min_months_before = r.min_months_before;
  out.before_months = r.before_months;
  return out;
}

CUnit Rules::Compile(const UnitSpec& u) {
  CUnit out;
  out.type = u.record == "person" || u.record.empty() ? -1 : AddType(u.record);
  for (const auto& w : u.where) out.where.push_back(Compile(out.type, w));
  for (const auto& r : u.related) out.related.push_back(Compile(out.type, r));
  if (!u.weight.empty()) {
    out.has_weight = true;
    if (u.weight[0] == '$') {
      out.weight_age = u.weight == "$age_days" ? kAgeDays : u.weight == "$age_months" ? kAgeMonths
                     : u.weight == "$age_years" ? kAgeYears : kNoAge;
    } else {
      out.weight_slot = Slot(out.type, u.weight);
    }
  }
  out.latest_per_person = u.latest_per_person;
  out.date_last_related = u.date_last_related;
  out.once_per = u.once_per;
  out.birthday_months = u.birthday_months;
  if (!u.date_field.empty()) out.date_slot = Slot(out.type, u.date_field);
  return out;
}

void Rules::Decode(int type, std::string_view body, std::vector<Val>* out) {
  const auto& fields = fields_[static_cast<size_t>(type)];
  const size_t base = out->size();
  out->resize(base + fields.size());
  if (fields.empty()) return;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) return;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return;
  for (auto [key, value] : obj) {
    size_t i = 0;
    while (i < fields.size() && fields[i] != key) ++i;
    if (i == fields.size()) continue;
    Val& v = (*out)[base + i];
    v = Val{};  // a repeated key: the last one wins, as with nlohmann
    switch (value.type()) {
      case simdjson::dom::element_type::NULL_VALUE: break;
      case simdjson::dom::element_type::BOOL:
        v.kind = ValKind::boolean;
        v.truthy = value.get_bool().value_unsafe();
        v.num = v.truthy ? 1 : 0;
        break;
      case simdjson::dom::element_type::INT64:
        v.kind = ValKind::number, v.truthy = true, v.num = static_cast<double>(value.get_int64().value_unsafe());
        break;
      case simdjson::dom::element_type::UINT64:
        v.kind = ValKind::number, v.truthy = true, v.num = static_cast<double>(value.get_uint64().value_unsafe());
        break;
      case simdjson::dom::element_type::DOUBLE:
        v.kind = ValKind::number, v.truthy = true, v.num = value.get_double().value_unsafe();
        break;
      case simdjson::dom::element_type::STRING: {
        const std::string_view s = value.get_string().value_unsafe();
        v.kind = ValKind::string, v.truthy = !s.empty(), v.str = Intern(s);
        break;
      }
      case simdjson::dom::element_type::ARRAY:
        v.kind = ValKind::other, v.truthy = value.get_array().value_unsafe().size() > 0;
        break;
      default:
        v.kind = ValKind::other, v.truthy = true;
        break;
    }
  }
}

}  // namespace u5::indicator
