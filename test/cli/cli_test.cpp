// build/under5 subcommands as a user runs them: exit codes and messages.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "support/process.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace u5::test {
namespace {

TEST(Cli, HelpListsSubcommands) {
  RunResult r = RunUnder5({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* sub : {"serve", "migrate", "import", "export", "user"}) EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
  EXPECT_NE(RunUnder5({}).exit_code, 0);
  EXPECT_NE(RunUnder5({"no-such-command"}).exit_code, 0);
  EXPECT_NE(RunUnder5({"import"}).exit_code, 0);  // --db and the file are required
}

TEST(Cli, UserAdd) {
  TempDir dir;
  const std::string db = dir.File("u5.db");
  auto add = [&](const std::string& user, const std::string& role, const std::string& ou, const std::string& pw) {
    return RunUnder5({"user", "add", "--db", db, "--username", user, "--role", role, "--orgunit", ou}, pw + "\n");
  };
  RunResult ok = add("cw1", "commune_worker", "03390", "mat-khau-2030");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_GT(QueryInt(db, "SELECT count(*) FROM orgunit"), 10000) << "org units load on first open";
  // The password is stored only as an argon2id hash.
  EXPECT_EQ(QueryOne(db, "SELECT substr(password_hash, 1, 9) FROM app_user WHERE username='cw1'"), "$argon2id");
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM app_user WHERE password_hash LIKE '%mat-khau%'"), 0);

  RunResult dup = add("cw1", "commune_worker", "03390", "mat-khau-2030");
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_NE(dup.err.find("exists"), std::string::npos) << dup.err;
  RunResult short_pw = add("nurse1", "commune_worker", "03390", "short");
  EXPECT_EQ(short_pw.exit_code, 2) << short_pw.err;
  for (const char* weak : {"password1", "demo-u5-2030", "x1x1x1x1", "x1-12345678"}) {
    RunResult r = add("nurse1", "commune_worker", "03390", weak);
    EXPECT_EQ(r.exit_code, 2) << weak << ": " << r.err;
  }
  RunResult bad_role = add("nurse2", "king", "03390", "mat-khau-2030");
  EXPECT_EQ(bad_role.exit_code, 2) << bad_role.err;
  EXPECT_NE(bad_role.err.find("role"), std::string::npos);
  // The API's rule for user names (auth::CheckUsername), refused before the password is read.
  for (const char* name : {"cw", "Cw1", "nguyễn", "cw 1", "cw1;rm"}) {
    RunResult r = add(name, "commune_worker", "03390", "mat-khau-2030");
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    EXPECT_NE(r.err.find("username"), std::string::npos) << name << ": " << r.err;
  }
  RunResult bad_ou = add("nurse3", "commune_worker", "99999", "mat-khau-2030");
  EXPECT_EQ(bad_ou.exit_code, 2) << bad_ou.err;
  EXPECT_NE(bad_ou.err.find("99999"), std::string::npos);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM app_user"), 1);
}

TEST(Cli, ImportExportRoundTrip) {
  TempDir dir;
  const std::string a = dir.File("a.db"), b = dir.File("b.db");
  RunResult imp = RunUnder5({"import", "--db", a, DataDir() + "/demo/fixture.jsonl"});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_NE(imp.err.find("imported"), std::string::npos);
  RunResult exp = RunUnder5({"export", "--db", a, "--out", dir.File("a.jsonl")});
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  const std::string first = ReadFile(dir.File("a.jsonl"));
  EXPECT_EQ(static_cast<int64_t>(std::count(first.begin(), first.end(), '\n')),
            QueryInt(a, "SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM event)"));
  ASSERT_EQ(RunUnder5({"import", "--db", b, dir.File("a.jsonl")}).exit_code, 0);
  RunResult exp_b = RunUnder5({"export", "--db", b});
  ASSERT_EQ(exp_b.exit_code, 0);
  EXPECT_EQ(exp_b.out, first);
  // Importing the same file again conflicts on every id and adds nothing.
  RunResult again = RunUnder5({"import", "--db", b, dir.File("a.jsonl")});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find(dir.File("a.jsonl") + ":1: id: "), std::string::npos) << again.err;
}

// A first load into empty tables is written once, under a rollback journal,
// when the loader has the file alone; the file is in WAL mode again afterwards.
TEST(Cli, FirstLoadsSkipTheWriteAheadLogAndLeaveWal) {
  TempDir dir;
  RunResult imp = RunUnder5({"import", "--db", dir.File("i.db"), DataDir() + "/demo/fixture.jsonl"});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_NE(imp.err.find(R"("empty":true,"event":"bulk_load_begins","journal":"rollback")"), std::string::npos) << imp.err;
  EXPECT_EQ(QueryOne(dir.File("i.db"), "PRAGMA journal_mode"), "wal");
  // A second import finds rows there: it keeps the write-ahead log.
  WriteFile(dir.File("one.jsonl"),
            R"({"type":"person","orgunit":"03390","full_name":"Lò Thị Ánh","sex":"female","birth_date":"1999-01-02"})" "\n");
  RunResult second = RunUnder5({"import", "--db", dir.File("i.db"), dir.File("one.jsonl")});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find(R"("empty":false,"event":"bulk_load_begins","journal":"wal")"), std::string::npos) << second.err;

  // The demo generator reads the communes on one connection and stores on another thread's.
  RunResult demo = RunUnder5({"demo", "--db", dir.File("d.db"), "--children", "300", "--from", "2025"});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_NE(demo.err.find(R"("journal":"rollback")"), std::string::npos) << demo.err;
  EXPECT_EQ(QueryOne(dir.File("d.db"), "PRAGMA journal_mode"), "wal");
  EXPECT_GT(QueryInt(dir.File("d.db"), "SELECT count(*) FROM event"), 1000);
  EXPECT_EQ(QueryOne(dir.File("d.db"), "PRAGMA integrity_check"), "ok");
}

TEST(Cli, ImportErrors) {
  TempDir dir;
  RunResult missing = RunUnder5({"import", "--db", dir.File("a.db"), dir.File("nope.jsonl")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.jsonl"), std::string::npos);
  WriteFile(dir.File("empty.jsonl"), "\n\n");
  RunResult empty = RunUnder5({"import", "--db", dir.File("a.db"), dir.File("empty.jsonl")});
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
}

// `under5 mortality`: the cohort (life-table) estimate of an org unit. Seven
// children of Lai Châu, window 2021-2025: four born 2023-01-10 and two born
// 2019-06-01 alive, one born 2024-05-01 dead on day 7. Only the first month has
// a death (1 of 5 children in it), so neonatal, 1q0 and 5q0 are all 1/5 = 200 per 1000.
TEST(Cli, MortalityCohortEstimate) {
  TempDir dir;
  const std::string db = dir.File("m.db");
  std::string jsonl;
  auto person = [&](int n, const char* born) {
    char id[64];
    std::snprintf(id, sizeof id, "0190a000-0000-7000-8000-%012d", n);
    jsonl += std::string(R"({"type":"person","id":")") + id + R"(","orgunit":"03390","full_name":"Lò Văn Một","sex":"male","birth_date":")" +
             born + "\"}\n";
  };
  for (int i = 1; i <= 4; ++i) person(i, "2023-01-10");
  person(5, "2024-05-01");
  person(6, "2019-06-01");
  person(7, "2019-06-01");
  jsonl += R"({"type":"death","id":"0190a000-0000-7000-8000-000000000099","person_id":"0190a000-0000-7000-8000-000000000005","orgunit":"03390","date":"2024-05-08"})" "\n";
  WriteFile(dir.File("m.jsonl"), jsonl);
  RunResult imp = RunUnder5({"import", "--db", db, dir.File("m.jsonl")});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;

  RunResult csv = RunUnder5({"mortality", "--db", db, "--orgunit", "12", "--year", "2025", "--as-of", "2026-06-01"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')), "orgunit,from,to,measure,symbol,per_1000,lower_95,upper_95,births,deaths_under5,precision");
  for (const char* row : {"12,2021-01-01,2025-12-31,nmr,q(28d),200.0,", "12,2021-01-01,2025-12-31,imr,1q0,200.0,",
                          "12,2021-01-01,2025-12-31,u5mr,5q0,200.0,"})
    EXPECT_NE(csv.out.find(row), std::string::npos) << row << "\n" << csv.out;
  EXPECT_NE(csv.out.find(",5,1,too_small\n"), std::string::npos) << csv.out;
  EXPECT_NE(csv.err.find("child-years"), std::string::npos) << "the reason it is too small: " << csv.err;

  RunResult js = RunUnder5({"mortality", "--db", db, "--orgunit", "12", "--year", "2025", "--as-of", "2026-06-01", "--format", "json"});
  ASSERT_EQ(js.exit_code, 0) << js.err;
  for (const char* part : {R"("births": 5)", R"("deaths_under5": 1)", R"("method": "dhs_synthetic_cohort")", R"("per_1000": 200.0)"})
    EXPECT_NE(js.out.find(part), std::string::npos) << part << "\n" << js.out;

  RunResult unknown = RunUnder5({"mortality", "--db", db, "--orgunit", "99999", "--year", "2025"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_NE(unknown.err.find("99999"), std::string::npos) << unknown.err;
  RunResult bad_format = RunUnder5({"mortality", "--db", db, "--orgunit", "12", "--format", "xml"});
  EXPECT_EQ(bad_format.exit_code, 2) << bad_format.err;
  EXPECT_NE(bad_format.err.find("--format"), std::string::npos) << bad_format.err;
}

}  // namespace
}  // namespace u5::test

namespace u5::test {
namespace {

std::string EnvironOf(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// Runs `under5 serve` on `db`; its exit code when it stops by itself within
// 30 s, else -1000 once it has answered /api/v1/health (then it is stopped).
int ServeOutcome(const std::string& db, const std::vector<std::string>& extra, const std::string& log) {
  const int port = FreePort();
  std::vector<std::string> argv = {Under5Path(), "serve", "--db", db, "--port", std::to_string(port)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  Child server = Child::Spawn(argv, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int code;
    if (server.Exited(&code)) return code;
    if (ReadFile(log).find("\"serving\"") != std::string::npos) {
      server.Signal(SIGTERM);
      server.Wait();
      return -1000;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -2000;  // neither served nor stopped
}

// Issue "Security first": a database made by `under5 demo` has well-known
// logins (tinh / demo-u5-2030) even without --demo. serve refuses it, names
// the users and how to fix it; `user passwd` sets a new password (the policy
// applies), after which serve starts.
TEST(Cli, ServeRefusesPublishedDemoPasswords) {
  TempDir dir;
  const std::string db = dir.File("d.db");
  ASSERT_EQ(RunUnder5({"demo", "--db", db, "--children", "300", "--from", "2025"}).exit_code, 0);
  EXPECT_EQ(ServeOutcome(db, {"--demo"}, dir.File("demo.log")), -1000) << ReadFile(dir.File("demo.log"));

  EXPECT_EQ(ServeOutcome(db, {}, dir.File("refused.log")), 2);
  const std::string refused = ReadFile(dir.File("refused.log"));
  EXPECT_NE(refused.find("demo-u5-2030"), std::string::npos) << refused;
  EXPECT_NE(refused.find(": demo, tinh, thamdinh"), std::string::npos) << refused;
  EXPECT_NE(refused.find("user passwd --db " + db + " --username tinh"), std::string::npos) << refused;

  auto passwd = [&](const std::string& user, const std::string& pw) {
    return RunUnder5({"user", "passwd", "--db", db, "--username", user}, pw + "\n");
  };
  for (const char* weak : {"demo-u5-2030", "short", "password1", "demo1234", "12345678"}) {
    RunResult r = passwd("demo", weak);
    EXPECT_EQ(r.exit_code, 2) << weak << ": " << r.err;
    EXPECT_NE(r.err.find("password"), std::string::npos) << r.err;
  }
  EXPECT_EQ(passwd("nobody", "hoa ban nở tháng ba").exit_code, 2);
  RunResult ok = passwd("demo", "hoa ban nở tháng ba");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM audit_log WHERE action='user_password_reset' AND username LIKE 'cli:%'"), 1);

  EXPECT_EQ(ServeOutcome(db, {}, dir.File("refused2.log")), 2);
  const std::string refused2 = ReadFile(dir.File("refused2.log"));
  EXPECT_NE(refused2.find(": tinh, thamdinh, benhvien\n"), std::string::npos) << refused2;

  ASSERT_EQ(passwd("tinh", "trạm y tế bình lư").exit_code, 0);
  ASSERT_EQ(passwd("thamdinh", "hoa đào nở sớm mùa xuân").exit_code, 0);
  ASSERT_EQ(passwd("benhvien", "xe cấp cứu lên bản").exit_code, 0);
  EXPECT_EQ(ServeOutcome(db, {}, dir.File("served.log")), -1000) << ReadFile(dir.File("served.log"));
}

// Issue 20: the users page said the demo accounts never changed their initial password. Their
// password is the published one, which serve refuses without --demo, not an initial one.
TEST(Cli, DemoAccountsHoldNoInitialPassword) {
  TempDir dir;
  const std::string db = dir.File("d.db");
  ASSERT_EQ(RunUnder5({"demo", "--db", db, "--children", "300", "--from", "2025"}).exit_code, 0);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM app_user WHERE username IN ('demo','tinh','benhvien')"), 3);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM app_user WHERE must_change_password<>0"), 0);
}

// serve, import and demo re-execute themselves with malloc on huge pages (cli/huge_pages.h):
// the running server's environment carries the setting although its caller's did not.
TEST(Cli, ServeRunsWithMallocOnHugePages) {
  TempDir dir;
  unsetenv("GLIBC_TUNABLES");
  unsetenv("U5_NO_REEXEC");
  Child server = Child::Spawn({Under5Path(), "serve", "--db", dir.path() + "/s.db", "--port", std::to_string(FreePort())},
                              dir.path() + "/serve.log");
  std::string env;
  for (int i = 0; i < 100 && env.find("U5_NO_REEXEC=1") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    env = EnvironOf(server.pid());
  }
  EXPECT_NE(env.find(std::string("GLIBC_TUNABLES=glibc.malloc.hugetlb=1") + '\0'), std::string::npos);
  std::ifstream comm("/proc/" + std::to_string(server.pid()) + "/comm");
  std::string name;
  std::getline(comm, name);
  EXPECT_EQ(name, "under5");  // still itself in ps and top after the re-exec
  server.Signal(SIGTERM);
  server.Wait();
}

}  // namespace
}  // namespace u5::test
