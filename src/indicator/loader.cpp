#include "indicator/loader.h"

#include <chrono>
#include <set>

namespace u5::indicator {

using nlohmann::json;

std::vector<std::string> EventTypesUsed(const Catalogue& cat) {
  std::set<std::string> t;
  auto unit = [&](const UnitSpec& u) {
    if (!u.record.empty() && u.record != "person") t.insert(u.record);
    for (const auto& r : u.related) t.insert(r.record);
  };
  for (const auto& i : cat.indicators()) {
    if (!i.computable) continue;
    if (!i.den_aggregate) unit(i.den);
    if (!i.num_is_flag) unit(i.num);
    for (const auto& r : i.flag_related) t.insert(r.record);
  }
  return {t.begin(), t.end()};
}

PersonData PersonFromRecord(const store::Record& r) {
  PersonData p;
  p.id = r.id;
  p.orgunit = r.orgunit_id;
  p.birth = ParseDate(r.date).value_or(Date{});
  p.sex = r.sex == "female" ? 1 : r.sex == "male" ? 2 : 0;
  json body = json::parse(r.body, nullptr, false);
  if (body.is_object()) p.ethnicity = EthnicityCode(body);
  return p;
}

EventData EventFromRecord(const store::Record& r) {
  EventData e;
  e.id = r.id;
  e.type = r.type;
  e.orgunit = r.orgunit_id;
  e.pregnancy_id = r.pregnancy_id;
  e.date = ParseDate(r.date).value_or(Date{});
  e.body = json::parse(r.body, nullptr, false);
  if (!e.body.is_object()) e.body = json::object();
  return e;
}

Status ReadPerson(store::Store& store, const std::string& id, std::optional<PersonData>* person, std::vector<EventData>* events) {
  person->reset();
  events->clear();
  store::Record p;
  std::vector<store::Record> evs;
  Status st = store.Handbook(id, &p, &evs);
  if (st.code() == Code::not_found) return Status::Ok();
  U5_RETURN_IF_ERROR(st);
  *person = PersonFromRecord(p);
  events->reserve(evs.size());
  for (const auto& e : evs) events->push_back(EventFromRecord(e));
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
  engine->Clear();
  std::string types;
  for (const auto& t : EventTypesUsed(engine->catalogue())) types += (types.empty() ? "'" : ",'") + t + "'";
  if (types.empty()) types = "''";
  store::Stmt ps, es;
  U5_RETURN_IF_ERROR(db.Prepare(
      "SELECT id, orgunit_id, sex, birth_date, json_extract(body, '$.ethnicity') FROM person "
      "WHERE deleted_at IS NULL ORDER BY id", &ps));
  // Events in (person, date) order via the event_person index, as ExtractFacts expects.
  U5_RETURN_IF_ERROR(db.Prepare(
      "SELECT person_id, id, type, pregnancy_id, orgunit_id, event_date, body FROM event "
      "WHERE deleted_at IS NULL AND type IN (" + types + ") ORDER BY person_id, event_date, id", &es));
  Status st;
  bool have_event = es.Step(&st);
  U5_RETURN_IF_ERROR(st);
  std::vector<EventData> events;
  size_t n_persons = 0, n_events = 0;
  while (ps.Step(&st)) {
    PersonData p;
    p.id = ps.Text(0);
    p.orgunit = ps.Text(1);
    const auto sex = ps.TextView(2);
    p.sex = sex == "female" ? 1 : sex == "male" ? 2 : 0;
    p.birth = ParseDate(ps.TextView(3)).value_or(Date{});
    if (!ps.IsNull(4)) p.ethnicity = EthnicityCode(json{{"ethnicity", ps.Text(4)}});
    events.clear();
    // Skip events of persons that sort before this one (deleted persons).
    while (have_event && es.TextView(0) < p.id) {
      have_event = es.Step(&st);
      U5_RETURN_IF_ERROR(st);
    }
    while (have_event && es.TextView(0) == p.id) {
      EventData e;
      e.id = es.Text(1);
      e.type = es.Text(2);
      e.pregnancy_id = es.OptText(3);
      e.orgunit = es.Text(4);
      e.date = ParseDate(es.TextView(5)).value_or(Date{});
      e.body = json::parse(es.TextView(6), nullptr, false);
      if (!e.body.is_object()) e.body = json::object();
      events.push_back(std::move(e));
      have_event = es.Step(&st);
      U5_RETURN_IF_ERROR(st);
    }
    n_events += events.size();
    ++n_persons;
    engine->ReplacePerson(p.id, &p, events);
  }
  U5_RETURN_IF_ERROR(st);
  if (stats) {
    stats->persons = n_persons;
    stats->events = n_events;
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return Status::Ok();
}

}  // namespace u5::indicator
