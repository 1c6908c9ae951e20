#include "indicator/engine.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include "snapshot/file.h"

namespace u5::indicator {
namespace {

struct Ym {
  int y;
  unsigned m;
};

Ym YmOf(int32_t day) {
  int y;
  unsigned m, d;
  YmdFromDate(Date{day}, y, m, d);
  return {y, m};
}

Status Bad(const std::string& what) { return Status::Invalid("snapshot", "indicator snapshot: " + what); }

}  // namespace

Engine::Engine(const Catalogue& cat, AncestorsFn ancestors) : cat_(cat), rules_(cat), ancestors_(std::move(ancestors)) {
  layout_.first_year = cat.first_year();
  layout_.years = cat.last_year() - cat.first_year() + 1;
  icd10_chapters_ = ReadIcd10Chapters(cat.death_analysis());
  comp_of_.assign(cat.indicators().size(), -1);
  for (size_t i = 0; i < cat.indicators().size(); ++i)
    if (cat.indicators()[i].computable) comp_of_[i] = n_comp_++;
  first_day_ = DateFromYmd(layout_.first_year, 1, 1).days;
  const int end = DateFromYmd(layout_.first_year + layout_.years, 1, 1).days;
  month_of_.resize(static_cast<size_t>(end - first_day_));
  for (int d = first_day_; d < end; ++d) {
    const Ym ym = YmOf(d);
    month_of_[static_cast<size_t>(d - first_day_)] = static_cast<int16_t>((ym.y - layout_.first_year) * 12 + static_cast<int>(ym.m) - 1);
  }
}

void Engine::Clear() {
  ou_names_.clear();
  ou_index_.clear();
  last_ou_name_.clear();
  anc_.clear();
  anc_loaded_.clear();
  cells_.clear();
  person_index_.clear();
  facts_.clear();
  fact_count_ = 0;
  deaths_.clear();
  mother_of_.clear();
  children_of_.clear();
}

std::string Engine::SetMother(const std::string& child, const std::string& mother) {
  std::string old;
  if (auto it = mother_of_.find(child); it != mother_of_.end()) {
    old = it->second;
    if (old == mother) return old;
    auto& kids = children_of_[old];
    kids.erase(std::remove(kids.begin(), kids.end(), child), kids.end());
    if (kids.empty()) children_of_.erase(old);
    mother_of_.erase(it);
  }
  if (!mother.empty()) {
    mother_of_[child] = mother;
    children_of_[mother].push_back(child);
  }
  return old;
}

std::string Engine::MotherOf(const std::string& child) const {
  auto it = mother_of_.find(child);
  return it == mother_of_.end() ? std::string() : it->second;
}

std::vector<std::string> Engine::ChildrenOf(const std::string& mother) const {
  auto it = children_of_.find(mother);
  return it == children_of_.end() ? std::vector<std::string>{} : it->second;
}

uint32_t Engine::Intern(std::string_view ou) {
  auto it = ou_index_.find(std::string(ou));
  if (it != ou_index_.end()) return it->second;
  const uint32_t idx = static_cast<uint32_t>(ou_names_.size());
  ou_index_.emplace(std::string(ou), idx);
  ou_names_.emplace_back(ou);
  anc_.emplace_back();
  anc_loaded_.push_back(0);
  cells_.resize(cells_.size() + static_cast<size_t>(n_comp_) * layout_.slots());
  return idx;
}

const std::vector<uint32_t>& Engine::AncestorsOf(uint32_t ou) {
  if (!anc_loaded_[ou]) {
    std::vector<uint32_t> a;
    for (const auto& name : ancestors_(ou_names_[ou])) a.push_back(Intern(name));
    if (std::find(a.begin(), a.end(), ou) == a.end()) a.push_back(ou);
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
    anc_[ou] = std::move(a);
    anc_loaded_[ou] = 1;
  }
  return anc_[ou];
}

bool Engine::InSubtree(uint32_t ou, uint32_t root) const {
  const auto& a = anc_[ou];
  return std::binary_search(a.begin(), a.end(), root);
}

int Engine::MonthIndex(int32_t day) const {
  const int64_t i = static_cast<int64_t>(day) - first_day_;
  return i < 0 || i >= static_cast<int64_t>(month_of_.size()) ? -1 : month_of_[static_cast<size_t>(i)];
}

void Engine::Apply(const std::vector<Fact>& facts, int sign) {
  const int n_slots = layout_.slots();
  const int years = layout_.years;
  for (size_t i = 0; i < facts.size(); ++i) {
    const Fact& f = facts[i];
    const int k = comp_of_[f.ind];
    if (k < 0) continue;
    const int mi = MonthIndex(f.day);
    if (mi < 0) continue;  // outside the matrix years
    const int y = mi / 12, m0 = mi % 12;
    // The same slots as SlotLayout::Slot for month, quarter, half and year, without the date conversion.
    int slots[4] = {mi, years * 12 + y * 4 + m0 / 3, years * 16 + y * 2 + m0 / 6, years * 18 + y};
    if ((f.bits & kLatest) && i + 1 < facts.size() && facts[i + 1].ind == f.ind && (facts[i + 1].bits & kLatest)) {
      // Only the person's latest unit in each period counts: drop the periods the next unit shares.
      const int ni = MonthIndex(facts[i + 1].day);
      if (ni >= 0 && ni / 12 == y) {
        const int n0 = ni % 12;
        slots[3] = -1;
        if (n0 / 6 == m0 / 6) slots[2] = -1;
        if (n0 / 3 == m0 / 3) slots[1] = -1;
        if (n0 == m0) slots[0] = -1;
      }
    }
    const int64_t num = (f.bits & kNum) ? sign * static_cast<int64_t>(f.weight) : 0;
    const int64_t den = (f.bits & kDen) ? sign * static_cast<int64_t>(f.weight) : 0;
    for (uint32_t a : anc_[f.ou]) {
      Cell* row = &cells_[(static_cast<size_t>(a) * n_comp_ + k) * n_slots];
      for (int s : slots) {
        if (s < 0) continue;
        row[s].num += num;
        row[s].den += den;
      }
    }
  }
}

uint32_t Engine::OrgUnit(std::string_view ou) {
  if (!ou_names_.empty() && ou == last_ou_name_) return last_ou_;
  const uint32_t idx = Intern(ou);
  // Ancestors are loaded as a unit is first seen, so Apply never grows the tables it walks.
  AncestorsOf(idx);
  last_ou_name_ = ou;
  last_ou_ = idx;
  return idx;
}

void Engine::ReplacePerson(const std::string& person_id, const PersonRecords* person) {
  auto it = person_index_.find(person_id);
  if (it != person_index_.end()) {
    Apply(facts_[it->second], -1);
    fact_count_ -= facts_[it->second].size();
    facts_[it->second].clear();
    deaths_.erase(it->second);
  }
  if (!person) return;
  std::vector<Fact> fresh;
  ExtractFacts(rules_, *person, &fresh);
  uint32_t idx;
  if (it != person_index_.end()) {
    idx = it->second;
  } else {
    idx = static_cast<uint32_t>(facts_.size());
    person_index_.emplace(person_id, idx);
    facts_.emplace_back();
  }
  Apply(fresh, +1);
  fact_count_ += fresh.size();
  fresh.shrink_to_fit();
  facts_[idx] = std::move(fresh);
  std::vector<DeathRow> rows;
  ExtractDeaths(rules_, icd10_chapters_, *person, &rows);
  if (!rows.empty()) deaths_[idx] = std::move(rows);
}

size_t Engine::death_count() const {
  size_t n = 0;
  for (const auto& [person, rows] : deaths_) n += rows.size();
  return n;
}

DeathCounts Engine::Deaths(const std::string& orgunit, Date from, Date to, const std::vector<std::string>& by) const {
  DeathCounts out;
  auto it = ou_index_.find(orgunit);
  if (it == ou_index_.end()) return out;  // no data anywhere below this unit
  const uint32_t root = it->second;
  static const char* kDelays[] = {"delay1_seeking", "delay2_reaching", "delay3_receiving"};
  for (const std::string& b : by) out.by[b];  // a dimension with no deaths is listed empty
  for (const auto& [person, rows] : deaths_)
    for (const DeathRow& r : rows) {
      if (r.day < from.days || r.day > to.days || !InSubtree(r.ou, root)) continue;
      ++out.total;
      if (r.reviewed) ++out.reviewed;
      for (const std::string& b : by) {
        auto& m = out.by[b];
        if (b == "category") ++m[rules_.Str(r.category)];
        else if (b == "place") ++m[rules_.Str(r.place)];
        else if (b == "cause_group") ++m[rules_.Str(r.cause_group)];
        else if (b == "avoidability") ++m[rules_.Str(r.avoidability)];
        else if (b == "commune") ++m[ou_names_[r.ou]];
        else if (b == "month") {
          const Ym ym = YmOf(r.day);
          char buf[16];
          std::snprintf(buf, sizeof buf, "%04d-%02u", ym.y, ym.m);
          ++m[buf];
        } else if (b == "delay") {
          // A death may show several delays: it counts once in each.
          if (!r.reviewed) ++m["not_reviewed"];
          else if (r.delays == 0) ++m["no_delay"];
          for (int d = 0; d < 3; ++d)
            if (r.delays & (1u << d)) ++m[kDelays[d]];
        }
      }
    }
  return out;
}

void Engine::RecomputeMatrix() {
  std::fill(cells_.begin(), cells_.end(), Cell{});
  for (const auto& pf : facts_) Apply(pf, +1);
}

template <class Fn>
void Engine::Scan(int ind, uint32_t root, Date from, Date to, Fn&& fn) const {
  for (const auto& pf : facts_) {
    const Fact* latest = nullptr;
    auto lo = std::lower_bound(pf.begin(), pf.end(), ind, [](const Fact& f, int i) { return f.ind < i; });
    for (auto it = lo; it != pf.end() && it->ind == ind; ++it) {
      if (it->day < from.days || it->day > to.days) continue;
      if (!InSubtree(it->ou, root)) continue;
      if (it->bits & kLatest) latest = &*it;  // facts are in date order: keep the last
      else fn(*it);
    }
    if (latest) fn(*latest);
  }
}

Cell Engine::Value(int ind, const std::string& orgunit, const Period& p) const {
  Cell c;
  if (ind < 0 || static_cast<size_t>(ind) >= comp_of_.size() || comp_of_[ind] < 0) return c;
  auto it = ou_index_.find(orgunit);
  if (it == ou_index_.end()) return c;  // no data anywhere below this unit
  const int slot = layout_.Slot(p);
  if (slot >= 0) return cells_[(static_cast<size_t>(it->second) * n_comp_ + comp_of_[ind]) * layout_.slots() + slot];
  Scan(ind, it->second, p.from, p.to, [&](const Fact& f) {
    if (f.bits & kNum) c.num += f.weight;
    if (f.bits & kDen) c.den += f.weight;
  });
  return c;
}

std::map<std::string, Cell> Engine::Breakdown(int ind, const std::string& orgunit, const Period& p, const std::string& by) const {
  std::map<std::string, Cell> out;
  if (ind < 0 || static_cast<size_t>(ind) >= comp_of_.size() || comp_of_[ind] < 0) return out;
  auto it = ou_index_.find(orgunit);
  if (it == ou_index_.end()) return out;
  static const char* kBands[] = {"0-27d", "28d-11m", "12-59m", "5y+"};
  Scan(ind, it->second, p.from, p.to, [&](const Fact& f) {
    std::string key;
    if (by == "sex") key = f.sex == 1 ? "female" : f.sex == 2 ? "male" : "unknown";
    else if (by == "ethnicity") key = f.ethnicity == 0 ? "unknown" : f.ethnicity == 1 ? "kinh" : "minority";
    else if (by == "age_band") key = kBands[std::min<int>(f.age_band, 3)];
    else key = ou_names_[f.ou];
    Cell& c = out[key];
    if (f.bits & kNum) c.num += f.weight;
    if (f.bits & kDen) c.den += f.weight;
  });
  return out;
}

std::map<std::tuple<std::string, std::string, int>, Cell> Engine::NonZeroCells() const {
  std::map<std::tuple<std::string, std::string, int>, Cell> out;
  const int n_slots = layout_.slots();
  for (size_t ou = 0; ou < ou_names_.size(); ++ou)
    for (size_t i = 0; i < comp_of_.size(); ++i) {
      if (comp_of_[i] < 0) continue;
      for (int s = 0; s < n_slots; ++s) {
        const Cell& c = cells_[(ou * n_comp_ + comp_of_[i]) * n_slots + s];
        if (c.num != 0 || c.den != 0) out[{ou_names_[ou], cat_.indicators()[i].id, s}] = c;
      }
    }
  return out;
}

size_t Engine::memory_bytes() const {
  size_t b = cells_.capacity() * sizeof(Cell) + fact_count_ * sizeof(Fact) + facts_.capacity() * sizeof(facts_[0]);
  b += person_index_.size() * 80 + ou_index_.size() * 80 + mother_of_.size() * 200;
  return b;
}

Engine::Sections Engine::Encode() const {
  Sections out;
  snapshot::Encoder ous;
  ous.I64(static_cast<int64_t>(ou_names_.size()));
  for (const auto& name : ou_names_) ous.Str(name);
  ous.Pod(anc_loaded_);
  out.emplace_back("orgunits", ous.Take());

  std::vector<const std::string*> ids(facts_.size());
  for (const auto& [id, idx] : person_index_) ids[idx] = &id;
  std::vector<uint32_t> counts(facts_.size());
  snapshot::Encoder persons;
  persons.I64(static_cast<int64_t>(ids.size()));
  for (size_t i = 0; i < ids.size(); ++i) {
    persons.Str(*ids[i]);
    counts[i] = static_cast<uint32_t>(facts_[i].size());
  }
  persons.Pod(counts);
  out.emplace_back("persons", persons.Take());
  // The facts as one array of their bytes (Fact is the layout: change it, bump the format).
  std::string facts;
  facts.reserve(fact_count_ * sizeof(Fact));
  for (const auto& pf : facts_) facts.append(reinterpret_cast<const char*>(pf.data()), pf.size() * sizeof(Fact));
  out.emplace_back("facts", std::move(facts));

  // Death rows name strings interned by this process's Rules: they travel as
  // text, numbered by a table of their own, and are interned again on load.
  std::unordered_map<uint32_t, uint32_t> local;
  std::vector<uint32_t> table;
  auto ref = [&](uint32_t id) {
    auto [it, fresh] = local.emplace(id, static_cast<uint32_t>(table.size()));
    if (fresh) table.push_back(id);
    return it->second;
  };
  std::vector<uint32_t> death_persons, death_counts;
  std::vector<DeathRow> rows;
  for (const auto& [person, rs] : deaths_) {
    death_persons.push_back(person);
    death_counts.push_back(static_cast<uint32_t>(rs.size()));
    for (DeathRow r : rs) {
      r.category = ref(r.category), r.place = ref(r.place), r.cause_group = ref(r.cause_group), r.avoidability = ref(r.avoidability);
      rows.push_back(r);
    }
  }
  snapshot::Encoder deaths;
  deaths.I64(static_cast<int64_t>(table.size()));
  for (uint32_t id : table) deaths.Str(rules_.Str(id));
  deaths.Pod(death_persons);
  deaths.Pod(death_counts);
  deaths.Pod(rows);
  out.emplace_back("deaths", deaths.Take());

  snapshot::Encoder families;
  families.I64(static_cast<int64_t>(mother_of_.size()));
  for (const auto& [child, mother] : mother_of_) {
    families.Str(child);
    families.Str(mother);
  }
  out.emplace_back("families", families.Take());

  // The matrix with the ancestors it was summed over: Decode takes it when the
  // store still gives the same ancestors, which saves a pass over every fact.
  std::vector<uint32_t> anc_counts, anc_flat;
  for (const auto& a : anc_) {
    anc_counts.push_back(static_cast<uint32_t>(a.size()));
    anc_flat.insert(anc_flat.end(), a.begin(), a.end());
  }
  snapshot::Encoder matrix;
  matrix.Pod(anc_counts);
  matrix.Pod(anc_flat);
  matrix.Pod(cells_);
  out.emplace_back("matrix", matrix.Take());
  return out;
}

Status Engine::Decode(const SectionFn& section) {
  Status st = DecodeSections(section);
  if (!st.ok()) Clear();
  return st;
}

Status Engine::DecodeSections(const SectionFn& section) {
  Clear();
  std::string_view bytes;
  auto get = [&](const char* name) {
    Status st = section(name, &bytes);
    return st.ok() ? st : Bad(std::string("section ") + name + ": " + st.message());
  };

  U5_RETURN_IF_ERROR(get("orgunits"));
  snapshot::Decoder ous(bytes);
  int64_t n_ou = 0;
  if (!ous.I64(&n_ou) || n_ou < 0 || static_cast<uint64_t>(n_ou) > bytes.size()) return Bad("orgunits: count");
  std::string name;
  for (int64_t i = 0; i < n_ou; ++i)
    if (!ous.Str(&name) || Intern(name) != static_cast<uint32_t>(i)) return Bad("orgunits: a name unreadable or twice");
  std::vector<char> loaded;
  if (!ous.Pod(&loaded) || !ous.done() || loaded.size() != static_cast<size_t>(n_ou)) return Bad("orgunits: layout");
  // Ancestors come from the store as a load would read them (a few hundred
  // units a province), which is why an org unit change needs no snapshot rule.
  for (int64_t i = 0; i < n_ou; ++i)
    if (loaded[static_cast<size_t>(i)]) AncestorsOf(static_cast<uint32_t>(i));

  U5_RETURN_IF_ERROR(get("persons"));
  snapshot::Decoder persons(bytes);
  int64_t n = 0;
  if (!persons.I64(&n) || n < 0 || static_cast<uint64_t>(n) > bytes.size()) return Bad("persons: count");
  person_index_.reserve(static_cast<size_t>(n));
  std::string id;
  for (int64_t i = 0; i < n; ++i)
    if (!persons.Str(&id) || !person_index_.emplace(id, static_cast<uint32_t>(i)).second) return Bad("persons: an id unreadable or twice");
  std::vector<uint32_t> counts;
  if (!persons.Pod(&counts) || !persons.done() || counts.size() != static_cast<size_t>(n)) return Bad("persons: layout");
  uint64_t total = 0;
  for (uint32_t c : counts) total += c;

  U5_RETURN_IF_ERROR(get("facts"));
  if (bytes.size() != total * sizeof(Fact)) return Bad("facts: size does not match the counts");
  facts_.resize(static_cast<size_t>(n));
  const char* at = bytes.data();
  for (size_t i = 0; i < facts_.size(); ++i) {
    auto& pf = facts_[i];
    pf.resize(counts[i]);
    std::memcpy(pf.data(), at, counts[i] * sizeof(Fact));
    at += counts[i] * sizeof(Fact);
    // Apply indexes by org unit and indicator, Scan binary-searches by indicator.
    for (size_t k = 0; k < pf.size(); ++k)
      if (pf[k].ou >= static_cast<uint64_t>(n_ou) || !anc_loaded_[pf[k].ou] || pf[k].ind >= comp_of_.size() ||
          (k > 0 && pf[k].ind < pf[k - 1].ind))
        return Bad("facts: an org unit or indicator out of range or out of order");
  }
  fact_count_ = total;

  U5_RETURN_IF_ERROR(get("deaths"));
  snapshot::Decoder deaths(bytes);
  int64_t n_str = 0;
  if (!deaths.I64(&n_str) || n_str < 0 || static_cast<uint64_t>(n_str) > bytes.size()) return Bad("deaths: count");
  std::vector<uint32_t> strings(static_cast<size_t>(n_str));
  for (auto& s : strings) {
    if (!deaths.Str(&name)) return Bad("deaths: strings");
    s = rules_.Intern(name);
  }
  std::vector<uint32_t> death_persons, death_counts;
  std::vector<DeathRow> rows;
  if (!deaths.Pod(&death_persons) || !deaths.Pod(&death_counts) || !deaths.Pod(&rows) || !deaths.done() ||
      death_persons.size() != death_counts.size())
    return Bad("deaths: layout");
  size_t next = 0;
  for (size_t i = 0; i < death_persons.size(); ++i) {
    if (death_persons[i] >= static_cast<uint64_t>(n) || death_counts[i] == 0 || death_counts[i] > rows.size() - next)
      return Bad("deaths: a person or count out of range");
    std::vector<DeathRow> rs(rows.begin() + static_cast<ptrdiff_t>(next), rows.begin() + static_cast<ptrdiff_t>(next + death_counts[i]));
    next += death_counts[i];
    for (DeathRow& r : rs) {
      for (uint32_t* s : {&r.category, &r.place, &r.cause_group, &r.avoidability}) {
        if (*s >= strings.size()) return Bad("deaths: a string out of range");
        *s = strings[*s];
      }
      if (r.ou >= static_cast<uint64_t>(n_ou) || !anc_loaded_[r.ou]) return Bad("deaths: an org unit out of range");
      // The bool's byte as written: anything but 0 or 1 is no bool to read.
      uint8_t reviewed = 0;
      std::memcpy(&reviewed, reinterpret_cast<const char*>(&r) + offsetof(DeathRow, reviewed), 1);
      if (reviewed > 1) return Bad("deaths: a row's review flag is not a bool");
    }
    if (!deaths_.emplace(death_persons[i], std::move(rs)).second) return Bad("deaths: a person twice");
  }
  if (next != rows.size()) return Bad("deaths: rows left over");

  U5_RETURN_IF_ERROR(get("families"));
  snapshot::Decoder families(bytes);
  int64_t n_links = 0;
  if (!families.I64(&n_links) || n_links < 0 || static_cast<uint64_t>(n_links) > bytes.size()) return Bad("families: count");
  std::string mother;
  for (int64_t i = 0; i < n_links; ++i) {
    if (!families.Str(&id) || !families.Str(&mother) || id.empty() || mother.empty() || mother_of_.count(id))
      return Bad("families: a link unreadable, empty or twice");
    SetMother(id, mother);
  }
  if (!families.done()) return Bad("families: layout");

  U5_RETURN_IF_ERROR(get("matrix"));
  snapshot::Decoder matrix(bytes);
  std::vector<uint32_t> anc_counts, anc_flat;
  std::vector<Cell> cells;
  if (!matrix.Pod(&anc_counts) || !matrix.Pod(&anc_flat) || !matrix.Pod(&cells) || !matrix.done()) return Bad("matrix: layout");
  // The stored cells hold when they were summed over the ancestors the store
  // gives now (an org unit load in between changes them); otherwise recompute.
  bool same = anc_counts.size() == anc_.size() && cells.size() == cells_.size();
  size_t at_anc = 0;
  for (size_t i = 0; same && i < anc_.size(); ++i) {
    same = anc_counts[i] == anc_[i].size() && anc_[i].size() <= anc_flat.size() - at_anc &&
           std::equal(anc_[i].begin(), anc_[i].end(), anc_flat.begin() + static_cast<ptrdiff_t>(at_anc));
    at_anc += anc_counts[i];
  }
  if (same && at_anc == anc_flat.size()) cells_ = std::move(cells);
  else RecomputeMatrix();
  return Status::Ok();
}

}  // namespace u5::indicator
