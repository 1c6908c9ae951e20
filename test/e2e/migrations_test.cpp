// Schema migrations with `under5 migrate`: from an empty file and from every
// earlier version, with rows written at that version, to the latest. The data
// must survive and the schema must equal that of a fresh database. The same
// for PostgreSQL's migrations (PgMigrations, from its baseline 24).
#include <gtest/gtest.h>

#include <algorithm>

#include "store/migrations.h"
#include "store/pg_migrations.h"
#include "store/schema.h"
#include "store/store.h"
#include "support/process.h"
#include "support/raw_db.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

const char* kPerson = "0190d000-0000-7000-8000-000000000001";
const char* kEvent = "0190d000-0000-7000-8000-000000000002";

// The whole schema as text, one line per object, in name order.
std::string SchemaOf(const std::string& db) {
  std::string out;
  for (const auto& row : Query(db, "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name"))
    out += row[0] + " " + row[1] + " on " + row[2] + ": " + row[3] + "\n";
  return out;
}

int UserVersion(const std::string& db) { return static_cast<int>(QueryInt(db, "PRAGMA user_version")); }

// Growth bodies as stored before 15 and as 15 leaves them: SAM by MUAC alone
// was wasting severe; oedema left underweight and weight-for-length unassessed.
const std::pair<const char*, const char*> kOldGrowth[] = {
    {"0190d000-0000-7000-8000-000000000011",
     R"({"muac_mm":110,"sam":true,"underweight":"normal","wasting":"severe","weight_for_length":"normal","z_wfa":-0.2,"z_wflh":-0.01})"},
    {"0190d000-0000-7000-8000-000000000012",
     R"({"length_cm":75.0,"oedema":true,"sam":true,"underweight":"not_assessed","wasting":"severe","weight_for_length":"not_assessed"})"},
    {"0190d000-0000-7000-8000-000000000013",
     R"({"implausible":["z_wflh"],"sam":false,"underweight":"normal","wasting":"implausible","weight_for_length":"implausible","z_wflh":-5.5})"},
    {"0190d000-0000-7000-8000-000000000014",
     R"({"sam":false,"underweight":"moderate","wasting":"moderate","weight_for_length":"moderate_wasting","z_wflh":-2.5})"},
};
const char* kNewGrowth[] = {
    R"({"muac_mm":110,"sam":true,"underweight":"normal","wasting":"normal","weight_for_length":"normal","z_wfa":-0.2,"z_wflh":-0.01})",
    R"({"length_cm":75.0,"oedema":true,"sam":true,"underweight":"severe","wasting":"severe","weight_for_length":"severe_wasting"})",
    R"({"implausible":["z_wflh"],"sam":false,"underweight":"normal","wasting":"implausible","weight_for_length":"implausible","z_wflh":-5.5})",
    R"({"sam":false,"underweight":"moderate","wasting":"moderate","weight_for_length":"moderate_wasting","z_wflh":-2.5})",
};

// Rows that are valid once schema version `v` exists (raw SQL, as an older program wrote them).
void SeedAt(const std::string& db, int v) {
  if (v == 1) SeedMiniOrgUnits(db);
  if (v == 2) {
    Exec(db, std::string("INSERT INTO person(id, version, created_at, updated_at, orgunit_id, full_name, name_folded, sex, birth_date, phone, body) "
                         "VALUES ('") + kPerson + "', 2, '2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z', '03390', "
                         "'Lò Thị Mai', 'lo thi mai', 'female', '1996-04-12', '0912345678', "
                         "'{\"id\":\"" + kPerson + "\",\"full_name\":\"Lò Thị Mai\",\"sex\":\"female\",\"birth_date\":\"1996-04-12\",\"orgunit\":\"03390\",\"phone\":\"0912345678\"}')");
    Exec(db, std::string("INSERT INTO event(id, type, person_id, orgunit_id, event_date, version, created_at, updated_at, body) VALUES ('") +
                 kEvent + "', 'pregnancy', '" + kPerson + "', '03390', '2025-04-20', 1, '2025-04-20T00:00:00.000Z', "
                 "'2025-04-20T00:00:00.000Z', '{\"id\":\"" + kEvent + "\",\"person_id\":\"" + kPerson +
                 "\",\"orgunit\":\"03390\",\"date\":\"2025-04-20\",\"lmp\":\"2025-03-01\",\"edd\":\"2025-12-06\"}')");
    // Growth measurements classed by the rule before issue 19 (15 recomputes them).
    for (const auto& [id, body] : kOldGrowth)
      Exec(db, std::string("INSERT INTO event(id, type, person_id, orgunit_id, event_date, version, created_at, updated_at, body) "
                           "VALUES ('") + id + "', 'growth', '" + kPerson + "', '03390', '2025-06-01', 1, "
                           "'2025-06-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z', '" + body + "')");
  }
  if (v == 3) {
    Exec(db, "INSERT INTO app_user(id, username, password_hash, role, created_at) VALUES ('u1', 'cw', 'x', 'commune_worker', '2025-01-01');"
             "INSERT INTO user_orgunit VALUES ('u1', '03390');"
             "INSERT INTO session VALUES ('h1', 'u1', '2025-01-01', 9999999999999);");
  }
  if (v == 5) {
    // A target edited before targets were versions (14).
    Exec(db, "INSERT INTO plan_target_edit(plan_id, indicator_id, year, op, value, note, edited_by, edited_at) VALUES "
             "('lai_chau_u5_2030', 'neonatal_mortality_rate', 2025, '<', 7, 'QĐ 12', 'tinh', '2025-05-01T00:00:00.000Z')");
  }
  if (v == 9) {
    // Two reads of the person and an entry about no record, before entries by record became runs (13).
    for (int seq = 1; seq <= 3; ++seq)
      Exec(db, "INSERT INTO audit_log(seq, at, user_id, username, remote, action, record_type, record_id, orgunit_id, "
               "detail, prev_hash, hash) VALUES (" + std::to_string(seq) + ", '2025-05-01T00:00:00.000Z', 'u1', 'cw', "
               "'127.0.0.1', 'read', 'person', '" + (seq == 2 ? std::string() : std::string(kPerson)) +
               "', '03390', '{}', 'p', 'h')");
  }
}

void ExpectSeedsIntact(const std::string& db, int seeded_up_to) {
  if (seeded_up_to >= 1) {
    EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM orgunit"), 7);
    EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM orgunit_closure WHERE ancestor='VN'"), 7);
  }
  if (seeded_up_to >= 2) {
    EXPECT_EQ(QueryOne(db, std::string("SELECT full_name || '|' || version || '|' || phone FROM person WHERE id='") + kPerson + "'"),
              "Lò Thị Mai|2|0912345678");
    EXPECT_EQ(QueryOne(db, std::string("SELECT type || '|' || person_id FROM event WHERE id='") + kEvent + "'"),
              std::string("pregnancy|") + kPerson);
    for (size_t i = 0; i < std::size(kOldGrowth); ++i)
      EXPECT_EQ(QueryOne(db, std::string("SELECT body FROM event WHERE id='") + kOldGrowth[i].first + "'"), kNewGrowth[i]);
    // Rows written before the search index existed are found through the store's search.
    std::unique_ptr<store::Store> s;
    ASSERT_TRUE(store::OpenSqliteStore(db, &s).ok());
    store::SearchQuery q;
    q.name_folded = "lo thi mai";
    std::vector<store::Record> found;
    ASSERT_TRUE(s->SearchPersons(q, &found).ok());
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].id, kPerson);
  }
  if (seeded_up_to >= 5)
    EXPECT_EQ(QueryOne(db, "SELECT version || '|' || origin || '|' || op || value || '|' || note || '|' || by_name FROM plan_target "
                           "WHERE plan_id = 'lai_chau_u5_2030' AND indicator_id = 'neonatal_mortality_rate' AND year = 2025"),
              "1|edit|<7.0|QĐ 12|tinh");
  if (seeded_up_to >= 3) EXPECT_EQ(QueryOne(db, "SELECT user_id FROM session WHERE token_hash='h1'"), "u1");
  if (seeded_up_to >= 9) {
    std::unique_ptr<store::Store> s;
    ASSERT_TRUE(store::OpenSqliteStore(db, &s).ok());
    store::AuditQuery q;
    q.record_id = kPerson;
    std::vector<audit::Entry> found;
    ASSERT_TRUE(s->ListAudit(q, &found).ok());
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].seq, 1);
    EXPECT_EQ(found[1].seq, 3);
  }
}

TEST(Migrations, FreshDatabaseIsAtLatest) {
  TempDir dir;
  RunResult r = RunUnder5({"migrate", "--db", dir.File("fresh.db")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(UserVersion(dir.File("fresh.db")), store::LatestSchemaVersion());
  EXPECT_NE(r.err.find("schema version " + std::to_string(store::LatestSchemaVersion())), std::string::npos) << r.err;
  // Running it again changes nothing.
  const std::string before = SchemaOf(dir.File("fresh.db"));
  ASSERT_EQ(RunUnder5({"migrate", "--db", dir.File("fresh.db")}).exit_code, 0);
  EXPECT_EQ(SchemaOf(dir.File("fresh.db")), before);
}

TEST(Migrations, VersionsIncrease) {
  // Migrate() skips every entry at or below a database's version, so an entry
  // out of order would never run on databases already past it.
  const auto& ms = store::Migrations();
  ASSERT_FALSE(ms.empty());
  EXPECT_EQ(ms.front().version, 1);
  for (size_t i = 1; i < ms.size(); ++i) EXPECT_GT(ms[i].version, ms[i - 1].version);
  EXPECT_EQ(ms.back().version, store::LatestSchemaVersion());
}

TEST(Migrations, FromEveryEarlierVersion) {
  TempDir dir;
  ASSERT_EQ(RunUnder5({"migrate", "--db", dir.File("fresh.db")}).exit_code, 0);
  const std::string fresh = SchemaOf(dir.File("fresh.db"));
  const int latest = store::LatestSchemaVersion();
  std::vector<int> earlier = {0};  // an empty file, then each released version
  for (const auto& m : store::Migrations())
    if (m.version < latest) earlier.push_back(m.version);
  for (int k : earlier) {
    SCOPED_TRACE("from version " + std::to_string(k));
    const std::string db = dir.File("v" + std::to_string(k) + ".db");
    // Each version's rows are written at that version, as its program did: a
    // later version may drop their table (14 drops plan_target_edit of 5).
    for (const auto& m : store::Migrations())
      if (m.version <= k) {
        ASSERT_EQ(RunUnder5({"migrate", "--db", db, "--to", std::to_string(m.version)}).exit_code, 0);
        SeedAt(db, m.version);
      }
    RunResult to_k = RunUnder5({"migrate", "--db", db, "--to", std::to_string(k)});
    ASSERT_EQ(to_k.exit_code, 0) << to_k.err;
    ASSERT_EQ(UserVersion(db), k);
    RunResult up = RunUnder5({"migrate", "--db", db});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    EXPECT_EQ(UserVersion(db), latest);
    EXPECT_EQ(SchemaOf(db), fresh);
    ExpectSeedsIntact(db, k);
    EXPECT_EQ(QueryOne(db, "PRAGMA integrity_check"), "ok");
    // The program reads what the old version wrote.
    if (k >= 2) {
      RunResult exp = RunUnder5({"export", "--db", db});
      ASSERT_EQ(exp.exit_code, 0) << exp.err;
      EXPECT_NE(exp.out.find(kPerson), std::string::npos);
      EXPECT_NE(exp.out.find(kEvent), std::string::npos);
    }
  }
}

TEST(Migrations, StepByStepEqualsAllAtOnce) {
  TempDir dir;
  const std::string db = dir.File("steps.db");
  for (const auto& m : store::Migrations()) {
    const int k = m.version;
    ASSERT_EQ(RunUnder5({"migrate", "--db", db, "--to", std::to_string(k)}).exit_code, 0);
    ASSERT_EQ(UserVersion(db), k);
    SeedAt(db, k);
  }
  ASSERT_EQ(RunUnder5({"migrate", "--db", dir.File("fresh.db")}).exit_code, 0);
  EXPECT_EQ(SchemaOf(db), SchemaOf(dir.File("fresh.db")));
  ExpectSeedsIntact(db, store::LatestSchemaVersion());
}

TEST(Migrations, RefusesANewerDatabase) {
  TempDir dir;
  const std::string db = dir.File("new.db");
  ASSERT_EQ(RunUnder5({"migrate", "--db", db}).exit_code, 0);
  Exec(db, "PRAGMA user_version=" + std::to_string(store::LatestSchemaVersion() + 1));
  RunResult r = RunUnder5({"migrate", "--db", db});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("newer"), std::string::npos) << r.err;
}

// PostgreSQL: its versions start at the baseline 24 (SQLite's schema then) and
// go on with their own (27). Each test makes its own databases on the test cluster.
struct PgMigrations : ::testing::TestWithParam<StoreKind> {
  TempDir dir;
  static int Latest() { return store::PgMigrations().back().version; }
  static std::vector<std::string> Migrate(const TestStoreLocation& where, int to = -1) {
    std::vector<std::string> args = {"migrate"};
    for (const auto& a : where.StoreArgs()) args.push_back(a);
    if (to >= 0) {
      args.push_back("--to");
      args.push_back(std::to_string(to));
    }
    return args;
  }
};

// The whole schema of a PostgreSQL database as text, one line per object in
// name order: columns (type, collation, default, identity, generation),
// constraints, indexes, triggers and functions.
std::string PgSchemaOf(const RawDb& db) {
  std::string out;
  auto add = [&](const std::string& kind, const std::string& sql) {
    for (const auto& row : db.Query(sql)) {
      out += kind;
      for (const auto& v : row) out += " | " + v;
      out += "\n";
    }
  };
  add("column", "SELECT table_name, column_name, data_type, is_nullable, coalesce(collation_name, ''), "
                "coalesce(column_default, ''), is_identity, coalesce(generation_expression, '') "
                "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2");
  add("constraint", "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2");
  add("index", "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2");
  add("trigger", "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                 "WHERE NOT tgisinternal ORDER BY 1, 2");
  add("function", "SELECT proname, md5(prosrc) FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1");
  return out;
}

// Rows valid once PostgreSQL's schema version `v` exists, as that program wrote them.
void PgSeedAt(const RawDb& db, int v) {
  const std::string person = kPerson, event = kEvent;
  if (v == 24) {
    db.Exec(MiniOrgUnitsSql());
    db.Exec("INSERT INTO person(id, version, created_at, updated_at, orgunit_id, full_name, name_folded, sex, birth_date, phone, body) "
            "VALUES ('" + person + "', 2, '2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z', '03390', "
            "'Lò Thị Mai', 'lo thi mai', 'female', '1996-04-12', '0912345678', "
            "'{\"id\":\"" + person + "\",\"full_name\":\"Lò Thị Mai\",\"sex\":\"female\",\"birth_date\":\"1996-04-12\","
            "\"orgunit\":\"03390\",\"phone\":\"0912345678\"}')");
    db.Exec("INSERT INTO event(id, type, person_id, orgunit_id, event_date, version, created_at, updated_at, body) VALUES ('" +
            event + "', 'pregnancy', '" + person + "', '03390', '2025-04-20', 1, '2025-04-20T00:00:00.000Z', "
            "'2025-04-20T00:00:00.000Z', '{\"id\":\"" + event + "\",\"person_id\":\"" + person +
            "\",\"orgunit\":\"03390\",\"date\":\"2025-04-20\",\"lmp\":\"2025-03-01\",\"edd\":\"2025-12-06\"}')");
    db.Exec("INSERT INTO app_user(id, username, password_hash, role, created_at) VALUES ('u1', 'cw', 'x', 'commune_worker', '2025-01-01');"
            "INSERT INTO user_orgunit VALUES ('u1', '03390');"
            "INSERT INTO session VALUES ('h1', 'u1', '2025-01-01', 9999999999999)");
    // Two entries about the person: one by record_id, one a list naming it in detail.records (the GIN index's two ways).
    for (int seq = 1; seq <= 3; ++seq)
      db.Exec("INSERT INTO audit_log(seq, at, user_id, username, remote, action, record_type, record_id, orgunit_id, "
              "detail, prev_hash, hash) VALUES (" + std::to_string(seq) + ", '2025-05-01T00:00:00.000Z', 'u1', 'cw', "
              "'127.0.0.1', 'read', 'person', '" + (seq == 1 ? person : std::string()) + "', '03390', '" +
              (seq == 3 ? "{\"records\":[\"" + person + "\"]}" : std::string("{}")) + "', 'p', 'h')");
    // The change log: the person, everything (a bulk load), the person again; 25 finds the marker.
    db.Exec("INSERT INTO change_log(person_id) VALUES ('" + person + "'), (NULL), ('" + person + "')");
  }
  if (v == 25) db.Exec("UPDATE person SET sync_seq = 3 WHERE id = '" + person + "'");
  if (v == 26)
    db.Exec("INSERT INTO national_value VALUES ('12', '03390', 'neonatal_mortality_rate', '2026-07', 1, 400, '2.5', 1, "
            "'2026-08-01T00:00:00.000Z', 'prov12')");
}

void PgExpectSeedsIntact(const TestStoreLocation& where, int seeded_up_to) {
  const RawDb db(where.location());
  const std::string person = kPerson;
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM orgunit_closure WHERE ancestor='VN'"), 7);
  EXPECT_EQ(db.QueryOne("SELECT full_name || '|' || version || '|' || phone || '|' || name_rev FROM person WHERE id='" + person + "'"),
            "Lò Thị Mai|2|0912345678|mai lo thi");
  EXPECT_EQ(db.QueryOne(std::string("SELECT type || '|' || person_id FROM event WHERE id='") + kEvent + "'"), "pregnancy|" + person);
  EXPECT_EQ(db.QueryOne("SELECT user_id FROM session WHERE token_hash='h1'"), "u1");
  // 25 set the last everything marker from the log written before it; a later version keeps what 25's program wrote.
  EXPECT_EQ(db.QueryInt("SELECT everything_seq FROM change_log_state"), 2);
  EXPECT_EQ(db.QueryInt("SELECT sync_seq FROM person WHERE id='" + person + "'"), seeded_up_to >= 25 ? 3 : 0);
  if (seeded_up_to >= 26)
    EXPECT_EQ(db.QueryOne("SELECT num || '/' || den || '|' || value FROM national_value WHERE period='2026-07'"), "1/400|2.5");
  // Through the store: search by the folded name, and the entries by record.
  std::unique_ptr<store::Store> s;
  ASSERT_TRUE(where.Open(&s).ok());
  store::SearchQuery q;
  q.name_folded = "lo thi mai";
  std::vector<store::Record> found;
  ASSERT_TRUE(s->SearchPersons(q, &found).ok());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, person);
  store::AuditQuery aq;
  aq.record_id = person;
  std::vector<audit::Entry> entries;
  ASSERT_TRUE(s->ListAudit(aq, &entries).ok());
  std::vector<int64_t> seqs;
  for (const audit::Entry& e : entries) seqs.push_back(e.seq);
  std::sort(seqs.begin(), seqs.end());
  EXPECT_EQ(seqs, (std::vector<int64_t>{1, 3}));
}

TEST_P(PgMigrations, EmptyDatabaseToLatestAndAgainChangesNothing) {
  TestStoreLocation where(GetParam(), dir.path());
  const RawDb db(where.location());
  RunResult r = RunUnder5(Migrate(where));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("schema version " + std::to_string(Latest())), std::string::npos) << r.err;
  EXPECT_EQ(db.QueryInt("SELECT version FROM schema_version"), Latest());
  const std::string before = PgSchemaOf(db);
  EXPECT_NE(before.find("index | write_token | write_token_at"), std::string::npos) << before.substr(0, 500);
  RunResult again = RunUnder5(Migrate(where));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(PgSchemaOf(db), before);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM schema_version"), 1);
}

TEST_P(PgMigrations, FromEveryEarlierVersionWithItsRows) {
  std::string fresh;
  {
    TestStoreLocation f(GetParam(), dir.path());
    ASSERT_EQ(RunUnder5(Migrate(f)).exit_code, 0);
    fresh = PgSchemaOf(RawDb(f.location()));
  }
  std::vector<int> earlier;
  for (const auto& m : store::PgMigrations())
    if (m.version < Latest()) earlier.push_back(m.version);
  ASSERT_EQ(earlier.front(), 24);  // the baseline
  for (int k : earlier) {
    SCOPED_TRACE("from version " + std::to_string(k));
    TestStoreLocation where(GetParam(), dir.path());
    const RawDb db(where.location());
    for (const auto& m : store::PgMigrations())
      if (m.version <= k) {
        RunResult step = RunUnder5(Migrate(where, m.version));
        ASSERT_EQ(step.exit_code, 0) << step.err;
        ASSERT_EQ(db.QueryInt("SELECT version FROM schema_version"), m.version);
        PgSeedAt(db, m.version);
      }
    RunResult up = RunUnder5(Migrate(where));
    ASSERT_EQ(up.exit_code, 0) << up.err;
    EXPECT_EQ(db.QueryInt("SELECT version FROM schema_version"), Latest());
    EXPECT_EQ(PgSchemaOf(db), fresh);
    PgExpectSeedsIntact(where, k);
    // The program reads what the old version wrote.
    std::vector<std::string> args = {"export"};
    for (const auto& a : where.StoreArgs()) args.push_back(a);
    RunResult exp = RunUnder5(args);
    ASSERT_EQ(exp.exit_code, 0) << exp.err;
    EXPECT_NE(exp.out.find(kPerson), std::string::npos);
    EXPECT_NE(exp.out.find(kEvent), std::string::npos);
  }
}

TEST_P(PgMigrations, RefusesANewerDatabase) {
  TestStoreLocation where(GetParam(), dir.path());
  ASSERT_EQ(RunUnder5(Migrate(where)).exit_code, 0);
  RawDb(where.location()).Exec("UPDATE schema_version SET version = " + std::to_string(Latest() + 1));
  RunResult r = RunUnder5(Migrate(where));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("newer"), std::string::npos) << r.err;
  // Nor does any other command open it.
  std::vector<std::string> args = {"export"};
  for (const auto& a : where.StoreArgs()) args.push_back(a);
  RunResult exp = RunUnder5(args);
  EXPECT_NE(exp.exit_code, 0);
  EXPECT_NE(exp.err.find("newer"), std::string::npos) << exp.err;
}

// PostgreSQL's own migrations: only the /postgres instance (the ctest fixture pg).
INSTANTIATE_TEST_SUITE_P(, PgMigrations, ::testing::Values(StoreKind::postgres), StoreKindName);

}  // namespace
}  // namespace u5::test
