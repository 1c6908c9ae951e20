// What both stores (sqlite_store.cpp, pg_store.cpp) do alike around a record
// write or read, so that their semantics cannot drift apart: the columns a
// Record maps to and their reading, the audit entry of a record write, the
// write guards and listeners, the messages of version checks, and the SQL of
// List and name search (which differs only in its placeholders). Internal to src/store.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "core/status.h"
#include "store/aggregates.h"
#include "store/care_acks.h"
#include "store/emergencies.h"
#include "store/orgunit_writer.h"
#include "store/national.h"
#include "store/publications.h"
#include "store/signoffs.h"
#include "store/store.h"
#include "store/targets.h"

namespace u5::store {

inline constexpr const char* kPersonCols =
    "id, version, created_at, updated_at, deleted_at, delete_reason, orgunit_id, full_name, name_folded, sex, "
    "birth_date, phone, citizen_id, mother_id, body";
inline constexpr const char* kEventCols =
    "id, type, person_id, pregnancy_id, orgunit_id, event_date, version, created_at, updated_at, deleted_at, "
    "delete_reason, body";
inline constexpr const char* kAuditCols =
    "seq, at, user_id, username, remote, action, record_type, record_id, orgunit_id, detail, prev_hash, hash";

// Row: a result row with Text(col), Int(col), OptText(col) (SQLite's Stmt, or
// a PostgreSQL result row).
template <class Row>
void ReadPersonRow(const Row& s, Record* r) {
  r->type = "person";
  r->id = s.Text(0);
  r->version = s.Int(1);
  r->created_at = s.Text(2);
  r->updated_at = s.Text(3);
  r->deleted_at = s.OptText(4);
  r->delete_reason = s.OptText(5);
  r->orgunit_id = s.Text(6);
  r->full_name = s.Text(7);
  r->name_folded = s.Text(8);
  r->sex = s.Text(9);
  r->date = s.Text(10);
  r->phone = s.OptText(11);
  r->citizen_id = s.OptText(12);
  r->mother_id = s.OptText(13);
  r->body = s.Text(14);
  r->person_id.clear();
  r->pregnancy_id.reset();
}

template <class Row>
void ReadEventRow(const Row& s, Record* r) {
  r->id = s.Text(0);
  r->type = s.Text(1);
  r->person_id = s.Text(2);
  r->pregnancy_id = s.OptText(3);
  r->orgunit_id = s.Text(4);
  r->date = s.Text(5);
  r->version = s.Int(6);
  r->created_at = s.Text(7);
  r->updated_at = s.Text(8);
  r->deleted_at = s.OptText(9);
  r->delete_reason = s.OptText(10);
  r->body = s.Text(11);
}

// A row of record_version: an event's columns in ReadEventRow's order, then a
// person's search columns (the SELECT is kRecordVersionSelect).
#define U5_VERSION_COLUMNS                                                                                  \
  "SELECT id, type, person_id, pregnancy_id, orgunit_id, date, version, created_at, updated_at, deleted_at, " \
  "delete_reason, body, full_name, name_folded, sex, phone, citizen_id, mother_id FROM record_version "
template <class Row>
void ReadVersionRow(const Row& s, Record* r) {
  ReadEventRow(s, r);
  r->full_name = s.Text(12);
  r->name_folded = s.Text(13);
  r->sex = s.Text(14);
  r->phone = s.OptText(15);
  r->citizen_id = s.OptText(16);
  r->mother_id = s.OptText(17);
}

template <class Row>
audit::Entry ReadAuditRow(const Row& s) {
  audit::Entry e;
  e.seq = s.Int(0);
  e.at = s.Text(1);
  e.user_id = s.Text(2);
  e.username = s.Text(3);
  e.remote = s.Text(4);
  e.action = s.Text(5);
  e.record_type = s.Text(6);
  e.record_id = s.Text(7);
  e.orgunit_id = s.Text(8);
  e.detail = s.Text(9);
  e.prev_hash = s.Text(10);
  e.hash = s.Text(11);
  return e;
}

// Whose records a write touches, for the change log.
inline const std::string& PersonOf(const Record& r) { return r.is_person() ? r.id : r.person_id; }

// The audit entry of a record write: which record, and what changed (the
// fields of an insert; old -> new of an update; the reason of a deletion).
void DescribeRecordWrite(audit::Entry* e, const Record* before, const Record& after);

// The messages both stores give.
Status DuplicateId(const std::string& id);
Status VersionMismatch(int64_t stored, int64_t expected);
// The state an update or deletion finds, checked: not deleted, at `expected` version.
Status CheckReplaceable(const Record& cur, int64_t expected, bool deleting);
// One entry of a chain walk (VerifyAudit): Ok, or Invalid naming what broke.
Status CheckChainEntry(const audit::Entry& e, int64_t expected_seq, const std::string& prev_hash);

// The write guards and change listeners a store is given.
class WriteHooks {
 public:
  void Subscribe(ChangeListener l);
  void AddGuard(WriteGuard g);
  // Asked inside the writer's transaction, on its connection: a guard's reads see it.
  Status Check(const Record& r);
  bool HasListeners();
  void Notify(std::optional<Record> before, const Record& after);

 private:
  std::shared_mutex mu_;
  std::vector<ChangeListener> listeners_;
  std::vector<WriteGuard> guards_;
};

// What a store holds alike whichever its database: the topic interfaces (made
// by the derived store, their host, in its constructor) and the write hooks.
class TopicStore : public Store {
 public:
  void Subscribe(ChangeListener listener) override { hooks_.Subscribe(std::move(listener)); }
  void AddWriteGuard(WriteGuard guard) override { hooks_.AddGuard(std::move(guard)); }
  Aggregates& aggregates() override { return *aggregates_; }
  Targets& targets() override { return *targets_; }
  Signoffs& signoffs() override { return *signoffs_; }
  CareAcks& care_acks() override { return *care_acks_; }
  Emergencies& emergencies() override { return *emergencies_; }
  Publications& publications() override { return *publications_; }
  National& national() override { return *national_; }
  OrgUnitWriter& orgunit_writer() override { return *orgunit_writer_; }
  OrgUnitReader& orgunits() override { return *orgunits_; }

 protected:
  WriteHooks hooks_;
  std::unique_ptr<Aggregates> aggregates_;
  std::unique_ptr<Targets> targets_;
  std::unique_ptr<Signoffs> signoffs_;
  std::unique_ptr<CareAcks> care_acks_;
  std::unique_ptr<Emergencies> emergencies_;
  std::unique_ptr<OrgUnitWriter> orgunit_writer_;
  std::unique_ptr<Publications> publications_;
  std::unique_ptr<National> national_;
  std::unique_ptr<OrgUnitReader> orgunits_;
};

// SQL with numbered placeholders: "?N" for SQLite, "$N" for PostgreSQL.
struct SqlDialect {
  char placeholder = '?';
  // SQLite's unary + keeps the planner off an index; PostgreSQL has no such hint.
  bool unary_plus_hint = true;
  // The largest character that ends a prefix range ("abc" <= x < "abc\xff"): SQLite compares bytes;
  // PostgreSQL's text must be valid UTF-8, so its ranges end at U+10FFFF under COLLATE "C".
  const char* range_end = "\xff";
};

// The FROM and WHERE of a List or Count query, its arguments appended to `args`.
std::string ListWhereSql(const SqlDialect& d, const ListQuery& q, std::vector<std::string>* args);
// The whole List query (ORDER BY, LIMIT, OFFSET); Invalid for an unknown order.
Status ListSql(const SqlDialect& d, const ListQuery& q, std::string* sql, std::vector<std::string>* args);

// The name search's stages (Store::SearchPersons), over a store's two queries:
// `run(from_where, args)` adds the persons it finds (at most `limit` in all,
// each once) and says how many are in *out; `next_given(lo, hi, &name_rev)`
// finds the smallest name_rev in [lo, hi) (false: none).
using SearchRun = std::function<Status(const std::string& sql, const std::vector<std::string>& args)>;
using NextGiven = std::function<Status(const std::string& lo, const std::string& hi, std::optional<std::string>* name_rev)>;
Status SearchStagesSql(const SqlDialect& d, const SearchQuery& q, int limit, const std::vector<Record>& out,
                       const SearchRun& run, const NextGiven& next_given);

}  // namespace u5::store
