// The registry's storage interface. Deliberately narrow: SQLite implements it
// now, PostgreSQL later, and nothing above this line knows which.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "audit/entry.h"
#include "store/history.h"
#include "store/orgunits.h"
#include "store/record.h"

namespace u5::store {

// A person's handbook as one immutable value: the person, every live event of
// theirs in date order, and their mother when she is recorded and not deleted.
struct PersonBook {
  Record person;
  std::vector<Record> events;
  std::optional<Record> mother;
  // Text a reader derives from the records (the handbook route: each one's
  // JSON), made once by the first reader and kept with the book, since a kept
  // book is read again and again. Shared by copies, which keep the records.
  struct Derived {
    std::once_flag once;
    std::vector<std::string> texts;
  };
  std::shared_ptr<Derived> derived = std::make_shared<Derived>();
};

struct ListQuery {
  std::string type;            // "person" or an event type; empty = all events
  std::string orgunit;         // subtree root; empty = everywhere
  std::string from, to;        // inclusive ISO date range on Record::date
  std::string person_id;       // events of one person
  std::string after;           // cursor: id of the last record of the previous page
  int limit = 50;
  bool include_deleted = false;
  // FHIR search: several event types at once (`type` empty), a date range
  // left out (not_from..not_to, inclusive: the `ne` prefix), the order
  // ("" by id, "date", "-date", "updated", "-updated") and a page's offset
  // (use `after` or `offset`, not both).
  std::vector<std::string> types;
  std::string not_from, not_to;
  std::string sort;
  int offset = 0;
  // For a page by id over a large subtree (a province): walk the ids in
  // order and stop at the page, instead of sorting every match of the
  // subtree. Slower for a small subtree, where the org unit index wins.
  bool walk_ids = false;
};

struct AuditQuery {
  std::string username, record_id, from, to;  // from/to: ISO timestamps or dates, inclusive
  std::vector<std::string> orgunits;           // limit to entries of these subtrees (empty = all)
  int64_t after_seq = 0;                       // cursor: entries after this seq
  int64_t before_seq = 0;                      // cursor of a newest-first listing: entries before it (0: none)
  bool newest_first = false;                   // the order people read a trail in; chain checks read oldest first
  int limit = 100;
};

struct SearchQuery {
  // Folded words as typed: a prefix of the full name ("nguyen thi m"), or the
  // given name first or alone ("mai", "mai nguyen"); a middle name alone is not
  // matched. Stages and their order: SqliteStore::SearchPersons.
  std::string name_folded;
  std::string phone;
  std::string citizen_id;
  std::string orgunit;         // subtree root; empty = everywhere
  // A page of the matches in stage order: `offset` skipped, then at most `limit`.
  int offset = 0;
  int limit = 20;
};

struct User {
  std::string id, username, password_hash, role, full_name, created_at;
  std::vector<std::string> orgunits;
  bool disabled = false;
  bool must_change_password = false;  // an initial (printed) password: change it before anything else
};

struct OrgUnitName {
  std::string id, name, kind, parent_id;
};

// A committed write, as seen by listeners (indicator engine, care-due engine).
struct Change {
  std::optional<Record> before;  // empty for an insert
  Record after;                  // a soft delete has after.deleted_at set
};
using ChangeListener = std::function<void(const Change&)>;

// The change log (migration 24): each transaction that writes persons or
// events appends the persons it touched, so state derived from the records
// and saved at a position (the engines' snapshots, src/snapshot) learns what
// changed after it. Bulk loads and org unit loads append one "everything"
// marker instead of a row a person.
struct ChangeLogHead {
  std::string db_id;  // random, made once per database: a snapshot of another database is refused
  int64_t seq = 0;    // the last position written (0: none yet)
};
struct ChangesAfter {
  std::vector<std::string> persons;  // each once
  bool everything = false;           // a marker, or positions no longer kept: rebuild
};

// The sync feed (docs/sync.md): a scope's persons in the order of the last
// change-log position that wrote them or their events (person.sync_seq,
// migration 25), each with their events, a page at a time.
struct SyncQuery {
  std::vector<std::string> roots;  // org unit subtrees (closure): the scope
  bool first = false;              // a first sync: living records only
  // The page starts after the person (after_seq, after_id), or with no id
  // after every person at after_seq (-1: from the start, bulk-loaded rows at 0 included).
  int64_t after_seq = -1;
  std::string after_id;
  int limit = 500;                 // records a page; a person is never split, and a page holds one at least
  // ≥ 0 (a later sync's run, from this position): the run's last page also lists the persons that
  // left the scope, written after it, outside the scope now and inside it in a kept earlier version.
  int64_t left_since = -1;
};
struct SyncPerson {
  Record person;
  std::vector<Record> events;  // date order; deleted ones too unless the query is a first sync
  int64_t seq = 0;             // the person's position
};
struct SyncPage {
  std::string db_id;           // the change log's database id
  int64_t head = 0;            // the change log's head in the page's read snapshot
  int64_t everything_seq = 0;  // the last bulk or org unit load's marker (cursors before it reset)
  std::vector<SyncPerson> persons;
  bool more = false;           // persons of the scope after this page
  std::vector<std::string> left;  // with left_since, on the last page: persons moved out of the scope
};

// A rule another module sets on writes (the report module: no event dated in a
// signed-off period changes). Insert, Update and SoftDelete ask it, inside
// their transaction, of every record state they write or replace; an error
// aborts the write and is returned as is. It may read through the store's
// topic interfaces (same thread, same transaction). Bulk loads are not asked.
using WriteGuard = std::function<Status(const Record& r)>;

// Topic interfaces, each in its own header (store/<topic>.h).
class Aggregates;
class CareAcks;
class Emergencies;
class National;
class OrgUnitWriter;
class Publications;
class Signoffs;
class Targets;

// One record write of Store::Apply, with the audit entry it carries.
struct Write {
  enum class Op { insert, update, remove } op = Op::insert;
  Record record;                 // insert, update: the new state; remove: its type and id
  int64_t expected_version = 0;  // update, remove
  std::string reason;            // remove
  audit::Entry audit;
};

// Streams many inserts into one transaction (bulk import): all or nothing.
// Dropping the writer without Commit() rolls everything back.
class BulkWriter {
 public:
  virtual ~BulkWriter() = default;
  virtual Status Add(const Record& r) = 0;
  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Listeners run after each write commits, on the writing thread, in commit order.
  virtual void Subscribe(ChangeListener listener) = 0;
  // Guards are asked in the order added; set them before writes start.
  virtual void AddWriteGuard(WriteGuard guard) = 0;

  // Entered aggregate values, versioned plan targets, report sign-offs, care
  // alert acknowledgements, red-alert emergencies, the org unit tables' load,
  // publications. Writes through them are
  // audited in their own transaction.
  virtual Aggregates& aggregates() = 0;
  virtual Targets& targets() = 0;
  virtual Signoffs& signoffs() = 0;
  virtual CareAcks& care_acks() = 0;
  virtual Emergencies& emergencies() = 0;
  virtual OrgUnitWriter& orgunit_writer() = 0;
  virtual Publications& publications() = 0;
  // What a national instance stores: the provinces' pushed aggregates (store/national.h).
  virtual National& national() = 0;

  // Inserts a new record (version 1). Conflict if the id exists. Writes that
  // take an audit entry append it in the same transaction (seq, hash and, for
  // updates, the changed fields are filled in by the store).
  virtual Status Insert(const Record& r, const audit::Entry* audit = nullptr) = 0;
  // Many records in one transaction: all or nothing.
  virtual Status InsertBatch(const std::vector<Record>& rs) = 0;
  // Opens a bulk transaction on the calling thread's connection. Commits are
  // durable against a process crash at once and against power loss at the next
  // checkpoint (synchronous=NORMAL), which is what makes bulk loads fast. Into
  // empty tables, with no other connection open, the load is written once
  // under a rollback journal instead (durable at its commit).
  virtual Status OpenBulk(std::unique_ptr<BulkWriter>* out) = 0;
  // Closes the calling thread's connection, if it has one (the next call on the
  // thread opens another): lets a bulk load on another thread have the file alone.
  virtual void ReleaseConnection() = 0;
  // Replaces the record if its stored version equals `expected_version`; bumps the version.
  virtual Status Update(Record& r, int64_t expected_version, const audit::Entry* audit = nullptr) = 0;
  virtual Status SoftDelete(const std::string& type, const std::string& id, int64_t expected_version,
                            const std::string& reason, Record* out, const audit::Entry* audit = nullptr) = 0;

  // Several writes as Insert, Update and SoftDelete do them, each with its
  // audit entry, in ONE transaction: all or nothing (a FHIR write of a record
  // and its parts, a transaction Bundle). Listeners hear them after the
  // commit, in order. `stored`, when given, receives each record as stored
  // (version, timestamps, deletion).
  virtual Status Apply(const std::vector<Write>& writes, std::vector<Record>* stored = nullptr) = 0;
  // Every version of a record, newest first: the current state, then the
  // states updates and deletions replaced (kept since migration 23).
  virtual Status Versions(const std::string& type, const std::string& id, std::vector<Record>* out) = 0;
  // One version of a record; NotFound (field "version") when it was not kept.
  virtual Status GetVersion(const std::string& type, const std::string& id, int64_t version, Record* out) = 0;

  // Change log: its head, what changed after a position, and dropping the
  // positions up to one (a later ChangedSince of a dropped position says everything).
  virtual Status ChangeHead(ChangeLogHead* out) = 0;
  virtual Status ChangedSince(int64_t seq, ChangesAfter* out) = 0;
  virtual Status TrimChanges(int64_t up_to_seq) = 0;
  // One page of the sync feed, all from one read snapshot.
  virtual Status SyncChanges(const SyncQuery& q, SyncPage* out) = 0;

  // Audit trail (append-only, hash-chained).
  virtual Status AppendAudit(std::vector<audit::Entry> entries) = 0;
  virtual Status ListAudit(const AuditQuery& q, std::vector<audit::Entry>* out) = 0;
  // Walks the whole chain; Ok, or Invalid naming the first entry that does not verify.
  virtual Status VerifyAudit(int64_t* checked) = 0;
  // The same walk, handing each entry whose hash and link hold to `visit` (which
  // may stop the walk with an error), in seq order.
  virtual Status VerifyAudit(int64_t* checked, const std::function<Status(const audit::Entry&)>& visit) = 0;
  // The chain's last entry (seq and hash; 0 and kGenesis for an empty log), which
  // is what audit/signed_heads.h signs. Seqs have no gaps: seq is the entry count.
  virtual Status AuditChainHead(int64_t* seq, std::string* hash) = 0;
  virtual Status Get(const std::string& type, const std::string& id, Record* out) = 0;
  // Looks a record up by id whatever its type (persons first).
  virtual Status Find(const std::string& id, Record* out) = 0;
  virtual Status List(const ListQuery& q, std::vector<Record>* out) = 0;
  // How many records List would give without limit, offset and cursor.
  virtual Status Count(const ListQuery& q, int64_t* n) = 0;
  // The person and every live event of theirs, in date order, and when `mother`
  // is given the person's mother if she is recorded and not deleted (else her
  // id is left empty): one snapshot for all of it.
  virtual Status Handbook(const std::string& person_id, Record* person, std::vector<Record>* events,
                          Record* mother = nullptr) = 0;
  virtual Status SearchPersons(const SearchQuery& q, std::vector<Record>* out) = 0;
  // The live persons whose mother is one of `mother_ids`, by birth date.
  virtual Status Children(const std::vector<std::string>& mother_ids, std::vector<Record>* out) = 0;
  // Handbook (with the mother) and one mother's Children as shared values, for
  // the most read route to answer from without a copy; SQLite keeps them for the
  // next read (store/handbook_cache.h). These defaults copy.
  virtual Status SharedHandbook(const std::string& person_id, std::shared_ptr<const PersonBook>* out) {
    auto book = std::make_shared<PersonBook>();
    Record mother;
    U5_RETURN_IF_ERROR(Handbook(person_id, &book->person, &book->events, &mother));
    if (!mother.id.empty()) book->mother = std::move(mother);
    *out = std::move(book);
    return Status::Ok();
  }
  virtual Status SharedChildren(const std::string& mother_id, std::shared_ptr<const std::vector<Record>>* out) {
    auto kids = std::make_shared<std::vector<Record>>();
    U5_RETURN_IF_ERROR(Children({mother_id}, kids.get()));
    *out = std::move(kids);
    return Status::Ok();
  }
  // Visits every record (persons first, then events, each in id order).
  virtual Status ForEach(const std::function<Status(const Record&)>& fn, bool include_deleted) = 0;
  // Every living person once, each with all their live events of the asked
  // types (store/history.h), all from one read snapshot. Persons come in no
  // particular order. An error from `fn` stops the pass and is returned.
  virtual Status ForEachHistory(const HistoryQuery& q, const HistoryFn& fn) = 0;

  // Users and sessions.
  virtual Status CreateUser(const User& u) = 0;
  virtual Status GetUser(const std::string& username, User* out) = 0;
  virtual Status GetUserById(const std::string& id, User* out) = 0;
  // Replaces a user's password hash, sets or clears must_change_password and,
  // in the same transaction, ends every session of the user but the one whose
  // token hash is `keep_session` (none when empty).
  virtual Status SetPassword(const std::string& user_id, const std::string& password_hash, bool must_change,
                             const std::string& keep_session) = 0;
  // Every user, by username.
  virtual Status ListUsers(std::vector<User>* out) = 0;
  // Inserts (`create`) or replaces a user by id (hash, role, name, flags, org
  // units) with `audit` in the same transaction. A disabled user or a changed
  // password hash ends the user's sessions.
  virtual Status SaveUser(const User& u, bool create, const audit::Entry& audit) = 0;
  virtual Status CreateSession(const std::string& token_hash, const std::string& user_id, int64_t expires_ms) = 0;
  // NotFound when absent or expired.
  virtual Status GetSession(const std::string& token_hash, std::string* user_id) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;

  // Org unit reads (store/orgunits.h).
  virtual OrgUnitReader& orgunits() = 0;
  virtual bool OrgUnitExists(const std::string& id) = 0;
  virtual bool InSubtree(const std::string& ancestor, const std::string& descendant) = 0;
  // Names of the given org units, or of the children of `parent` when ids is empty.
  virtual Status OrgUnitNames(const std::vector<std::string>& ids, const std::string& parent, std::vector<OrgUnitName>* out) = 0;
};

struct SqliteOptions {
  // Audit entries by record (store/audit_index.h): the log's tail becomes a
  // sorted run every `audit_run_entries` entries, and `audit_run_fanout` runs
  // of one level merge into one of the next, up to `audit_run_max_level`.
  // Tests use small runs to reach every level.
  int64_t audit_run_entries = 50000;
  int audit_run_fanout = 10;
  int audit_run_max_level = 1;
  // ForEachHistory reads events in storage order and holds each person's until
  // the last is read; past this many bytes held it reads the rest in person
  // order (slower, holds one person). Tests make it small to take both paths.
  size_t history_buffer_bytes = size_t{256} << 20;
  // Handbooks (and children lists) kept in memory for the next read of the
  // same person (store/handbook_cache.h): some 5 KB each; 0 turns it off.
  size_t handbook_cache_entries = 16384;
};

// Opens (creating and migrating) an SQLite store. One connection per thread.
Status OpenSqliteStore(const std::string& path, std::unique_ptr<Store>* out);
Status OpenSqliteStore(const std::string& path, const SqliteOptions& options, std::unique_ptr<Store>* out);
// `under5 migrate`: brings the file's schema up to `to_version` (-1: the
// latest), creating the file if needed; the version reached in *now.
Status MigrateSqliteFile(const std::string& path, int to_version, int* now);

}  // namespace u5::store
