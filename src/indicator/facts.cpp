#include "indicator/facts.h"

#include <algorithm>
#include <tuple>

namespace u5::indicator {
namespace {

struct Ctx {
  const Rules& rules;
  const PersonRecords& p;
};

// The value a condition looks at: a field of the record whose values start at
// `vals` (null for the person unit, which has no body), or the age at `on`.
Val FieldValue(const Ctx& c, int slot, AgeField age, const Val* vals, Date on) {
  Val v;
  if (age != kNoAge) {
    v.kind = ValKind::number;
    v.truthy = true;
    v.num = age == kAgeDays ? on.days - c.p.birth.days : age == kAgeMonths ? CompletedMonths(c.p.birth, on) : CompletedYears(c.p.birth, on);
    return v;
  }
  if (vals && slot >= 0) v = vals[slot];
  return v;
}

// JSON equality for the value kinds the rules use; numbers compare by value.
bool Eq(const Val& a, const Val& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValKind::boolean:
    case ValKind::number: return a.num == b.num;
    case ValKind::string: return a.str == b.str;
    default: return false;
  }
}

bool Compare(const Rules& rules, const Val& v, Op op, const Val& ref) {
  if (v.kind == ValKind::number && ref.kind == ValKind::number) {
    const double a = v.num, b = ref.num;
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
  if (op == Op::eq) return Eq(v, ref);
  if (op == Op::ne) return !Eq(v, ref);
  if (v.kind == ValKind::string && ref.kind == ValKind::string) {
    const std::string& a = rules.Str(v.str);
    const std::string& b = rules.Str(ref.str);
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

bool Holds(const Ctx& c, const CCond& k, const Val* vals, Date on) {
  if (k.op == Op::any) {
    for (const auto& sub : k.any)
      if (Holds(c, sub, vals, on)) return true;
    return false;
  }
  const Val v = FieldValue(c, k.slot, k.age, vals, on);
  const bool present = v.kind != ValKind::missing;
  if (k.op == Op::exists) return present;
  if (k.op == Op::missing) return !present;
  if (!present) return false;
  switch (k.op) {
    case Op::nonempty: return v.truthy;
    case Op::in:
      if (!k.ref_is_list) return false;
      for (const auto& x : k.refs)
        if (Eq(v, x)) return true;
      return false;
    case Op::prefix_in:
      if (v.kind != ValKind::string || !k.ref_is_list) return false;
      for (const auto& x : k.refs)
        if (x.kind == ValKind::string && c.rules.Str(v.str).rfind(c.rules.Str(x.str), 0) == 0) return true;
      return false;
    default: return Compare(c.rules, v, k.op, k.ref);
  }
}

bool AllHold(const Ctx& c, const std::vector<CCond>& ks, const Val* vals, Date on) {
  for (const auto& k : ks)
    if (!Holds(c, k, vals, on)) return false;
  return true;
}

int YearOf(Date d) {
  int y;
  unsigned m, dd;
  YmdFromDate(d, y, m, dd);
  return y;
}

const Val* ValsOf(const Ctx& c, const EventData& e) { return c.p.vals.data() + e.vals; }

// Checks one related-records rule for a unit anchored at `anchor` (an event, or
// null for the person) dated `on`. `reached` gets the date the rule's minimum
// was first met.
// Newborns scope: counts the anchor's newborns (children whose newborn record
// names it) that have a record passing the rule in the window; the minimum is
// the rule's or a field of the anchor (delivery.live_births). `reached` is the
// date the minimum-th newborn was first seen, so it is independent of the
// order children were attached in.
bool NewbornsHold(const Ctx& c, const CRelated& r, const EventData* anchor, Date on, Date* reached) {
  *reached = on;
  if (!anchor || anchor->self < 0) return false;
  int need = r.min_count;
  if (r.min_count_slot >= 0) {
    const Val v = ValsOf(c, *anchor)[r.min_count_slot];
    if (v.kind != ValKind::number) return false;  // how many newborns to expect is unknown
    need = static_cast<int>(v.num);
  }
  std::vector<int32_t> firsts;  // per newborn counted: its first matching record's day
  for (const ChildRecords& ch : c.p.children) {
    if (std::find(ch.deliveries.begin(), ch.deliveries.end(), anchor->self) == ch.deliveries.end()) continue;
    int32_t first = 0;
    bool hit = false;
    for (uint32_t i = ch.begin; i < ch.end; ++i) {
      const EventData& e = c.p.child_events[i];
      if (e.type != r.type) continue;
      const int rel = e.date.days - on.days;
      if (r.has_min && rel < r.window_min) continue;
      if (r.has_max && rel > r.window_max) continue;
      if (r.same_year && YearOf(e.date) != YearOf(on)) continue;
      if (!AllHold(c, r.where, ValsOf(c, e), e.date)) continue;
      if (!hit || e.date.days < first) first = e.date.days;
      hit = true;
    }
    if (hit) firsts.push_back(first);
  }
  const int count = static_cast<int>(firsts.size());
  if (count < need) return false;
  if (r.max_count >= 0 && count > r.max_count) return false;
  if (need > 0) {
    std::sort(firsts.begin(), firsts.end());
    *reached = Date{std::max(on.days, firsts[static_cast<size_t>(need - 1)])};
  }
  return true;
}

bool RelatedHolds(const Ctx& c, const CRelated& r, const EventData* anchor, Date on, Date* reached) {
  if (r.newborns_scope) return NewbornsHold(c, r, anchor, on, reached);
  int32_t preg = -1;
  if (r.pregnancy_scope) {
    if (!anchor) return false;
    preg = anchor->type == c.rules.pregnancy_type() ? anchor->self : anchor->preg;
    if (preg < 0) return false;
  }
  int count = 0;
  std::vector<std::pair<ValKind, double>> seen_num;
  std::vector<uint32_t> seen_str;
  *reached = on;
  bool met = r.min_count <= 0;
  for (const auto& e : c.p.events) {
    if (e.type != r.type || &e == anchor) continue;
    if (r.pregnancy_scope && e.preg != preg) continue;
    const int rel = e.date.days - on.days;
    if (r.has_min && rel < r.window_min) continue;
    if (r.has_max && rel > r.window_max) continue;
    if (r.same_year && YearOf(e.date) != YearOf(on)) continue;
    const Val* vals = ValsOf(c, e);
    if (!AllHold(c, r.where, vals, e.date)) continue;
    if (r.has_distinct) {
      const Val v = r.distinct_slot >= 0 ? vals[r.distinct_slot] : Val{};
      if (v.kind == ValKind::missing) continue;
      if (v.kind == ValKind::string) {
        if (std::find(seen_str.begin(), seen_str.end(), v.str) != seen_str.end()) continue;
        seen_str.push_back(v.str);
      } else {
        const std::pair<ValKind, double> key{v.kind, v.kind == ValKind::other ? 0 : v.num};
        if (std::find(seen_num.begin(), seen_num.end(), key) != seen_num.end()) continue;
        seen_num.push_back(key);
      }
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

bool AllRelated(const Ctx& c, const std::vector<CRelated>& rs, const EventData* anchor, Date on, Date* last) {
  *last = on;
  for (const auto& r : rs) {
    Date reached;
    if (!RelatedHolds(c, r, anchor, on, &reached)) return false;
    if (reached > *last) *last = reached;
  }
  return true;
}

void Units(const Ctx& c, const CIndicator& ind, const CUnit& u, bool is_den, std::vector<Fact>* out) {
  auto emit = [&](const EventData* e, Date on, uint32_t ou, const Val* vals) {
    if (!AllHold(c, u.where, vals, on)) return;
    Date last;
    if (!AllRelated(c, u.related, e, on, &last)) return;
    if (u.date_last_related) on = last;
    int weight = 1;
    if (u.has_weight) {
      const Val w = FieldValue(c, u.weight_slot, u.weight_age, vals, on);
      weight = w.kind == ValKind::number ? static_cast<int>(w.num) : 0;
    }
    if (weight <= 0) return;
    Fact f{};
    f.day = on.days;
    f.ou = ou;
    f.ind = static_cast<uint16_t>(ind.index);
    f.weight = static_cast<uint16_t>(std::min(weight, 65535));
    f.bits = is_den ? kDen : kNum;
    if (is_den && u.latest_per_person) f.bits |= kLatest;
    if (is_den && ind.num_is_flag && AllHold(c, ind.flag_where, vals, on)) {
      Date ignored;
      if (AllRelated(c, ind.flag_related, e, on, &ignored)) f.bits |= kNum;
    }
    f.sex = c.p.sex;
    f.ethnicity = c.p.ethnicity;
    f.age_band = AgeBandAt(c.p.birth, on);
    out->push_back(f);
  };
  if (u.type < 0) {
    emit(nullptr, c.p.birth, c.p.ou, nullptr);
    return;
  }
  for (const auto& e : c.p.events)
    if (e.type == u.type) emit(&e, e.date, e.ou, ValsOf(c, e));
}

}  // namespace

int32_t PersonRecords::Key(std::string_view id) {
  for (size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == id) return static_cast<int32_t>(i);
  keys.emplace_back(id);
  return static_cast<int32_t>(keys.size() - 1);
}

bool HasDeliveryLink(const Rules& rules, const PersonRecords& child) {
  if (!rules.has_family()) return false;
  for (const auto& e : child.events)
    if (e.type == rules.newborn_type() && child.vals[e.vals + static_cast<uint32_t>(rules.link_slot())].kind == ValKind::string)
      return true;
  return false;
}

void AttachChild(const Rules& rules, const PersonRecords& child, PersonRecords* mother) {
  if (!HasDeliveryLink(rules, child)) return;
  ChildRecords ch;
  for (const auto& e : child.events)
    if (e.type == rules.newborn_type()) {
      const Val& link = child.vals[e.vals + static_cast<uint32_t>(rules.link_slot())];
      if (link.kind == ValKind::string) ch.deliveries.push_back(mother->Key(rules.Str(link.str)));
    }
  ch.begin = static_cast<uint32_t>(mother->child_events.size());
  for (const auto& e : child.events) {
    if (!rules.family_type(e.type)) continue;
    EventData copy = e;
    copy.self = copy.preg = -1;  // the child's own keys mean nothing in the mother's interning
    copy.vals = static_cast<uint32_t>(mother->vals.size());
    const size_t n = rules.field_count(e.type);
    mother->vals.insert(mother->vals.end(), child.vals.begin() + e.vals, child.vals.begin() + e.vals + n);
    mother->child_events.push_back(copy);
  }
  ch.end = static_cast<uint32_t>(mother->child_events.size());
  mother->children.push_back(std::move(ch));
}

uint8_t AgeBandAt(Date birth, Date on) {
  const int days = on.days - birth.days;
  if (days < 28) return kAgeNeonatal;
  const int months = CompletedMonths(birth, on);
  if (months < 12) return kAgeInfant;
  if (months < 60) return kAgeChild;
  return kAgeOver5;
}

uint8_t EthnicityCode(std::string_view s) {
  int v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return 0;
    v = v * 10 + (ch - '0');
    if (v > 255) return 0;
  }
  return v > 0 && v < 256 ? static_cast<uint8_t>(v) : 0;
}

void ExtractFacts(const Rules& rules, const PersonRecords& person, std::vector<Fact>* out) {
  const size_t start = out->size();
  const Ctx c{rules, person};
  for (const CIndicator& ind : rules.indicators()) {
    if (!ind.den_aggregate) Units(c, ind, ind.den, true, out);
    if (!ind.num_is_flag) Units(c, ind, ind.num, false, out);
  }
  // A total order, so facts do not depend on the order of records dated the
  // same day (which one is a prevalence unit's "latest" then follows the content).
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(start), out->end(), [](const Fact& a, const Fact& b) {
    return std::tie(a.ind, a.day, a.ou, a.bits, a.weight, a.sex, a.ethnicity, a.age_band) <
           std::tie(b.ind, b.day, b.ou, b.bits, b.weight, b.sex, b.ethnicity, b.age_band);
  });
}

}  // namespace u5::indicator
