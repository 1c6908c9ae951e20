// The PostgreSQL schema: SQLite's (store/migrations.cpp) in PostgreSQL's
// dialect, with the same table, column, constraint and index names, so the
// same statements read both and `under5 copy` moves rows column for column.
// What differs, and why (docs/postgres.md, "Schema"):
// - Every text column is COLLATE "C": rows sort byte by byte as SQLite's
//   BINARY does (ids, dates, cursors), whatever the cluster's locale, and the
//   B-tree indexes on the folded names serve prefix ranges.
// - INTEGER is BIGINT, REAL is DOUBLE PRECISION; JSON bodies stay TEXT, so
//   they come back byte for byte. Sequences SQLite assigns from the rowid are
//   identity columns.
// - Foreign keys are DEFERRABLE (checked at each statement unless a bulk load
//   defers them to its commit, as SQLite's defer_foreign_keys).
// - The append-only triggers call one function, u5_refuse(message).
// - name_rev is a STORED generated column (PostgreSQL has no virtual ones).
// - Audit entries by record: a GIN index (audit_records) instead of sorted runs.
#include "store/pg_migrations.h"

#include <string>

namespace u5::store {

const std::vector<Migration>& PgMigrations() {
  static const std::vector<Migration> kMigrations = {
      {24, "baseline: SQLite's schema at version 24", R"SQL(
CREATE FUNCTION u5_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = TG_ARGV[0];
END $$;

CREATE TABLE orgunit (
  id            TEXT COLLATE "C" PRIMARY KEY,
  code          TEXT COLLATE "C" NOT NULL,
  scheme        TEXT COLLATE "C" NOT NULL CHECK (scheme IN ('root','vn2025','pre2025','facility')),
  kind          TEXT COLLATE "C" NOT NULL CHECK (kind IN ('country','province','district','commune','facility')),
  name          TEXT COLLATE "C" NOT NULL,
  division_type TEXT COLLATE "C",
  parent_id     TEXT COLLATE "C" REFERENCES orgunit(id) DEFERRABLE,
  valid_from    TEXT COLLATE "C",
  valid_to      TEXT COLLATE "C",
  population    BIGINT,
  area_km2      DOUBLE PRECISION
);
CREATE INDEX orgunit_parent ON orgunit(parent_id);
CREATE INDEX orgunit_code ON orgunit(scheme, code);
CREATE TABLE orgunit_closure (
  ancestor   TEXT COLLATE "C" NOT NULL REFERENCES orgunit(id) DEFERRABLE,
  descendant TEXT COLLATE "C" NOT NULL REFERENCES orgunit(id) DEFERRABLE,
  depth      BIGINT NOT NULL,
  PRIMARY KEY (ancestor, descendant)
);
CREATE INDEX orgunit_closure_desc ON orgunit_closure(descendant, ancestor);
CREATE TABLE orgunit_successor (
  old_id TEXT COLLATE "C" NOT NULL REFERENCES orgunit(id) DEFERRABLE,
  new_id TEXT COLLATE "C" NOT NULL REFERENCES orgunit(id) DEFERRABLE,
  note   TEXT COLLATE "C",
  PRIMARY KEY (old_id, new_id)
);

CREATE TABLE person (
  id            TEXT COLLATE "C" PRIMARY KEY,
  version       BIGINT NOT NULL,
  created_at    TEXT COLLATE "C" NOT NULL,
  updated_at    TEXT COLLATE "C" NOT NULL,
  deleted_at    TEXT COLLATE "C",
  delete_reason TEXT COLLATE "C",
  orgunit_id    TEXT COLLATE "C" NOT NULL REFERENCES orgunit(id) DEFERRABLE,
  full_name     TEXT COLLATE "C" NOT NULL,
  name_folded   TEXT COLLATE "C" NOT NULL,
  sex           TEXT COLLATE "C" NOT NULL,
  birth_date    TEXT COLLATE "C" NOT NULL,
  phone         TEXT COLLATE "C",
  citizen_id    TEXT COLLATE "C",
  mother_id     TEXT COLLATE "C" REFERENCES person(id) DEFERRABLE,
  body          TEXT COLLATE "C" NOT NULL,
  -- "nguyen thi mai" -> "mai nguyen thi", as SQLite's migration 8 computes it.
  name_rev      TEXT COLLATE "C" GENERATED ALWAYS AS (
    CASE WHEN strpos(name_folded, ' ') = 0 THEN name_folded
         ELSE substring(name_folded from '([^ ]*)$') || ' ' || rtrim(substring(name_folded from '^(.*) [^ ]*$'))
    END) STORED
);
CREATE INDEX person_orgunit ON person(orgunit_id, birth_date);
CREATE INDEX person_phone ON person(phone) WHERE phone IS NOT NULL;
CREATE INDEX person_citizen ON person(citizen_id) WHERE citizen_id IS NOT NULL;
CREATE INDEX person_mother ON person(mother_id) WHERE mother_id IS NOT NULL;
CREATE INDEX person_name ON person(name_folded);
CREATE INDEX person_name_rev ON person(name_rev);
CREATE INDEX person_ou_name ON person(orgunit_id, name_folded);
CREATE INDEX person_ou_name_rev ON person(orgunit_id, name_rev);
CREATE TABLE event (
  id            TEXT COLLATE "C" PRIMARY KEY,
  type          TEXT COLLATE "C" NOT NULL,
  person_id     TEXT COLLATE "C" NOT NULL REFERENCES person(id) DEFERRABLE,
  pregnancy_id  TEXT COLLATE "C" REFERENCES event(id) DEFERRABLE,
  orgunit_id    TEXT COLLATE "C" NOT NULL REFERENCES orgunit(id) DEFERRABLE,
  event_date    TEXT COLLATE "C" NOT NULL,
  version       BIGINT NOT NULL,
  created_at    TEXT COLLATE "C" NOT NULL,
  updated_at    TEXT COLLATE "C" NOT NULL,
  deleted_at    TEXT COLLATE "C",
  delete_reason TEXT COLLATE "C",
  body          TEXT COLLATE "C" NOT NULL
);
CREATE INDEX event_person ON event(person_id, event_date);
CREATE INDEX event_orgunit ON event(orgunit_id, type, event_date);
CREATE INDEX event_pregnancy ON event(pregnancy_id) WHERE pregnancy_id IS NOT NULL;

CREATE TABLE app_user (
  id            TEXT COLLATE "C" PRIMARY KEY,
  username      TEXT COLLATE "C" NOT NULL UNIQUE,
  password_hash TEXT COLLATE "C" NOT NULL,
  role          TEXT COLLATE "C" NOT NULL,
  full_name     TEXT COLLATE "C",
  created_at    TEXT COLLATE "C" NOT NULL,
  disabled      BIGINT NOT NULL DEFAULT 0,
  must_change_password BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE user_orgunit (
  user_id    TEXT COLLATE "C" NOT NULL REFERENCES app_user(id) DEFERRABLE,
  orgunit_id TEXT COLLATE "C" NOT NULL REFERENCES orgunit(id) DEFERRABLE,
  PRIMARY KEY (user_id, orgunit_id)
);
CREATE TABLE session (
  token_hash   TEXT COLLATE "C" PRIMARY KEY,
  user_id      TEXT COLLATE "C" NOT NULL REFERENCES app_user(id) DEFERRABLE,
  created_at   TEXT COLLATE "C" NOT NULL,
  expires_at   BIGINT NOT NULL
);

CREATE TABLE indicator_value (
  element      TEXT COLLATE "C" NOT NULL,
  orgunit_id   TEXT COLLATE "C" NOT NULL REFERENCES orgunit(id) DEFERRABLE,
  period       TEXT COLLATE "C" NOT NULL,
  source       TEXT COLLATE "C" NOT NULL CHECK (source IN ('routine','survey','statistical_yearbook','estimate')),
  value        DOUBLE PRECISION,
  numerator    DOUBLE PRECISION,
  denominator  DOUBLE PRECISION,
  note         TEXT COLLATE "C",
  entered_by   TEXT COLLATE "C",
  entered_at   TEXT COLLATE "C" NOT NULL,
  document     TEXT COLLATE "C",
  PRIMARY KEY (element, orgunit_id, period, source)
);
CREATE INDEX indicator_value_ou ON indicator_value(orgunit_id, period);
CREATE TABLE indicator_value_version (
  seq          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  element      TEXT COLLATE "C" NOT NULL,
  orgunit_id   TEXT COLLATE "C" NOT NULL REFERENCES orgunit(id) DEFERRABLE,
  period       TEXT COLLATE "C" NOT NULL,
  source       TEXT COLLATE "C" NOT NULL,
  value        DOUBLE PRECISION,
  numerator    DOUBLE PRECISION,
  denominator  DOUBLE PRECISION,
  note         TEXT COLLATE "C",
  document     TEXT COLLATE "C",
  entered_by   TEXT COLLATE "C",
  entered_at   TEXT COLLATE "C" NOT NULL,
  deleted      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX indicator_value_version_key ON indicator_value_version(element, orgunit_id, period);
CREATE TRIGGER indicator_value_version_no_update BEFORE UPDATE ON indicator_value_version
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('value versions are append-only');
CREATE TRIGGER indicator_value_version_no_delete BEFORE DELETE ON indicator_value_version
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('value versions are append-only');

CREATE TABLE audit_log (
  seq         BIGINT PRIMARY KEY,
  at          TEXT COLLATE "C" NOT NULL,
  user_id     TEXT COLLATE "C" NOT NULL,
  username    TEXT COLLATE "C" NOT NULL,
  remote      TEXT COLLATE "C" NOT NULL,
  action      TEXT COLLATE "C" NOT NULL,
  record_type TEXT COLLATE "C" NOT NULL,
  record_id   TEXT COLLATE "C" NOT NULL,
  orgunit_id  TEXT COLLATE "C" NOT NULL,
  detail      TEXT COLLATE "C" NOT NULL,
  prev_hash   TEXT COLLATE "C" NOT NULL,
  hash        TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_user ON audit_log(username, seq);
-- PostgreSQL only: the records an entry names (its record_id, or for an answer
-- that listed many the strings of detail.records), with one GIN index over them.
-- SQLite keeps sorted runs instead (audit_record_run, audit_by_record: store/
-- audit_index.h), which stay empty here; a GIN index's pending list makes an
-- append cheap, which is what the runs buy SQLite.
CREATE FUNCTION u5_audit_records(record_id text, detail text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF record_id <> '' THEN RETURN ARRAY[record_id]; END IF;
  IF strpos(detail, '"records":[') = 0 THEN RETURN '{}'; END IF;
  BEGIN
    RETURN ARRAY(SELECT e #>> '{}' FROM jsonb_array_elements(detail::jsonb -> 'records') e WHERE jsonb_typeof(e) = 'string');
  EXCEPTION WHEN others THEN
    RETURN '{}';  -- not JSON, or no array: names nothing, as SQLite's json_valid check says
  END;
END $$;
CREATE INDEX audit_records ON audit_log USING gin (u5_audit_records(record_id, detail));
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('the audit log is append-only');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('the audit log is append-only');
CREATE TABLE audit_record_run (
  run       BIGINT PRIMARY KEY,
  level     BIGINT NOT NULL,
  first_seq BIGINT NOT NULL,
  last_seq  BIGINT NOT NULL
);
CREATE TABLE audit_by_record (
  run       BIGINT NOT NULL REFERENCES audit_record_run(run) DEFERRABLE,
  record_id TEXT COLLATE "C" NOT NULL,
  seq       BIGINT NOT NULL,
  PRIMARY KEY (run, record_id, seq)
);

CREATE TABLE report_signoff (
  seq        BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  orgunit_id TEXT COLLATE "C" NOT NULL,
  period     TEXT COLLATE "C" NOT NULL,
  action     TEXT COLLATE "C" NOT NULL CHECK (action IN ('close', 'reopen')),
  username   TEXT COLLATE "C" NOT NULL,
  at         TEXT COLLATE "C" NOT NULL,
  on_date    TEXT COLLATE "C" NOT NULL,
  reason     TEXT COLLATE "C" NOT NULL DEFAULT '',
  figures    TEXT COLLATE "C" NOT NULL DEFAULT '{}'
);
CREATE INDEX report_signoff_unit ON report_signoff(orgunit_id, period, seq);
CREATE TRIGGER report_signoff_no_update BEFORE UPDATE ON report_signoff
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('sign-offs are append-only');
CREATE TRIGGER report_signoff_no_delete BEFORE DELETE ON report_signoff
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('sign-offs are append-only');

CREATE TABLE care_alert_ack (
  alert_id  TEXT COLLATE "C" PRIMARY KEY,
  person_id TEXT COLLATE "C" NOT NULL REFERENCES person(id) DEFERRABLE,
  rule      TEXT COLLATE "C" NOT NULL,
  acked_by  TEXT COLLATE "C" NOT NULL,
  acked_at  TEXT COLLATE "C" NOT NULL,
  note      TEXT COLLATE "C"
);
CREATE TABLE care_person_status (
  person_id TEXT COLLATE "C" PRIMARY KEY REFERENCES person(id) DEFERRABLE,
  status    TEXT COLLATE "C" NOT NULL CHECK (status IN ('moved_away', 'not_found')),
  since     TEXT COLLATE "C" NOT NULL,
  reason    TEXT COLLATE "C" NOT NULL,
  set_by    TEXT COLLATE "C" NOT NULL,
  set_at    TEXT COLLATE "C" NOT NULL
);

CREATE TABLE plan_target (
  plan_id       TEXT COLLATE "C" NOT NULL,
  indicator_id  TEXT COLLATE "C" NOT NULL,
  year          BIGINT NOT NULL,
  version       BIGINT NOT NULL,
  op            TEXT COLLATE "C" NOT NULL,
  value         DOUBLE PRECISION NOT NULL,
  baseline_year BIGINT,
  note          TEXT COLLATE "C" NOT NULL DEFAULT '',
  origin        TEXT COLLATE "C" NOT NULL CHECK (origin IN ('data', 'edit')),
  by_id         TEXT COLLATE "C" NOT NULL DEFAULT '',
  by_name       TEXT COLLATE "C" NOT NULL,
  at            TEXT COLLATE "C" NOT NULL,
  reason        TEXT COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (plan_id, indicator_id, year, version)
);
CREATE TRIGGER plan_target_no_update BEFORE UPDATE ON plan_target
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('target versions are append-only');
CREATE TRIGGER plan_target_no_delete BEFORE DELETE ON plan_target
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('target versions are append-only');

CREATE TABLE emergency (
  id           TEXT COLLATE "C" PRIMARY KEY,
  version      BIGINT NOT NULL,
  status       TEXT COLLATE "C" NOT NULL CHECK (status IN ('open', 'closed')),
  raised_at    TEXT COLLATE "C" NOT NULL,
  from_orgunit TEXT COLLATE "C" NOT NULL REFERENCES orgunit(id) DEFERRABLE,
  to_orgunit   TEXT COLLATE "C" NOT NULL REFERENCES orgunit(id) DEFERRABLE,
  body         TEXT COLLATE "C" NOT NULL
);
CREATE INDEX emergency_open ON emergency(status, raised_at);
CREATE INDEX emergency_raised ON emergency(raised_at);

CREATE TABLE publication (
  orgunit_id    TEXT COLLATE "C" NOT NULL,
  period        TEXT COLLATE "C" NOT NULL,
  version       BIGINT NOT NULL,
  username      TEXT COLLATE "C" NOT NULL,
  at            TEXT COLLATE "C" NOT NULL,
  sha256        TEXT COLLATE "C" NOT NULL,
  signed_off_at TEXT COLLATE "C" NOT NULL,
  body          TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (orgunit_id, period, version)
);
CREATE TRIGGER publication_no_update BEFORE UPDATE ON publication
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('publications are append-only');
CREATE TRIGGER publication_no_delete BEFORE DELETE ON publication
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('publications are append-only');

CREATE TABLE record_version (
  type          TEXT COLLATE "C" NOT NULL,
  id            TEXT COLLATE "C" NOT NULL,
  person_id     TEXT COLLATE "C" NOT NULL,
  pregnancy_id  TEXT COLLATE "C",
  orgunit_id    TEXT COLLATE "C" NOT NULL,
  date          TEXT COLLATE "C" NOT NULL,
  version       BIGINT NOT NULL,
  created_at    TEXT COLLATE "C" NOT NULL,
  updated_at    TEXT COLLATE "C" NOT NULL,
  deleted_at    TEXT COLLATE "C",
  delete_reason TEXT COLLATE "C",
  body          TEXT COLLATE "C" NOT NULL,
  full_name     TEXT COLLATE "C" NOT NULL,
  name_folded   TEXT COLLATE "C" NOT NULL,
  sex           TEXT COLLATE "C" NOT NULL,
  phone         TEXT COLLATE "C",
  citizen_id    TEXT COLLATE "C",
  mother_id     TEXT COLLATE "C",
  PRIMARY KEY (id, version)
);
CREATE TRIGGER record_version_no_update BEFORE UPDATE ON record_version
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('record versions are append-only');
CREATE TRIGGER record_version_no_delete BEFORE DELETE ON record_version
  FOR EACH ROW EXECUTE FUNCTION u5_refuse('record versions are append-only');

CREATE TABLE change_log (
  seq       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  person_id TEXT COLLATE "C"
);
CREATE TABLE change_log_state (
  one        BIGINT PRIMARY KEY CHECK (one = 1),
  db_id      TEXT COLLATE "C" NOT NULL,
  trimmed_to BIGINT NOT NULL
);
INSERT INTO change_log_state(one, db_id, trimmed_to) VALUES (1, replace(gen_random_uuid()::text, '-', ''), 0);
)SQL"},
      {25, "sync positions: each person's last change-log position, the last everything marker", R"SQL(
-- As SQLite's 25 (docs/sync.md). The change log's appends are serialized by an
-- advisory lock held to the commit (pg_change_log.h), so its seq, and thus
-- sync_seq, is in commit order here too.
ALTER TABLE person ADD COLUMN sync_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE change_log_state ADD COLUMN everything_seq BIGINT NOT NULL DEFAULT 0;
UPDATE change_log_state SET everything_seq = COALESCE((SELECT MAX(seq) FROM change_log WHERE person_id IS NULL), 0);
CREATE INDEX person_sync ON person(orgunit_id, sync_seq, id);
)SQL"},
      {26, "national federation: the aggregates provinces push; no person-level records", R"SQL(
-- As SQLite's 26 (docs/federation.md): a national instance holds only the
-- monthly aggregates provinces push; once marked, triggers refuse every
-- person-level record, COPY included.
CREATE TABLE national_instance (one BIGINT PRIMARY KEY CHECK (one = 1), since TEXT COLLATE "C" NOT NULL);
CREATE TABLE national_value (
  province   TEXT COLLATE "C" NOT NULL,
  orgunit_id TEXT COLLATE "C" NOT NULL,
  indicator  TEXT COLLATE "C" NOT NULL,
  period     TEXT COLLATE "C" NOT NULL,
  num        BIGINT NOT NULL,
  den        BIGINT NOT NULL,
  value      TEXT COLLATE "C" NOT NULL,
  version    BIGINT NOT NULL,
  pushed_at  TEXT COLLATE "C" NOT NULL,
  pushed_by  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (orgunit_id, indicator, period)
);
CREATE INDEX national_value_province ON national_value(province, period);
CREATE INDEX national_value_period ON national_value(period, indicator);
CREATE TABLE national_value_history (
  province TEXT COLLATE "C" NOT NULL, orgunit_id TEXT COLLATE "C" NOT NULL, indicator TEXT COLLATE "C" NOT NULL,
  period TEXT COLLATE "C" NOT NULL, num BIGINT NOT NULL, den BIGINT NOT NULL, value TEXT COLLATE "C" NOT NULL,
  version BIGINT NOT NULL, pushed_at TEXT COLLATE "C" NOT NULL, pushed_by TEXT COLLATE "C" NOT NULL,
  replaced_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (orgunit_id, indicator, period, version)
);
CREATE FUNCTION national_no_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM national_instance) THEN
    RAISE EXCEPTION 'national instance: it holds no personal data, person-level records are refused';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER national_no_person BEFORE INSERT ON person FOR EACH ROW EXECUTE FUNCTION national_no_person();
CREATE TRIGGER national_no_event BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION national_no_person();
)SQL"},
      // PostgreSQL only (SQLite has no failover): one row a write transaction, so
      // that a commit whose acknowledgement was lost is looked up, not guessed
      // (pg_write.h).
      {27, "write tokens: the outcome of a commit lost in a failover", R"SQL(
CREATE TABLE write_token (
  token BIGINT PRIMARY KEY,
  at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX write_token_at ON write_token(at);
)SQL"},
  };
  return kMigrations;
}

namespace {
// pg_advisory_xact_lock key of migrations: "u5mg" in ASCII.
constexpr int64_t kMigrationLock = 0x75356d67;
}  // namespace

Status PgSchemaVersion(pg::Conn& conn, int* version) {
  pg::Result r;
  U5_RETURN_IF_ERROR(conn.Query("SELECT to_regclass('schema_version') IS NOT NULL", {}, &r));
  if (r.Text(0, 0) != "t") {
    *version = 0;
    return Status::Ok();
  }
  U5_RETURN_IF_ERROR(conn.Query("SELECT version FROM schema_version", {}, &r));
  *version = r.rows() ? static_cast<int>(r.Int(0, 0)) : 0;
  return Status::Ok();
}

Status PgMigrate(pg::Conn& conn, int target) {
  const auto& all = PgMigrations();
  const int latest = all.back().version;
  if (target < 0) target = latest;
  for (const Migration& m : all) {
    pg::Tx tx(conn);
    U5_RETURN_IF_ERROR(tx.status());
    U5_RETURN_IF_ERROR(conn.Run("SELECT pg_advisory_xact_lock($1)", {kMigrationLock}));
    // Read under the lock: another server may have just applied it.
    int now;
    U5_RETURN_IF_ERROR(PgSchemaVersion(conn, &now));
    if (now > latest)
      return Status::Internal("the database's schema (version " + std::to_string(now) +
                              ") is newer than this program's (" + std::to_string(latest) + ")");
    if (m.version <= now || m.version > target) continue;
    U5_RETURN_IF_ERROR(conn.Exec(m.sql));
    if (now == 0)
      U5_RETURN_IF_ERROR(conn.Exec(
          "CREATE TABLE schema_version (one BIGINT PRIMARY KEY CHECK (one = 1), version BIGINT NOT NULL);"
          "INSERT INTO schema_version VALUES (1, 0)"));
    U5_RETURN_IF_ERROR(conn.Run("UPDATE schema_version SET version = $1", {m.version}));
    U5_RETURN_IF_ERROR(tx.Commit());
  }
  return Status::Ok();
}

}  // namespace u5::store
