// Forward-only schema migrations. Each entry runs in one transaction and
// bumps PRAGMA user_version; a database at version k is brought to the
// latest by applying k+1..N in order. Never edit a released migration:
// add a new one.
#include "store/migrations.h"

namespace u5::store {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "org units: both administrative schemes, facilities, closure table, old->new successors", R"SQL(
CREATE TABLE orgunit (
  id            TEXT PRIMARY KEY,      -- '12', '03349' (2025 scheme), 'pre2025:105', 'tyt:03349', 'VN'
  code          TEXT NOT NULL,         -- the official NSO/GSO code as printed
  scheme        TEXT NOT NULL CHECK (scheme IN ('root','vn2025','pre2025','facility')),
  kind          TEXT NOT NULL CHECK (kind IN ('country','province','district','commune','facility')),
  name          TEXT NOT NULL,
  division_type TEXT,
  parent_id     TEXT REFERENCES orgunit(id),
  valid_from    TEXT,                  -- ISO date, NULL = since ever
  valid_to      TEXT,                  -- ISO date of the last valid day, NULL = still valid
  population    INTEGER,
  area_km2      REAL
);
CREATE INDEX orgunit_parent ON orgunit(parent_id);
CREATE INDEX orgunit_code ON orgunit(scheme, code);
-- Every (ancestor, descendant) pair, itself included at depth 0. Old communes
-- are also descendants of the new communes they were merged into, so records
-- filed under an old commune count under its successor.
CREATE TABLE orgunit_closure (
  ancestor   TEXT NOT NULL REFERENCES orgunit(id),
  descendant TEXT NOT NULL REFERENCES orgunit(id),
  depth      INTEGER NOT NULL,
  PRIMARY KEY (ancestor, descendant)
) WITHOUT ROWID;
CREATE INDEX orgunit_closure_desc ON orgunit_closure(descendant, ancestor);
CREATE TABLE orgunit_successor (
  old_id TEXT NOT NULL REFERENCES orgunit(id),
  new_id TEXT NOT NULL REFERENCES orgunit(id),
  note   TEXT,                         -- 'Nhập toàn bộ', 'Nhập một phần', 'Giữ nguyên', ...
  PRIMARY KEY (old_id, new_id)
) WITHOUT ROWID;
)SQL"},
      {2, "registry: persons and events", R"SQL(
CREATE TABLE person (
  id            TEXT PRIMARY KEY,
  version       INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  deleted_at    TEXT,
  delete_reason TEXT,
  orgunit_id    TEXT NOT NULL REFERENCES orgunit(id),
  full_name     TEXT NOT NULL,
  name_folded   TEXT NOT NULL,
  sex           TEXT NOT NULL,
  birth_date    TEXT NOT NULL,
  phone         TEXT,
  citizen_id    TEXT,
  mother_id     TEXT REFERENCES person(id),
  body          TEXT NOT NULL          -- canonical JSON of the validated record
);
CREATE INDEX person_orgunit ON person(orgunit_id, birth_date);
CREATE INDEX person_phone ON person(phone) WHERE phone IS NOT NULL;
CREATE INDEX person_citizen ON person(citizen_id) WHERE citizen_id IS NOT NULL;
CREATE INDEX person_mother ON person(mother_id) WHERE mother_id IS NOT NULL;
CREATE TABLE event (
  id            TEXT PRIMARY KEY,
  type          TEXT NOT NULL,
  person_id     TEXT NOT NULL REFERENCES person(id),
  pregnancy_id  TEXT REFERENCES event(id),
  orgunit_id    TEXT NOT NULL REFERENCES orgunit(id),
  event_date    TEXT NOT NULL,
  version       INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  deleted_at    TEXT,
  delete_reason TEXT,
  body          TEXT NOT NULL
);
CREATE INDEX event_person ON event(person_id, event_date);
CREATE INDEX event_orgunit ON event(orgunit_id, type, event_date);
CREATE INDEX event_pregnancy ON event(pregnancy_id) WHERE pregnancy_id IS NOT NULL;
)SQL"},
      {3, "users and sessions", R"SQL(
CREATE TABLE app_user (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,         -- libsodium crypto_pwhash_str (argon2id)
  role          TEXT NOT NULL,
  full_name     TEXT,
  created_at    TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE user_orgunit (
  user_id    TEXT NOT NULL REFERENCES app_user(id),
  orgunit_id TEXT NOT NULL REFERENCES orgunit(id),
  PRIMARY KEY (user_id, orgunit_id)
) WITHOUT ROWID;
CREATE TABLE session (
  token_hash   TEXT PRIMARY KEY,       -- SHA-256 of the bearer token; the token itself is never stored
  user_id      TEXT NOT NULL REFERENCES app_user(id),
  created_at   TEXT NOT NULL,
  expires_at   INTEGER NOT NULL        -- unix ms
) WITHOUT ROWID;
)SQL"},
      {4, "accent-insensitive name search (FTS5 over folded names)", R"SQL(
CREATE VIRTUAL TABLE person_fts USING fts5(name_folded, content='person', content_rowid='rowid',
                                          tokenize='unicode61', prefix='1 2 3');
INSERT INTO person_fts(rowid, name_folded) SELECT rowid, name_folded FROM person;
CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN
  INSERT INTO person_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded);
END;
CREATE TRIGGER person_fts_ad AFTER DELETE ON person BEGIN
  INSERT INTO person_fts(person_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
END;
CREATE TRIGGER person_fts_au AFTER UPDATE OF name_folded ON person BEGIN
  INSERT INTO person_fts(person_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
  INSERT INTO person_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded);
END;
)SQL"},
      {5, "indicators: entered aggregate values (survey, yearbook, population) and edited plan targets", R"SQL(
-- Values that registry records cannot give, entered per org unit and period
-- with their provenance; also population denominators (element ids such as
-- 'population.under5_midyear'). Shown beside the computed values.
CREATE TABLE indicator_value (
  element      TEXT NOT NULL,          -- indicator id or data element id of the catalogue
  orgunit_id   TEXT NOT NULL REFERENCES orgunit(id),
  period       TEXT NOT NULL,          -- '2025', '2025S1', '2025Q3', '2025-06'
  source       TEXT NOT NULL CHECK (source IN ('routine','survey','statistical_yearbook','estimate')),
  value        REAL,
  numerator    REAL,
  denominator  REAL,
  note         TEXT,
  entered_by   TEXT,
  entered_at   TEXT NOT NULL,
  PRIMARY KEY (element, orgunit_id, period, source)
) WITHOUT ROWID;
CREATE INDEX indicator_value_ou ON indicator_value(orgunit_id, period);
-- A province officer's change to a target of the catalogue's plans; the
-- catalogue file keeps the printed original.
CREATE TABLE plan_target_edit (
  plan_id      TEXT NOT NULL,
  indicator_id TEXT NOT NULL,
  year         INTEGER NOT NULL,
  op           TEXT NOT NULL,
  value        REAL NOT NULL,
  baseline_year INTEGER,
  note         TEXT,
  edited_by    TEXT,
  edited_at    TEXT NOT NULL,
  PRIMARY KEY (plan_id, indicator_id, year)
) WITHOUT ROWID;
)SQL"},
      {8, "name search by B-tree ranges on the folded name and on the name with the given name first (replaces FTS5)", R"SQL(
-- "nguyen thi mai" -> "mai nguyen thi": a health worker often types the given
-- name first or only; both forms are B-tree ranges, fast whatever the name's frequency.
ALTER TABLE person ADD COLUMN name_rev TEXT GENERATED ALWAYS AS (
  CASE WHEN rtrim(name_folded, replace(name_folded, ' ', '')) = '' THEN name_folded
       ELSE substr(name_folded, length(rtrim(name_folded, replace(name_folded, ' ', ''))) + 1) || ' ' ||
            rtrim(rtrim(name_folded, replace(name_folded, ' ', '')))
  END) VIRTUAL;
CREATE INDEX person_name ON person(name_folded);
CREATE INDEX person_name_rev ON person(name_rev);
-- Scoped searches (a commune, a province) seek each org unit of the subtree.
CREATE INDEX person_ou_name ON person(orgunit_id, name_folded);
CREATE INDEX person_ou_name_rev ON person(orgunit_id, name_rev);
-- The ranges above answer every search the FTS5 index did, faster for common
-- names ("nguyen" is 38 % of Vietnamese); it only slowed writes.
DROP TRIGGER person_fts_ai;
DROP TRIGGER person_fts_ad;
DROP TRIGGER person_fts_au;
DROP TABLE person_fts;
)SQL"},
      {9, "audit trail: append-only, hash-chained", R"SQL(
CREATE TABLE audit_log (
  seq         INTEGER PRIMARY KEY,     -- 1, 2, 3, ... in commit order
  at          TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  username    TEXT NOT NULL,
  remote      TEXT NOT NULL,
  action      TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id   TEXT NOT NULL,
  orgunit_id  TEXT NOT NULL,
  detail      TEXT NOT NULL,           -- JSON
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX audit_record ON audit_log(record_id) WHERE record_id <> '';
CREATE INDEX audit_user ON audit_log(username, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)SQL"},
      {10, "users: forced change of an initial password", R"SQL(
ALTER TABLE app_user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
)SQL"},
      {11, "reports: sign-off of reporting periods by communes (close, reopen with a reason)", R"SQL(
-- Append-only: the state of a period is its latest action; the figures as
-- confirmed are kept with each close so later edits show in the report.
CREATE TABLE report_signoff (
  seq        INTEGER PRIMARY KEY,
  orgunit_id TEXT NOT NULL,
  period     TEXT NOT NULL,            -- 2026S1, 2026, 2026-06, ...
  action     TEXT NOT NULL CHECK (action IN ('close', 'reopen')),
  username   TEXT NOT NULL,
  at         TEXT NOT NULL,            -- ISO 8601 UTC
  on_date    TEXT NOT NULL,            -- civil day in Vietnam (timeliness)
  reason     TEXT NOT NULL DEFAULT '',
  figures    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX report_signoff_unit ON report_signoff(orgunit_id, period, seq);
CREATE TRIGGER report_signoff_no_update BEFORE UPDATE ON report_signoff BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END;
CREATE TRIGGER report_signoff_no_delete BEFORE DELETE ON report_signoff BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END;
)SQL"},
      {12, "care: health workers' acknowledgements of alerts", R"SQL(
-- IF NOT EXISTS: before this migration the care service created the table at
-- run time, so databases served by it already have it (same columns).
CREATE TABLE IF NOT EXISTS care_alert_ack (
  alert_id  TEXT PRIMARY KEY,          -- stable id of the alert episode (src/care/alerts.h)
  person_id TEXT NOT NULL REFERENCES person(id),
  rule      TEXT NOT NULL,
  acked_by  TEXT NOT NULL,             -- user name
  acked_at  TEXT NOT NULL,
  note      TEXT
) WITHOUT ROWID;
)SQL"},
      {13, "audit trail: entries by record in sorted runs instead of an index updated at every entry", R"SQL(
-- An index on audit_log(record_id) took each new entry to a random page of a
-- large B-tree: at a million entries that was three quarters of the cost of
-- auditing a read. The log's newest entries are now found by scanning its tail;
-- every so many entries the store sorts the tail into a run, and merges runs of
-- a size into one larger run (store/audit_index.cpp). Derived from audit_log and
-- checked against it by `audit verify`.
DROP INDEX audit_record;
CREATE TABLE audit_record_run (
  run       INTEGER PRIMARY KEY,
  level     INTEGER NOT NULL,          -- 0: one sorted tail; k + 1: merged from runs of level k
  first_seq INTEGER NOT NULL,
  last_seq  INTEGER NOT NULL           -- entries after the largest last_seq are the unsorted tail
);
CREATE TABLE audit_by_record (
  run       INTEGER NOT NULL REFERENCES audit_record_run(run),
  record_id TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  PRIMARY KEY (run, record_id, seq)
) WITHOUT ROWID;
-- The log written before this version becomes one run, never merged again (level 1000).
INSERT INTO audit_record_run(run, level, first_seq, last_seq)
  SELECT 1, 1000, min(seq), max(seq) FROM audit_log HAVING count(*) > 0;
INSERT INTO audit_by_record(run, record_id, seq)
  SELECT 1, record_id, seq FROM audit_log
  WHERE record_id <> '' AND EXISTS (SELECT 1 FROM audit_record_run) ORDER BY record_id, seq;
)SQL"},
      {14, "plans: targets as versions (the data file seeds them, each edit a new version with who, when, why)", R"SQL(
-- The one place a target is read from (plan-eval and the API alike). The
-- current target is the latest version; versions are never changed.
CREATE TABLE plan_target (
  plan_id       TEXT NOT NULL,
  indicator_id  TEXT NOT NULL,
  year          INTEGER NOT NULL,
  version       INTEGER NOT NULL,       -- 1, 2, ... per (plan, indicator, year)
  op            TEXT NOT NULL,
  value         REAL NOT NULL,
  baseline_year INTEGER,
  note          TEXT NOT NULL DEFAULT '',
  origin        TEXT NOT NULL CHECK (origin IN ('data', 'edit')),
  by_id         TEXT NOT NULL DEFAULT '',  -- app_user.id of an edit
  by_name       TEXT NOT NULL,
  at            TEXT NOT NULL,
  reason        TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (plan_id, indicator_id, year, version)
) WITHOUT ROWID;
CREATE TRIGGER plan_target_no_update BEFORE UPDATE ON plan_target BEGIN SELECT RAISE(ABORT, 'target versions are append-only'); END;
CREATE TRIGGER plan_target_no_delete BEFORE DELETE ON plan_target BEGIN SELECT RAISE(ABORT, 'target versions are append-only'); END;
-- An edit made before versions keeps its place as the target's first version;
-- the data file does not override it (store/targets.h, Seed).
INSERT INTO plan_target(plan_id, indicator_id, year, version, op, value, baseline_year, note, origin, by_name, at, reason)
  SELECT plan_id, indicator_id, year, 1, op, value, baseline_year, COALESCE(note, ''), 'edit', COALESCE(edited_by, ''),
         edited_at, 'edited before target versions' FROM plan_target_edit;
DROP TABLE plan_target_edit;
)SQL"},
      {15, "growth: wasting from weight-for-length alone; oedema below -3 SD in the weight-based classes", R"SQL(
-- Derived fields are stored in the body when a record is written
-- (registry/growth_status.cpp). Their rule changed (issue 19, docs/growth.md):
-- SAM found by MUAC alone no longer makes wasting severe, and bilateral oedema
-- grades underweight and wasting severe and weight_for_length severe_wasting.
-- The classes are recomputed here from the stored inputs and z-scores, by the
-- same rule (z_wflh is absent with oedema; a flagged z is listed in `implausible`).
UPDATE event SET body = json_set(body,
  '$.wasting', CASE
    WHEN json_extract(body, '$.oedema') = 1 THEN 'severe'
    WHEN json_type(body, '$.z_wflh') IS NULL THEN 'not_assessed'
    WHEN EXISTS (SELECT 1 FROM json_each(body, '$.implausible') WHERE value = 'z_wflh') THEN 'implausible'
    WHEN json_extract(body, '$.z_wflh') < -3 THEN 'severe'
    WHEN json_extract(body, '$.z_wflh') < -2 THEN 'moderate'
    ELSE 'normal' END,
  '$.underweight', CASE WHEN json_extract(body, '$.oedema') = 1 THEN 'severe' ELSE json_extract(body, '$.underweight') END,
  '$.weight_for_length', CASE WHEN json_extract(body, '$.oedema') = 1 THEN 'severe_wasting'
                              ELSE json_extract(body, '$.weight_for_length') END)
WHERE type = 'growth' AND json_valid(body) AND json_type(body, '$.wasting') IS NOT NULL
  AND json_type(body, '$.underweight') IS NOT NULL AND json_type(body, '$.weight_for_length') IS NOT NULL;
)SQL"},
      {16, "care: persons the commune no longer follows (moved away, not found)", R"SQL(
-- One row a person the health worker marked: they leave the worklist and the
-- long-lost list but stay in the registry. "Found again" deletes the row; the
-- audit log keeps every change (docs/care.md, "Moved away or not found").
CREATE TABLE care_person_status (
  person_id TEXT PRIMARY KEY REFERENCES person(id),
  status    TEXT NOT NULL CHECK (status IN ('moved_away', 'not_found')),
  since     TEXT NOT NULL,             -- YYYY-MM-DD, as the health worker says
  reason    TEXT NOT NULL,
  set_by    TEXT NOT NULL,             -- user name
  set_at    TEXT NOT NULL
) WITHOUT ROWID;
)SQL"},
      {19, "emergency: red-alert referrals with their timeline and escalations", R"SQL(
-- One row a case; the timeline, escalations and patient are in the JSON body
-- (src/emergency/model.h). The columns are those the lists and the
-- escalation ticker filter on; the version guards concurrent steps.
CREATE TABLE emergency (
  id           TEXT PRIMARY KEY,
  version      INTEGER NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  raised_at    TEXT NOT NULL,           -- ISO 8601 UTC
  from_orgunit TEXT NOT NULL REFERENCES orgunit(id),
  to_orgunit   TEXT NOT NULL REFERENCES orgunit(id),
  body         TEXT NOT NULL
);
CREATE INDEX emergency_open ON emergency(status, raised_at);
CREATE INDEX emergency_raised ON emergency(raised_at);
)SQL"},
      {21, "entered figures: the document a value comes from, and every version of each value", R"SQL(
-- The current value stays in indicator_value (one row, fast to read); each
-- put also appends the value as a version here, and a deletion a version
-- with deleted = 1, so the history shows who changed what, when, old -> new.
-- Versions are never changed.
ALTER TABLE indicator_value ADD COLUMN document TEXT;
CREATE TABLE indicator_value_version (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  element      TEXT NOT NULL,
  orgunit_id   TEXT NOT NULL REFERENCES orgunit(id),
  period       TEXT NOT NULL,
  source       TEXT NOT NULL,
  value        REAL,
  numerator    REAL,
  denominator  REAL,
  note         TEXT,
  document     TEXT,
  entered_by   TEXT,
  entered_at   TEXT NOT NULL,
  deleted      INTEGER NOT NULL DEFAULT 0   -- 1: the value was deleted, the reason in note
);
CREATE INDEX indicator_value_version_key ON indicator_value_version(element, orgunit_id, period);
CREATE TRIGGER indicator_value_version_no_update BEFORE UPDATE ON indicator_value_version BEGIN SELECT RAISE(ABORT, 'value versions are append-only'); END;
CREATE TRIGGER indicator_value_version_no_delete BEFORE DELETE ON indicator_value_version BEGIN SELECT RAISE(ABORT, 'value versions are append-only'); END;
-- A value entered before versions is its own first version.
INSERT INTO indicator_value_version(element, orgunit_id, period, source, value, numerator, denominator, note, entered_by, entered_at)
  SELECT element, orgunit_id, period, source, value, numerator, denominator, note, entered_by, entered_at FROM indicator_value;
)SQL"},
      {22, "publish: publications of provinces' signed-off periods", R"SQL(
-- One row a publication: the record of what was published (the files in the
-- public dir are the product). A re-publication is a new version.
CREATE TABLE publication (
  orgunit_id    TEXT NOT NULL,
  period        TEXT NOT NULL,           -- 2026S1, 2025, ...
  version       INTEGER NOT NULL,
  username      TEXT NOT NULL,
  at            TEXT NOT NULL,           -- ISO 8601 UTC
  sha256        TEXT NOT NULL,           -- of the JSON file
  signed_off_at TEXT NOT NULL,
  body          TEXT NOT NULL,           -- the JSON file as written
  PRIMARY KEY (orgunit_id, period, version)
);
CREATE TRIGGER publication_no_update BEFORE UPDATE ON publication BEGIN SELECT RAISE(ABORT, 'publications are append-only'); END;
CREATE TRIGGER publication_no_delete BEFORE DELETE ON publication BEGIN SELECT RAISE(ABORT, 'publications are append-only'); END;
)SQL"},
      {23, "records: the prior versions of each record, for FHIR vread and _history", R"SQL(
-- Each update or deletion of a person or event keeps the state it replaces
-- here, in the same transaction; the current state stays in person/event.
-- Records changed before this migration have no prior versions kept.
-- Versions are never changed.
CREATE TABLE record_version (
  type          TEXT NOT NULL,         -- 'person' or an event type
  id            TEXT NOT NULL,
  person_id     TEXT NOT NULL,         -- events: whose record; persons: ''
  pregnancy_id  TEXT,
  orgunit_id    TEXT NOT NULL,
  date          TEXT NOT NULL,         -- birth date or event date
  version       INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  deleted_at    TEXT,
  delete_reason TEXT,
  body          TEXT NOT NULL,
  full_name     TEXT NOT NULL,         -- persons' search columns ('' for events)
  name_folded   TEXT NOT NULL,
  sex           TEXT NOT NULL,
  phone         TEXT,
  citizen_id    TEXT,
  mother_id     TEXT,
  PRIMARY KEY (id, version)
) WITHOUT ROWID;
CREATE TRIGGER record_version_no_update BEFORE UPDATE ON record_version BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END;
CREATE TRIGGER record_version_no_delete BEFORE DELETE ON record_version BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END;
)SQL"},
      {24, "change log: the persons each write touched, for the engines' snapshots", R"SQL(
-- Every transaction that writes persons or events appends the persons it
-- touched (person_id NULL: everything, after a bulk load or an org unit load).
-- A snapshot of an engine is stamped with a seq; a start replays the persons
-- of later rows. Rows up to trimmed_to were dropped: asking from before it
-- means everything. db_id tells this database from any other.
CREATE TABLE change_log (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  person_id TEXT
);
CREATE TABLE change_log_state (
  one        INTEGER PRIMARY KEY CHECK (one = 1),
  db_id      TEXT NOT NULL,
  trimmed_to INTEGER NOT NULL
);
INSERT INTO change_log_state(one, db_id, trimmed_to) VALUES (1, lower(hex(randomblob(16))), 0);
-- Records already here were never logged: a snapshot older than the log is rebuilt.
INSERT INTO change_log(person_id) SELECT NULL WHERE EXISTS (SELECT 1 FROM person);
)SQL"},
      {25, "sync positions: each person's last change-log position, the last everything marker", R"SQL(
-- The sync feed (docs/sync.md) pages a scope's persons by the change-log seq
-- of the last transaction that wrote the person or one of their events, so a
-- cursor needs no change-log row kept. Rows loaded in bulk keep 0: the load's
-- everything marker (everything_seq) resets clients that synced before it.
ALTER TABLE person ADD COLUMN sync_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE change_log_state ADD COLUMN everything_seq INTEGER NOT NULL DEFAULT 0;
UPDATE change_log_state SET everything_seq = COALESCE((SELECT MAX(seq) FROM change_log WHERE person_id IS NULL), 0);
CREATE INDEX person_sync ON person(orgunit_id, sync_seq, id);
)SQL"},
  };
  return kMigrations;
}

}  // namespace u5::store
