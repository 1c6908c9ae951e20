#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/date.h"
#include "core/log.h"
#include "store/aggregates.h"
#include "store/audit_index.h"
#include "store/care_acks.h"
#include "store/emergencies.h"
#include "store/handbook_cache.h"
#include "store/publications.h"
#include "store/record_rows.h"
#include "store/national.h"
#include "store/orgunit_writer.h"
#include "store/schema.h"
#include "store/signoffs.h"
#include "store/sqlite.h"
#include "store/sqlite_history.h"
#include "store/sqlite_change_log.h"
#include "store/sqlite_orgunits.h"
#include "store/sqlite_host.h"
#include "store/store.h"
#include "store/sync_page.h"
#include "store/targets.h"

namespace u5::store {
namespace {

constexpr SqlDialect kDialect{};

class SqliteStore final : public TopicStore, public SqliteHost {
 public:
  SqliteStore(std::string path, const SqliteOptions& options)
      : path_(std::move(path)),
        options_(options) {
    aggregates_ = NewSqliteAggregates(*this);
    targets_ = NewSqliteTargets(*this);
    signoffs_ = NewSqliteSignoffs(*this);
    care_acks_ = NewSqliteCareAcks(*this);
    emergencies_ = NewSqliteEmergencies(*this);
    orgunit_writer_ = NewSqliteOrgUnitWriter(*this);
    publications_ = NewSqlitePublications(*this);
    national_ = NewSqliteNational(*this);
  }

  Status Init() {
    orgunits_ = NewSqliteOrgUnitReader([this](Db** db) { return Conn(db); });
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    U5_RETURN_IF_ERROR(Migrate(*db));
    ChangeLogHead head;
    U5_RETURN_IF_ERROR(ReadChangeHead(*db, &head));
    foreign_seen_seq_ = head.seq;
    return Status::Ok();
  }


  Status Insert(const Record& r, const audit::Entry* audit) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    {
      Tx tx(*db);
      U5_RETURN_IF_ERROR(tx.status());
      U5_RETURN_IF_ERROR(InsertIn(*db, r, audit));
      U5_RETURN_IF_ERROR(tx.Commit());
    }
    Notify(std::nullopt, r);
    return Status::Ok();
  }

  Status Apply(const std::vector<Write>& writes, std::vector<Record>* stored) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    std::vector<Change> changes;
    changes.reserve(writes.size());
    {
      Tx tx(*db);
      U5_RETURN_IF_ERROR(tx.status());
      for (const Write& w : writes) {
        Change c;
        c.after = w.record;
        switch (w.op) {
          case Write::Op::insert:
            U5_RETURN_IF_ERROR(InsertIn(*db, c.after, &w.audit));
            break;
          case Write::Op::update:
            c.before.emplace();
            U5_RETURN_IF_ERROR(UpdateIn(*db, c.after, w.expected_version, &w.audit, &*c.before));
            break;
          case Write::Op::remove:
            c.before.emplace();
            U5_RETURN_IF_ERROR(
                SoftDeleteIn(*db, w.record.type, w.record.id, w.expected_version, w.reason, &c.after, &w.audit, &*c.before));
            break;
        }
        changes.push_back(std::move(c));
      }
      U5_RETURN_IF_ERROR(tx.Commit());
    }
    if (stored) {
      stored->clear();
      for (const Change& c : changes) stored->push_back(c.after);
    }
    for (Change& c : changes) Notify(std::move(c.before), c.after);
    return Status::Ok();
  }

  Status Versions(const std::string& type, const std::string& id, std::vector<Record>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    ReadTx snapshot(*db);
    U5_RETURN_IF_ERROR(snapshot.status());
    out->clear();
    out->emplace_back();
    U5_RETURN_IF_ERROR(GetIn(*db, type, id, &out->back()));
    Stmt& s = db->Cached(
        U5_VERSION_COLUMNS "WHERE id=?1 ORDER BY version DESC");
    s.Bind(1, id);
    Status st;
    while (s.Step(&st)) {
      out->emplace_back();
      ReadVersionRow(s, &out->back());
    }
    return st;
  }

  Status GetVersion(const std::string& type, const std::string& id, int64_t version, Record* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    ReadTx snapshot(*db);
    U5_RETURN_IF_ERROR(snapshot.status());
    U5_RETURN_IF_ERROR(GetIn(*db, type, id, out));
    if (out->version == version) return Status::Ok();
    Stmt& s = db->Cached(
        U5_VERSION_COLUMNS "WHERE id=?1 AND version=?2");
    s.Bind(1, id).Bind(2, version);
    Status st;
    if (!s.Step(&st)) {
      s.Reset();
      return st.ok() ? Status::NotFound(type + " " + id + " has no version " + std::to_string(version), "version") : st;
    }
    ReadVersionRow(s, out);
    s.Reset();
    return Status::Ok();
  }

  Status InsertBatch(const std::vector<Record>& rs) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    {
      Tx tx(*db);
      U5_RETURN_IF_ERROR(tx.status());
      for (const Record& r : rs) {
        U5_RETURN_IF_ERROR(InsertOne(*db, r));
        U5_RETURN_IF_ERROR(LogChangeIn(*db, &PersonOf(r)));
      }
      U5_RETURN_IF_ERROR(tx.Commit());
    }
    for (const Record& r : rs) Notify(std::nullopt, r);
    return Status::Ok();
  }

  class SqliteBulk final : public BulkWriter {
   public:
    SqliteBulk(SqliteStore& store, Db& db) : store_(store), db_(db) {}
    ~SqliteBulk() override {
      if (open_) db_.Exec("ROLLBACK");
      ReturnToWal();
      db_.Exec("PRAGMA synchronous=FULL; PRAGMA cache_size=-65536");
    }
    Status Begin() {
      // Into an empty file, the rollback journal has almost nothing to keep (pages
      // past the old end of the file are not journaled: a rollback truncates),
      // while the write-ahead log would hold the whole load and then copy it into
      // the file again at the checkpoint. Only when no other connection has the
      // file open (SQLite refuses otherwise), and back to WAL when the load ends.
      // (Asked again inside the transaction before dropping indexes: a writer may come between.)
      bool empty = false;
      U5_RETURN_IF_ERROR(TablesEmpty(&empty));
      if (empty) {
        std::string mode;
        U5_RETURN_IF_ERROR(db_.SetJournalMode("delete", &mode));
        rollback_journal_ = mode == "delete";
      }
      log::Info("bulk_load_begins", {{"empty", empty}, {"journal", rollback_journal_ ? "rollback" : "wal"}});
      // A bulk load inserts into the primary-key indexes all over the file (ids
      // carry the record's date, rows come commune by commune); a large page
      // cache keeps those pages in memory until the commit. Under WAL a spilled
      // page would be appended to the log again at every spill; under the rollback
      // journal it is written in place, but read back and written again as often,
      // so a cache too small for the load writes the file many times over (at ten
      // provinces). Under the rollback journal the commit syncs fully: NORMAL may
      // lose the journal's order on power loss.
      cache_kib_ = BulkCacheKiB();
      U5_RETURN_IF_ERROR(db_.Exec(std::string("PRAGMA synchronous=") + (rollback_journal_ ? "FULL" : "NORMAL") +
                                  "; PRAGMA cache_size=-" + std::to_string(cache_kib_)));
      U5_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
      open_ = true;
      // A file may name a mother or a pregnancy before the line that creates it;
      // references are checked once, at commit.
      U5_RETURN_IF_ERROR(db_.Exec("PRAGMA defer_foreign_keys=ON"));
      keep_ = store_.HasListeners();
      return DropIndexesIfEmpty();
    }
    Status Add(const Record& r) override {
      if (!open_) return Status::Internal("bulk transaction is closed");
      U5_RETURN_IF_ERROR(store_.InsertOne(db_, r, /*check_other_table=*/!fresh_));
      if (!fresh_) touched_.insert(PersonOf(r));
      if (keep_) added_.push_back(r);
      return Status::Ok();
    }
    Status Commit() override {
      if (!open_) return Status::Internal("bulk transaction is closed");
      // Into empty tables everything is new: one marker rather than a row a person.
      if (fresh_) {
        U5_RETURN_IF_ERROR(LogChangeIn(db_, nullptr));
      } else {
        for (const std::string& id : touched_) U5_RETURN_IF_ERROR(LogChangeIn(db_, &id));
      }
      touched_.clear();
      U5_RETURN_IF_ERROR(RebuildIndexes());
      Status st = db_.Exec("COMMIT");
      if (!st.ok()) {
        if (st.message().find("FOREIGN KEY") != std::string::npos)
          return Status::Invalid("person_id", "a record refers to a person, pregnancy or org unit that does not exist");
        return st;
      }
      open_ = false;
      // A load may add events to any number of cached handbooks.
      store_.handbooks_.Clear();
      ReturnToWal();
      for (const Record& r : added_) store_.Notify(std::nullopt, r);
      added_.clear();
      return Status::Ok();
    }

   private:
    static constexpr int64_t kIndexSortKiB = 8 << 10;
    // A sixth of the memory, between 1 and 4 GiB: on a 24 GiB machine, enough to
    // hold a whole province's load without spilling, and room left for the rest.
    static int64_t BulkCacheKiB() {
      const int64_t pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
      const int64_t sixth_kib = pages > 0 && page > 0 ? pages / 6 * (page / 1024) : 0;
      return std::clamp<int64_t>(sixth_kib, int64_t{1} << 20, int64_t{4} << 20);
    }
    // Loading into empty tables (a new database, the demo, a first import):
    // inserting into eleven secondary B-trees at random places costs several
    // times the rows themselves, while building each index afterwards is one
    // sort. The drop and the rebuild are inside the transaction, so a failed or
    // killed load leaves the schema exactly as it was.
    Status TablesEmpty(bool* empty) {
      Stmt q;
      U5_RETURN_IF_ERROR(db_.Prepare("SELECT NOT EXISTS(SELECT 1 FROM person) AND NOT EXISTS(SELECT 1 FROM event)", &q));
      Status st;
      *empty = q.Step(&st) && q.Int(0) == 1;
      q.Reset();  // an active statement would lock the tables against DROP INDEX
      return st;
    }
    // The next connection to open the file would do it too; a failure here only costs that.
    void ReturnToWal() {
      if (!rollback_journal_) return;
      std::string mode;
      if (Status st = db_.SetJournalMode("wal", &mode); !st.ok() || mode != "wal")
        log::Warn("bulk_journal_not_restored", {{"mode", mode}, {"error", st.ToString()}});
      rollback_journal_ = false;
    }
    Status DropIndexesIfEmpty() {
      U5_RETURN_IF_ERROR(TablesEmpty(&fresh_));
      if (!fresh_) return Status::Ok();
      Status st;
      Stmt ix;
      U5_RETURN_IF_ERROR(db_.Prepare("SELECT name, sql FROM sqlite_schema WHERE type='index' AND tbl_name IN "
                                     "('person','event') AND sql IS NOT NULL ORDER BY name", &ix));
      while (ix.Step(&st)) dropped_.emplace_back(ix.Text(0), ix.Text(1));
      U5_RETURN_IF_ERROR(st);
      for (const auto& [name, sql] : dropped_) U5_RETURN_IF_ERROR(db_.Exec("DROP INDEX \"" + name + "\""));
      return Status::Ok();
    }
    Status RebuildIndexes() {
      if (!fresh_) return Status::Ok();
      // Ids are unique across persons and events; checked row by row otherwise.
      Stmt dup;
      U5_RETURN_IF_ERROR(db_.Prepare("SELECT p.id FROM person p JOIN event e ON e.id = p.id LIMIT 1", &dup));
      Status st;
      if (dup.Step(&st)) return DuplicateId(dup.Text(0));
      dup.Reset();
      U5_RETURN_IF_ERROR(st);
      // SQLite's sorter sorts on a second thread only when its temporary files
      // are files (with temp_store=MEMORY it never starts a helper) and only
      // when the keys outgrow its memory, which is the page cache: with the load's
      // large cache a province's keys would be sorted in one piece on one thread.
      // Runs of 8 MiB, sorted two at a time and merged, use both cores. The load's
      // pages that no longer fit are written to the file now instead of at the commit.
      U5_RETURN_IF_ERROR(db_.Exec("PRAGMA temp_store=FILE; PRAGMA threads=2; PRAGMA cache_size=-" +
                                  std::to_string(kIndexSortKiB)));
      bool temp_files = true;
      // Minutes on ten provinces: each index is logged as it is done, so a
      // long commit is visibly working.
      for (size_t i = 0; i < dropped_.size(); ++i) {
        const int64_t t0 = NowMillis();
        Status built = db_.Exec(dropped_[i].second);
        // No writable temporary directory: sort in memory, on one thread. (Only
        // while the load's transaction stands: some errors roll it all back.)
        if (!built.ok() && temp_files && !sqlite3_get_autocommit(db_.raw())) {
          log::Warn("bulk_index_sort_in_memory", {{"index", dropped_[i].first}, {"error", built.ToString()}});
          U5_RETURN_IF_ERROR(db_.Exec("PRAGMA temp_store=MEMORY; PRAGMA cache_size=-" + std::to_string(cache_kib_)));
          temp_files = false;
          built = db_.Exec(dropped_[i].second);
        }
        U5_RETURN_IF_ERROR(built);
        log::Info("bulk_index_built", {{"index", dropped_[i].first}, {"n", i + 1}, {"of", dropped_.size()}, {"ms", NowMillis() - t0}});
      }
      U5_RETURN_IF_ERROR(db_.Exec("PRAGMA threads=0; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-" + std::to_string(cache_kib_)));
      dropped_.clear();
      fresh_ = false;
      return Status::Ok();
    }

    SqliteStore& store_;
    Db& db_;
    bool open_ = false, keep_ = false, fresh_ = false, rollback_journal_ = false;
    int64_t cache_kib_ = 0;
    std::vector<std::pair<std::string, std::string>> dropped_;  // index name, CREATE statement
    std::vector<Record> added_;
    std::unordered_set<std::string> touched_;  // persons of a load into tables that had records
  };

  Status OpenBulk(std::unique_ptr<BulkWriter>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    auto w = std::make_unique<SqliteBulk>(*this, *db);
    U5_RETURN_IF_ERROR(w->Begin());
    *out = std::move(w);
    return Status::Ok();
  }

  Status Update(Record& r, int64_t expected_version, const audit::Entry* audit) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    Record cur;
    {
      Tx tx(*db);
      U5_RETURN_IF_ERROR(tx.status());
      U5_RETURN_IF_ERROR(UpdateIn(*db, r, expected_version, audit, &cur));
      U5_RETURN_IF_ERROR(tx.Commit());
    }
    Notify(cur, r);
    return Status::Ok();
  }

  Status SoftDelete(const std::string& type, const std::string& id, int64_t expected_version,
                    const std::string& reason, Record* out, const audit::Entry* audit) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    Record before;
    {
      Tx tx(*db);
      U5_RETURN_IF_ERROR(tx.status());
      U5_RETURN_IF_ERROR(SoftDeleteIn(*db, type, id, expected_version, reason, out, audit, &before));
      U5_RETURN_IF_ERROR(tx.Commit());
    }
    Notify(before, *out);
    return Status::Ok();
  }

  Status AppendAudit(std::vector<audit::Entry> entries) override {
    if (entries.empty()) return Status::Ok();
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    Tx tx(*db);
    U5_RETURN_IF_ERROR(tx.status());
    // The chain head is read once, inside the write transaction (no other
    // writer can move it before the commit), then carried from entry to entry.
    ChainHead head;
    U5_RETURN_IF_ERROR(ReadChainHead(*db, &head));
    int64_t rows = audit_tail_rows_.load();
    for (audit::Entry& e : entries) {
      U5_RETURN_IF_ERROR(AppendChained(*db, e, &head));
      if (rows >= 0) rows += RowsOf(e);
    }
    Status st = IndexAuditTail(*db, head.seq, options_.audit_run_entries, options_.audit_run_fanout,
                               options_.audit_run_max_level, &rows);
    if (st.ok()) st = tx.Commit();
    audit_tail_rows_.store(st.ok() ? rows : -1);
    return st;
  }

  Status ListAudit(const AuditQuery& q, std::vector<audit::Entry>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    std::string sql = "SELECT " + std::string(kAuditCols) + " FROM audit_log WHERE seq > ?1";
    std::vector<std::string> args = {std::to_string(q.after_seq)};
    auto arg = [&](const std::string& v) { args.push_back(v); return "?" + std::to_string(args.size()); };
    if (!q.username.empty()) sql += " AND username=" + arg(q.username);
    if (!q.record_id.empty()) {
      const std::string r = arg(q.record_id);
      // Entries under this record id, and answers that listed it among others (detail.records).
      sql += " AND seq IN (" + AuditSeqsOfRecordSql(r, "?1") + ")";
    }
    if (q.before_seq > 0) sql += " AND seq<" + std::to_string(q.before_seq);
    if (!q.from.empty()) sql += " AND at>=" + arg(q.from);
    if (!q.to.empty()) sql += " AND substr(at,1,length(" + arg(q.to) + "))<=?" + std::to_string(args.size());
    if (!q.orgunits.empty()) {
      sql += " AND orgunit_id IN (SELECT descendant FROM orgunit_closure WHERE ancestor IN (";
      for (size_t i = 0; i < q.orgunits.size(); ++i) sql += (i ? "," : "") + arg(q.orgunits[i]);
      sql += "))";
    }
    sql += std::string(q.newest_first ? " ORDER BY seq DESC" : " ORDER BY seq") + " LIMIT " + std::to_string(std::clamp(q.limit, 1, 1000));
    Stmt s;
    U5_RETURN_IF_ERROR(db->Prepare(sql, &s));
    for (size_t i = 0; i < args.size(); ++i) {
      if (i == 0) s.Bind(1, static_cast<int64_t>(q.after_seq));
      else s.Bind(static_cast<int>(i + 1), args[i]);
    }
    Status st;
    out->clear();
    while (s.Step(&st)) out->push_back(ReadAuditRow(s));
    return st;
  }

  Status VerifyAudit(int64_t* checked) override { return VerifyAudit(checked, nullptr); }

  Status ChangeHead(ChangeLogHead* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    return ReadChangeHead(*db, out);
  }
  Status ChangedSince(int64_t seq, ChangesAfter* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    return ReadChangesAfter(*db, seq, out);
  }
  Status TrimChanges(int64_t up_to_seq) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    return TrimChangeLog(*db, up_to_seq);
  }

  Status SyncChanges(const SyncQuery& q, SyncPage* out) override {
    out->persons.clear();
    out->left.clear();
    out->more = false;
    if (q.roots.empty()) return Status::Invalid("orgunit", "a sync needs at least one org unit");
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    ReadTx snapshot(*db);
    U5_RETURN_IF_ERROR(snapshot.status());
    ChangeLogHead head;
    U5_RETURN_IF_ERROR(ReadChangeHead(*db, &head));
    out->db_id = head.db_id;
    out->head = head.seq;
    {
      Stmt& e = db->Cached("SELECT everything_seq FROM change_log_state WHERE one = 1");
      Status st;
      out->everything_seq = e.Step(&st) ? e.Int(0) : 0;
      e.Reset();
      U5_RETURN_IF_ERROR(st);
    }
    // Keys only, from the person_sync index: the sort of what is left of the
    // scope carries no bodies. One record a person at least, so limit + 1 keys
    // decide the page and whether more follow.
    std::string sql =
        "SELECT sync_seq, id FROM person WHERE orgunit_id IN (SELECT descendant FROM orgunit_closure WHERE ancestor IN (";
    for (size_t i = 0; i < q.roots.size(); ++i) sql += i ? ",?" : "?";
    sql += std::string(q.after_id.empty() ? ")) AND sync_seq > ?" : ")) AND (sync_seq, id) > (?, ?)") +
           (q.first ? " AND deleted_at IS NULL" : "") + " ORDER BY sync_seq, id LIMIT ?";
    Stmt* keys;
    U5_RETURN_IF_ERROR(db->CachedText(sql, &keys));
    int arg = 1;
    for (const std::string& r : q.roots) keys->Bind(arg++, r);
    keys->Bind(arg++, q.after_seq);
    if (!q.after_id.empty()) keys->Bind(arg++, q.after_id);
    keys->Bind(arg, static_cast<int64_t>(q.limit) + 1);
    std::vector<std::pair<int64_t, std::string>> ids;
    Status st;
    while (keys->Step(&st)) ids.emplace_back(keys->Int(0), keys->Text(1));
    keys->Reset();
    U5_RETURN_IF_ERROR(st);
    Stmt& events = db->Cached(q.first ? "SELECT id, type, person_id, pregnancy_id, orgunit_id, event_date, version, created_at, "
                                        "updated_at, deleted_at, delete_reason, body FROM event "
                                        "WHERE person_id=?1 AND deleted_at IS NULL ORDER BY event_date, id"
                                      : "SELECT id, type, person_id, pregnancy_id, orgunit_id, event_date, version, created_at, "
                                        "updated_at, deleted_at, delete_reason, body FROM event "
                                        "WHERE person_id=?1 ORDER BY event_date, id");
    size_t records = 0;
    for (auto& [seq, id] : ids) {
      SyncPerson p;
      p.seq = seq;
      U5_RETURN_IF_ERROR(GetIn(*db, "person", id, &p.person));
      // A deleted person goes alone: the client drops their events with them.
      if (!p.person.deleted_at) {
        events.Bind(1, id);
        while (events.Step(&st)) {
          Record r;
          ReadEventRow(events, &r);
          p.events.push_back(std::move(r));
        }
        events.Reset();
        U5_RETURN_IF_ERROR(st);
      }
      if (!AddToPage(std::move(p), q.limit, &records, out)) break;
    }
    if (q.left_since < 0 || out->more) return Status::Ok();
    // Persons moved out: a scan of person_sync's keys by position (no index on it alone), each
    // candidate's kept versions read by id. Once per run of a later sync.
    std::string in = "(SELECT descendant FROM orgunit_closure WHERE ancestor IN (";
    for (size_t i = 0; i < q.roots.size(); ++i) in += (i ? ",?" : "?") + std::to_string(i + 2);
    in += "))";
    Stmt* left;
    U5_RETURN_IF_ERROR(db->CachedText("SELECT p.id FROM person p WHERE p.sync_seq > ?1 AND p.orgunit_id NOT IN " + in +
                                          " AND EXISTS (SELECT 1 FROM record_version v WHERE v.id = p.id AND v.orgunit_id IN " +
                                          in + ") ORDER BY p.id",
                                      &left));
    left->Bind(1, q.left_since);
    for (size_t i = 0; i < q.roots.size(); ++i) left->Bind(static_cast<int>(i) + 2, q.roots[i]);
    while (left->Step(&st)) out->left.push_back(left->Text(0));
    left->Reset();
    return st;
  }

  Status AuditChainHead(int64_t* seq, std::string* hash) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    ChainHead head;
    U5_RETURN_IF_ERROR(ReadChainHead(*db, &head));
    *seq = head.seq;
    *hash = head.hash;
    return Status::Ok();
  }

  Status VerifyAudit(int64_t* checked, const std::function<Status(const audit::Entry&)>& visit) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    Stmt s;
    U5_RETURN_IF_ERROR(db->Prepare("SELECT " + std::string(kAuditCols) + " FROM audit_log ORDER BY seq", &s));
    std::string prev = audit::kGenesis;
    int64_t expected_seq = 1;
    *checked = 0;
    Status st;
    while (s.Step(&st)) {
      audit::Entry e = ReadAuditRow(s);
      U5_RETURN_IF_ERROR(CheckChainEntry(e, expected_seq, prev));
      if (visit) U5_RETURN_IF_ERROR(visit(e));
      prev = e.hash;
      ++expected_seq;
      ++*checked;
    }
    U5_RETURN_IF_ERROR(st);
    return VerifyAuditIndex(*db);
  }

  Status Get(const std::string& type, const std::string& id, Record* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    return GetIn(*db, type, id, out);
  }

  Status Find(const std::string& id, Record* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    if (GetIn(*db, "person", id, out).ok()) return Status::Ok();
    return GetIn(*db, "", id, out);
  }

  Status List(const ListQuery& q, std::vector<Record>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    const bool person = q.type == "person";
    std::vector<std::string> args;
    std::string sql;
    U5_RETURN_IF_ERROR(ListSql(kDialect, q, &sql, &args));
    Stmt s;
    U5_RETURN_IF_ERROR(db->Prepare(sql, &s));
    for (size_t i = 0; i < args.size(); ++i) s.Bind(static_cast<int>(i + 1), args[i]);
    Status st;
    out->clear();
    while (s.Step(&st)) {
      Record r;
      person ? ReadPersonRow(s, &r) : ReadEventRow(s, &r);
      out->push_back(std::move(r));
    }
    return st;
  }

  Status Count(const ListQuery& q, int64_t* n) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    ListQuery all = q;
    all.after.clear();
    all.walk_ids = false;
    std::vector<std::string> args;
    Stmt s;
    U5_RETURN_IF_ERROR(db->Prepare("SELECT count(*)" + ListWhereSql(kDialect, all, &args), &s));
    for (size_t i = 0; i < args.size(); ++i) s.Bind(static_cast<int>(i + 1), args[i]);
    Status st;
    *n = s.Step(&st) ? s.Int(0) : 0;
    return st;
  }

  Status Handbook(const std::string& person_id, Record* person, std::vector<Record>* events, Record* mother) override {
    if (!mother) {
      // The engines' and validation's reads (without the mother) always come
      // from the file: a person an engine replays from the change log may have
      // been written by another process a moment ago, before the cache heard
      // of it, and a snapshot must not be stamped past a state it did not see.
      Db* db;
      U5_RETURN_IF_ERROR(Conn(&db));
      return ReadHandbook(*db, person_id, person, events, nullptr);
    }
    std::shared_ptr<const PersonBook> book;
    U5_RETURN_IF_ERROR(SharedHandbook(person_id, &book));
    *person = book->person;
    *events = book->events;
    if (book->mother) *mother = *book->mother;
    else mother->id.clear();
    return Status::Ok();
  }

  // Another process's writes (`under5 import` while the server runs) reach the
  // handbook cache through the change log: at most once a second, on the
  // reading thread, the persons written since are forgotten.
  Status CatchUpWithOtherWriters() {
    const int64_t now = NowMillis();
    int64_t last = foreign_checked_ms_.load(std::memory_order_relaxed);
    if (now - last < kForeignCheckMs || !foreign_checked_ms_.compare_exchange_strong(last, now)) return Status::Ok();
    std::lock_guard lock(foreign_mu_);
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    ChangeLogHead head;
    U5_RETURN_IF_ERROR(ReadChangeHead(*db, &head));
    if (head.seq == foreign_seen_seq_) return Status::Ok();
    ChangesAfter changed;
    U5_RETURN_IF_ERROR(ReadChangesAfter(*db, foreign_seen_seq_, &changed));
    // This process's own writes come back too: forgetting them again is harmless.
    if (changed.everything || changed.persons.size() > kForgetOneByOneUpTo) {
      handbooks_.Clear();
    } else {
      handbooks_.ForgetPersons(changed.persons);
    }
    foreign_seen_seq_ = head.seq;
    return Status::Ok();
  }

  Status SharedHandbook(const std::string& person_id, std::shared_ptr<const PersonBook>* out) override {
    U5_RETURN_IF_ERROR(CatchUpWithOtherWriters());
    uint64_t generation = 0;
    if ((*out = handbooks_.FindBook(person_id, &generation))) return Status::Ok();
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    auto book = std::make_shared<PersonBook>();
    Record mother;
    U5_RETURN_IF_ERROR(ReadHandbook(*db, person_id, &book->person, &book->events, &mother));
    if (!mother.id.empty()) book->mother = std::move(mother);
    handbooks_.PutBook(person_id, book, generation);
    *out = std::move(book);
    return Status::Ok();
  }

  Status SharedChildren(const std::string& mother_id, std::shared_ptr<const std::vector<Record>>* out) override {
    U5_RETURN_IF_ERROR(CatchUpWithOtherWriters());
    uint64_t generation = 0;
    if ((*out = handbooks_.FindChildren(mother_id, &generation))) return Status::Ok();
    auto kids = std::make_shared<std::vector<Record>>();
    U5_RETURN_IF_ERROR(ReadChildren({mother_id}, kids.get()));
    handbooks_.PutChildren(mother_id, kids, generation);
    *out = std::move(kids);
    return Status::Ok();
  }

  Status ReadHandbook(Db& db, const std::string& person_id, Record* person, std::vector<Record>* events, Record* mother) {
    // One snapshot for the person and the events (a write between the two reads
    // could otherwise show events of a person who is already deleted), and one
    // WAL read lock instead of two.
    ReadTx snapshot(db);
    U5_RETURN_IF_ERROR(snapshot.status());
    U5_RETURN_IF_ERROR(GetIn(db, "person", person_id, person));
    if (person->deleted_at) return Status::NotFound("person " + person_id + " is deleted", "id");
    Stmt& s = db.Cached(
        "SELECT id, type, person_id, pregnancy_id, orgunit_id, event_date, version, created_at, updated_at, "
        "deleted_at, delete_reason, body FROM event WHERE person_id=?1 AND deleted_at IS NULL ORDER BY event_date, id");
    s.Bind(1, person_id);
    Status st;
    events->clear();
    while (s.Step(&st)) {
      Record r;
      ReadEventRow(s, &r);
      events->push_back(std::move(r));
    }
    if (!st.ok() || !mother) return st;
    mother->id.clear();
    if (person->mother_id) {
      Status m = GetIn(db, "person", *person->mother_id, mother);
      if (m.code() == Code::not_found || (m.ok() && mother->deleted_at)) {
        mother->id.clear();
        return Status::Ok();
      }
      return m;
    }
    return st;
  }

  // The stages (store/record_rows.h) and their order: SearchStagesSql.
  // A page is the stages' matches from `offset` on: the stages run until they
  // have offset + limit, and the first `offset` are dropped (offsets are bounded
  // by the route, so a page never costs more than a few pages' ranges).
  Status SearchPersons(const SearchQuery& q, std::vector<Record>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    out->clear();
    const int offset = std::max(q.offset, 0);
    Status st = SearchStages(db, q, std::clamp(q.limit, 1, 200) + offset, out);
    out->erase(out->begin(), out->begin() + std::min<size_t>(offset, out->size()));
    return st;
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
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    std::string sql = std::string("SELECT ") + kPersonCols + " FROM person WHERE deleted_at IS NULL AND mother_id IN (";
    for (size_t i = 0; i < mother_ids.size(); ++i) sql += (i ? ",?" : "?") + std::to_string(i + 1);
    sql += ") ORDER BY birth_date, id";
    Stmt* s;
    U5_RETURN_IF_ERROR(db->CachedText(sql, &s));
    for (size_t i = 0; i < mother_ids.size(); ++i) s->Bind(static_cast<int>(i + 1), mother_ids[i]);
    Status st;
    while (s->Step(&st)) {
      Record r;
      ReadPersonRow(*s, &r);
      out->push_back(std::move(r));
    }
    s->Reset();
    return st;
  }

  // The stages until `limit` matches, each once.
  Status SearchStages(Db* db, const SearchQuery& q, int limit, std::vector<Record>* out) {
    std::unordered_set<std::string> seen;
    auto run = [&](const std::string& sql, const std::vector<std::string>& args) -> Status {
      Stmt* s;
      U5_RETURN_IF_ERROR(db->CachedText(sql, &s));
      for (size_t i = 0; i < args.size(); ++i) s->Bind(static_cast<int>(i + 1), args[i]);
      Status st;
      while (static_cast<int>(out->size()) < limit && s->Step(&st)) {
        Record r;
        ReadPersonRow(*s, &r);
        if (seen.insert(r.id).second) out->push_back(std::move(r));
      }
      s->Reset();  // ends the read: a connection holding a snapshot would not see later commits
      return st;
    };
    auto next_given = [&](const std::string& lo, const std::string& hi, std::optional<std::string>* name_rev) -> Status {
      Stmt& next = db->Cached("SELECT name_rev FROM person WHERE name_rev >= ?1 AND name_rev < ?2 ORDER BY name_rev LIMIT 1");
      next.Bind(1, lo).Bind(2, hi);
      Status st;
      if (next.Step(&st)) *name_rev = next.Text(0);
      next.Reset();
      return st;
    };
    return SearchStagesSql(kDialect, q, limit, *out, run, next_given);
  }

  Status ForEach(const std::function<Status(const Record&)>& fn, bool include_deleted) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    const std::string filter = include_deleted ? "" : " WHERE deleted_at IS NULL";
    for (int pass = 0; pass < 2; ++pass) {
      Stmt s;
      U5_RETURN_IF_ERROR(db->Prepare(std::string("SELECT ") + (pass == 0 ? kPersonCols : kEventCols) +
                                         (pass == 0 ? " FROM person" : " FROM event") + filter + " ORDER BY id",
                                     &s));
      Status st;
      Record r;
      while (s.Step(&st)) {
        pass == 0 ? ReadPersonRow(s, &r) : ReadEventRow(s, &r);
        U5_RETURN_IF_ERROR(fn(r));
      }
      U5_RETURN_IF_ERROR(st);
    }
    return Status::Ok();
  }

  Status CreateUser(const User& u) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    Tx tx(*db);
    U5_RETURN_IF_ERROR(tx.status());
    Stmt& s = db->Cached(
        "INSERT INTO app_user(id, username, password_hash, role, full_name, created_at, must_change_password) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7)");
    s.Bind(1, u.id).Bind(2, u.username).Bind(3, u.password_hash).Bind(4, u.role).Bind(5, u.full_name).Bind(6, u.created_at);
    s.Bind(7, static_cast<int64_t>(u.must_change_password));
    Status st = s.Run();
    if (st.code() == Code::conflict) return Status::Conflict("user " + u.username + " exists", "username");
    U5_RETURN_IF_ERROR(st);
    for (const std::string& ou : u.orgunits) {
      Stmt& o = db->Cached("INSERT INTO user_orgunit(user_id, orgunit_id) VALUES (?1, ?2)");
      o.Bind(1, u.id).Bind(2, ou);
      U5_RETURN_IF_ERROR(o.Run());
    }
    return tx.Commit();
  }

  Status GetUser(const std::string& username, User* out) override { return LoadUser("username", username, out); }
  Status GetUserById(const std::string& id, User* out) override { return LoadUser("id", id, out); }

  Status SetPassword(const std::string& user_id, const std::string& password_hash, bool must_change,
                     const std::string& keep_session) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    Tx tx(*db);
    U5_RETURN_IF_ERROR(tx.status());
    Stmt& s = db->Cached("UPDATE app_user SET password_hash=?2, must_change_password=?3 WHERE id=?1");
    s.Bind(1, user_id).Bind(2, password_hash).Bind(3, static_cast<int64_t>(must_change));
    U5_RETURN_IF_ERROR(s.Run());
    if (db->Changes() == 0) return Status::NotFound("no such user", "user");
    // Whoever held the old password may hold a session: the new password ends it.
    Stmt& d = db->Cached("DELETE FROM session WHERE user_id=?1 AND token_hash<>?2");
    d.Bind(1, user_id).Bind(2, keep_session);
    U5_RETURN_IF_ERROR(d.Run());
    return tx.Commit();
  }

  Status CreateSession(const std::string& token_hash, const std::string& user_id, int64_t expires_ms) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    Stmt& s = db->Cached("INSERT INTO session(token_hash, user_id, created_at, expires_at) VALUES (?1,?2,?3,?4)");
    s.Bind(1, token_hash).Bind(2, user_id).Bind(3, NowIso()).Bind(4, expires_ms);
    return s.Run();
  }

  Status GetSession(const std::string& token_hash, std::string* user_id) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    Stmt& s = db->Cached("SELECT user_id FROM session WHERE token_hash=?1 AND expires_at>?2");
    s.Bind(1, token_hash).Bind(2, NowMillis());
    if (!s.Step()) return Status::NotFound("no such session");
    *user_id = s.Text(0);
    s.Reset();  // a statement left on its row keeps a read snapshot: later commits would stay invisible here
    return Status::Ok();
  }

  Status ListUsers(std::vector<User>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    std::vector<std::string> ids;
    Stmt& s = db->Cached("SELECT id FROM app_user ORDER BY username");
    while (s.Step()) ids.push_back(s.Text(0));
    out->clear();
    for (const auto& id : ids) {
      out->emplace_back();
      U5_RETURN_IF_ERROR(LoadUser("id", id, &out->back()));
    }
    return Status::Ok();
  }

  Status SaveUser(const User& u, bool create, const audit::Entry& audit) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    Tx tx(*db);
    U5_RETURN_IF_ERROR(tx.status());
    User before;
    if (!create) {
      U5_RETURN_IF_ERROR(LoadUser("id", u.id, &before));
      Stmt& s = db->Cached(
          "UPDATE app_user SET password_hash=?2, role=?3, full_name=?4, disabled=?5, must_change_password=?6 WHERE id=?1");
      s.Bind(1, u.id).Bind(2, u.password_hash).Bind(3, u.role).Bind(4, u.full_name);
      s.Bind(5, static_cast<int64_t>(u.disabled)).Bind(6, static_cast<int64_t>(u.must_change_password));
      U5_RETURN_IF_ERROR(s.Run());
      Stmt& d = db->Cached("DELETE FROM user_orgunit WHERE user_id=?1");
      d.Bind(1, u.id);
      U5_RETURN_IF_ERROR(d.Run());
      if (u.disabled || u.password_hash != before.password_hash) {
        Stmt& e = db->Cached("DELETE FROM session WHERE user_id=?1");
        e.Bind(1, u.id);
        U5_RETURN_IF_ERROR(e.Run());
      }
    } else {
      Stmt& s = db->Cached(
          "INSERT INTO app_user(id, username, password_hash, role, full_name, created_at, must_change_password, disabled) "
          "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
      s.Bind(1, u.id).Bind(2, u.username).Bind(3, u.password_hash).Bind(4, u.role).Bind(5, u.full_name).Bind(6, u.created_at);
      s.Bind(7, static_cast<int64_t>(u.must_change_password)).Bind(8, static_cast<int64_t>(u.disabled));
      Status st = s.Run();
      if (st.code() == Code::conflict) return Status::Conflict("user " + u.username + " exists", "username");
      U5_RETURN_IF_ERROR(st);
    }
    for (const std::string& ou : u.orgunits) {
      Stmt& o = db->Cached("INSERT INTO user_orgunit(user_id, orgunit_id) VALUES (?1, ?2)");
      o.Bind(1, u.id).Bind(2, ou);
      U5_RETURN_IF_ERROR(o.Run());
    }
    audit::Entry e = audit;
    U5_RETURN_IF_ERROR(AppendAuditIn(*db, e));
    return tx.Commit();
  }

  Status DeleteSession(const std::string& token_hash) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    Stmt& s = db->Cached("DELETE FROM session WHERE token_hash=?1");
    s.Bind(1, token_hash);
    return s.Run();
  }

  Status ForEachHistory(const HistoryQuery& q, const HistoryFn& fn) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    return SqliteForEachHistory(*db, q, fn, options_.history_buffer_bytes);
  }


  bool OrgUnitExists(const std::string& id) override {
    {
      std::shared_lock lock(ou_mu_);
      if (known_orgunits_.count(id)) return true;
    }
    Db* db;
    if (!Conn(&db).ok()) return false;
    Stmt& s = db->Cached("SELECT 1 FROM orgunit WHERE id=?1");
    s.Bind(1, id);
    if (!s.Step()) return false;
    s.Reset();
    std::unique_lock lock(ou_mu_);
    known_orgunits_.insert(id);
    return true;
  }

  // Every request for a person's record asks this. Closure rows are only ever
  // added (org units are not deleted or moved), so a "yes" stays true and is
  // remembered; a "no" may become "yes" when a facility is added and is asked again.
  bool InSubtree(const std::string& ancestor, const std::string& descendant) override {
    std::string key;
    key.reserve(ancestor.size() + descendant.size() + 1);
    key.append(ancestor).push_back('\x1f');
    key.append(descendant);
    {
      std::shared_lock lock(ou_mu_);
      if (in_subtree_.count(key)) return true;
    }
    Db* db;
    if (!Conn(&db).ok()) return false;
    Stmt& s = db->Cached("SELECT 1 FROM orgunit_closure WHERE ancestor=?1 AND descendant=?2");
    s.Bind(1, ancestor).Bind(2, descendant);
    const bool found = s.Step();
    s.Reset();
    if (found) {
      std::unique_lock lock(ou_mu_);
      if (in_subtree_.size() >= 1000000) in_subtree_.clear();  // bounded: a user's scope pairs are few
      in_subtree_.insert(std::move(key));
    }
    return found;
  }

  Status OrgUnitNames(const std::vector<std::string>& ids, const std::string& parent, std::vector<OrgUnitName>* out) override {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    out->clear();
    auto read = [&](Stmt& s) {
      while (s.Step()) out->push_back({s.Text(0), s.Text(1), s.Text(2), s.IsNull(3) ? "" : s.Text(3)});
      s.Reset();
    };
    if (ids.empty()) {
      Stmt& s = db->Cached("SELECT id, name, kind, parent_id FROM orgunit WHERE parent_id=?1 ORDER BY name");
      s.Bind(1, parent);
      read(s);
    }
    for (const auto& id : ids) {
      Stmt& s = db->Cached("SELECT id, name, kind, parent_id FROM orgunit WHERE id=?1");
      s.Bind(1, id);
      read(s);
    }
    return Status::Ok();
  }

 private:
  // The last entry of the chain: the next entry's seq is seq + 1, its prev_hash is hash.
  struct ChainHead {
    int64_t seq = 0;
    std::string hash = audit::kGenesis;
  };

  // Reads the chain head; call inside the write transaction that appends, so
  // the head cannot move before the commit.
  static Status ReadChainHead(Db& db, ChainHead* head) {
    Stmt& last = db.Cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    Status st;
    if (last.Step(&st)) {
      head->seq = last.Int(0);
      head->hash.assign(last.TextView(1));
    } else {
      head->seq = 0;
      head->hash = audit::kGenesis;
    }
    last.Reset();
    return st;
  }

  // Appends `e` after `head` and moves `head` to it. Inside the caller's write
  // transaction, whose head was read by ReadChainHead.
  Status AppendChained(Db& db, audit::Entry& e, ChainHead* head) {
    e.seq = head->seq + 1;
    e.prev_hash = head->hash;
    if (e.at.empty()) e.at = NowIso();
    if (e.detail.empty()) e.detail = "{}";
    e.hash = audit::ComputeHash(e);
    Stmt& ins = db.Cached(
        "INSERT INTO audit_log(seq, at, user_id, username, remote, action, record_type, record_id, orgunit_id, detail, "
        "prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)");
    ins.Bind(1, e.seq).Bind(2, e.at).Bind(3, e.user_id).Bind(4, e.username).Bind(5, e.remote).Bind(6, e.action);
    ins.Bind(7, e.record_type).Bind(8, e.record_id).Bind(9, e.orgunit_id).Bind(10, e.detail).Bind(11, e.prev_hash);
    ins.Bind(12, e.hash);
    U5_RETURN_IF_ERROR(ins.Run());
    head->seq = e.seq;
    head->hash = e.hash;
    return Status::Ok();
  }

  // One entry inside the caller's write transaction (a record or user write).
  Status AppendAuditIn(Db& db, audit::Entry& e) override {
    ChainHead head;
    U5_RETURN_IF_ERROR(ReadChainHead(db, &head));
    U5_RETURN_IF_ERROR(AppendChained(db, e, &head));
    int64_t rows = audit_tail_rows_.load();
    if (rows >= 0) rows += RowsOf(e);
    Status st = IndexAuditTail(db, head.seq, options_.audit_run_entries, options_.audit_run_fanout,
                               options_.audit_run_max_level, &rows);
    audit_tail_rows_.store(st.ok() ? rows : -1);  // a rollback of the caller's write only makes it high
    return st;
  }

  // The rows an entry adds to the runs: one a record it names.
  static int64_t RowsOf(const audit::Entry& e) {
    if (!e.record_id.empty()) return 1;
    if (e.detail.find("\"records\":[") == std::string::npos) return 0;
    const nlohmann::json d = nlohmann::json::parse(e.detail, nullptr, false);
    return d.is_object() && d.contains("records") && d["records"].is_array() ? static_cast<int64_t>(d["records"].size()) : 0;
  }

  // The audit entry of a record write: which record, and what changed.
  Status AuditWrite(Db& db, audit::Entry e, const Record* before, const Record& after) {
    DescribeRecordWrite(&e, before, after);
    return AppendAuditIn(db, e);
  }

  bool HasListeners() { return hooks_.HasListeners(); }

  // After every committed record write, before the write call returns.
  void Notify(std::optional<Record> before, const Record& after) {
    handbooks_.Forget(before ? &*before : nullptr, after);
    hooks_.Notify(std::move(before), after);
  }

  // One connection per (thread, store): SQLite connections are not shared across threads.
  // Keyed by a process-unique instance number, not the address, which a later store may reuse.
  static std::unordered_map<uint64_t, std::unique_ptr<Db>>& ThreadConnections() {
    thread_local std::unordered_map<uint64_t, std::unique_ptr<Db>> conns;
    return conns;
  }
  void ReleaseConnection() override { ThreadConnections().erase(uid_); }
  Status Conn(Db** out) override {
    auto& slot = ThreadConnections()[uid_];
    if (!slot) {
      auto db = std::make_unique<Db>();
      U5_RETURN_IF_ERROR(Db::Open(path_, db.get()));
      slot = std::move(db);
    }
    *out = slot.get();
    return Status::Ok();
  }

  Status GetIn(Db& db, const std::string& type, const std::string& id, Record* out) {
    if (type == "person") {
      Stmt& s = db.Cached(
          "SELECT id, version, created_at, updated_at, deleted_at, delete_reason, orgunit_id, full_name, "
          "name_folded, sex, birth_date, phone, citizen_id, mother_id, body FROM person WHERE id=?1");
      s.Bind(1, id);
      if (!s.Step()) return Status::NotFound("person " + id + " not found", "id");
      ReadPersonRow(s, out);
      s.Reset();  // ends the read: a connection holding a snapshot would not see later commits
      return Status::Ok();
    }
    Stmt& s = db.Cached(
        "SELECT id, type, person_id, pregnancy_id, orgunit_id, event_date, version, created_at, updated_at, "
        "deleted_at, delete_reason, body FROM event WHERE id=?1");
    s.Bind(1, id);
    if (!s.Step()) return Status::NotFound((type.empty() ? "record" : type) + " " + id + " not found", "id");
    ReadEventRow(s, out);
    s.Reset();
    if (!type.empty() && out->type != type) return Status::NotFound(type + " " + id + " not found", "id");
    return Status::Ok();
  }

  Status CheckGuards(const Record& r) { return hooks_.Check(r); }

  Status InsertOne(Db& db, const Record& r, bool check_other_table = true) {
    // Ids are unique across persons and events (Find looks in both); the two primary keys alone do not ensure it.
    if (check_other_table) {
      Stmt& other = db.Cached(r.is_person() ? "SELECT 1 FROM event WHERE id=?1" : "SELECT 1 FROM person WHERE id=?1");
      other.Bind(1, r.id);
      const bool taken = other.Step();
      other.Reset();
      if (taken) return DuplicateId(r.id);
    }
    Status st;
    if (r.is_person()) {
      Stmt& s = db.Cached(
          "INSERT INTO person(id, version, created_at, updated_at, deleted_at, delete_reason, orgunit_id, full_name, "
          "name_folded, sex, birth_date, phone, citizen_id, mother_id, body) "
          "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
      s.BindStatic(1, r.id).Bind(2, r.version).BindStatic(3, r.created_at).BindStatic(4, r.updated_at);
      s.BindStatic(5, r.deleted_at).BindStatic(6, r.delete_reason).BindStatic(7, r.orgunit_id);
      s.BindStatic(8, r.full_name).BindStatic(9, r.name_folded).BindStatic(10, r.sex).BindStatic(11, r.date);
      s.BindStatic(12, r.phone).BindStatic(13, r.citizen_id).BindStatic(14, r.mother_id).BindStatic(15, r.body);
      st = s.Run();
    } else {
      Stmt& s = db.Cached(
          "INSERT INTO event(id, type, person_id, pregnancy_id, orgunit_id, event_date, version, created_at, "
          "updated_at, deleted_at, delete_reason, body) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)");
      s.BindStatic(1, r.id).BindStatic(2, r.type).BindStatic(3, r.person_id).BindStatic(4, r.pregnancy_id);
      s.BindStatic(5, r.orgunit_id).BindStatic(6, r.date).Bind(7, r.version).BindStatic(8, r.created_at);
      s.BindStatic(9, r.updated_at).BindStatic(10, r.deleted_at).BindStatic(11, r.delete_reason).BindStatic(12, r.body);
      st = s.Run();
    }
    if (st.code() == Code::conflict) {
      if (st.message().find("UNIQUE") != std::string::npos || st.message().find("PRIMARY") != std::string::npos)
        return DuplicateId(r.id);
      return Status::Invalid("orgunit", "a referenced record or org unit does not exist (" + st.message() + ")");
    }
    return st;
  }

  // The write parts of Insert, Update and SoftDelete, inside a transaction the caller holds on `db`.
  Status InsertIn(Db& db, const Record& r, const audit::Entry* audit) {
    U5_RETURN_IF_ERROR(CheckGuards(r));
    U5_RETURN_IF_ERROR(InsertOne(db, r));
    U5_RETURN_IF_ERROR(LogChangeIn(db, &PersonOf(r)));
    if (audit) U5_RETURN_IF_ERROR(AuditWrite(db, *audit, nullptr, r));
    return Status::Ok();
  }

  Status UpdateIn(Db& db, Record& r, int64_t expected_version, const audit::Entry* audit, Record* cur) {
    U5_RETURN_IF_ERROR(GetIn(db, r.type, r.id, cur));
    U5_RETURN_IF_ERROR(CheckReplaceable(*cur, expected_version, /*deleting=*/false));
    U5_RETURN_IF_ERROR(CheckGuards(*cur));
    U5_RETURN_IF_ERROR(CheckGuards(r));
    U5_RETURN_IF_ERROR(KeepVersion(db, *cur));
    r.version = cur->version + 1;
    r.created_at = cur->created_at;
    r.updated_at = NowIso();
    Status st;
    if (r.is_person()) {
      Stmt& s = db.Cached(
          "UPDATE person SET version=?2, updated_at=?3, orgunit_id=?4, full_name=?5, name_folded=?6, sex=?7, "
          "birth_date=?8, phone=?9, citizen_id=?10, mother_id=?11, body=?12 WHERE id=?1");
      s.Bind(1, r.id).Bind(2, r.version).Bind(3, r.updated_at).Bind(4, r.orgunit_id).Bind(5, r.full_name);
      s.Bind(6, r.name_folded).Bind(7, r.sex).Bind(8, r.date).Bind(9, r.phone).Bind(10, r.citizen_id);
      s.Bind(11, r.mother_id).Bind(12, r.body);
      st = s.Run();
    } else {
      Stmt& s = db.Cached(
          "UPDATE event SET version=?2, updated_at=?3, orgunit_id=?4, event_date=?5, pregnancy_id=?6, body=?7 "
          "WHERE id=?1");
      s.Bind(1, r.id).Bind(2, r.version).Bind(3, r.updated_at).Bind(4, r.orgunit_id).Bind(5, r.date);
      s.Bind(6, r.pregnancy_id).Bind(7, r.body);
      st = s.Run();
    }
    U5_RETURN_IF_ERROR(st);
    U5_RETURN_IF_ERROR(LogChangeIn(db, &PersonOf(*cur)));
    if (PersonOf(r) != PersonOf(*cur)) U5_RETURN_IF_ERROR(LogChangeIn(db, &PersonOf(r)));
    if (audit) U5_RETURN_IF_ERROR(AuditWrite(db, *audit, cur, r));
    return Status::Ok();
  }

  Status SoftDeleteIn(Db& db, const std::string& type, const std::string& id, int64_t expected_version,
                      const std::string& reason, Record* out, const audit::Entry* audit, Record* before) {
    U5_RETURN_IF_ERROR(GetIn(db, type, id, out));
    U5_RETURN_IF_ERROR(CheckReplaceable(*out, expected_version, /*deleting=*/true));
    U5_RETURN_IF_ERROR(CheckGuards(*out));
    U5_RETURN_IF_ERROR(KeepVersion(db, *out));
    *before = *out;
    out->version += 1;
    out->updated_at = NowIso();
    out->deleted_at = out->updated_at;
    out->delete_reason = reason;
    Stmt& s = db.Cached(type == "person"
                            ? "UPDATE person SET version=?2, updated_at=?3, deleted_at=?3, delete_reason=?4 WHERE id=?1"
                            : "UPDATE event SET version=?2, updated_at=?3, deleted_at=?3, delete_reason=?4 WHERE id=?1");
    s.Bind(1, id).Bind(2, out->version).Bind(3, out->updated_at).Bind(4, reason);
    U5_RETURN_IF_ERROR(s.Run());
    U5_RETURN_IF_ERROR(LogChangeIn(db, &PersonOf(*out)));
    if (audit) U5_RETURN_IF_ERROR(AuditWrite(db, *audit, before, *out));
    return Status::Ok();
  }

  // The state a write replaces, kept for vread and _history (migration 23).
  Status KeepVersion(Db& db, const Record& r) {
    Stmt& s = db.Cached(
        "INSERT INTO record_version(type, id, person_id, pregnancy_id, orgunit_id, date, version, created_at, "
        "updated_at, deleted_at, delete_reason, body, full_name, name_folded, sex, phone, citizen_id, mother_id) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)");
    s.BindStatic(1, r.type).BindStatic(2, r.id).BindStatic(3, r.person_id).BindStatic(4, r.pregnancy_id);
    s.BindStatic(5, r.orgunit_id).BindStatic(6, r.date).Bind(7, r.version).BindStatic(8, r.created_at);
    s.BindStatic(9, r.updated_at).BindStatic(10, r.deleted_at).BindStatic(11, r.delete_reason).BindStatic(12, r.body);
    s.BindStatic(13, r.full_name).BindStatic(14, r.name_folded).BindStatic(15, r.sex).BindStatic(16, r.phone);
    s.BindStatic(17, r.citizen_id).BindStatic(18, r.mother_id);
    return s.Run();
  }

  Status LoadUser(const char* by, const std::string& key, User* out) {
    Db* db;
    U5_RETURN_IF_ERROR(Conn(&db));
    Stmt& s = db->Cached(std::string_view(by) == "id"
                             ? "SELECT id, username, password_hash, role, full_name, created_at, disabled, must_change_password FROM app_user WHERE id=?1"
                             : "SELECT id, username, password_hash, role, full_name, created_at, disabled, must_change_password FROM app_user WHERE username=?1");
    s.Bind(1, key);
    if (!s.Step()) return Status::NotFound("no such user", "username");
    out->id = s.Text(0);
    out->username = s.Text(1);
    out->password_hash = s.Text(2);
    out->role = s.Text(3);
    out->full_name = s.IsNull(4) ? "" : s.Text(4);
    out->created_at = s.Text(5);
    out->disabled = s.Int(6) != 0;
    out->must_change_password = s.Int(7) != 0;
    s.Reset();
    Stmt& o = db->Cached("SELECT orgunit_id FROM user_orgunit WHERE user_id=?1 ORDER BY orgunit_id");
    o.Bind(1, out->id);
    out->orgunits.clear();
    while (o.Step()) out->orgunits.push_back(o.Text(0));
    return Status::Ok();
  }

  std::string path_;
  const SqliteOptions options_;
  // (entry, record) pairs in the audit tail, kept by this process's appends (-1: count at the next).
  std::atomic<int64_t> audit_tail_rows_{-1};
  static inline std::atomic<uint64_t> next_uid_{1};
  const uint64_t uid_ = next_uid_++;
  std::shared_mutex ou_mu_;
  std::unordered_set<std::string> known_orgunits_;
  std::unordered_set<std::string> in_subtree_;  // "ancestor\x1fdescendant" pairs known to hold
  HandbookCache handbooks_{options_.handbook_cache_entries};
  static constexpr int64_t kForeignCheckMs = 1000;
  static constexpr size_t kForgetOneByOneUpTo = 1000;
  std::atomic<int64_t> foreign_checked_ms_{0};
  std::mutex foreign_mu_;
  int64_t foreign_seen_seq_ = 0;  // under foreign_mu_; the head at open, before anything was kept
};

}  // namespace

Status OpenSqliteStore(const std::string& path, std::unique_ptr<Store>* out) {
  return OpenSqliteStore(path, SqliteOptions{}, out);
}

Status MigrateSqliteFile(const std::string& path, int to_version, int* now) {
  Db db;
  U5_RETURN_IF_ERROR(Db::Open(path, &db));
  U5_RETURN_IF_ERROR(Migrate(db, to_version));
  *now = SchemaVersion(db);
  return Status::Ok();
}

Status OpenSqliteStore(const std::string& path, const SqliteOptions& options, std::unique_ptr<Store>* out) {
  auto s = std::make_unique<SqliteStore>(path, options);
  U5_RETURN_IF_ERROR(s->Init());
  *out = std::move(s);
  return Status::Ok();
}

}  // namespace u5::store
