#include "care/packed.h"

#include <cstring>

namespace u5::care {
namespace {

// A reference to a string: a name (high bit set, then its number) or the
// offset of a string in the block's text. There a string is a tag byte and its
// bytes: a length below 0xFE; 0xFE and a 4-byte length; 0xFF and a UUID's 16 bytes.
constexpr uint32_t kName = 0x80000000u;
constexpr int32_t kNoDate = INT32_MIN;  // an absent optional date (no registry date comes near it)

struct Head {
  uint32_t size;  // bytes of the block
  uint32_t n_items, n_alerts, n_rejected;
  int32_t birth, wake, until;
  uint32_t flags;  // kDead, kChild
  uint32_t id;     // always text of the block's own, not a UUID: the service's map views it
  uint32_t full_name, sex, village, phone, mother_id, orgunit;
};
constexpr uint32_t kDead = 1, kChild = 2;

// What an item takes from its rule, shared by every item of that rule (and of
// that pregnancy's month lengths for tetanus' grace days).
struct Shape {
  uint32_t rule, group, closed;  // names
  int32_t interval_n, grace_days;
  uint8_t interval_unit;  // 0 = no interval
  uint8_t vaccine;
  uint8_t pregnancy_suffix;  // the item's id is the name `id` + "@" + its pregnancy id
  uint8_t id_is_rule;        // the item's id is its rule's (most of a child's): `id` unused
};

struct PItem {
  int32_t earliest, due, late, max, done, last_done;  // kNoDate when absent
  uint32_t id, pregnancy_id, done_event;
  uint32_t shape;
  int16_t after;
  uint16_t n_rejected;  // the next n of the block's rejected events, in item order
};

struct PRejected {
  uint32_t event_id;
  int32_t date;
  uint32_t reason;  // a name
};

struct PAlert {
  int32_t from, until;
  uint32_t id, rule, person_id, record_id, item_id, message, message_en;
  uint32_t id_form;  // kIdRaw: `id` is the id; else the id joins the fields
};
constexpr uint32_t kIdRaw = 0, kIdRulePersonItem = 1, kIdRuleRecord = 2;

static_assert(sizeof(Head) == 60 && sizeof(PItem) == 44 && sizeof(PRejected) == 12 && sizeof(PAlert) == 40 && sizeof(Shape) == 24,
              "a packed struct changed size: blocks are saved as bytes, bump the snapshot format");

int32_t Opt(const std::optional<Date>& d) { return d ? d->days : kNoDate; }
std::optional<Date> Opt(int32_t d) { return d == kNoDate ? std::nullopt : std::optional<Date>(Date{d}); }

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// A UUID as the registry writes it (lower case, hyphens at 8, 13, 18, 23) into 16 bytes.
bool UuidBytes(std::string_view s, uint8_t* out) {
  if (s.size() != 36) return false;
  int n = 0;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
      continue;
    }
    const int hi = Hex(s[i]), lo = i + 1 < 36 ? Hex(s[i + 1]) : -1;
    if (hi < 0 || lo < 0) return false;
    out[n++] = static_cast<uint8_t>(hi << 4 | lo);
    ++i;
  }
  return n == 16;
}

void UuidText(const uint8_t* b, std::string* out) {
  static const char* const kHex = "0123456789abcdef";
  out->resize(36);
  size_t j = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) (*out)[j++] = '-';
    (*out)[j++] = kHex[b[i] >> 4];
    (*out)[j++] = kHex[b[i] & 15];
  }
}

struct View {
  const Head* head;
  const PItem* items;
  const PAlert* alerts;
  const PRejected* rejected;
  const char* text;
  size_t text_size;
};

View ViewOf(const uint32_t* b) {
  View v;
  const char* p = reinterpret_cast<const char*>(b);
  v.head = reinterpret_cast<const Head*>(p);
  size_t at = sizeof(Head);
  v.items = reinterpret_cast<const PItem*>(p + at);
  at += v.head->n_items * sizeof(PItem);
  v.alerts = reinterpret_cast<const PAlert*>(p + at);
  at += v.head->n_alerts * sizeof(PAlert);
  v.rejected = reinterpret_cast<const PRejected*>(p + at);
  at += v.head->n_rejected * sizeof(PRejected);
  v.text = p + at;
  v.text_size = v.head->size - at;
  return v;
}

void Text(const View& v, const Tables& t, uint32_t ref, std::string* out) {
  if (ref & kName) {
    out->assign(t.names.At(ref & ~kName));
    return;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(v.text + ref);
  if (p[0] == 0xFF) return UuidText(p + 1, out);
  if (p[0] == 0xFE) {
    uint32_t n;
    std::memcpy(&n, p + 1, 4);
    out->assign(reinterpret_cast<const char*>(p + 5), n);
    return;
  }
  out->assign(reinterpret_cast<const char*>(p + 1), p[0]);
}

std::string_view NameOf(const Tables& t, uint32_t ref) { return t.names.At(ref & ~kName); }

Shape ShapeOf(const Tables& t, uint32_t i) {
  Shape s;
  std::memcpy(&s, t.shapes.At(i).data(), sizeof s);
  return s;
}

// Locked reads: a packer decodes a new shape while others may add names.
ShapeView Decode(const Tables& t, const Shape& s) {
  ShapeView v;
  v.rule = t.names.AtLocked(s.rule);
  v.group = t.names.AtLocked(s.group);
  v.closed = t.names.AtLocked(s.closed);
  if (s.interval_unit) v.interval = Span{s.interval_n, static_cast<char>(s.interval_unit)};
  v.grace_days = s.grace_days;
  v.vaccine = s.vaccine;
  v.pregnancy_suffix = s.pregnancy_suffix;
  v.id_is_rule = s.id_is_rule;
  return v;
}

// Whether `ref` names a string within the block's text or the names.
bool ValidRef(const View& v, const Tables& t, uint32_t ref) {
  if (ref & kName) return (ref & ~kName) < t.names.size();
  if (ref >= v.text_size) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(v.text + ref);
  const size_t room = v.text_size - ref - 1;
  if (p[0] == 0xFF) return room >= 16;
  if (p[0] == 0xFE) {
    if (room < 4) return false;
    uint32_t n;
    std::memcpy(&n, p + 1, 4);
    return n <= room - 4;
  }
  return p[0] <= room;
}

}  // namespace

Interner::Interner() { Add("", false); }

uint32_t Interner::Add(std::string_view s, bool optional, std::string_view* stored) {
  std::lock_guard lock(mu_);
  auto it = index_.find(s);
  if (it == index_.end()) {
    if (optional && strings_.size() >= kOptionalLimit) return kNone;
    const std::string& copy = strings_.emplace_back(s);
    it = index_.emplace(copy, static_cast<uint32_t>(strings_.size() - 1)).first;
  }
  if (stored) *stored = it->first;
  return it->second;
}

uint32_t Interner::Find(std::string_view s) const {
  std::lock_guard lock(mu_);
  auto it = index_.find(s);
  return it == index_.end() ? kNone : it->second;
}

uint32_t Packer::Name(std::string_view s, bool optional) {
  if (auto it = names_.find(s); it != names_.end()) return it->second;
  std::string_view stored;
  const uint32_t n = t_.names.Add(s, optional, &stored);
  if (n != Interner::kNone) names_.emplace(stored, n);
  return n;
}

uint32_t Packer::ViewName(std::string_view s) {
  const std::pair<const char*, size_t> key{s.data(), s.size()};
  if (auto it = views_.find(key); it != views_.end()) return it->second;
  const uint32_t n = Name(s, false);
  views_.emplace(key, n);
  return n;
}

uint32_t Packer::Raw(std::string_view s, bool once) {
  // From the last: an item's pregnancy id is most often the previous item's.
  if (once)
    for (auto it = seen_.rbegin(); it != seen_.rend(); ++it)
      if (it->first == s) return it->second;
  const auto off = static_cast<uint32_t>(blob_.size());
  uint8_t uuid[16];
  if (UuidBytes(s, uuid)) {
    blob_.push_back(static_cast<char>(0xFF));
    blob_.append(reinterpret_cast<const char*>(uuid), 16);
  } else if (s.size() < 0xFE) {
    blob_.push_back(static_cast<char>(s.size()));
    blob_.append(s);
  } else {
    const auto n = static_cast<uint32_t>(s.size());
    blob_.push_back(static_cast<char>(0xFE));
    blob_.append(reinterpret_cast<const char*>(&n), 4);
    blob_.append(s);
  }
  if (once) seen_.emplace_back(s, off);
  return off;
}

uint32_t Packer::Ref(std::string_view s, bool share, bool once) {
  if (s.empty()) return kName;  // name 0
  if (share)
    if (const uint32_t n = Name(s, true); n != Interner::kNone) return kName | n;
  return Raw(s, once);
}

Block Packer::Pack(const Person& person, const Plan& plan, const std::vector<Alert>& alerts_in, Date wake, Date until) {
  blob_.clear();
  seen_.clear();
  Head h{};
  // The id first and as text: the service's map keys view it.
  const auto id_off = static_cast<uint32_t>(blob_.size());
  blob_.push_back(static_cast<char>(0xFE));
  const auto id_size = static_cast<uint32_t>(person.id.size());
  blob_.append(reinterpret_cast<const char*>(&id_size), 4);
  blob_.append(person.id);
  seen_.emplace_back(person.id, id_off);
  h.id = id_off;
  h.n_items = static_cast<uint32_t>(plan.items.size());
  h.n_alerts = static_cast<uint32_t>(alerts_in.size());
  h.birth = person.birth.days;
  h.wake = wake.days;
  h.until = until.days;
  h.flags = (plan.dead ? kDead : 0) | (plan.child ? kChild : 0);
  h.full_name = Ref(person.full_name, false);
  h.sex = Ref(person.sex, true);
  h.village = Ref(person.village, true);
  h.phone = Ref(person.phone, false);
  h.mother_id = Ref(person.mother_id, false);
  // The worklists index blocks by this number: a name whatever the table's size.
  h.orgunit = kName | Name(person.orgunit, false);
  thread_local std::vector<PItem> items;
  thread_local std::vector<PRejected> rejected;
  thread_local std::vector<PAlert> alerts;
  items.clear();
  rejected.clear();
  alerts.clear();
  for (const Item& it : plan.items) {
    PItem p{};
    Shape s{};
    s.rule = ViewName(it.rule);
    s.group = ViewName(it.group);
    s.closed = ViewName(it.closed);
    if (it.interval) {
      s.interval_n = it.interval->n;
      s.interval_unit = static_cast<uint8_t>(it.interval->unit);
    }
    s.grace_days = it.grace_days;
    s.vaccine = it.vaccine;
    const std::string_view id = it.id;
    const bool suffixed = !it.pregnancy_id.empty() && id.size() > it.pregnancy_id.size() + 1 &&
                          id.ends_with(it.pregnancy_id) && id[id.size() - it.pregnancy_id.size() - 1] == '@';
    s.pregnancy_suffix = suffixed;
    s.id_is_rule = !suffixed && id == it.rule;
    // A pregnancy's item ids are that pregnancy's; a child's are the same for every child.
    if (s.id_is_rule) p.id = kName;
    else if (suffixed) p.id = kName | Name(id.substr(0, id.size() - it.pregnancy_id.size() - 1), false);
    else p.id = Ref(id, it.pregnancy_id.empty(), true);
    p.pregnancy_id = Ref(it.pregnancy_id, false, true);
    p.done_event = Ref(it.done_event, false);
    const std::string_view shape(reinterpret_cast<const char*>(&s), sizeof s);
    if (auto f = shapes_.find(shape); f != shapes_.end()) p.shape = f->second;
    else {
      // Numbered and decoded under one lock, so that shape_views follows the numbers.
      std::lock_guard lock(t_.shape_mu);
      std::string_view stored;
      p.shape = t_.shapes.Add(shape, false, &stored);
      if (p.shape == t_.shape_views.size()) t_.shape_views.push_back(Decode(t_, s));
      shapes_.emplace(stored, p.shape);
    }
    p.earliest = it.earliest.days;
    p.due = it.due.days;
    p.late = it.late.days;
    p.max = Opt(it.max);
    p.done = Opt(it.done);
    p.last_done = Opt(it.last_done);
    p.after = static_cast<int16_t>(it.after);
    p.n_rejected = static_cast<uint16_t>(it.rejected.size());
    for (const Rejected& r : it.rejected) rejected.push_back({Ref(r.event_id, false), r.date.days, ViewName(r.reason)});
    items.push_back(p);
  }
  h.n_rejected = static_cast<uint32_t>(rejected.size());
  for (const Alert& a : alerts_in) {
    PAlert p{};
    p.from = a.from.days;
    p.until = Opt(a.until);
    p.rule = kName | Name(a.rule, false);
    p.person_id = Ref(a.person_id, false, true);
    p.record_id = Ref(a.record_id, false, true);
    p.item_id = Ref(a.item_id, true);
    p.message = Ref(a.message, true);
    p.message_en = Ref(a.message_en, true);
    const std::string_view id = a.id;
    auto joined = [&](std::initializer_list<std::string_view> parts) {
      size_t n = 0;
      for (auto x : parts) n += x.size() + 1;
      if (id.size() + 1 != n) return false;
      size_t at = 0;
      for (auto x : parts) {
        if (at && id[at - 1] != ':') return false;
        if (id.substr(at, x.size()) != x) return false;
        at += x.size() + 1;
      }
      return true;
    };
    if (joined({a.rule, a.person_id, a.item_id})) p.id_form = kIdRulePersonItem;
    else if (joined({a.rule, a.record_id})) p.id_form = kIdRuleRecord;
    else p.id = Ref(id, false);
    alerts.push_back(p);
  }
  size_t bytes = sizeof(Head) + items.size() * sizeof(PItem) + alerts.size() * sizeof(PAlert) +
                 rejected.size() * sizeof(PRejected) + blob_.size();
  bytes = (bytes + 3) & ~size_t{3};
  Block b(new uint32_t[bytes / 4]);
  b[bytes / 4 - 1] = 0;  // the padding after the text
  h.size = static_cast<uint32_t>(bytes);
  char* p = reinterpret_cast<char*>(b.get());
  auto put = [&](const void* src, size_t n) {
    if (n) std::memcpy(p, src, n);
    p += n;
  };
  put(&h, sizeof h);
  put(items.data(), items.size() * sizeof(PItem));
  put(alerts.data(), alerts.size() * sizeof(PAlert));
  put(rejected.data(), rejected.size() * sizeof(PRejected));
  put(blob_.data(), blob_.size());
  return b;
}

std::string_view BlockId(const uint32_t* b) {
  const View v = ViewOf(b);
  uint32_t n;
  std::memcpy(&n, v.text + v.head->id + 1, 4);
  return {v.text + v.head->id + 5, n};
}

uint32_t BlockOrgunit(const uint32_t* b) { return reinterpret_cast<const Head*>(b)->orgunit & ~kName; }
Date BlockWake(const uint32_t* b) { return Date{reinterpret_cast<const Head*>(b)->wake}; }
Date BlockUntil(const uint32_t* b) { return Date{reinterpret_cast<const Head*>(b)->until}; }
size_t BlockBytes(const uint32_t* b) { return reinterpret_cast<const Head*>(b)->size; }

void UnpackPerson(const uint32_t* b, const Tables& t, Person* out) {
  const View v = ViewOf(b);
  const Head& h = *v.head;
  Text(v, t, h.id, &out->id);
  Text(v, t, h.orgunit, &out->orgunit);
  Text(v, t, h.full_name, &out->full_name);
  Text(v, t, h.sex, &out->sex);
  Text(v, t, h.village, &out->village);
  Text(v, t, h.phone, &out->phone);
  Text(v, t, h.mother_id, &out->mother_id);
  out->birth = Date{h.birth};
}

namespace {

// The fields of item `p` but its strings (and its rejected events, which are strings).
void ItemFields(const PItem& p, const Tables& t, Item* out) {
  const ShapeView& s = t.shape_views[p.shape];
  Item& it = *out;
  it.rule = s.rule;
  it.group = s.group;
  it.closed = s.closed;
  it.done = Opt(p.done);
  it.last_done = Opt(p.last_done);
  it.earliest = Date{p.earliest};
  it.due = Date{p.due};
  it.late = Date{p.late};
  it.max = Opt(p.max);
  it.after = p.after;
  it.interval = s.interval;
  it.grace_days = s.grace_days;
  it.vaccine = s.vaccine;
}

// The strings of item `i`, whose rejected events start at `rej`.
void ItemText(const View& v, const Tables& t, const PItem& p, const PRejected* rej, Item* out) {
  Item& it = *out;
  Text(v, t, p.pregnancy_id, &it.pregnancy_id);
  const ShapeView& s = t.shape_views[p.shape];
  if (s.id_is_rule) it.id.assign(s.rule);
  else Text(v, t, p.id, &it.id);
  if (s.pregnancy_suffix) it.id.append("@").append(it.pregnancy_id);
  Text(v, t, p.done_event, &it.done_event);
  it.rejected.resize(p.n_rejected);
  for (auto& r : it.rejected) {
    Text(v, t, rej->event_id, &r.event_id);
    r.date = Date{rej->date};
    r.reason = NameOf(t, rej->reason);
    ++rej;
  }
}

void AlertText(const View& v, const Tables& t, const PAlert& p, Alert* out) {
  Alert& a = *out;
  Text(v, t, p.person_id, &a.person_id);
  Text(v, t, p.record_id, &a.record_id);
  Text(v, t, p.item_id, &a.item_id);
  Text(v, t, p.message, &a.message);
  Text(v, t, p.message_en, &a.message_en);
  if (p.id_form == kIdRaw) Text(v, t, p.id, &a.id);
  else if (p.id_form == kIdRulePersonItem) a.id.assign(a.rule).append(":").append(a.person_id).append(":").append(a.item_id);
  else a.id.assign(a.rule).append(":").append(a.record_id);
}

void Unpack(const uint32_t* b, const Tables& t, Entry* out, bool texts) {
  const View v = ViewOf(b);
  const Head& h = *v.head;
  UnpackPerson(b, t, &out->person);
  out->wake = Date{h.wake};
  out->until = Date{h.until};
  Plan& plan = out->plan;
  plan.person_id = out->person.id;
  plan.birth = out->person.birth;
  plan.dead = h.flags & kDead;
  plan.child = h.flags & kChild;
  plan.items.resize(h.n_items);
  const PRejected* rej = v.rejected;
  for (uint32_t i = 0; i < h.n_items; ++i) {
    Item& it = plan.items[i];
    ItemFields(v.items[i], t, &it);
    if (texts) {
      ItemText(v, t, v.items[i], rej, &it);
      rej += v.items[i].n_rejected;
    } else {
      it.id.clear();
      it.pregnancy_id.clear();
      it.done_event.clear();
      it.rejected.clear();
    }
  }
  out->alerts.resize(h.n_alerts);
  for (uint32_t i = 0; i < h.n_alerts; ++i) {
    const PAlert& p = v.alerts[i];
    Alert& a = out->alerts[i];
    Text(v, t, p.rule, &a.rule);
    a.from = Date{p.from};
    a.until = Opt(p.until);
    if (texts) AlertText(v, t, p, &a);
    else {
      a.id.clear();
      a.person_id.clear();
      a.record_id.clear();
      a.item_id.clear();
      a.message.clear();
      a.message_en.clear();
    }
  }
}

}  // namespace

void Unpack(const uint32_t* b, const Tables& t, Entry* out) { Unpack(b, t, out, true); }
void UnpackLite(const uint32_t* b, const Tables& t, Entry* out) { Unpack(b, t, out, false); }

void UnpackItemText(const uint32_t* b, const Tables& t, size_t i, Item* out) {
  const View v = ViewOf(b);
  const PRejected* rej = v.rejected;
  for (size_t k = 0; k < i; ++k) rej += v.items[k].n_rejected;
  ItemText(v, t, v.items[i], rej, out);
}

void UnpackAlertText(const uint32_t* b, const Tables& t, size_t i, Alert* out) {
  const View v = ViewOf(b);
  AlertText(v, t, v.alerts[i], out);
}

bool ValidShapes(Tables* tables) {
  Tables& t = *tables;
  t.shape_views.resize(1);
  for (uint32_t i = 1; i < t.shapes.size(); ++i) {  // 0 is the table's "", never an item's shape
    if (t.shapes.At(i).size() != sizeof(Shape)) return false;
    const Shape s = ShapeOf(t, i);
    if (s.rule >= t.names.size() || s.group >= t.names.size() || s.closed >= t.names.size()) return false;
    const char u = static_cast<char>(s.interval_unit);
    if (u != 0 && u != 'd' && u != 'w' && u != 'm' && u != 'y') return false;
    if (s.vaccine > 1 || s.pregnancy_suffix > 1 || s.id_is_rule > 1 || (s.id_is_rule && s.pregnancy_suffix)) return false;
    t.shape_views.push_back(Decode(t, s));
  }
  return true;
}

bool ValidBlock(const uint32_t* b, size_t bytes, const Tables& t) {
  if (bytes < sizeof(Head) || bytes % 4) return false;
  const Head& h = *reinterpret_cast<const Head*>(b);
  if (h.size != bytes) return false;
  const uint64_t fixed = sizeof(Head) + uint64_t{h.n_items} * sizeof(PItem) + uint64_t{h.n_alerts} * sizeof(PAlert) +
                         uint64_t{h.n_rejected} * sizeof(PRejected);
  if (fixed > bytes || h.flags > (kDead | kChild)) return false;
  const View v = ViewOf(b);
  auto ref = [&](uint32_t r) { return ValidRef(v, t, r); };
  auto name = [&](uint32_t r) { return (r & kName) && ref(r); };
  if (h.id & kName || !ref(h.id) || static_cast<uint8_t>(v.text[h.id]) != 0xFE) return false;
  if (!name(h.orgunit) || !ref(h.full_name) || !ref(h.sex) || !ref(h.village) || !ref(h.phone) || !ref(h.mother_id)) return false;
  uint64_t n_rejected = 0;
  for (uint32_t i = 0; i < h.n_items; ++i) {
    const PItem& p = v.items[i];
    // Evaluate reads the item waited for before the one waiting.
    if (p.shape == 0 || p.shape >= t.shape_views.size() || p.after < -1 || p.after >= static_cast<int64_t>(i)) return false;
    if (!ref(p.id) || !ref(p.pregnancy_id) || !ref(p.done_event)) return false;
    if (t.shape_views[p.shape].pregnancy_suffix && !(p.id & kName)) return false;
    n_rejected += p.n_rejected;
  }
  if (n_rejected != h.n_rejected) return false;
  for (uint32_t i = 0; i < h.n_rejected; ++i)
    if (!ref(v.rejected[i].event_id) || (v.rejected[i].reason & ~kName) >= t.names.size()) return false;
  for (uint32_t i = 0; i < h.n_alerts; ++i) {
    const PAlert& p = v.alerts[i];
    if (!name(p.rule) || !ref(p.person_id) || !ref(p.record_id) || !ref(p.item_id) || !ref(p.message) || !ref(p.message_en))
      return false;
    if (p.id_form > kIdRuleRecord || (p.id_form == kIdRaw && !ref(p.id))) return false;
  }
  return true;
}

}  // namespace u5::care
