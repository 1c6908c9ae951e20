#include "store/sqlite_history.h"

namespace u5::store {
namespace {

// " IN (?3,?4,...)" for `n` values bound from `first` on.
std::string Placeholders(size_t n, int first) {
  std::string out = " IN (";
  for (size_t i = 0; i < n; ++i) out += (i ? ",?" : "?") + std::to_string(first + static_cast<int>(i));
  return out + ")";
}

std::optional<std::string_view> OptView(const Stmt& s, int col) {
  if (s.IsNull(col)) return std::nullopt;
  return s.TextView(col);
}

// The texts of one person's events, copied out of the statement before it
// steps on (SQLite reuses a column's buffer), then viewed all at once.
class EventBuffer {
 public:
  void Clear() {
    text_.clear();
    rows_.clear();
  }
  void Add(const Stmt& es) {
    Offsets o;
    for (int c = 0; c < 6; ++c) {
      const std::string_view v = es.TextView(c + 1);
      o.at[c] = {static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(v.size())};
      text_.append(v);
    }
    o.has_pregnancy = !es.IsNull(3);
    rows_.push_back(o);
  }
  std::span<const EventRow> Views() {
    views_.resize(rows_.size());
    for (size_t i = 0; i < rows_.size(); ++i) {
      const Offsets& o = rows_[i];
      auto v = [&](int c) { return std::string_view(text_).substr(o.at[c].first, o.at[c].second); };
      EventRow& e = views_[i];
      e.id = v(0);
      e.type = v(1);
      e.pregnancy_id = o.has_pregnancy ? std::optional<std::string_view>(v(2)) : std::nullopt;
      e.orgunit_id = v(3);
      e.date = v(4);
      e.body = v(5);
    }
    return views_;
  }

 private:
  struct Offsets {
    std::pair<uint32_t, uint32_t> at[6];  // id, type, pregnancy_id, orgunit_id, date, body
    bool has_pregnancy;
  };
  std::string text_;
  std::vector<Offsets> rows_;
  std::vector<EventRow> views_;
};

}  // namespace

Status SqliteForEachHistory(Db& db, const HistoryQuery& q, const HistoryFn& fn) {
  // One snapshot for both scans, so an event never refers to a person the first scan missed.
  ReadTx snapshot(db);
  U5_RETURN_IF_ERROR(snapshot.status());
  std::string person_sql = "SELECT id, orgunit_id, full_name, sex, birth_date, phone, mother_id";
  for (size_t i = 0; i < q.person_fields.size(); ++i) person_sql += ", body ->> ?" + std::to_string(i + 1);
  person_sql += " FROM person WHERE deleted_at IS NULL ORDER BY id";
  std::string event_sql =
      "SELECT person_id, id, type, pregnancy_id, orgunit_id, event_date, body FROM event WHERE deleted_at IS NULL";
  if (!q.event_types.empty()) event_sql += " AND type" + Placeholders(q.event_types.size(), 1);
  event_sql += " ORDER BY person_id, event_date, id";
  Stmt ps, es;
  U5_RETURN_IF_ERROR(db.Prepare(person_sql, &ps));
  U5_RETURN_IF_ERROR(db.Prepare(event_sql, &es));
  for (size_t i = 0; i < q.person_fields.size(); ++i) ps.Bind(static_cast<int>(i + 1), "$." + q.person_fields[i]);
  for (size_t i = 0; i < q.event_types.size(); ++i) es.Bind(static_cast<int>(i + 1), q.event_types[i]);

  const int n_fields = static_cast<int>(q.person_fields.size());
  PersonRow p;
  p.fields.resize(q.person_fields.size());
  EventBuffer events;
  Status st;
  bool have = es.Step(&st);
  U5_RETURN_IF_ERROR(st);
  while (ps.Step(&st)) {
    p.id = ps.TextView(0);
    p.orgunit_id = ps.TextView(1);
    p.full_name = ps.TextView(2);
    p.sex = ps.TextView(3);
    p.birth_date = ps.TextView(4);
    p.phone = OptView(ps, 5);
    p.mother_id = OptView(ps, 6);
    for (int i = 0; i < n_fields; ++i)
      p.fields[i] = sqlite3_column_type(ps.raw(), 7 + i) == SQLITE_TEXT ? std::optional(ps.TextView(7 + i)) : std::nullopt;
    // Events of persons not listed (deleted ones) are skipped.
    while (have && es.TextView(0) < p.id) {
      have = es.Step(&st);
      U5_RETURN_IF_ERROR(st);
    }
    events.Clear();
    while (have && es.TextView(0) == p.id) {
      events.Add(es);
      have = es.Step(&st);
      U5_RETURN_IF_ERROR(st);
    }
    U5_RETURN_IF_ERROR(fn(p, events.Views()));
  }
  return st;
}

}  // namespace u5::store
