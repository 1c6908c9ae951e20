// A person's entry as the care service keeps it: one allocation holding the
// plan's items and the alerts as fixed-size structs, then the person's own
// strings (ids in canonical UUID form as their 16 bytes). Names that many
// persons share (rule ids, groups, org units, villages, messages, the item ids
// of children) are numbers into the service's Interner, and the few values an
// item takes from its rule (rule, group, interval, grace) one number into a
// table of shapes. A province's plans then take a sixth of the memory of the
// Entry structs, which the service builds from a block whenever it is read
// (docs/performance.md, care).
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "care/alerts.h"
#include "care/history.h"
#include "care/plan.h"

namespace u5::care {

struct Entry {
  Person person;
  Plan plan;
  std::vector<Alert> alerts;
  // Bounds of the worklists this person can be on, so a worklist skips the
  // others without evaluating them: listed for [from, to] only if
  // wake <= to (nothing open falls due, and no alert starts, before wake) and
  // from <= until (after it every open item is missed and every alert over).
  Date wake, until;
};

// Strings by number, never removed (a removed one could still be named by a
// block). Add is thread-safe; At and Find are not synchronized with Add: the
// service reads only while no write (which alone adds) runs.
class Interner {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  // Strings added only when there is room (messages, villages, item ids):
  // past this many, such strings stay in the persons' blocks.
  static constexpr uint32_t kOptionalLimit = 1u << 20;
  Interner();  // number 0 is ""
  // The number of `s`, added if new; kNone when it is optional and the table full.
  // `stored` (when given) views the table's own copy.
  uint32_t Add(std::string_view s, bool optional, std::string_view* stored = nullptr);
  uint32_t Find(std::string_view s) const;
  std::string_view At(uint32_t i) const { return strings_[i]; }
  // The same while others may Add (packers on other threads).
  std::string_view AtLocked(uint32_t i) const {
    std::lock_guard lock(mu_);
    return strings_[i];
  }
  uint32_t size() const { return static_cast<uint32_t>(strings_.size()); }

 private:
  mutable std::mutex mu_;
  std::deque<std::string> strings_;
  std::unordered_map<std::string_view, uint32_t> index_;
};

// A block: its first word is its size in bytes (a multiple of 4).
using Block = std::unique_ptr<uint32_t[]>;

// A shape as items read it (the names resolved), by the shape's number.
struct ShapeView {
  std::string_view rule, group, closed;
  std::optional<Span> interval;
  int grace_days = 0;
  bool vaccine = false, pregnancy_suffix = false, id_is_rule = false;
};

struct Tables {
  Interner names, shapes;
  // shapes decoded, added with them (under shape_mu) and read as the strings are.
  std::vector<ShapeView> shape_views{ShapeView{}};
  std::mutex shape_mu;
};

// Packs entries into blocks. One a thread: it remembers the numbers it has
// looked up, so a province's names are asked of the shared tables once.
class Packer {
 public:
  explicit Packer(Tables& t) : t_(t) {}
  Block Pack(const Entry& e) { return Pack(e.person, e.plan, e.alerts, e.wake, e.until); }
  Block Pack(const Person& person, const Plan& plan, const std::vector<Alert>& alerts, Date wake, Date until);

 private:
  uint32_t Name(std::string_view s, bool optional);
  // The name of a view into the schedule or a literal, looked up by where it points.
  uint32_t ViewName(std::string_view s);
  // A string of the block's own, or a name when `share` and there is room;
  // `once`: kept once in the block however often it is given (pregnancy and record ids).
  uint32_t Ref(std::string_view s, bool share, bool once = false);
  uint32_t Raw(std::string_view s, bool once);
  Tables& t_;
  std::unordered_map<std::string_view, uint32_t> names_, shapes_;
  struct ViewHash {
    size_t operator()(const std::pair<const char*, size_t>& p) const {
      return std::hash<const void*>{}(p.first) ^ (p.second * 0x9e3779b97f4a7c15ull);
    }
  };
  std::unordered_map<std::pair<const char*, size_t>, uint32_t, ViewHash> views_;
  std::string blob_;
  std::vector<std::pair<std::string_view, uint32_t>> seen_;
};

// What a block holds, read back.
std::string_view BlockId(const uint32_t* b);
uint32_t BlockOrgunit(const uint32_t* b);  // a number of Tables::names
Date BlockWake(const uint32_t* b);
Date BlockUntil(const uint32_t* b);
// The whole entry, over what `out` held (its buffers reused).
void Unpack(const uint32_t* b, const Tables& t, Entry* out);
void UnpackPerson(const uint32_t* b, const Tables& t, Person* out);
// The entry without the strings of its items and alerts but their rules,
// groups and reasons closed (ids, events, pregnancies, messages left empty):
// all that Evaluate and a worklist's filters read, built without allocating
// into an entry reused from person to person.
void UnpackLite(const uint32_t* b, const Tables& t, Entry* out);
// The strings UnpackLite leaves out, of item `i` / alert `i`.
void UnpackItemText(const uint32_t* b, const Tables& t, size_t i, Item* out);
void UnpackAlertText(const uint32_t* b, const Tables& t, size_t i, Alert* out);
// Whether `bytes` of words are a block whose every offset, count and number
// lies within it and within `t` (a snapshot's blocks are checked before use).
bool ValidBlock(const uint32_t* b, size_t bytes, const Tables& t);
// Whether every shape of `t` names existing names (a snapshot's tables), then
// decodes them into t->shape_views.
bool ValidShapes(Tables* t);
// Bytes of heap a block takes (its allocation).
size_t BlockBytes(const uint32_t* b);

}  // namespace u5::care
