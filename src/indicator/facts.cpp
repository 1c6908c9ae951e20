#include "indicator/facts.h"

#include <algorithm>
#include <optional>
#include <tuple>

namespace u5::indicator {
namespace {

struct Ctx {
  const Rules& rules;
  const PersonRecords& p;
  // The earliest delivery of each of the person's pregnancies (pregnancy key,
  // date): a pregnancy's records dated after it are not of the pregnancy.
  std::vector<std::pair<int32_t, Date>> deliveries;

  const Date* DeliveryOf(int32_t preg) const {
    for (const auto& d : deliveries)
      if (d.first == preg) return &d.second;
    return nullptr;
  }
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

// Whether a link field (death_review.death_id) holds the anchor's record id.
bool Names(const Ctx& c, const Val& link, const EventData& anchor) {
  return link.kind == ValKind::string && c.rules.Str(link.str) == c.p.keys[static_cast<size_t>(anchor.self)];
}

bool RelatedHolds(const Ctx& c, const CRelated& r, const EventData* anchor, Date on, Date* reached) {
  if (r.newborns_scope) return NewbornsHold(c, r, anchor, on, reached);
  int32_t preg = -1;
  if (r.pregnancy_scope) {
    if (!anchor) return false;
    preg = anchor->type == c.rules.pregnancy_type() ? anchor->self : anchor->preg;
    if (preg < 0) return false;
  }
  // An antenatal visit entered after the delivery (validation refuses it now;
  // older data may hold one) is not part of the pregnancy.
  const Date* delivered = r.pregnancy_scope ? c.DeliveryOf(preg) : nullptr;
  int count = 0;
  std::vector<std::pair<ValKind, double>> seen_num;
  std::vector<uint32_t> seen_str;
  *reached = on;
  bool met = r.min_count <= 0;
  // The calendar bound: records before the subject completes `before_months`.
  const Date before = r.before_months > 0 ? MonthsCompletedOn(c.p.birth, r.before_months) : Date{};
  if (r.linked_scope && (!anchor || anchor->self < 0)) return false;
  for (const auto& e : c.p.events) {
    if (e.type != r.type || &e == anchor) continue;
    if (r.linked_scope && !Names(c, ValsOf(c, e)[r.link_slot], *anchor)) continue;
    if (r.pregnancy_scope && (e.preg != preg || (delivered && e.date > *delivered))) continue;
    const int rel = e.date.days - on.days;
    if (r.has_min && rel < r.window_min) continue;
    if (r.has_max && rel > r.window_max) continue;
    if (r.same_year && YearOf(e.date) != YearOf(on)) continue;
    if (r.before_months > 0 && (e.date < c.p.birth || e.date >= before)) continue;
    const Val* vals = ValsOf(c, e);
    if (!AllHold(c, r.where, vals, e.date)) continue;
    if (r.min_months_before >= 0 && (e.date > on || CompletedMonths(e.date, on) < r.min_months_before)) continue;
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

// The pregnancy an event belongs to (a pregnancy record is its own), -1: none.
int32_t PregnancyOf(const Ctx& c, const EventData& e) {
  return e.type == c.rules.pregnancy_type() ? e.self : e.preg;
}

// The order of `once_per`: date, then the record created first (UUIDv7 ids
// sort by creation), so the pick does not depend on the order events are read.
bool Before(const Ctx& c, const EventData& a, const EventData& b) {
  if (a.date != b.date) return a.date < b.date;
  if (a.self < 0 || b.self < 0) return a.self >= 0;
  return c.p.keys[static_cast<size_t>(a.self)] < c.p.keys[static_cast<size_t>(b.self)];
}

// `once_per`: the first record of each group (pregnancy, or calendar year)
// that passes the unit's conditions and related rules.
std::vector<const EventData*> FirstOfEachGroup(const Ctx& c, const CUnit& u) {
  std::vector<std::pair<int32_t, const EventData*>> first;  // group, unit
  for (const auto& e : c.p.events) {
    if (e.type != u.type) continue;
    int32_t group;
    if (u.once_per == OncePer::pregnancy) {
      group = PregnancyOf(c, e);
      if (group < 0) continue;  // of no pregnancy: nothing to count once
      const Date* delivered = c.DeliveryOf(group);
      if (delivered && e.date > *delivered) continue;  // after the delivery: not of the pregnancy
    } else {
      group = YearOf(e.date);
    }
    const Val* vals = ValsOf(c, e);
    Date last;
    if (!AllHold(c, u.where, vals, e.date) || !AllRelated(c, u.related, &e, e.date, &last)) continue;
    auto it = std::find_if(first.begin(), first.end(), [&](const auto& g) { return g.first == group; });
    if (it == first.end()) first.emplace_back(group, &e);
    else if (Before(c, e, *it->second)) it->second = &e;
  }
  std::vector<const EventData*> out;
  for (const auto& g : first) out.push_back(g.second);
  return out;
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
    // A birth cohort unit is dated by the birthday it reaches, so a period
    // holds the children who reached it then (persons are filed under their
    // current commune).
    emit(nullptr, u.birthday_months > 0 ? MonthsCompletedOn(c.p.birth, u.birthday_months) : c.p.birth, c.p.ou, nullptr);
    return;
  }
  if (u.once_per != OncePer::none) {
    for (const EventData* e : FirstOfEachGroup(c, u)) emit(e, e->date, e->ou, ValsOf(c, *e));
    return;
  }
  for (const auto& e : c.p.events) {
    if (e.type != u.type) continue;
    Date on = e.date;
    if (u.date_slot >= 0) {
      const Val& v = ValsOf(c, e)[u.date_slot];
      const std::optional<Date> d = v.kind == ValKind::string ? ParseDate(c.rules.Str(v.str)) : std::nullopt;
      if (!d) continue;  // no such date: not a unit
      on = *d;
    }
    emit(&e, on, e.ou, ValsOf(c, e));
  }
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
  Ctx c{rules, person, {}};
  if (rules.delivery_type() >= 0)
    for (const auto& e : person.events)
      if (e.type == rules.delivery_type() && e.preg >= 0) {
        auto it = std::find_if(c.deliveries.begin(), c.deliveries.end(), [&](const auto& d) { return d.first == e.preg; });
        if (it == c.deliveries.end()) c.deliveries.emplace_back(e.preg, e.date);
        else if (e.date < it->second) it->second = e.date;
      }
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
