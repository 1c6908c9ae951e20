#include "indicator/loader.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <unordered_map>
#include <nlohmann/json.hpp>

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
  if (rules.KeepsId(t) || rules.anchor_type(t)) e.self = key(id);
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
  if (p.mother_id) out->mother_id = *p.mother_id;
  // Date order; the order within a day does not change the facts.
  std::stable_sort(evs.begin(), evs.end(), [](const store::Record& a, const store::Record& b) { return a.date < b.date; });
  for (const auto& e : evs)
    AddEvent(engine, e.id, e.type, e.pregnancy_id ? &*e.pregnancy_id : nullptr, e.orgunit_id, e.date, e.body, out);
  *found = true;
  return Status::Ok();
}

Status ReadFamily(store::Store& store, Engine& engine, const std::string& id, PersonRecords* out, bool* found) {
  U5_RETURN_IF_ERROR(ReadPerson(store, engine, id, out, found));
  if (!*found || !engine.rules().has_family()) return Status::Ok();
  PersonRecords child;
  for (const auto& cid : engine.ChildrenOf(id)) {
    bool child_found = false;
    U5_RETURN_IF_ERROR(ReadPerson(store, engine, cid, &child, &child_found));
    // The index may name a child whose link changed since: attach only what holds now.
    if (child_found && child.mother_id == id) AttachChild(engine.rules(), child, out);
  }
  return Status::Ok();
}

std::vector<std::string> ClosureAncestors(store::Store& store, const std::string& orgunit) {
  std::vector<std::string> out;
  store::OrgUnitReader& units = store.orgunits();
  if (Status st = units.ClosureAncestors(orgunit, &out); !st.ok()) out.clear();
  // A record filed under a 2025 commune also counts in the pre-2025 district and
  // province of the old communes merged into it, so plans of former provinces
  // (A27: Bac Giang, Bac Kan) see records entered after the reform.
  (void)units.FormerAncestors(orgunit, &out);
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

Status LoadAll(store::Store& store, Engine* engine, LoadStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  double own_s = 0;  // time in the callback: decoding bodies, facts, matrix
  engine->Clear();
  store::HistoryQuery q;
  q.event_types = EventTypesUsed(engine->catalogue());
  if (q.event_types.empty()) q.event_types = {""};  // no rule reads any event: none is read
  q.person_fields = {"ethnicity"};
  size_t n_persons = 0, n_events = 0;
  PersonRecords p;
  std::string id, preg;
  // Newborns-scoped rules (docs/indicators.md "Families"): a mother's facts need
  // her children's records, and persons come in no particular order. Persons
  // with a record anchoring such a rule (a delivery) wait for the end of the
  // pass; children keep only the records those rules read.
  const Rules& rules = engine->rules();
  const bool family = rules.has_family();
  std::unordered_map<std::string, PersonRecords> waiting;
  std::unordered_map<std::string, std::vector<PersonRecords>> children;  // by mother id
  U5_RETURN_IF_ERROR(store.ForEachHistory(q, [&](const store::PersonRow& person, std::span<const store::EventRow> events) {
    const auto c0 = std::chrono::steady_clock::now();
    SetPerson(*engine, person.orgunit_id, person.sex, person.birth_date, person.fields[0].value_or(""), &p);
    for (const store::EventRow& e : events) {
      if (e.pregnancy_id) preg.assign(*e.pregnancy_id);
      AddEvent(*engine, e.id, e.type, e.pregnancy_id ? &preg : nullptr, e.orgunit_id, e.date, e.body, &p);
    }
    n_events += p.events.size();
    ++n_persons;
    id.assign(person.id);
    if (family) {
      if (person.mother_id && HasDeliveryLink(rules, p)) {
        const std::string mother(*person.mother_id);
        engine->SetMother(id, mother);
        PersonRecords copy;
        copy.birth = p.birth;
        copy.mother_id = mother;
        for (const auto& e : p.events) {
          if (!rules.family_type(e.type)) continue;
          EventData c = e;
          c.vals = static_cast<uint32_t>(copy.vals.size());
          copy.vals.insert(copy.vals.end(), p.vals.begin() + e.vals, p.vals.begin() + e.vals + rules.field_count(e.type));
          copy.events.push_back(c);
        }
        children[mother].push_back(std::move(copy));
      }
      bool anchor = false;
      for (const auto& e : p.events) anchor = anchor || rules.anchor_type(e.type);
      if (anchor) {
        waiting.emplace(id, p);
        own_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
        return Status::Ok();
      }
    }
    engine->ReplacePerson(id, &p);
    own_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
    return Status::Ok();
  }));
  for (auto& [mid, m] : waiting) {
    if (auto it = children.find(mid); it != children.end())
      for (const auto& ch : it->second) AttachChild(rules, ch, &m);
    engine->ReplacePerson(mid, &m);
  }
  if (stats) {
    stats->persons = n_persons;
    stats->events = n_events;
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    stats->read_seconds = stats->seconds - own_s;
    stats->cpu_seconds = CpuSeconds() - cpu0;
  }
  return Status::Ok();
}

}  // namespace u5::indicator
