#include "indicator/loader.h"

#include <chrono>
#include <algorithm>
#include <nlohmann/json.hpp>

namespace u5::indicator {

using nlohmann::json;

std::vector<std::string> EventTypesUsed(const Catalogue& cat) {
  // The compiled rules know every type a unit or a related-records rule reads.
  return Rules(cat).TypeNames();
}

void AddEvent(Engine& engine, std::string_view id, std::string_view type, const std::string* pregnancy_id,
              std::string_view orgunit, std::string_view date, std::string_view body, PersonRecords* out) {
  Rules& rules = engine.rules();
  const int t = rules.TypeId(type);
  if (t < 0) return;
  EventData e;
  e.type = t;
  e.date = ParseDate(date).value_or(Date{});
  e.ou = engine.OrgUnit(orgunit);
  if (t == rules.pregnancy_type()) e.self = out->Key(id);
  if (pregnancy_id) e.preg = out->Key(*pregnancy_id);
  e.vals = static_cast<uint32_t>(out->vals.size());
  rules.Decode(t, body, &out->vals);
  out->events.push_back(e);
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

Status LoadAll(store::Db& db, Engine* engine, LoadStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  double read_s = 0;
  engine->Clear();
  // Reads go through the page cache without a copy into SQLite's own cache.
  U5_RETURN_IF_ERROR(db.Exec("PRAGMA mmap_size=68719476736"));
  std::string types;
  for (const auto& t : EventTypesUsed(engine->catalogue())) types += (types.empty() ? "'" : ",'") + t + "'";
  if (types.empty()) types = "''";
  store::Stmt ps, es;
  U5_RETURN_IF_ERROR(db.Prepare(
      "SELECT id, orgunit_id, sex, birth_date, json_extract(body, '$.ethnicity') FROM person "
      "WHERE deleted_at IS NULL ORDER BY id", &ps));
  // Events in (person, date) order straight from the event_person index: no
  // tie-break by id, which made SQLite sort every person's rows (facts do not
  // depend on the order within a day).
  U5_RETURN_IF_ERROR(db.Prepare(
      "SELECT person_id, id, type, pregnancy_id, orgunit_id, event_date, body FROM event "
      "WHERE deleted_at IS NULL AND type IN (" + types + ") ORDER BY person_id, event_date", &es));
  Status st;
  auto step = [&](store::Stmt& s) {
    const auto r0 = std::chrono::steady_clock::now();
    const bool row = s.Step(&st);
    read_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count();
    return row;
  };
  bool have_event = step(es);
  U5_RETURN_IF_ERROR(st);
  PersonRecords p;
  std::string pid, preg;
  size_t n_persons = 0, n_events = 0;
  while (step(ps)) {
    pid.assign(ps.TextView(0));
    SetPerson(*engine, ps.TextView(1), ps.TextView(2), ps.TextView(3), sqlite3_column_type(ps.raw(), 4) == SQLITE_TEXT ? ps.TextView(4) : std::string_view(), &p);
    // Skip events of persons that sort before this one (deleted persons).
    while (have_event && es.TextView(0) < pid) {
      have_event = step(es);
      U5_RETURN_IF_ERROR(st);
    }
    while (have_event && es.TextView(0) == pid) {
      const bool has_preg = !es.IsNull(3);
      if (has_preg) preg.assign(es.TextView(3));
      AddEvent(*engine, es.TextView(1), es.TextView(2), has_preg ? &preg : nullptr, es.TextView(4), es.TextView(5),
               es.TextView(6), &p);
      ++n_events;
      have_event = step(es);
      U5_RETURN_IF_ERROR(st);
    }
    ++n_persons;
    engine->ReplacePerson(pid, &p);
  }
  U5_RETURN_IF_ERROR(st);
  if (stats) {
    stats->persons = n_persons;
    stats->events = n_events;
    stats->read_seconds = read_s;
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return Status::Ok();
}

}  // namespace u5::indicator
