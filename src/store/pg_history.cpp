// Store::ForEachHistory on PostgreSQL (twin of sqlite_history.cpp).
//
// Persons are read in key-ordered chunks (keyset: id > the last one, by the
// primary key's order), and each chunk's events with one range read through
// event_person, all inside one REPEATABLE READ snapshot. Only a chunk's rows
// are held, as the results libpq returned; the rows handed over are views
// into them, so nothing is copied.
#include "store/pg_history.h"

#include <unordered_map>

#include "store/history_order.h"

namespace u5::store {
namespace {

// Persons a chunk: bounds what is held to a thousand persons' records.
constexpr int64_t kChunk = 1000;

class HistoryPass {
 public:
  HistoryPass(pg::Conn& c, const HistoryQuery& q, const HistoryFn& fn) : c_(c), q_(q), fn_(fn) {
    // One parameter a body field and an event type ($3..): few shapes, each prepared once per connection.
    person_sql_ = "SELECT id, orgunit_id, full_name, sex, birth_date, phone, mother_id";
    for (size_t i = 0; i < q.person_fields.size(); ++i) {
      const std::string k = "$" + std::to_string(i + 3);
      // Handed over only when it is a JSON string (history.h), as SQLite's ->> column type says there.
      person_sql_ += ", CASE WHEN jsonb_typeof(b -> " + k + "::text) = 'string' THEN b ->> " + k + "::text END";
    }
    person_sql_ += std::string(" FROM (SELECT *") + (q.person_fields.empty() ? "" : ", body::jsonb AS b") +
                   " FROM person WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2) p ORDER BY id";
    event_sql_ =
        "SELECT person_id, id, type, pregnancy_id, orgunit_id, event_date, body FROM event "
        "WHERE deleted_at IS NULL AND person_id >= $1 AND person_id <= $2";
    if (!q.event_types.empty()) {
      event_sql_ += " AND type IN (";
      for (size_t i = 0; i < q.event_types.size(); ++i) event_sql_ += (i ? ",$" : "$") + std::to_string(i + 3);
      event_sql_ += ")";
    }
  }

  Status Run() {
    std::string after;  // '' sorts before every id
    for (;;) {
      pg::Result persons;
      pg::Params pp{after, kChunk};
      for (const std::string& f : q_.person_fields) pp.Add(f);
      U5_RETURN_IF_ERROR(c_.Query(person_sql_, pp, &persons));
      const int n = persons.rows();
      if (n == 0) return Status::Ok();
      U5_RETURN_IF_ERROR(Chunk(persons));
      if (n < kChunk) return Status::Ok();
      after = persons.Text(n - 1, 0);
    }
  }

 private:
  // Hands over the persons of one chunk with their events: the range of ids
  // from the chunk's first to its last (the same order as the keyset's) holds
  // every event of theirs, and those of deleted persons between, skipped.
  Status Chunk(const pg::Result& persons) {
    const int n = persons.rows();
    std::unordered_map<std::string_view, int> ordinal;
    ordinal.reserve(static_cast<size_t>(n) * 2);
    for (int i = 0; i < n; ++i) ordinal.emplace(persons.TextView(i, 0), i);
    pg::Result events;
    pg::Params ep{persons.Text(0, 0), persons.Text(n - 1, 0)};
    for (const std::string& t : q_.event_types) ep.Add(t);
    U5_RETURN_IF_ERROR(c_.Query(event_sql_, ep, &events));
    std::vector<std::vector<int>> of(n);
    for (int e = 0; e < events.rows(); ++e)
      if (auto it = ordinal.find(events.TextView(e, 0)); it != ordinal.end()) of[it->second].push_back(e);
    for (int i = 0; i < n; ++i) U5_RETURN_IF_ERROR(Emit(persons, i, events, of[i]));
    return Status::Ok();
  }

  Status Emit(const pg::Result& p, int i, const pg::Result& ev, const std::vector<int>& rows) {
    auto opt = [&](int c) { return p.IsNull(i, c) ? std::nullopt : std::optional<std::string_view>(p.TextView(i, c)); };
    row_.id = p.TextView(i, 0);
    row_.orgunit_id = p.TextView(i, 1);
    row_.full_name = p.TextView(i, 2);
    row_.sex = p.TextView(i, 3);
    row_.birth_date = p.TextView(i, 4);
    row_.phone = opt(5);
    row_.mother_id = opt(6);
    row_.fields.resize(q_.person_fields.size());
    for (size_t f = 0; f < row_.fields.size(); ++f) row_.fields[f] = opt(static_cast<int>(7 + f));
    events_.clear();
    for (int e : rows) {
      EventRow r;
      r.id = ev.TextView(e, 1);
      r.type = ev.TextView(e, 2);
      if (!ev.IsNull(e, 3)) r.pregnancy_id = ev.TextView(e, 3);
      r.orgunit_id = ev.TextView(e, 4);
      r.date = ev.TextView(e, 5);
      r.body = ev.TextView(e, 6);
      events_.push_back(r);
    }
    SortByDate(events_);
    return fn_(row_, events_);
  }

  pg::Conn& c_;
  const HistoryQuery& q_;
  const HistoryFn& fn_;
  std::string person_sql_, event_sql_;
  PersonRow row_;
  std::vector<EventRow> events_;
};

}  // namespace

Status PgForEachHistory(pg::Conn& c, const HistoryQuery& q, const HistoryFn& fn) {
  // One snapshot for every chunk, so an event never refers to a person a chunk missed.
  pg::ReadTx snapshot(c);
  U5_RETURN_IF_ERROR(snapshot.status());
  HistoryPass pass(c, q, fn);
  return pass.Run();
}

}  // namespace u5::store
