#include "store/sqlite_history.h"

#include <algorithm>

#include "store/history_order.h"

namespace u5::store {
namespace {

// Event columns, in this order, in both scans.
constexpr const char* kEventCols = "person_id, id, type, pregnancy_id, orgunit_id, event_date, body";
constexpr int kEventTexts = 6;  // id .. body

struct Span {
  size_t off = 0;
  uint32_t len = 0;
  bool null = false;
};

// Appends column `col` of `s` to `text`.
Span Copy(const Stmt& s, int col, std::string* text) {
  Span sp;
  sp.off = text->size();
  sp.null = s.IsNull(col);
  const std::string_view v = s.TextView(col);
  sp.len = static_cast<uint32_t>(v.size());
  text->append(v);
  return sp;
}

std::string_view View(const std::string& text, const Span& s) { return std::string_view(text).substr(s.off, s.len); }

// Person id -> ordinal, asked once per event row: open addressing over the
// ids' hashes, so a probe rarely leaves the table to compare an id.
class IdIndex {
 public:
  // `text` and `spans` hold the ids (every `stride`th span), and must outlive the index.
  void Build(const std::string& text, const std::vector<Span>& spans, size_t stride) {
    text_ = &text;
    spans_ = &spans;
    stride_ = stride;
    const size_t n = spans.size() / stride;
    size_t cap = 16;
    while (cap < n * 2) cap *= 2;
    slots_.assign(cap, Slot{0, kEmpty});
    for (uint32_t p = 0; p < n; ++p) {
      const uint64_t h = Hash(Id(p));
      size_t i = h & (cap - 1);
      while (slots_[i].ordinal != kEmpty) i = (i + 1) & (cap - 1);
      slots_[i] = Slot{h, p};
    }
  }
  int64_t Find(std::string_view key) const {
    const uint64_t h = Hash(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask; slots_[i].ordinal != kEmpty; i = (i + 1) & mask)
      if (slots_[i].hash == h && Id(slots_[i].ordinal) == key) return slots_[i].ordinal;
    return -1;
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash;
    uint32_t ordinal;
  };
  static uint64_t Hash(std::string_view s) { return std::hash<std::string_view>()(s); }
  std::string_view Id(uint32_t p) const { return View(*text_, (*spans_)[p * stride_]); }
  std::vector<Slot> slots_;
  const std::string* text_ = nullptr;
  const std::vector<Span>* spans_ = nullptr;
  size_t stride_ = 1;
};

// One person's events read so far, copied out of the statement (SQLite reuses
// a column's buffer when it steps on).
struct Pending {
  std::string text;
  std::vector<Span> spans;  // kEventTexts per event
  uint32_t events = 0;
};

// The pass: persons, then events in storage (rowid) order, each person handed
// over once their last event row is read. A table scan costs a fraction of
// reading events in person order through event_person, which takes a B-tree
// descent into the table per event; the price is holding the events of
// persons whose records are spread over the table. Each person's row count,
// read from the index first, says when they are complete. When the events
// held pass the budget, the persons left are read in person order instead.
class HistoryPass {
 public:
  HistoryPass(Db& db, const HistoryQuery& q, const HistoryFn& fn, size_t budget)
      : db_(db), q_(q), fn_(fn), budget_(budget), stride_(7 + q.person_fields.size()) {}

  Status Run() {
    U5_RETURN_IF_ERROR(ReadPersons());
    U5_RETURN_IF_ERROR(CountEvents());
    for (uint32_t p = 0; p < expected_.size(); ++p)
      if (expected_[p] == 0) U5_RETURN_IF_ERROR(Emit(p, nullptr));
    bool complete = false;
    U5_RETURN_IF_ERROR(ScanEvents(&complete));
    if (!complete) U5_RETURN_IF_ERROR(FinishInPersonOrder());
    return Status::Ok();
  }

 private:
  std::string EventSql(const char* cols) const {
    std::string sql = std::string("SELECT ") + cols + " FROM event WHERE deleted_at IS NULL";
    if (!q_.event_types.empty()) {
      sql += " AND type IN (";
      for (size_t i = 0; i < q_.event_types.size(); ++i) sql += (i ? ",?" : "?") + std::to_string(i + 1);
      sql += ")";
    }
    return sql;
  }
  Status PrepareEvents(const std::string& sql, Stmt* s) {
    U5_RETURN_IF_ERROR(db_.Prepare(sql, s));
    for (size_t i = 0; i < q_.event_types.size(); ++i) s->Bind(static_cast<int>(i + 1), q_.event_types[i]);
    return Status::Ok();
  }

  Status ReadPersons() {
    std::string sql = "SELECT id, orgunit_id, full_name, sex, birth_date, phone, mother_id";
    for (size_t i = 0; i < q_.person_fields.size(); ++i) sql += ", body ->> ?" + std::to_string(i + 1);
    sql += " FROM person WHERE deleted_at IS NULL";
    Stmt s;
    U5_RETURN_IF_ERROR(db_.Prepare(sql, &s));
    for (size_t i = 0; i < q_.person_fields.size(); ++i) s.Bind(static_cast<int>(i + 1), "$." + q_.person_fields[i]);
    Status st;
    while (s.Step(&st)) {
      for (int c = 0; c < static_cast<int>(stride_); ++c) {
        Span sp = Copy(s, c, &persons_);
        // A body field is handed over only when it is a JSON string.
        if (c >= 7 && sqlite3_column_type(s.raw(), c) != SQLITE_TEXT) sp = Span{0, 0, true};
        person_spans_.push_back(sp);
      }
    }
    U5_RETURN_IF_ERROR(st);
    const size_t n = person_spans_.size() / stride_;
    ordinal_.Build(persons_, person_spans_, stride_);
    expected_.assign(n, 0);
    done_.assign(n, false);
    return Status::Ok();
  }

  int64_t Find(std::string_view person_id) const {
    return ordinal_.Find(person_id);  // -1 for a deleted person, whose events are skipped
  }

  // Every event row a person has, live or not, of any type: the covering
  // index answers without reading the table.
  Status CountEvents() {
    Stmt s;
    U5_RETURN_IF_ERROR(db_.Prepare("SELECT person_id, count(*) FROM event GROUP BY person_id", &s));
    Status st;
    while (s.Step(&st))
      if (int64_t p = Find(s.TextView(0)); p >= 0) expected_[p] = static_cast<uint32_t>(s.Int(1));
    return st;
  }

  bool Wanted(std::string_view type) const {
    if (q_.event_types.empty()) return true;
    for (const std::string& t : q_.event_types)
      if (t == type) return true;
    return false;
  }

  // Every event row in storage order, the ones asked for held by person; a
  // person is complete when all their rows (CountEvents) have been seen.
  Status ScanEvents(bool* complete) {
    Stmt s;
    U5_RETURN_IF_ERROR(db_.Prepare(std::string("SELECT ") + kEventCols + ", deleted_at IS NULL FROM event", &s));
    std::vector<uint32_t> seen(expected_.size(), 0);
    std::vector<Pending> pending(expected_.size());  // by person; emptied when handed over
    size_t held = 0;
    Status st;
    while (s.Step(&st)) {
      const int64_t p = Find(s.TextView(0));
      if (p < 0) continue;
      if (s.Int(kEventTexts + 1) != 0 && Wanted(s.TextView(2))) {
        Pending& pe = pending[p];
        const size_t before = pe.text.size();
        for (int c = 1; c <= kEventTexts; ++c) pe.spans.push_back(Copy(s, c, &pe.text));
        // Sized once from the first event, so the person's text is not copied as it grows.
        if (pe.events++ == 0) pe.text.reserve(pe.text.size() * (expected_[p] - seen[p]) * 5 / 4);
        held += pe.text.size() - before;
      }
      if (++seen[p] < expected_[p]) {
        if (held > budget_) return Status::Ok();  // *complete stays false: the rest in person order
        continue;
      }
      Pending& pe = pending[p];
      held -= pe.text.size();
      U5_RETURN_IF_ERROR(Emit(static_cast<uint32_t>(p), &pe));
      Pending gone = std::move(pe);  // frees the person's buffers (assigning would keep the capacity)
    }
    U5_RETURN_IF_ERROR(st);
    // The count and the scan see one snapshot, so nothing should be left;
    // whatever is, is handed over as read rather than lost.
    for (uint32_t p = 0; p < done_.size(); ++p)
      if (!done_[p]) U5_RETURN_IF_ERROR(Emit(p, &pending[p]));
    *complete = true;
    return Status::Ok();
  }

  // The persons not handed over yet, by id, merged with their events read
  // through event_person.
  Status FinishInPersonOrder() {
    std::vector<uint32_t> left;
    for (uint32_t p = 0; p < done_.size(); ++p)
      if (!done_[p]) left.push_back(p);
    std::sort(left.begin(), left.end(), [&](uint32_t a, uint32_t b) { return Id(a) < Id(b); });
    Stmt s;
    U5_RETURN_IF_ERROR(PrepareEvents(EventSql(kEventCols) + " ORDER BY person_id, event_date, id", &s));
    Status st;
    bool have = s.Step(&st);
    U5_RETURN_IF_ERROR(st);
    Pending pe;
    for (uint32_t p : left) {
      const std::string_view id = Id(p);
      pe = Pending();
      while (have && s.TextView(0) < id) {
        have = s.Step(&st);
        U5_RETURN_IF_ERROR(st);
      }
      while (have && s.TextView(0) == id) {
        for (int c = 1; c <= kEventTexts; ++c) pe.spans.push_back(Copy(s, c, &pe.text));
        ++pe.events;
        have = s.Step(&st);
        U5_RETURN_IF_ERROR(st);
      }
      U5_RETURN_IF_ERROR(Emit(p, &pe));
    }
    return Status::Ok();
  }

  std::string_view Id(uint32_t p) const { return View(persons_, person_spans_[p * stride_]); }

  Status Emit(uint32_t p, const Pending* pe) {
    done_[p] = true;
    const Span* sp = &person_spans_[p * stride_];
    auto v = [&](int c) { return View(persons_, sp[c]); };
    auto opt = [&](int c) { return sp[c].null ? std::nullopt : std::optional<std::string_view>(v(c)); };
    row_.id = v(0);
    row_.orgunit_id = v(1);
    row_.full_name = v(2);
    row_.sex = v(3);
    row_.birth_date = v(4);
    row_.phone = opt(5);
    row_.mother_id = opt(6);
    row_.fields.resize(q_.person_fields.size());
    for (size_t i = 0; i < row_.fields.size(); ++i) row_.fields[i] = opt(static_cast<int>(7 + i));
    events_.clear();
    if (pe)
      for (uint32_t e = 0; e < pe->events; ++e) {
        const Span* es = &pe->spans[e * kEventTexts];
        auto ev = [&](int c) { return View(pe->text, es[c]); };
        EventRow r;
        r.id = ev(0);
        r.type = ev(1);
        if (!es[2].null) r.pregnancy_id = ev(2);
        r.orgunit_id = ev(3);
        r.date = ev(4);
        r.body = ev(5);
        events_.push_back(r);
      }
    SortByDate(events_);
    return fn_(row_, events_);
  }

  Db& db_;
  const HistoryQuery& q_;
  const HistoryFn& fn_;
  const size_t budget_;
  const size_t stride_;  // spans per person: 7 columns and the asked body fields
  std::string persons_;
  std::vector<Span> person_spans_;
  IdIndex ordinal_;
  std::vector<uint32_t> expected_;
  std::vector<bool> done_;
  PersonRow row_;
  std::vector<EventRow> events_;
};

}  // namespace

Status SqliteForEachHistory(Db& db, const HistoryQuery& q, const HistoryFn& fn, size_t budget_bytes) {
  // The scans read the file through the page cache without a copy into
  // SQLite's own cache; the connection gets its setting back afterwards.
  int64_t mmap_was = 0;
  {
    Stmt& m = db.Cached("PRAGMA mmap_size");
    if (m.Step()) mmap_was = m.Int(0);
    m.Reset();
  }
  U5_RETURN_IF_ERROR(db.Exec("PRAGMA mmap_size=68719476736"));
  Status st;
  {
    // One snapshot for every scan, so an event never refers to a person the first scan missed.
    ReadTx snapshot(db);
    st = snapshot.status();
    if (st.ok()) {
      HistoryPass pass(db, q, fn, budget_bytes);
      st = pass.Run();
    }
  }
  Status back = db.Exec("PRAGMA mmap_size=" + std::to_string(mmap_was));
  return st.ok() ? back : st;
}

}  // namespace u5::store
