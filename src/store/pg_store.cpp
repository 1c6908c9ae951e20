// The Store on PostgreSQL (docs/postgres.md). Semantics equal SqliteStore's:
// the same Status codes, fields and messages; what both do alike is in
// store/record_rows.h. The serialization points: the change log's append and
// the audit chain's append each take a transaction-level advisory lock, held
// to the commit (pg_change_log.h), so seqs become visible in order.
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

#include "core/date.h"
#include "store/aggregates.h"
#include "store/care_acks.h"
#include "store/emergencies.h"
#include "store/handbook_cache.h"
#include "store/orgunit_writer.h"
#include "store/pg.h"
#include "store/pg_change_log.h"
#include "store/pg_history.h"
#include "store/pg_host.h"
#include "store/pg_migrations.h"
#include "store/pg_orgunits.h"
#include "store/pg_store.h"
#include "store/pg_write.h"
#include "store/publications.h"
#include "store/record_rows.h"
#include "store/signoffs.h"
#include "store/sync_page.h"
#include "store/targets.h"

namespace u5::store {
namespace {

// One row of a result, read as SQLite's statement is (store/record_rows.h).
// `off` columns before the record's (Handbook's kind).
struct Row {
  const pg::Result& r;
  int i;
  int off = 0;
  std::string Text(int c) const { return r.Text(i, c + off); }
  int64_t Int(int c) const { return r.Int(i, c + off); }
  std::optional<std::string> OptText(int c) const { return r.OptText(i, c + off); }
};

// kPersonCols with the version as text, to stand beside events' columns in one UNION.
#define U5_PERSON_TEXT_COLS                                                                                      \
  "id, version::text, created_at, updated_at, deleted_at, delete_reason, orgunit_id, full_name, name_folded, sex, " \
  "birth_date, phone, citizen_id, mother_id, body"

// The largest code point: PostgreSQL's text is valid UTF-8, so a prefix range ends here, not at 0xff.
constexpr SqlDialect kDialect{'$', false, "\xf4\x8f\xbf\xbf"};

// One record's columns as a line of COPY's text format.
void AppendCopyRecord(const Record& r, std::string* line) {
  auto field = [&](std::string_view v, bool last = false) {
    pg::Conn::AppendCopyField(line, v);
    line->push_back(last ? '\n' : '\t');
  };
  auto opt = [&](const std::optional<std::string>& v) {
    if (v) pg::Conn::AppendCopyField(line, *v);
    else pg::Conn::AppendCopyNull(line);
    line->push_back('\t');
  };
  const std::string version = std::to_string(r.version);
  if (r.is_person()) {
    field(r.id), field(version), field(r.created_at), field(r.updated_at), opt(r.deleted_at), opt(r.delete_reason);
    field(r.orgunit_id), field(r.full_name), field(r.name_folded), field(r.sex), field(r.date), opt(r.phone);
    opt(r.citizen_id), opt(r.mother_id), field(r.body, true);
  } else {
    field(r.id), field(r.type), field(r.person_id), opt(r.pregnancy_id), field(r.orgunit_id), field(r.date);
    field(version), field(r.created_at), field(r.updated_at), opt(r.deleted_at), opt(r.delete_reason);
    field(r.body, true);
  }
}

class PgStore final : public TopicStore, public PgHost {
 public:
  PgStore(std::string uri, const PgOptions& options)
      : uri_(std::move(uri)), handbooks_(options.handbook_cache_entries), waiter_(uri_) {
    aggregates_ = NewPgAggregates(*this);
    targets_ = NewPgTargets(*this);
    signoffs_ = NewPgSignoffs(*this);
    care_acks_ = NewPgCareAcks(*this);
    emergencies_ = NewPgEmergencies(*this);
    orgunit_writer_ = NewPgOrgUnitWriter(*this);
    publications_ = NewPgPublications(*this);
    national_ = NewPgNational(*this);
  }

  Status Init() {
    orgunits_ = NewPgOrgUnitReader([this](const std::function<Status(pg::Conn&)>& body) { return Read(body); });
    pg::Conn* conn;
    U5_RETURN_IF_ERROR(Conn(&conn));
    return PgMigrate(*conn);
  }


  // One connection per (thread, store), as SqliteStore's; keyed by a process-unique
  // instance number, not the address, which a later store may reuse.
  static std::unordered_map<uint64_t, std::unique_ptr<pg::Conn>>& ThreadConnections() {
    thread_local std::unordered_map<uint64_t, std::unique_ptr<pg::Conn>> conns;
    return conns;
  }
  void ReleaseConnection() override { ThreadConnections().erase(uid_); }
  // A connection the server dropped (a restart, a failover) is replaced on the next call.
  Status Conn(pg::Conn** out) override {
    auto& slot = ThreadConnections()[uid_];
    if (!slot || !slot->Usable()) {
      auto c = std::make_unique<pg::Conn>();
      U5_RETURN_IF_ERROR(pg::Conn::Open(uri_, c.get()));
      slot = std::move(c);
    }
    *out = slot.get();
    return Status::Ok();
  }

  Status Insert(const Record& r, const audit::Entry* audit) override {
    return Apply({Write{Write::Op::insert, r, 0, "", audit ? *audit : audit::Entry{}}}, nullptr, audit != nullptr);
  }

  Status Update(Record& r, int64_t expected_version, const audit::Entry* audit) override {
    std::vector<Record> stored;
    U5_RETURN_IF_ERROR(Apply({Write{Write::Op::update, r, expected_version, "", audit ? *audit : audit::Entry{}}},
                             &stored, audit != nullptr));
    r = std::move(stored[0]);
    return Status::Ok();
  }

  Status SoftDelete(const std::string& type, const std::string& id, int64_t expected_version, const std::string& reason,
                    Record* out, const audit::Entry* audit) override {
    Write w{Write::Op::remove, Record{}, expected_version, reason, audit ? *audit : audit::Entry{}};
    w.record.type = type;
    w.record.id = id;
    std::vector<Record> stored;
    U5_RETURN_IF_ERROR(Apply({std::move(w)}, &stored, audit != nullptr));
    *out = std::move(stored[0]);
    return Status::Ok();
  }

  Status Apply(const std::vector<Write>& writes, std::vector<Record>* stored) override {
    return Apply(writes, stored, true);
  }

  Status InsertBatch(const std::vector<Record>& rs) override {
    std::vector<Write> writes;
    writes.reserve(rs.size());
    for (const Record& r : rs) writes.push_back(Write{Write::Op::insert, r, 0, "", {}});
    return Apply(writes, nullptr, /*audited=*/false, /*guarded=*/false);
  }

  Status Versions(const std::string& type, const std::string& id, std::vector<Record>* out) override {
    return Read([&](pg::Conn& c) {
      pg::ReadTx snapshot(c);
      U5_RETURN_IF_ERROR(snapshot.status());
      out->clear();
      out->emplace_back();
      U5_RETURN_IF_ERROR(GetIn(c, type, id, &out->back()));
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query(U5_VERSION_COLUMNS "WHERE id=$1 ORDER BY version DESC", {id}, &r));
      for (int i = 0; i < r.rows(); ++i) {
        out->emplace_back();
        ReadVersionRow(Row{r, i}, &out->back());
      }
      return Status::Ok();
    });
  }

  Status GetVersion(const std::string& type, const std::string& id, int64_t version, Record* out) override {
    return Read([&](pg::Conn& c) {
      pg::ReadTx snapshot(c);
      U5_RETURN_IF_ERROR(snapshot.status());
      U5_RETURN_IF_ERROR(GetIn(c, type, id, out));
      if (out->version == version) return Status::Ok();
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query(U5_VERSION_COLUMNS "WHERE id=$1 AND version=$2", {id, version}, &r));
      if (r.rows() == 0) return Status::NotFound(type + " " + id + " has no version " + std::to_string(version), "version");
      ReadVersionRow(Row{r, 0}, out);
      return Status::Ok();
    });
  }

  class PgBulk;
  Status OpenBulk(std::unique_ptr<BulkWriter>* out) override;

  Status ChangeHead(ChangeLogHead* out) override {
    return Read([&](pg::Conn& c) {
      return PgReadChangeHead(c, out);
    });
  }
  Status ChangedSince(int64_t seq, ChangesAfter* out) override {
    return Read([&](pg::Conn& c) {
      return PgReadChangesAfter(c, seq, out);
    });
  }
  Status TrimChanges(int64_t up_to_seq) override {
    return WriteTx([&](pg::Conn& c) { return PgTrimChangeLog(c, up_to_seq); });
  }

  Status SyncChanges(const SyncQuery& q, SyncPage* out) override {
    if (q.roots.empty()) return Status::Invalid("orgunit", "a sync needs at least one org unit");
    return Read([&](pg::Conn& c) {
      // Inside: a read lost midway runs again from the start.
      out->persons.clear();
      out->left.clear();
      out->more = false;
      pg::ReadTx snapshot(c);
      U5_RETURN_IF_ERROR(snapshot.status());
      ChangeLogHead head;
      U5_RETURN_IF_ERROR(PgReadChangeHead(c, &head));
      out->db_id = head.db_id;
      out->head = head.seq;
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query("SELECT everything_seq FROM change_log_state WHERE one = 1", {}, &r));
      out->everything_seq = r.rows() ? r.Int(0, 0) : 0;
      // The page's persons in (position, id) order, limit + 1 of them: a person
      // is one record at least, so that many decide the page and whether more follow.
      const std::string scope =
          "SELECT sync_seq, " + std::string(kPersonCols) + " FROM person WHERE orgunit_id IN "
          "(SELECT descendant FROM orgunit_closure WHERE ancestor = ANY($1::text[]))";
      const std::string live = q.first ? " AND deleted_at IS NULL" : "";
      pg::Result persons;
      if (q.after_id.empty())
        U5_RETURN_IF_ERROR(c.Query(scope + " AND sync_seq > $2" + live + " ORDER BY sync_seq, id LIMIT $3",
                                   {pg::Conn::ArrayLiteral(q.roots), q.after_seq, int64_t{q.limit} + 1}, &persons));
      else
        U5_RETURN_IF_ERROR(c.Query(scope + " AND (sync_seq, id) > ($2, $3)" + live + " ORDER BY sync_seq, id LIMIT $4",
                                   {pg::Conn::ArrayLiteral(q.roots), q.after_seq, q.after_id, int64_t{q.limit} + 1},
                                   &persons));
      std::vector<std::string> ids;
      for (int i = 0; i < persons.rows(); ++i) ids.push_back(persons.Text(i, 1));
      // Their events in one read, person by person in date order; a deleted person goes alone.
      pg::Result events;
      U5_RETURN_IF_ERROR(c.Query(std::string("SELECT ") + kEventCols + " FROM event WHERE person_id = ANY($1::text[])" +
                                      live + " ORDER BY person_id, event_date, id",
                                 {pg::Conn::ArrayLiteral(ids)}, &events));
      std::unordered_map<std::string, std::vector<Record>> by_person;
      for (int i = 0; i < events.rows(); ++i) {
        Record e;
        ReadEventRow(Row{events, i}, &e);
        by_person[e.person_id].push_back(std::move(e));
      }
      size_t records = 0;
      for (int i = 0; i < persons.rows(); ++i) {
        SyncPerson p;
        ReadPersonRow(Row{persons, i, 1}, &p.person);
        p.seq = persons.Int(i, 0);
        if (!p.person.deleted_at)
          if (auto it = by_person.find(p.person.id); it != by_person.end()) p.events = std::move(it->second);
        if (!AddToPage(std::move(p), q.limit, &records, out)) break;
      }
      if (q.left_since < 0 || out->more) return Status::Ok();
      // Persons moved out (docs/sync.md "Persons that left the scope"), in the same snapshot.
      const std::string in = "(SELECT descendant FROM orgunit_closure WHERE ancestor = ANY($2::text[]))";
      pg::Result left;
      U5_RETURN_IF_ERROR(c.Query("SELECT p.id FROM person p WHERE p.sync_seq > $1 AND p.orgunit_id NOT IN " + in +
                                     " AND EXISTS (SELECT 1 FROM record_version v WHERE v.id = p.id AND v.orgunit_id IN " +
                                     in + ") ORDER BY p.id",
                                 {q.left_since, pg::Conn::ArrayLiteral(q.roots)}, &left));
      for (int i = 0; i < left.rows(); ++i) out->left.push_back(left.Text(i, 0));
      return Status::Ok();
    });
  }

  Status AppendAudit(std::vector<audit::Entry> entries) override {
    if (entries.empty()) return Status::Ok();
    return WriteTx([&](pg::Conn& c) {
      ChainHead head;
      U5_RETURN_IF_ERROR(LockChainHead(c, &head));
      // A copy per attempt: AppendChained fills in seq and hashes from the head of the moment.
      std::vector<audit::Entry> chained = entries;
      for (audit::Entry& e : chained) U5_RETURN_IF_ERROR(AppendChained(c, e, &head));
      return Status::Ok();
    });
  }

  Status WriteTx(const std::function<Status(pg::Conn&)>& body) override {
    return pg::RunWrite([this](pg::Conn** c) { return Conn(c); }, body);
  }

  Status Read(const std::function<Status(pg::Conn&)>& body) override {
    return pg::RunRead([this](pg::Conn** c) { return Conn(c); }, body);
  }

  // Appends `e` inside the caller's write transaction on `c`.
  Status AppendAuditIn(pg::Conn& c, audit::Entry& e) override {
    if (!c.in_transaction()) return Status::Internal("an audit entry is appended inside a write transaction");
    ChainHead head;
    U5_RETURN_IF_ERROR(LockChainHead(c, &head));
    return AppendChained(c, e, &head);
  }

  Status ListAudit(const AuditQuery& q, std::vector<audit::Entry>* out) override {
    return Read([&](pg::Conn& c) {
      pg::Params params;
      params.Add(q.after_seq);
      auto arg = [&](const std::string& v) {
        params.Add(v);
        return "$" + std::to_string(params.size());
      };
      std::string sql = "SELECT " + std::string(kAuditCols) + " FROM audit_log WHERE seq > $1";
      if (!q.username.empty()) sql += " AND username=" + arg(q.username);
      // Entries under this record id, and answers that listed it among others (detail.records):
      // one GIN index over both (u5_audit_records, docs/postgres.md).
      if (!q.record_id.empty()) sql += " AND u5_audit_records(record_id, detail) @> ARRAY[" + arg(q.record_id) + "::text]";
      if (q.before_seq > 0) sql += " AND seq<" + std::to_string(q.before_seq);
      if (!q.from.empty()) sql += " AND at>=" + arg(q.from);
      if (!q.to.empty()) {
        const std::string to = arg(q.to);
        sql += " AND substr(at, 1, length(" + to + "::text))<=" + to;
      }
      if (!q.orgunits.empty()) {
        sql += " AND orgunit_id IN (SELECT descendant FROM orgunit_closure WHERE ancestor IN (";
        for (size_t i = 0; i < q.orgunits.size(); ++i) sql += (i ? "," : "") + arg(q.orgunits[i]);
        sql += "))";
      }
      sql += std::string(q.newest_first ? " ORDER BY seq DESC" : " ORDER BY seq") + " LIMIT " +
             std::to_string(std::clamp(q.limit, 1, 1000));
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query(sql, params, &r));
      out->clear();
      for (int i = 0; i < r.rows(); ++i) out->push_back(ReadAuditRow(Row{r, i}));
      return Status::Ok();
    });
  }

  Status VerifyAudit(int64_t* checked) override { return VerifyAudit(checked, nullptr); }

  Status VerifyAudit(int64_t* checked, const std::function<Status(const audit::Entry&)>& visit) override {
    pg::Conn* c;
    U5_RETURN_IF_ERROR(Conn(&c));
    std::string prev = audit::kGenesis;
    int64_t expected_seq = 1;
    *checked = 0;
    return ForEachRow(*c, "SELECT " + std::string(kAuditCols) + " FROM audit_log ORDER BY seq", [&](const Row& row) {
      audit::Entry e = ReadAuditRow(row);
      U5_RETURN_IF_ERROR(CheckChainEntry(e, expected_seq, prev));
      if (visit) U5_RETURN_IF_ERROR(visit(e));
      prev = e.hash;
      ++expected_seq;
      ++*checked;
      return Status::Ok();
    });
  }

  Status AuditChainHead(int64_t* seq, std::string* hash) override {
    return Read([&](pg::Conn& c) {
      ChainHead head;
      U5_RETURN_IF_ERROR(ReadChainHead(c, &head));
      *seq = head.seq;
      *hash = head.hash;
      return Status::Ok();
    });
  }

  Status Get(const std::string& type, const std::string& id, Record* out) override {
    return Read([&](pg::Conn& c) {
      return GetIn(c, type, id, out);
    });
  }

  Status Find(const std::string& id, Record* out) override {
    return Read([&](pg::Conn& c) {
      Status st = GetIn(c, "person", id, out);
      if (st.code() != Code::not_found) return st;
      return GetIn(c, "", id, out);
    });
  }

  Status List(const ListQuery& q, std::vector<Record>* out) override {
    return Read([&](pg::Conn& c) {
      std::vector<std::string> args;
      std::string sql;
      U5_RETURN_IF_ERROR(ListSql(kDialect, q, &sql, &args));
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query(sql, ToParams(args), &r));
      out->clear();
      for (int i = 0; i < r.rows(); ++i) out->push_back(ReadRecord(r, i, q.type == "person"));
      return Status::Ok();
    });
  }

  Status Count(const ListQuery& q, int64_t* n) override {
    return Read([&](pg::Conn& c) {
      ListQuery all = q;
      all.after.clear();
      all.walk_ids = false;
      std::vector<std::string> args;
      const std::string sql = "SELECT count(*)" + ListWhereSql(kDialect, all, &args);
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query(sql, ToParams(args), &r));
      *n = r.Int(0, 0);
      return Status::Ok();
    });
  }

  Status Handbook(const std::string& person_id, Record* person, std::vector<Record>* events, Record* mother) override {
    // The engines' and validation's reads (without the mother) come from the
    // database, as on SQLite: a person an engine replays from the change log
    // may have been written by another server a moment ago, before this
    // cache heard of it.
    if (!mother) return ReadHandbook(person_id, person, events, nullptr);
    std::shared_ptr<const PersonBook> book;
    U5_RETURN_IF_ERROR(SharedHandbook(person_id, &book));
    *person = book->person;
    *events = book->events;
    if (book->mother) *mother = *book->mother;
    else mother->id.clear();
    return Status::Ok();
  }

  Status SharedHandbook(const std::string& person_id, std::shared_ptr<const PersonBook>* out) override {
    // Unsure what other servers wrote (no listener): the book comes from the database and is not kept.
    const bool caught_up = CatchUpWithOtherServers().ok();
    uint64_t generation = 0;
    if (caught_up && (*out = handbooks_.FindBook(person_id, &generation))) return Status::Ok();
    auto book = std::make_shared<PersonBook>();
    Record mother;
    U5_RETURN_IF_ERROR(ReadHandbook(person_id, &book->person, &book->events, &mother));
    if (!mother.id.empty()) book->mother = std::move(mother);
    if (caught_up) handbooks_.PutBook(person_id, book, generation);
    *out = std::move(book);
    return Status::Ok();
  }

  Status SharedChildren(const std::string& mother_id, std::shared_ptr<const std::vector<Record>>* out) override {
    const bool caught_up = CatchUpWithOtherServers().ok();
    uint64_t generation = 0;
    if (caught_up && (*out = handbooks_.FindChildren(mother_id, &generation))) return Status::Ok();
    auto kids = std::make_shared<std::vector<Record>>();
    U5_RETURN_IF_ERROR(ReadChildren({mother_id}, kids.get()));
    if (caught_up) handbooks_.PutChildren(mother_id, kids, generation);
    *out = std::move(kids);
    return Status::Ok();
  }

  // Other servers' writes reach the handbook cache through the change log,
  // woken by the NOTIFY of each append: before a cached read, the
  // notifications that arrived on the listening connection are taken (a
  // poll, no round trip) and the persons written since are forgotten. This
  // server's own writes are forgotten before the write returns (Apply).
  // When the listener cannot be reached, the caller reads the database.
  Status CatchUpWithOtherServers() {
    std::lock_guard lock(follow_mu_);
    if (!follow_started_) {
      // The cache is empty until this first catch-up: the log from here on is what matters.
      ChangeLogHead head;
      U5_RETURN_IF_ERROR(ChangeHead(&head));
      seen_seq_ = head.seq;
      follow_started_ = true;
    }
    bool woken = false;
    U5_RETURN_IF_ERROR(waiter_.Wait(seen_seq_, std::chrono::milliseconds(0), &woken));
    if (!woken) return Status::Ok();
    ChangeLogHead head;
    U5_RETURN_IF_ERROR(ChangeHead(&head));
    ChangesAfter changed;
    U5_RETURN_IF_ERROR(ChangedSince(seen_seq_, &changed));
    // This server's own writes come back too: forgetting them again is harmless.
    if (changed.everything || changed.persons.size() > kForgetOneByOneUpTo) handbooks_.Clear();
    else handbooks_.ForgetPersons(changed.persons);
    seen_seq_ = head.seq;
    return Status::Ok();
  }

  // One statement, so one snapshot and one round trip (a transaction around
  // three queries would cost five): the person ('p'), the mother ('m'), then
  // the live events ('e') in date order, every column as text behind a kind.
  Status ReadHandbook(const std::string& person_id, Record* person, std::vector<Record>* events, Record* mother) {
    return Read([&](pg::Conn& c) {
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query(
          "SELECT 'p', " U5_PERSON_TEXT_COLS " FROM person WHERE id=$1 "
          "UNION ALL SELECT 'm', " U5_PERSON_TEXT_COLS " FROM person WHERE $2 AND id=(SELECT mother_id FROM person WHERE id=$1) "
          "UNION ALL SELECT 'e', id, type, person_id, pregnancy_id, orgunit_id, event_date, version::text, created_at, "
          "updated_at, deleted_at, delete_reason, body, NULL, NULL, NULL FROM event WHERE person_id=$1 AND deleted_at IS NULL "
          "ORDER BY 1 DESC, 7, 2",
          {person_id, mother != nullptr}, &r));
      events->clear();
      if (mother) mother->id.clear();
      bool found = false;
      for (int i = 0; i < r.rows(); ++i) {
        const std::string_view kind = r.TextView(i, 0);
        if (kind == "p") {
          ReadPersonRow(Row{r, i, 1}, person);
          found = true;
        } else if (kind == "m") {
          ReadPersonRow(Row{r, i, 1}, mother);
          if (mother->deleted_at) mother->id.clear();
        } else {
          events->emplace_back();
          ReadEventRow(Row{r, i, 1}, &events->back());
        }
      }
      if (!found) return Status::NotFound("person " + person_id + " not found", "id");
      if (person->deleted_at) return Status::NotFound("person " + person_id + " is deleted", "id");
      return Status::Ok();
    });
  }

  Status SearchPersons(const SearchQuery& q, std::vector<Record>* out) override {
    return Read([&](pg::Conn& c) {
      out->clear();
      const int offset = std::max(q.offset, 0);
      const int limit = std::clamp(q.limit, 1, 200) + offset;
      std::unordered_set<std::string> seen;
      auto run = [&](const std::string& sql, const std::vector<std::string>& args) -> Status {
        pg::Result r;
        U5_RETURN_IF_ERROR(c.Query(sql, ToParams(args), &r));
        for (int i = 0; i < r.rows() && static_cast<int>(out->size()) < limit; ++i) {
          Record p = ReadRecord(r, i, true);
          if (seen.insert(p.id).second) out->push_back(std::move(p));
        }
        return Status::Ok();
      };
      auto next_given = [&](const std::string& lo, const std::string& hi, std::optional<std::string>* name_rev) -> Status {
        pg::Result r;
        U5_RETURN_IF_ERROR(c.Query("SELECT name_rev FROM person WHERE name_rev >= $1 AND name_rev < $2 ORDER BY name_rev LIMIT 1",
                                   {lo, hi}, &r));
        if (r.rows()) *name_rev = r.Text(0, 0);
        return Status::Ok();
      };
      Status st = SearchStagesSql(kDialect, q, limit, *out, run, next_given);
      out->erase(out->begin(), out->begin() + std::min<size_t>(offset, out->size()));
      return st;
    });
  }

  Status Children(const std::vector<std::string>& mother_ids, std::vector<Record>* out) override {
    if (mother_ids.size() != 1) return ReadChildren(mother_ids, out);
    std::shared_ptr<const std::vector<Record>> kids;
    U5_RETURN_IF_ERROR(SharedChildren(mother_ids[0], &kids));
    *out = *kids;
    return Status::Ok();
  }

  Status ReadChildren(const std::vector<std::string>& mother_ids, std::vector<Record>* out) {
    out->clear();
    if (mother_ids.empty()) return Status::Ok();
    return Read([&](pg::Conn& c) {
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query(std::string("SELECT ") + kPersonCols +
                                      " FROM person WHERE deleted_at IS NULL AND mother_id = ANY($1::text[]) ORDER BY birth_date, id",
                                 {pg::Conn::ArrayLiteral(mother_ids)}, &r));
      for (int i = 0; i < r.rows(); ++i) out->push_back(ReadRecord(r, i, true));
      return Status::Ok();
    });
  }

  Status ForEach(const std::function<Status(const Record&)>& fn, bool include_deleted) override {
    pg::Conn* c;
    U5_RETURN_IF_ERROR(Conn(&c));
    const std::string filter = include_deleted ? "" : " WHERE deleted_at IS NULL";
    for (bool person : {true, false}) {
      Record rec;
      U5_RETURN_IF_ERROR(ForEachRow(*c,
                                    std::string("SELECT ") + (person ? kPersonCols : kEventCols) +
                                        (person ? " FROM person" : " FROM event") + filter + " ORDER BY id",
                                    [&](const Row& row) {
                                      person ? ReadPersonRow(row, &rec) : ReadEventRow(row, &rec);
                                      return fn(rec);
                                    }));
    }
    return Status::Ok();
  }

  Status ForEachHistory(const HistoryQuery& q, const HistoryFn& fn) override {
    pg::Conn* c;
    U5_RETURN_IF_ERROR(Conn(&c));
    return PgForEachHistory(*c, q, fn);
  }

  Status CreateUser(const User& u) override {
    // As SQLite's CreateUser: a new account starts enabled (SaveUser sets the flag).
    User enabled = u;
    enabled.disabled = false;
    return WriteTx([&](pg::Conn& c) { return InsertUser(c, enabled); });
  }

  Status GetUser(const std::string& username, User* out) override { return LoadUser("username", username, out); }
  Status GetUserById(const std::string& id, User* out) override { return LoadUser("id", id, out); }

  Status SetPassword(const std::string& user_id, const std::string& password_hash, bool must_change,
                     const std::string& keep_session) override {
    return WriteTx([&](pg::Conn& c) {
      int64_t changed = 0;
      U5_RETURN_IF_ERROR(c.Run("UPDATE app_user SET password_hash=$2, must_change_password=$3 WHERE id=$1",
                               {user_id, password_hash, must_change}, &changed));
      if (changed == 0) return Status::NotFound("no such user", "user");
      // Whoever held the old password may hold a session: the new password ends it.
      return c.Run("DELETE FROM session WHERE user_id=$1 AND token_hash<>$2", {user_id, keep_session});
    });
  }

  Status ListUsers(std::vector<User>* out) override {
    return Read([&](pg::Conn& c) {
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query("SELECT id FROM app_user ORDER BY username", {}, &r));
      out->clear();
      for (int i = 0; i < r.rows(); ++i) {
        out->emplace_back();
        U5_RETURN_IF_ERROR(LoadUser("id", r.Text(i, 0), &out->back()));
      }
      return Status::Ok();
    });
  }

  Status SaveUser(const User& u, bool create, const audit::Entry& audit) override {
    return WriteAudited(audit, [&](pg::Conn& c) {
      if (create) return InsertUser(c, u);
      // The row as it is, locked: the comparison below holds until the commit.
      User before;
      U5_RETURN_IF_ERROR(c.Run("SELECT 1 FROM app_user WHERE id=$1 FOR UPDATE", {u.id}));
      U5_RETURN_IF_ERROR(LoadUser("id", u.id, &before));
      U5_RETURN_IF_ERROR(c.Run(
          "UPDATE app_user SET password_hash=$2, role=$3, full_name=$4, disabled=$5, must_change_password=$6 WHERE id=$1",
          {u.id, u.password_hash, u.role, u.full_name, u.disabled, u.must_change_password}));
      U5_RETURN_IF_ERROR(c.Run("DELETE FROM user_orgunit WHERE user_id=$1", {u.id}));
      if (u.disabled || u.password_hash != before.password_hash)
        U5_RETURN_IF_ERROR(c.Run("DELETE FROM session WHERE user_id=$1", {u.id}));
      return InsertUserOrgUnits(c, u);
    });
  }

  Status CreateSession(const std::string& token_hash, const std::string& user_id, int64_t expires_ms) override {
    return WriteTx([&](pg::Conn& c) {
      return c.Run("INSERT INTO session(token_hash, user_id, created_at, expires_at) VALUES ($1,$2,$3,$4)",
                    {token_hash, user_id, NowIso(), expires_ms});
    });
  }

  Status GetSession(const std::string& token_hash, std::string* user_id) override {
    return Read([&](pg::Conn& c) {
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query("SELECT user_id FROM session WHERE token_hash=$1 AND expires_at>$2", {token_hash, NowMillis()}, &r));
      if (r.rows() == 0) return Status::NotFound("no such session");
      *user_id = r.Text(0, 0);
      return Status::Ok();
    });
  }

  Status DeleteSession(const std::string& token_hash) override {
    return WriteTx([&](pg::Conn& c) { return c.Run("DELETE FROM session WHERE token_hash=$1", {token_hash}); });
  }

  bool OrgUnitExists(const std::string& id) override {
    {
      std::shared_lock lock(ou_mu_);
      if (known_orgunits_.count(id)) return true;
    }
    pg::Result r;
    if (!Read([&](pg::Conn& c) { return c.Query("SELECT 1 FROM orgunit WHERE id=$1", {id}, &r); }).ok() || r.rows() == 0)
      return false;
    std::unique_lock lock(ou_mu_);
    known_orgunits_.insert(id);
    return true;
  }

  // As SqliteStore's: closure rows are only ever added, so a "yes" is remembered.
  bool InSubtree(const std::string& ancestor, const std::string& descendant) override {
    std::string key = ancestor + '\x1f' + descendant;
    {
      std::shared_lock lock(ou_mu_);
      if (in_subtree_.count(key)) return true;
    }
    pg::Result r;
    if (!Read([&](pg::Conn& c) {
           return c.Query("SELECT 1 FROM orgunit_closure WHERE ancestor=$1 AND descendant=$2", {ancestor, descendant}, &r);
         }).ok() ||
        r.rows() == 0)
      return false;
    std::unique_lock lock(ou_mu_);
    if (in_subtree_.size() >= 1000000) in_subtree_.clear();  // bounded: a user's scope pairs are few
    in_subtree_.insert(std::move(key));
    return true;
  }

  Status OrgUnitNames(const std::vector<std::string>& ids, const std::string& parent, std::vector<OrgUnitName>* out) override {
    return Read([&](pg::Conn& c) {
      out->clear();
      auto read = [&](const pg::Result& r) {
        for (int i = 0; i < r.rows(); ++i)
          out->push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.IsNull(i, 3) ? "" : r.Text(i, 3)});
      };
      pg::Result r;
      if (ids.empty()) {
        U5_RETURN_IF_ERROR(c.Query("SELECT id, name, kind, parent_id FROM orgunit WHERE parent_id=$1 ORDER BY name", {parent}, &r));
        read(r);
      }
      for (const auto& id : ids) {
        U5_RETURN_IF_ERROR(c.Query("SELECT id, name, kind, parent_id FROM orgunit WHERE id=$1", {id}, &r));
        read(r);
      }
      return Status::Ok();
    });
  }

 private:
  static pg::Params ToParams(const std::vector<std::string>& args) {
    pg::Params p;
    for (const auto& a : args) p.Add(a);
    return p;
  }

  static Record ReadRecord(const pg::Result& r, int i, bool person) {
    Record rec;
    person ? ReadPersonRow(Row{r, i}, &rec) : ReadEventRow(Row{r, i}, &rec);
    return rec;
  }

  // Rows of `sql` through a cursor, a batch at a time, from one snapshot: a
  // whole table never sits in memory at once.
  static Status ForEachRow(pg::Conn& c, const std::string& sql, const std::function<Status(const Row&)>& fn) {
    pg::ReadTx snapshot(c);
    U5_RETURN_IF_ERROR(snapshot.status());
    U5_RETURN_IF_ERROR(c.Exec("DECLARE u5_rows NO SCROLL CURSOR FOR " + sql));
    Status st;
    for (;;) {
      pg::Result r;
      st = c.Query("FETCH 2000 FROM u5_rows", {}, &r);
      if (!st.ok() || r.rows() == 0) break;
      for (int i = 0; i < r.rows() && st.ok(); ++i) st = fn(Row{r, i});
      if (!st.ok()) break;
    }
    if (c.alive()) (void)c.Exec("CLOSE u5_rows");
    return st;
  }

  // The last entry of the chain: the next entry's seq is seq + 1, its prev_hash is hash.
  struct ChainHead {
    int64_t seq = 0;
    std::string hash = audit::kGenesis;
  };

  static Status ReadChainHead(pg::Conn& c, ChainHead* head) {
    pg::Result r;
    U5_RETURN_IF_ERROR(c.Query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", {}, &r));
    if (r.rows()) {
      head->seq = r.Int(0, 0);
      head->hash = r.Text(0, 1);
    } else {
      *head = ChainHead{};
    }
    return Status::Ok();
  }

  // The chain is one sequence: an append takes the chain's advisory lock, held to
  // the end of the caller's transaction, then reads the head. Under READ COMMITTED
  // that read sees every append committed before the lock was granted.
  static Status LockChainHead(pg::Conn& c, ChainHead* head) {
    U5_RETURN_IF_ERROR(c.Run("SELECT pg_advisory_xact_lock($1)", {kAuditChainLock}));
    return ReadChainHead(c, head);
  }

  static Status AppendChained(pg::Conn& c, audit::Entry& e, ChainHead* head) {
    e.seq = head->seq + 1;
    e.prev_hash = head->hash;
    if (e.at.empty()) e.at = NowIso();
    if (e.detail.empty()) e.detail = "{}";
    e.hash = audit::ComputeHash(e);
    U5_RETURN_IF_ERROR(c.Run(
        "INSERT INTO audit_log(seq, at, user_id, username, remote, action, record_type, record_id, orgunit_id, detail, "
        "prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
        {e.seq, e.at, e.user_id, e.username, e.remote, e.action, e.record_type, e.record_id, e.orgunit_id, e.detail,
         e.prev_hash, e.hash}));
    head->seq = e.seq;
    head->hash = e.hash;
    return Status::Ok();
  }

  // Insert, Update, SoftDelete, InsertBatch and Apply: the writes in one
  // transaction, each with its audit entry when `audited`, the guards asked
  // when `guarded`; listeners after the commit, in order.
  // Across a failover the whole transaction may run again (pg_write.h), from the writes as given.
  Status Apply(const std::vector<Write>& writes, std::vector<Record>* stored, bool audited, bool guarded = true) {
    std::vector<Change> changes;
    U5_RETURN_IF_ERROR(WriteTx([&](pg::Conn& c) {
      changes.clear();
      changes.reserve(writes.size());
      for (const Write& w : writes) {
        Change ch;
        ch.after = w.record;
        const audit::Entry* audit = audited ? &w.audit : nullptr;
        switch (w.op) {
          case Write::Op::insert:
            U5_RETURN_IF_ERROR(InsertIn(c, ch.after, audit, guarded));
            break;
          case Write::Op::update:
            ch.before.emplace();
            U5_RETURN_IF_ERROR(UpdateIn(c, ch.after, w.expected_version, audit, &*ch.before));
            break;
          case Write::Op::remove:
            ch.before.emplace();
            U5_RETURN_IF_ERROR(
                SoftDeleteIn(c, w.record.type, w.record.id, w.expected_version, w.reason, &ch.after, audit, &*ch.before));
            break;
        }
        changes.push_back(std::move(ch));
      }
      return Status::Ok();
    }));
    if (stored) {
      stored->clear();
      for (const Change& ch : changes) stored->push_back(ch.after);
    }
    for (Change& ch : changes) {
      handbooks_.Forget(ch.before ? &*ch.before : nullptr, ch.after);
      hooks_.Notify(std::move(ch.before), ch.after);
    }
    return Status::Ok();
  }

  Status GetIn(pg::Conn& c, const std::string& type, const std::string& id, Record* out) {
    pg::Result r;
    if (type == "person") {
      U5_RETURN_IF_ERROR(c.Query(std::string("SELECT ") + kPersonCols + " FROM person WHERE id=$1", {id}, &r));
      if (r.rows() == 0) return Status::NotFound("person " + id + " not found", "id");
      ReadPersonRow(Row{r, 0}, out);
      return Status::Ok();
    }
    U5_RETURN_IF_ERROR(c.Query(std::string("SELECT ") + kEventCols + " FROM event WHERE id=$1", {id}, &r));
    if (r.rows() == 0) return Status::NotFound((type.empty() ? "record" : type) + " " + id + " not found", "id");
    ReadEventRow(Row{r, 0}, out);
    if (!type.empty() && out->type != type) return Status::NotFound(type + " " + id + " not found", "id");
    return Status::Ok();
  }

  // Ids are unique across persons and events (Find looks in both); the two
  // primary keys alone do not ensure it. The check runs under the change
  // log's lock (after PgLogChangeIn), which every record write and bulk load
  // holds to its commit: it sees every insert that committed before, and an
  // insert of the same id still to commit checks after this one committed.
  static Status CheckIdInOtherTable(pg::Conn& c, const Record& r) {
    pg::Result other;
    U5_RETURN_IF_ERROR(c.Query(r.is_person() ? "SELECT 1 FROM event WHERE id=$1" : "SELECT 1 FROM person WHERE id=$1", {r.id}, &other));
    return other.rows() ? DuplicateId(r.id) : Status::Ok();
  }

  Status InsertOne(pg::Conn& c, const Record& r) {
    Status st;
    if (r.is_person()) {
      st = c.Run("INSERT INTO person(id, version, created_at, updated_at, deleted_at, delete_reason, orgunit_id, full_name, "
                 "name_folded, sex, birth_date, phone, citizen_id, mother_id, body) "
                 "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
                 {r.id, r.version, r.created_at, r.updated_at, r.deleted_at, r.delete_reason, r.orgunit_id, r.full_name,
                  r.name_folded, r.sex, r.date, r.phone, r.citizen_id, r.mother_id, r.body});
    } else {
      st = c.Run("INSERT INTO event(id, type, person_id, pregnancy_id, orgunit_id, event_date, version, created_at, "
                 "updated_at, deleted_at, delete_reason, body) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
                 {r.id, r.type, r.person_id, r.pregnancy_id, r.orgunit_id, r.date, r.version, r.created_at, r.updated_at,
                  r.deleted_at, r.delete_reason, r.body});
    }
    if (st.code() == Code::conflict && !pg::Retryable(st)) {
      if (st.message().find("UNIQUE") != std::string::npos) return DuplicateId(r.id);
      return Status::Invalid("orgunit", "a referenced record or org unit does not exist (" + st.message() + ")");
    }
    return st;
  }

  // The write parts of Insert, Update and SoftDelete, inside a transaction the caller holds on `c`.
  Status InsertIn(pg::Conn& c, const Record& r, const audit::Entry* audit, bool guarded) {
    if (guarded) U5_RETURN_IF_ERROR(hooks_.Check(r));
    U5_RETURN_IF_ERROR(InsertOne(c, r));
    U5_RETURN_IF_ERROR(PgLogChangeIn(c, &PersonOf(r)));
    U5_RETURN_IF_ERROR(CheckIdInOtherTable(c, r));
    if (audit) U5_RETURN_IF_ERROR(AuditWrite(c, *audit, nullptr, r));
    return Status::Ok();
  }

  Status UpdateIn(pg::Conn& c, Record& r, int64_t expected_version, const audit::Entry* audit, Record* cur) {
    U5_RETURN_IF_ERROR(GetForUpdate(c, r.type, r.id, cur));
    U5_RETURN_IF_ERROR(CheckReplaceable(*cur, expected_version, /*deleting=*/false));
    U5_RETURN_IF_ERROR(hooks_.Check(*cur));
    U5_RETURN_IF_ERROR(hooks_.Check(r));
    U5_RETURN_IF_ERROR(KeepVersion(c, *cur));
    r.version = cur->version + 1;
    r.created_at = cur->created_at;
    r.updated_at = NowIso();
    if (r.is_person()) {
      U5_RETURN_IF_ERROR(c.Run(
          "UPDATE person SET version=$2, updated_at=$3, orgunit_id=$4, full_name=$5, name_folded=$6, sex=$7, "
          "birth_date=$8, phone=$9, citizen_id=$10, mother_id=$11, body=$12 WHERE id=$1",
          {r.id, r.version, r.updated_at, r.orgunit_id, r.full_name, r.name_folded, r.sex, r.date, r.phone, r.citizen_id,
           r.mother_id, r.body}));
    } else {
      U5_RETURN_IF_ERROR(c.Run(
          "UPDATE event SET version=$2, updated_at=$3, orgunit_id=$4, event_date=$5, pregnancy_id=$6, body=$7 WHERE id=$1",
          {r.id, r.version, r.updated_at, r.orgunit_id, r.date, r.pregnancy_id, r.body}));
    }
    U5_RETURN_IF_ERROR(PgLogChangeIn(c, &PersonOf(*cur)));
    if (PersonOf(r) != PersonOf(*cur)) U5_RETURN_IF_ERROR(PgLogChangeIn(c, &PersonOf(r)));
    if (audit) U5_RETURN_IF_ERROR(AuditWrite(c, *audit, cur, r));
    return Status::Ok();
  }

  Status SoftDeleteIn(pg::Conn& c, const std::string& type, const std::string& id, int64_t expected_version,
                      const std::string& reason, Record* out, const audit::Entry* audit, Record* before) {
    U5_RETURN_IF_ERROR(GetForUpdate(c, type, id, out));
    U5_RETURN_IF_ERROR(CheckReplaceable(*out, expected_version, /*deleting=*/true));
    U5_RETURN_IF_ERROR(hooks_.Check(*out));
    U5_RETURN_IF_ERROR(KeepVersion(c, *out));
    *before = *out;
    out->version += 1;
    out->updated_at = NowIso();
    out->deleted_at = out->updated_at;
    out->delete_reason = reason;
    U5_RETURN_IF_ERROR(c.Run(type == "person"
                                 ? "UPDATE person SET version=$2, updated_at=$3, deleted_at=$3, delete_reason=$4 WHERE id=$1"
                                 : "UPDATE event SET version=$2, updated_at=$3, deleted_at=$3, delete_reason=$4 WHERE id=$1",
                             {id, out->version, out->updated_at, reason}));
    U5_RETURN_IF_ERROR(PgLogChangeIn(c, &PersonOf(*out)));
    if (audit) U5_RETURN_IF_ERROR(AuditWrite(c, *audit, before, *out));
    return Status::Ok();
  }

  // The row an update replaces, locked until the commit: SQLite's writers are
  // serialized by the file; here two servers updating one record at once must
  // not both pass the version check.
  Status GetForUpdate(pg::Conn& c, const std::string& type, const std::string& id, Record* out) {
    U5_RETURN_IF_ERROR(c.Run(type == "person" ? "SELECT 1 FROM person WHERE id=$1 FOR UPDATE"
                                              : "SELECT 1 FROM event WHERE id=$1 FOR UPDATE",
                             {id}));
    return GetIn(c, type, id, out);
  }

  // The state a write replaces, kept for vread and _history (migration 23).
  static Status KeepVersion(pg::Conn& c, const Record& r) {
    return c.Run(
        "INSERT INTO record_version(type, id, person_id, pregnancy_id, orgunit_id, date, version, created_at, "
        "updated_at, deleted_at, delete_reason, body, full_name, name_folded, sex, phone, citizen_id, mother_id) "
        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)",
        {r.type, r.id, r.person_id, r.pregnancy_id, r.orgunit_id, r.date, r.version, r.created_at, r.updated_at,
         r.deleted_at, r.delete_reason, r.body, r.full_name, r.name_folded, r.sex, r.phone, r.citizen_id, r.mother_id});
  }

  Status AuditWrite(pg::Conn& c, audit::Entry e, const Record* before, const Record& after) {
    DescribeRecordWrite(&e, before, after);
    return AppendAuditIn(c, e);
  }

  Status InsertUser(pg::Conn& c, const User& u) {
    Status st = c.Run(
        "INSERT INTO app_user(id, username, password_hash, role, full_name, created_at, must_change_password, disabled) "
        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
        {u.id, u.username, u.password_hash, u.role, u.full_name, u.created_at, u.must_change_password, u.disabled});
    if (st.code() == Code::conflict && !pg::Retryable(st)) return Status::Conflict("user " + u.username + " exists", "username");
    U5_RETURN_IF_ERROR(st);
    return InsertUserOrgUnits(c, u);
  }

  static Status InsertUserOrgUnits(pg::Conn& c, const User& u) {
    for (const std::string& ou : u.orgunits)
      U5_RETURN_IF_ERROR(c.Run("INSERT INTO user_orgunit(user_id, orgunit_id) VALUES ($1, $2)", {u.id, ou}));
    return Status::Ok();
  }

  Status LoadUser(const char* by, const std::string& key, User* out) {
    return Read([&](pg::Conn& c) {
      pg::Result r;
      U5_RETURN_IF_ERROR(c.Query(std::string_view(by) == "id"
                                      ? "SELECT id, username, password_hash, role, full_name, created_at, disabled, must_change_password FROM app_user WHERE id=$1"
                                      : "SELECT id, username, password_hash, role, full_name, created_at, disabled, must_change_password FROM app_user WHERE username=$1",
                                 {key}, &r));
      if (r.rows() == 0) return Status::NotFound("no such user", "username");
      out->id = r.Text(0, 0);
      out->username = r.Text(0, 1);
      out->password_hash = r.Text(0, 2);
      out->role = r.Text(0, 3);
      out->full_name = r.IsNull(0, 4) ? "" : r.Text(0, 4);
      out->created_at = r.Text(0, 5);
      out->disabled = r.Int(0, 6) != 0;
      out->must_change_password = r.Int(0, 7) != 0;
      pg::Result o;
      U5_RETURN_IF_ERROR(c.Query("SELECT orgunit_id FROM user_orgunit WHERE user_id=$1 ORDER BY orgunit_id", {out->id}, &o));
      out->orgunits.clear();
      for (int i = 0; i < o.rows(); ++i) out->orgunits.push_back(o.Text(i, 0));
      return Status::Ok();
    });
  }

  const std::string uri_;
  HandbookCache handbooks_;
  static constexpr size_t kForgetOneByOneUpTo = 1000;
  PgChangeWaiter waiter_;  // hears the commits of every server, for the handbook cache
  std::mutex follow_mu_;
  bool follow_started_ = false;  // under follow_mu_
  int64_t seen_seq_ = 0;         // under follow_mu_: the change log position the cache has caught up to
  static inline std::atomic<uint64_t> next_uid_{1};
  const uint64_t uid_ = next_uid_++;
  std::shared_mutex ou_mu_;
  std::unordered_set<std::string> known_orgunits_;
  std::unordered_set<std::string> in_subtree_;  // "ancestor\x1fdescendant" pairs known to hold
};

// A bulk load: every record in one transaction, written by COPY (persons and
// events each buffered and copied a batch at a time; references checked at the
// commit, as a file may name a mother before the line that creates her).
class PgStore::PgBulk final : public BulkWriter {
 public:
  PgBulk(PgStore& store, pg::Conn& c) : store_(store), c_(c), tx_(c) {}

  Status Begin() {
    U5_RETURN_IF_ERROR(tx_.status());
    U5_RETURN_IF_ERROR(c_.Exec("SET CONSTRAINTS ALL DEFERRED"));
    // The change log's lock from the start, as SQLite's loader holds the write
    // lock: each batch's check of its ids against the other table then sees
    // every record write committed before, and one still to commit checks its
    // id after the load (CheckIdInOtherTable). Record writes wait for the load.
    U5_RETURN_IF_ERROR(c_.Run("SELECT pg_advisory_xact_lock($1)", {kChangeLogLock}));
    // A COMMIT whose answer is lost (a failover) is looked up, not guessed (pg_write.h).
    U5_RETURN_IF_ERROR(pg::MarkWrite(c_, &token_));
    pg::Result r;
    U5_RETURN_IF_ERROR(c_.Query("SELECT NOT EXISTS(SELECT 1 FROM person) AND NOT EXISTS(SELECT 1 FROM event)", {}, &r));
    fresh_ = r.Text(0, 0) == "t";
    keep_ = store_.hooks_.HasListeners();
    open_ = true;
    return Status::Ok();
  }

  Status Add(const Record& r) override {
    if (!open_) return Status::Internal("bulk transaction is closed");
    // Into tables with records, an id already stored is refused at once, as SQLite's
    // loader does row by row; within the load, at the batch's copy.
    if (!fresh_) {
      pg::Result taken;
      U5_RETURN_IF_ERROR(c_.Query("SELECT 1 FROM person WHERE id=$1 UNION ALL SELECT 1 FROM event WHERE id=$1", {r.id}, &taken));
      if (taken.rows()) return DuplicateId(r.id);
    }
    Batch& b = r.is_person() ? persons_ : events_;
    AppendCopyRecord(r, &b.lines);
    b.ids.push_back(r.id);
    if (!fresh_) touched_.insert(PersonOf(r));
    if (keep_) added_.push_back(r);
    if (b.lines.size() >= kBatchBytes) return Flush();
    return Status::Ok();
  }

  Status Commit() override {
    if (!open_) return Status::Internal("bulk transaction is closed");
    Status st = Flush();
    // Into empty tables everything is new: one marker rather than a row a person.
    if (st.ok() && fresh_) st = PgLogChangeIn(c_, nullptr);
    for (auto it = touched_.begin(); st.ok() && it != touched_.end(); ++it) st = PgLogChangeIn(c_, &*it);
    if (st.ok()) {
      st = tx_.Commit();
      // COMMIT was sent and the connection lost: ask the primary reached now, on a
      // connection of its own (the thread's one is still this load's).
      if (!st.ok() && !c_.alive()) st = ResolveLostCommit();
    }
    open_ = false;
    if (!st.ok()) {
      // As SQLite's loader: a failed load is rolled back at once, not when the writer goes.
      tx_.Rollback();
      if (st.message().find("FOREIGN KEY") != std::string::npos && !pg::Retryable(st))
        return Status::Invalid("person_id", "a record refers to a person, pregnancy or org unit that does not exist");
      return st;
    }
    // A load may add events to any number of cached handbooks.
    store_.handbooks_.Clear();
    for (const Record& r : added_) store_.hooks_.Notify(std::nullopt, r);
    added_.clear();
    return Status::Ok();
  }

 private:
  struct Batch {
    std::string lines;
    std::vector<std::string> ids;
  };
  static constexpr size_t kBatchBytes = size_t{8} << 20;

  // Persons first, then events; each batch's ids checked against the other
  // table first (ids are unique across both), then copied.
  Status Flush() {
    U5_RETURN_IF_ERROR(Copy(&persons_, "event", "COPY person(" + std::string(kPersonCols) + ") FROM STDIN"));
    return Copy(&events_, "person", "COPY event(" + std::string(kEventCols) + ") FROM STDIN");
  }

  Status Copy(Batch* b, const char* other, const std::string& copy_sql) {
    if (b->ids.empty()) return Status::Ok();
    pg::Result dup;
    U5_RETURN_IF_ERROR(c_.Query(std::string("SELECT id FROM ") + other + " WHERE id = ANY($1::text[]) LIMIT 1",
                                {pg::Conn::ArrayLiteral(b->ids)}, &dup));
    if (dup.rows()) return DuplicateId(dup.Text(0, 0));
    U5_RETURN_IF_ERROR(c_.CopyBegin(copy_sql));
    U5_RETURN_IF_ERROR(c_.CopyData(b->lines));
    Status st = c_.CopyEnd();
    if (st.code() == Code::conflict && st.message().find("UNIQUE") != std::string::npos)
      return Status::Conflict("a record of the load already exists (" + st.message() + ")", "id");
    U5_RETURN_IF_ERROR(st);
    b->lines.clear();
    b->ids.clear();
    return Status::Ok();
  }

  Status ResolveLostCommit() {
    std::unique_ptr<pg::Conn> own;
    return pg::ResolveCommit(
        [&](pg::Conn** out) {
          if (!own || !own->Usable()) {
            auto c = std::make_unique<pg::Conn>();
            U5_RETURN_IF_ERROR(pg::Conn::Open(store_.uri_, c.get()));
            own = std::move(c);
          }
          *out = own.get();
          return Status::Ok();
        },
        token_);
  }

  PgStore& store_;
  pg::Conn& c_;
  pg::Tx tx_;
  int64_t token_ = 0;
  bool open_ = false, keep_ = false, fresh_ = false;
  Batch persons_, events_;
  std::vector<Record> added_;
  std::unordered_set<std::string> touched_;  // persons of a load into tables that had records
};

Status PgStore::OpenBulk(std::unique_ptr<BulkWriter>* out) {
  pg::Conn* c;
  U5_RETURN_IF_ERROR(Conn(&c));
  auto w = std::make_unique<PgBulk>(*this, *c);
  U5_RETURN_IF_ERROR(w->Begin());
  *out = std::move(w);
  return Status::Ok();
}

}  // namespace

Status OpenPgStore(const std::string& uri, const PgOptions& options, std::unique_ptr<Store>* out) {
  auto s = std::make_unique<PgStore>(uri, options);
  U5_RETURN_IF_ERROR(s->Init());
  *out = std::move(s);
  return Status::Ok();
}

Status MigratePg(const std::string& uri, int to_version, int* now) {
  // PostgreSQL's first migration is SQLite's schema at its baseline version, in one step.
  const int first = PgMigrations().front().version, latest = PgMigrations().back().version;
  if (to_version >= 0 && (to_version < first || to_version > latest))
    return Status::Invalid("--to", "PostgreSQL's schema versions run from " + std::to_string(first) + " to " +
                                       std::to_string(latest) + ", not " + std::to_string(to_version));
  pg::Conn c;
  U5_RETURN_IF_ERROR(pg::Conn::Open(uri, &c));
  U5_RETURN_IF_ERROR(PgMigrate(c, to_version));
  return PgSchemaVersion(c, now);
}

}  // namespace u5::store
