#include "indicator/facts.h"

#include <algorithm>
#include <set>

namespace u5::indicator {
namespace {

using nlohmann::json;

struct Subject {
  const PersonData& person;
  const std::vector<EventData>& events;
};

// The value a condition looks at: a body field (no copy), or the subject's age at `on` (in `scratch`).
const json* FieldValue(const std::string& field, const json* body, const PersonData& p, Date on, json& scratch) {
  if (!field.empty() && field[0] == '$') {
    if (field == "$age_days") scratch = on.days - p.birth.days;
    else if (field == "$age_months") scratch = CompletedMonths(p.birth, on);
    else if (field == "$age_years") scratch = CompletedYears(p.birth, on);
    else return nullptr;
    return &scratch;
  }
  if (!body) return nullptr;
  auto it = body->find(field);
  return it == body->end() || it->is_null() ? nullptr : &*it;
}

bool Compare(const json& v, Op op, const json& ref) {
  if (v.is_null()) return false;
  if (v.is_number() && ref.is_number()) {
    const double a = v.get<double>(), b = ref.get<double>();
    switch (op) {
      case Op::eq: return a == b;
      case Op::ne: return a != b;
      case Op::lt: return a < b;
      case Op::le: return a <= b;
      case Op::gt: return a > b;
      case Op::ge: return a >= b;
      default: return false;
    }
  }
  if (op == Op::eq) return v == ref;
  if (op == Op::ne) return v != ref;
  if (v.is_string() && ref.is_string()) {
    const auto& a = v.get_ref<const std::string&>();
    const auto& b = ref.get_ref<const std::string&>();
    switch (op) {
      case Op::lt: return a < b;
      case Op::le: return a <= b;
      case Op::gt: return a > b;
      case Op::ge: return a >= b;
      default: return false;
    }
  }
  return false;
}

bool Holds(const Cond& c, const json* body, const PersonData& p, Date on) {
  if (c.op == Op::any) {
    for (const auto& sub : c.any)
      if (Holds(sub, body, p, on)) return true;
    return false;
  }
  json scratch;
  const json* vp = FieldValue(c.field, body, p, on, scratch);
  if (c.op == Op::exists) return vp != nullptr;
  if (c.op == Op::missing) return vp == nullptr;
  if (!vp) return false;
  const json& v = *vp;
  switch (c.op) {
    case Op::nonempty: return (v.is_array() || v.is_string()) ? !v.empty() : v != false;
    case Op::in:
      if (v.is_null() || !c.value.is_array()) return false;
      for (const auto& x : c.value)
        if (x == v || (x.is_number() && v.is_number() && x.get<double>() == v.get<double>())) return true;
      return false;
    case Op::prefix_in:
      if (!v.is_string() || !c.value.is_array()) return false;
      for (const auto& x : c.value)
        if (x.is_string() && v.get_ref<const std::string&>().rfind(x.get_ref<const std::string&>(), 0) == 0) return true;
      return false;
    default: return Compare(v, c.op, c.value);
  }
}

bool AllHold(const std::vector<Cond>& cs, const json* body, const PersonData& p, Date on) {
  for (const auto& c : cs)
    if (!Holds(c, body, p, on)) return false;
  return true;
}

int YearOf(Date d) {
  int y;
  unsigned m, dd;
  YmdFromDate(d, y, m, dd);
  return y;
}

// Checks one related-records rule for a unit anchored at `anchor` (an event, or
// null for the person) dated `on`. `reached` gets the date the rule's minimum
// was first met.
bool RelatedHolds(const Related& r, const Subject& s, const EventData* anchor, Date on, Date* reached) {
  std::optional<std::string> preg;
  if (r.scope == "pregnancy") {
    if (!anchor) return false;
    preg = anchor->type == "pregnancy" ? std::optional<std::string>(anchor->id) : anchor->pregnancy_id;
    if (!preg) return false;
  }
  int count = 0;
  std::set<std::string> seen;
  *reached = on;
  bool met = r.min_count <= 0;
  for (const auto& e : s.events) {
    if (e.type != r.record || (anchor && &e == anchor)) continue;
    if (preg && e.pregnancy_id != preg) continue;
    const int rel = e.date.days - on.days;
    if (r.window_min && rel < *r.window_min) continue;
    if (r.window_max && rel > *r.window_max) continue;
    if (r.same_year && YearOf(e.date) != YearOf(on)) continue;
    if (!AllHold(r.where, &e.body, s.person, e.date)) continue;
    if (!r.distinct.empty()) {
      auto it = e.body.find(r.distinct);
      if (it == e.body.end() || !seen.insert(it->dump()).second) continue;
    }
    ++count;
    if (!met && count >= r.min_count) {
      met = true;
      *reached = e.date;
    }
  }
  if (!met) return false;
  return r.max_count < 0 || count <= r.max_count;
}

bool AllRelated(const std::vector<Related>& rs, const Subject& s, const EventData* anchor, Date on, Date* last) {
  *last = on;
  for (const auto& r : rs) {
    Date reached;
    if (!RelatedHolds(r, s, anchor, on, &reached)) return false;
    if (reached > *last) *last = reached;
  }
  return true;
}

void Units(const Catalogue& cat, size_t ind_index, const UnitSpec& u, bool is_den, const Subject& s,
           const OrgUnitIndex& ou_index, std::vector<Fact>* out) {
  const Indicator& ind = cat.indicators()[ind_index];
  auto emit = [&](const EventData* e, Date on, const std::string& orgunit, const json* body) {
    if (!AllHold(u.where, body, s.person, on)) return;
    Date last;
    if (!AllRelated(u.related, s, e, on, &last)) return;
    if (u.date_last_related) on = last;
    int weight = 1;
    if (!u.weight.empty()) {
      json scratch;
      const json* w = FieldValue(u.weight, body, s.person, on, scratch);
      weight = w && w->is_number() ? w->get<int>() : 0;
    }
    if (weight <= 0) return;
    Fact f{};
    f.day = on.days;
    f.ou = ou_index(orgunit);
    f.ind = static_cast<uint16_t>(ind_index);
    f.weight = static_cast<uint16_t>(std::min(weight, 65535));
    f.bits = is_den ? kDen : kNum;
    if (is_den && u.latest_per_person) f.bits |= kLatest;
    if (is_den && ind.num_is_flag && AllHold(ind.flag_where, body, s.person, on)) {
      Date ignored;
      if (AllRelated(ind.flag_related, s, e, on, &ignored)) f.bits |= kNum;
    }
    f.sex = s.person.sex;
    f.ethnicity = s.person.ethnicity;
    f.age_band = AgeBandAt(s.person.birth, on);
    out->push_back(f);
  };
  if (u.record == "person") {
    emit(nullptr, s.person.birth, s.person.orgunit, nullptr);
    return;
  }
  for (const auto& e : s.events)
    if (e.type == u.record) emit(&e, e.date, e.orgunit, &e.body);
}

}  // namespace

uint8_t AgeBandAt(Date birth, Date on) {
  const int days = on.days - birth.days;
  if (days < 28) return kAgeNeonatal;
  const int months = CompletedMonths(birth, on);
  if (months < 12) return kAgeInfant;
  if (months < 60) return kAgeChild;
  return kAgeOver5;
}

uint8_t EthnicityCode(const json& body) {
  auto it = body.find("ethnicity");
  if (it == body.end() || !it->is_string()) return 0;
  const auto& s = it->get_ref<const std::string&>();
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + (c - '0');
  }
  return v > 0 && v < 256 ? static_cast<uint8_t>(v) : 0;
}

void ExtractFacts(const Catalogue& cat, const PersonData& person, const std::vector<EventData>& events,
                  const OrgUnitIndex& ou_index, std::vector<Fact>* out) {
  const size_t start = out->size();
  const Subject s{person, events};
  const auto& inds = cat.indicators();
  for (size_t i = 0; i < inds.size(); ++i) {
    const Indicator& ind = inds[i];
    if (!ind.computable) continue;
    if (!ind.den_aggregate) Units(cat, i, ind.den, true, s, ou_index, out);
    if (!ind.num_is_flag) Units(cat, i, ind.num, false, s, ou_index, out);
  }
  std::stable_sort(out->begin() + static_cast<std::ptrdiff_t>(start), out->end(),
                   [](const Fact& a, const Fact& b) { return a.ind != b.ind ? a.ind < b.ind : a.day < b.day; });
}

}  // namespace u5::indicator
