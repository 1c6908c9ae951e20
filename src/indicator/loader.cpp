#include "indicator/loader.h"

#include <chrono>
#include <ctime>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace u5::indicator {

using nlohmann::json;

std::vector<std::string> EventTypesUsed(const Catalogue& cat) {
  // The compiled rules know every type a unit or a related-records rule reads.
  return Rules(cat).TypeNames();
}

namespace {

// One event into `events`/`vals`; `key` interns record ids (only compared
// within one person, so any consistent interning works).
template <class KeyFn>
bool AppendEvent(Engine& engine, std::string_view id, std::string_view type, const std::string* pregnancy_id,
                 std::string_view orgunit, std::string_view date, std::string_view body, KeyFn&& key,
                 std::vector<EventData>* events, std::vector<Val>* vals) {
  Rules& rules = engine.rules();
  const int t = rules.TypeId(type);
  if (t < 0) return false;
  EventData e;
  e.type = t;
  e.date = ParseDate(date).value_or(Date{});
  e.ou = engine.OrgUnit(orgunit);
  if (t == rules.pregnancy_type()) e.self = key(id);
  if (pregnancy_id) e.preg = key(*pregnancy_id);
  e.vals = static_cast<uint32_t>(vals->size());
  rules.Decode(t, body, vals);
  events->push_back(e);
  return true;
}

}  // namespace

void AddEvent(Engine& engine, std::string_view id, std::string_view type, const std::string* pregnancy_id,
              std::string_view orgunit, std::string_view date, std::string_view body, PersonRecords* out) {
  AppendEvent(engine, id, type, pregnancy_id, orgunit, date, body, [out](std::string_view k) { return out->Key(k); },
              &out->events, &out->vals);
}

namespace {

void SetPerson(Engine& engine, std::string_view orgunit, std::string_view sex, std::string_view birth, std::string_view ethnicity,
               PersonRecords* p) {
  p->Clear();
  p->ou = engine.OrgUnit(orgunit);
  p->sex = sex == "female" ? 1 : sex == "male" ? 2 : 0;
  p->birth = ParseDate(birth).value_or(Date{});
  p->ethnicity = EthnicityCode(ethnicity);
}

}  // namespace

Status ReadPerson(store::Store& store, Engine& engine, const std::string& id, PersonRecords* out, bool* found) {
  *found = false;
  out->Clear();
  store::Record p;
  std::vector<store::Record> evs;
  Status st = store.Handbook(id, &p, &evs);
  if (st.code() == Code::not_found) return Status::Ok();
  U5_RETURN_IF_ERROR(st);
  json body = json::parse(p.body, nullptr, false);
  std::string eth;
  if (body.is_object()) {
    auto it = body.find("ethnicity");
    if (it != body.end() && it->is_string()) eth = it->get<std::string>();
  }
  SetPerson(engine, p.orgunit_id, p.sex, p.date, eth, out);
  // Date order; the order within a day does not change the facts.
  std::stable_sort(evs.begin(), evs.end(), [](const store::Record& a, const store::Record& b) { return a.date < b.date; });
  for (const auto& e : evs)
    AddEvent(engine, e.id, e.type, e.pregnancy_id ? &*e.pregnancy_id : nullptr, e.orgunit_id, e.date, e.body, out);
  *found = true;
  return Status::Ok();
}

std::vector<std::string> ClosureAncestors(store::Db& db, const std::string& orgunit) {
  std::vector<std::string> out;
  store::Stmt& s = db.Cached("SELECT ancestor FROM orgunit_closure WHERE descendant=?1");
  s.Bind(1, orgunit);
  while (s.Step()) out.push_back(s.Text(0));
  s.Reset();
  // A record filed under a 2025 commune also counts in the pre-2025 district and
  // province of the old communes merged into it, so plans of former provinces
  // (A27: Bac Giang, Bac Kan) see records entered after the reform.
  store::Stmt& old = db.Cached(
      "SELECT DISTINCT up.ancestor FROM orgunit_closure down "
      "JOIN orgunit_closure up ON up.descendant = down.descendant "
      "JOIN orgunit o ON o.id = up.ancestor "
      "WHERE down.ancestor=?1 AND down.depth > 0 AND down.descendant LIKE 'pre2025:%' "
      "AND o.scheme='pre2025' AND o.kind IN ('district','province')");
  old.Bind(1, orgunit);
  while (old.Step()) out.push_back(old.Text(0));
  old.Reset();
  if (out.empty()) out.push_back(orgunit);
  return out;
}

namespace {
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}
}  // namespace

Status LoadAll(store::Db& db, Engine* engine, LoadStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  double read_s = 0;
  engine->Clear();
  // Reads go through the page cache without a copy into SQLite's own cache.
  U5_RETURN_IF_ERROR(db.Exec("PRAGMA mmap_size=68719476736"));
  std::string types;
  for (const auto& t : EventTypesUsed(engine->catalogue())) types += (types.empty() ? "'" : ",'") + t + "'";
  if (types.empty()) types = "''";
  // Both tables in storage (rowid) order, one sequential pass each: reading
  // events in person order through the event_person index cost a B-tree
  // descent per row and was most of the load. Events are grouped by person in
  // memory afterwards (compact: ids interned, bodies already decoded).
  // One snapshot for both scans, so an event never refers to a person the first scan missed.
  U5_RETURN_IF_ERROR(db.Exec("BEGIN"));
  store::Stmt ps, es;
  U5_RETURN_IF_ERROR(db.Prepare(
      "SELECT id, orgunit_id, sex, birth_date, json_extract(body, '$.ethnicity') FROM person WHERE deleted_at IS NULL", &ps));
  U5_RETURN_IF_ERROR(db.Prepare(
      "SELECT person_id, id, type, pregnancy_id, orgunit_id, event_date, body FROM event "
      "WHERE deleted_at IS NULL AND type IN (" + types + ")", &es));
  Status st;
  auto step = [&](store::Stmt& s) {
    const auto r0 = std::chrono::steady_clock::now();
    const bool row = s.Step(&st);
    read_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count();
    return row;
  };
  struct Head {
    uint32_t ou;
    Date birth;
    uint8_t sex, ethnicity;
  };
  std::vector<std::string> ids;
  std::vector<Head> heads;
  std::unordered_map<std::string, uint32_t> person_of;
  PersonRecords p;
  while (step(ps)) {
    SetPerson(*engine, ps.TextView(1), ps.TextView(2), ps.TextView(3),
              sqlite3_column_type(ps.raw(), 4) == SQLITE_TEXT ? ps.TextView(4) : std::string_view(), &p);
    person_of.emplace(ps.TextView(0), static_cast<uint32_t>(ids.size()));
    ids.emplace_back(ps.TextView(0));
    heads.push_back({p.ou, p.birth, p.sex, p.ethnicity});
  }
  U5_RETURN_IF_ERROR(st);

  std::vector<EventData> events;
  std::vector<uint32_t> owner;
  std::vector<Val> vals;
  {
    // Sized once from the largest rowid (an upper bound on the rows), so the
    // arrays are not copied as they grow.
    store::Stmt m;
    U5_RETURN_IF_ERROR(db.Prepare("SELECT max(rowid) FROM event", &m));
    const size_t n = m.Step() ? static_cast<size_t>(std::max<int64_t>(0, m.Int(0))) : 0;
    events.reserve(n);
    owner.reserve(n);
    vals.reserve(n * 3);
  }
  std::unordered_map<std::string, int32_t> keys;
  auto key = [&](std::string_view k) {
    return keys.emplace(std::string(k), static_cast<int32_t>(keys.size())).first->second;
  };
  std::string pid, preg;
  while (step(es)) {
    pid.assign(es.TextView(0));
    auto it = person_of.find(pid);
    if (it == person_of.end()) continue;  // a deleted person's events
    const bool has_preg = !es.IsNull(3);
    if (has_preg) preg.assign(es.TextView(3));
    if (AppendEvent(*engine, es.TextView(1), es.TextView(2), has_preg ? &preg : nullptr, es.TextView(4), es.TextView(5),
                    es.TextView(6), key, &events, &vals))
      owner.push_back(it->second);
  }
  U5_RETURN_IF_ERROR(st);
  ps = store::Stmt();
  es = store::Stmt();
  U5_RETURN_IF_ERROR(db.Exec("COMMIT"));
  person_of.clear();
  keys.clear();

  // Counting sort of the events by person.
  const size_t n_persons = ids.size();
  std::vector<uint32_t> start(n_persons + 1, 0);
  for (uint32_t o : owner) ++start[o + 1];
  for (size_t i = 0; i < n_persons; ++i) start[i + 1] += start[i];
  std::vector<uint32_t> order(events.size());
  {
    std::vector<uint32_t> next(start.begin(), start.end() - 1);
    for (uint32_t e = 0; e < owner.size(); ++e) order[next[owner[e]]++] = e;
  }
  owner = {};
  const Rules& rules = engine->rules();
  for (size_t i = 0; i < n_persons; ++i) {
    p.Clear();
    p.ou = heads[i].ou;
    p.birth = heads[i].birth;
    p.sex = heads[i].sex;
    p.ethnicity = heads[i].ethnicity;
    for (uint32_t j = start[i]; j < start[i + 1]; ++j) {
      EventData e = events[order[j]];
      const size_t n = rules.field_count(e.type);
      const uint32_t from = e.vals;
      e.vals = static_cast<uint32_t>(p.vals.size());
      p.vals.insert(p.vals.end(), vals.begin() + from, vals.begin() + from + static_cast<std::ptrdiff_t>(n));
      p.events.push_back(e);
    }
    std::stable_sort(p.events.begin(), p.events.end(), [](const EventData& a, const EventData& b) { return a.date < b.date; });
    engine->ReplacePerson(ids[i], &p);
  }
  if (stats) {
    stats->persons = n_persons;
    stats->events = events.size();
    stats->read_seconds = read_s;
    stats->cpu_seconds = CpuSeconds() - cpu0;
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return Status::Ok();
}

}  // namespace u5::indicator
