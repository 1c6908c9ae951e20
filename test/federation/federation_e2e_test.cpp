// National federation end to end (docs/federation.md), real processes only:
// the 34 provinces of the 2025 scheme, each a small demo database, push
// their monthly aggregates to one national instance; the national totals
// equal the sums of the provinces' own indicator values for every indicator
// and month; a repeated push changes nothing and says so; a push interrupted
// (the pusher killed, then the national server killed) and resumed ends with
// the same totals. The provinces are generated once per run (and store) and shared.
// Every test runs on both stores (/sqlite, /postgres): the national instance's
// store and the provinces' stores are of the kind under test, each province
// database a PostgreSQL database of its own on the test cluster (ctest fixture pg).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <set>
#include <thread>

#include "store/national.h"
#include "store/store.h"
#include "support/http_client.h"
#include "support/orgunit_store.h"
#include "support/process.h"
#include "support/server_process.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {
namespace {

const char* kPassword = "Tram-y-te-xa-day-so-lieu-2026";
const std::vector<std::string> kMonths = {"2026-01", "2026-02", "2026-03"};

std::vector<std::string> Provinces() {
  std::ifstream in(DataDir() + "/vn-admin/post2025/provinces_2025.csv");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> out;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(line.substr(0, line.find(',')));
  return out;
}

// Runs under5 with each argument list, `width` at a time; the exit codes.
std::vector<int> RunParallel(const std::vector<std::vector<std::string>>& jobs, const std::string& log_dir, size_t width) {
  std::vector<int> codes(jobs.size(), -1);
  std::map<size_t, Child> running;
  size_t next = 0;
  while (next < jobs.size() || !running.empty()) {
    while (next < jobs.size() && running.size() < width) {
      std::vector<std::string> argv = {Under5Path()};
      argv.insert(argv.end(), jobs[next].begin(), jobs[next].end());
      running.emplace(next, Child::Spawn(argv, log_dir + "/job" + std::to_string(next) + ".log"));
      ++next;
    }
    for (auto it = running.begin(); it != running.end();) {
      int code;
      if (it->second.Exited(&code)) {
        codes[it->first] = code;
        it = running.erase(it);
      } else {
        ++it;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return codes;
}

std::vector<std::string> Args(std::vector<std::string> head, const std::vector<std::string>& more,
                              const std::vector<std::string>& tail = {}) {
  head.insert(head.end(), more.begin(), more.end());
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

// The 34 province databases, all of one kind of store.
struct Shared {
  explicit Shared(StoreKind k) : kind(k) {}
  StoreKind kind;
  TempDir dir;
  std::vector<std::string> provinces;
  std::map<std::string, std::unique_ptr<TestStoreLocation>> stores;
  // Each province's own figures, from its database: [province][month][indicator] = (num, den).
  std::map<std::string, std::map<std::string, std::map<std::string, std::pair<int64_t, int64_t>>>> own;
  const TestStoreLocation& Where(const std::string& p) const { return *stores.at(p); }
  // "--db FILE" or "--pg URI".
  std::vector<std::string> Store(const std::string& p) const { return stores.at(p)->StoreArgs(); }
  std::string Cred(const std::string& p) const { return dir.File("cred" + p + ".json"); }
};
Shared* g = nullptr;

// A national instance on a fresh store of the kind under test.
struct National {
  // Members in this order so the server stops before its store is dropped.
  TempDir dir;
  std::unique_ptr<TestStoreLocation> where;
  ServerProcess server;
  explicit National(StoreKind kind) : where(std::make_unique<TestStoreLocation>(kind, dir.path())) {}
  bool Start(std::string* why) {
    server.extra_args = {"--national"};
    return server.Start(where->StoreArgs(), dir.File("national.log"), why);
  }
  std::vector<std::string> Store() const { return where->StoreArgs(); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
};

// A push user for every province and a ministry user.
void AddNationalUsers(const National& nat) {
  AddUser(nat.Store(), "bo-y-te", kPassword, "ministry", "VN");
  for (const std::string& p : g->provinces) {
    RunResult r = RunUnder5(Args({"user", "add"}, nat.Store(), {"--username", "push" + p, "--role", "province_push", "--orgunit", p}),
                            std::string(kPassword) + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
}

std::vector<std::vector<std::string>> PushJobs(const std::string& url, const std::vector<std::string>& provinces,
                                               const std::string& part_bytes = "262144") {
  std::vector<std::vector<std::string>> jobs;
  for (const std::string& p : provinces)
    jobs.push_back(Args({"push"}, g->Store(p),
                        {"--to", url, "--credential-file", g->Cred(p), "--from", kMonths.front(), "--to-period", kMonths.back(),
                         "--part-bytes", part_bytes}));
  return jobs;
}

using Figures = std::map<std::string, std::map<std::string, std::pair<int64_t, int64_t>>>;  // [unit][indicator]

// What the national instance holds for one month, summed by province, and the country ("VN").
Figures Held(const National& nat, const std::string& month) {
  Figures out;
  std::unique_ptr<store::Store> s;
  EXPECT_TRUE(nat.where->Open(&s).ok());
  std::vector<store::NationalSum> sums;
  EXPECT_TRUE(s->national().Sums(month, month, {}, "", false, &sums).ok());
  for (const auto& x : sums) {
    out[x.province][x.indicator] = {x.num, x.den};
    out["VN"][x.indicator].first += x.num;
    out["VN"][x.indicator].second += x.den;
  }
  return out;
}

// The national dashboard of one month as the ministry reads it: the cells
// shown (small ones are suppressed for the ministry), and how many were hidden.
Figures Dashboard(HttpClient& c, const std::string& month, int* hidden = nullptr) {
  Figures out;
  HttpResponse r = c.Get("/api/v1/national/dashboard?period=" + month);
  EXPECT_EQ(r.status, 200) << r.body.substr(0, 300);
  auto j = r.Json();
  auto take = [&](const std::string& unit, const std::string& id, const nlohmann::json& cell) {
    if (cell.value("suppressed", false)) {
      EXPECT_FALSE(cell.contains("numerator")) << cell.dump();
      if (hidden) ++*hidden;
      return;
    }
    out[unit][id] = {cell["numerator"], cell["denominator"]};
  };
  for (const auto& item : j["items"]) {
    const std::string id = item["indicator"];
    take("VN", id, item);
    for (const auto& [unit, cell] : item["breakdown"]["groups"].items()) take(unit, id, cell);
  }
  return out;
}

// Generates the first `count` of the 34 small provinces on one kind of store and reads their own figures.
void MakeProvinces(Shared* made, size_t count) {
  made->provinces = Provinces();
  ASSERT_EQ(made->provinces.size(), 34u);
  made->provinces.resize(count);
  // Small provinces: a few hundred children each, records of 2026 only.
  std::vector<std::vector<std::string>> jobs;
  for (size_t i = 0; i < made->provinces.size(); ++i) {
    const std::string& p = made->provinces[i];
    // A folder each, as a SQLite location is the file t.db in its folder.
    const std::string where = made->dir.File("p" + p);
    std::filesystem::create_directories(where);
    // On PostgreSQL a copy of a database that holds the org units already:
    // loading them is about a fifth of a small demo's time there.
    made->stores[p] = std::make_unique<TestStoreLocation>(made->kind, where, made->kind == StoreKind::postgres ? OrgUnitPgTemplate() : "");
    jobs.push_back(Args({"demo"}, made->Store(p),
                        {"--province", p, "--children", "400", "--from", "2026", "--to", "2026", "--seed", std::to_string(100 + i)}));
    std::ofstream(made->Cred(p)) << "{\"username\": \"push" << p << "\", \"password\": \"" << kPassword << "\"}";
  }
  const auto codes = RunParallel(jobs, made->dir.path(), 3);
  for (size_t i = 0; i < codes.size(); ++i)
    ASSERT_EQ(codes[i], 0) << made->provinces[i] << ": " << ReadFile(made->dir.File("job" + std::to_string(i) + ".log"));
  // Each province's own figures of each month, from its own indicator engine
  // (CSV: the lines of the log that are not JSON log lines).
  std::vector<std::vector<std::string>> reads;
  std::vector<std::pair<std::string, std::string>> what;
  for (const std::string& p : made->provinces)
    for (const std::string& m : kMonths) {
      reads.push_back(Args({"indicators"}, made->Store(p), {"--orgunit", p, "--period", m, "--format", "csv"}));
      what.emplace_back(p, m);
    }
  const std::string own_dir = made->dir.File("own");
  std::filesystem::create_directories(own_dir);
  const auto read_codes = RunParallel(reads, own_dir, 3);
  for (size_t i = 0; i < reads.size(); ++i) {
    const std::string text = ReadFile(own_dir + "/job" + std::to_string(i) + ".log");
    ASSERT_EQ(read_codes[i], 0) << text;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line[0] == '{' || line.rfind("indicator,", 0) == 0) continue;
      std::vector<std::string> f;
      std::istringstream cells(line);
      for (std::string cell; std::getline(cells, cell, ',');) f.push_back(cell);
      if (f.size() < 5 || f[3].empty() || f[4].empty()) continue;
      made->own[what[i].first][what[i].second][f[0]] = {std::stoll(f[3]), std::stoll(f[4])};
    }
    ASSERT_FALSE(made->own[what[i].first][what[i].second].empty()) << text.substr(0, 500);
  }
}

// The provinces of each kind, made by the first test that needs them (ctest
// runs each test in a process of its own; a run of the whole binary shares them).
std::map<StoreKind, std::unique_ptr<Shared>> provinces_of;

class Federation : public ::testing::TestWithParam<StoreKind> {
 protected:
  // All 34 for the totals; FederationFew's tests need a few.
  virtual size_t Needed() const { return 34; }
  void SetUp() override {
    auto& slot = provinces_of[GetParam()];
    if (!slot || slot->provinces.size() < Needed()) {
      slot = std::make_unique<Shared>(GetParam());
      MakeProvinces(slot.get(), Needed());
      if (HasFatalFailure()) {
        slot.reset();
        return;
      }
    }
    g = slot.get();
  }
  static void TearDownTestSuite() {
    provinces_of.clear();
    g = nullptr;
  }
};

// Tests of one or two provinces: generating all 34 (on each store, in a process
// of each test) was most of their time.
class FederationFew : public Federation {
 protected:
  size_t Needed() const override { return 4; }
};

// The national figures of every month equal the provinces' own, province by
// province and summed for the country, for every indicator pushed: as held,
// and as the dashboard shows every cell it does not suppress.
void ExpectTotalsEqualSums(const National& nat, HttpClient& c) {
  int hidden = 0, shown = 0;
  for (const std::string& m : kMonths) {
    Figures held = Held(nat, m);
    ASSERT_FALSE(held["VN"].empty()) << m;
    std::map<std::string, std::pair<int64_t, int64_t>> sum;
    for (const std::string& p : g->provinces) {
      EXPECT_EQ(held[p].size(), held["VN"].size()) << "province " << p << " month " << m;
      for (const auto& [ind, v] : held[p]) {
        auto it = g->own[p][m].find(ind);
        ASSERT_NE(it, g->own[p][m].end()) << p << " " << m << " " << ind;
        EXPECT_EQ(v, it->second) << "province " << p << " month " << m << " indicator " << ind;
        sum[ind].first += it->second.first;
        sum[ind].second += it->second.second;
      }
    }
    for (const auto& [ind, total] : held["VN"]) EXPECT_EQ(total, sum[ind]) << "country, month " << m << ", " << ind;
    for (const auto& [unit, by_ind] : Dashboard(c, m, &hidden))
      for (const auto& [ind, v] : by_ind) {
        EXPECT_EQ(v, held[unit][ind]) << "dashboard " << unit << " " << m << " " << ind;
        ++shown;
      }
  }
  // Small provinces: the ministry sees many cells hidden, and the large ones.
  EXPECT_GT(hidden, 0);
  EXPECT_GT(shown, 0);
}

TEST_P(Federation, ThirtyFourProvincesPushRepeatAndResume) {
  National nat(GetParam());
  std::string why;
  ASSERT_TRUE(nat.Start(&why)) << why;
  AddNationalUsers(nat);

  const auto codes = RunParallel(PushJobs(nat.Url(), g->provinces), g->dir.path() + "/", 3);
  for (size_t i = 0; i < codes.size(); ++i) ASSERT_EQ(codes[i], 0) << g->provinces[i];
  HttpClient c(nat.server.port());
  ASSERT_TRUE(c.Login("bo-y-te", kPassword));
  ExpectTotalsEqualSums(nat, c);
  const std::string before = c.Get("/api/v1/national/dashboard?period=2026Q1").body;
  // The national plan evaluated on the pushed sums, in the indicator API's shape.
  HttpResponse ev = c.Get("/api/v1/plans/national_1493_2030/evaluation");
  ASSERT_EQ(ev.status, 200) << ev.body.substr(0, 300);
  EXPECT_FALSE(ev.Json()["items"].empty());
  HttpResponse byp = c.Get("/api/v1/indicators?orgunit=VN&period=2026Q1&ids=facility_delivery&by=orgunit");
  ASSERT_EQ(byp.status, 200) << byp.body.substr(0, 300);
  EXPECT_EQ(byp.Json()["items"][0]["breakdown"]["groups"].size(), 34u);

  // A repeated push sends nothing, says so, and leaves every total as it was.
  const std::string p0 = g->provinces[0];
  RunResult again = RunUnder5(PushJobs(nat.Url(), {p0})[0]);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const std::string& m : kMonths) EXPECT_NE(again.out.find(m + ": unchanged"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("0 months sent, 3 unchanged"), std::string::npos) << again.out;
  EXPECT_EQ(c.Get("/api/v1/national/dashboard?period=2026Q1").body, before);

  // Audited on both sides: each part at the national instance, each push at the province.
  {
    std::unique_ptr<store::Store> s;
    ASSERT_TRUE(nat.where->Open(&s).ok());
    std::vector<audit::Entry> trail;
    ASSERT_TRUE(s->ListAudit({.username = "push" + p0, .limit = 1000}, &trail).ok());
    int64_t accepted = 0, parts = 0;
    for (const auto& e : trail)
      if (e.action == "national_push") {
        ++parts;
        accepted += nlohmann::json::parse(e.detail)["accepted"].get<int64_t>();
      }
    EXPECT_GE(parts, 3);
    std::vector<store::NationalHolding> held;
    ASSERT_TRUE(s->national().Holdings(p0, kMonths.front(), kMonths.back(), &held).ok());
    int64_t values = 0;
    for (const auto& h : held) values += h.values;
    EXPECT_EQ(accepted, values);
    std::unique_ptr<store::Store> ps;
    ASSERT_TRUE(g->Where(p0).Open(&ps).ok());
    std::vector<audit::Entry> mine;
    ASSERT_TRUE(ps->ListAudit({.limit = 100000}, &mine).ok());
    int pushes = 0;
    for (const auto& e : mine) pushes += e.action == "national_push";
    EXPECT_EQ(pushes, 2);
  }

  // Interrupted and resumed, into a second national instance: the pusher
  // killed after its first month, then the national server killed mid-push.
  National nat2(GetParam());
  ASSERT_TRUE(nat2.Start(&why)) << why;
  AddUser(nat2.Store(), "bo-y-te", kPassword, "ministry", "VN");
  const std::string a = g->provinces[1], b = g->provinces[2];
  for (const std::string& p : {a, b}) AddUser(nat2.Store(), "push" + p, kPassword, "province_push", p);
  {
    const std::vector<std::string> job = PushJobs(nat2.Url(), {a}, "8192")[0];
    std::vector<std::string> argv = {Under5Path()};
    argv.insert(argv.end(), job.begin(), job.end());
    Child pusher = Child::Spawn(argv, g->dir.File("interrupted.log"));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (ReadFile(g->dir.File("interrupted.log")).find(kMonths[0] + ": ") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    pusher.Signal(SIGKILL);
    EXPECT_EQ(pusher.Wait(), -SIGKILL) << "the push ended before it could be interrupted";
  }
  RunResult resumed = RunUnder5(PushJobs(nat2.Url(), {a}, "8192")[0]);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find(kMonths[0] + ": unchanged"), std::string::npos) << resumed.out;
  {
    const std::vector<std::string> job = PushJobs(nat2.Url(), {b}, "8192")[0];
    std::vector<std::string> argv = {Under5Path()};
    argv.insert(argv.end(), job.begin(), job.end());
    Child pusher = Child::Spawn(argv, g->dir.File("cut.log"));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (ReadFile(g->dir.File("cut.log")).find(kMonths[0] + ": ") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    nat2.server.Kill9();
    const int code = pusher.Wait();
    EXPECT_NE(code, 0) << ReadFile(g->dir.File("cut.log"));
    EXPECT_NE(ReadFile(g->dir.File("cut.log")).find("error: "), std::string::npos);
  }
  ASSERT_TRUE(nat2.Start(&why)) << why;
  RunResult after_cut = RunUnder5(PushJobs(nat2.Url(), {b}, "8192")[0]);
  ASSERT_EQ(after_cut.exit_code, 0) << after_cut.err;
  for (const std::string& m : kMonths) {
    Figures one = Held(nat, m), two = Held(nat2, m);
    ASSERT_FALSE(two[a].empty()) << m;
    EXPECT_EQ(two[a], one[a]) << m;
    EXPECT_EQ(two[b], one[b]) << m;
    for (const auto& [ind, v] : two["VN"]) {
      EXPECT_EQ(v.first, one[a][ind].first + one[b][ind].first) << m << " " << ind;
      EXPECT_EQ(v.second, one[a][ind].second + one[b][ind].second) << m << " " << ind;
    }
  }
}

TEST_P(FederationFew, NationalInstanceRefusesPersonsAndOtherProvinces) {
  National nat(GetParam());
  std::string why;
  ASSERT_TRUE(nat.Start(&why)) << why;
  const std::string a = g->provinces[0], b = g->provinces[1];
  AddUser(nat.Store(), "push" + a, kPassword, "province_push", a);
  AddUser(nat.Store(), "bo-y-te", kPassword, "ministry", "VN");
  HttpClient c(nat.server.port());
  EXPECT_EQ(c.Post("/api/v1/national/adx", {{"adx", "<adx/>"}}).status, 401);
  ASSERT_TRUE(c.Login("push" + a, kPassword));

  // A commune of another province, in an otherwise valid part: refused, naming it.
  std::string other;
  {
    std::ifstream in(DataDir() + "/vn-admin/post2025/communes_2025.csv");
    std::string line;
    while (other.empty() && std::getline(in, line))
      if (line.find("," + b + ",") != std::string::npos) other = line.substr(0, line.find(','));
  }
  ASSERT_FALSE(other.empty());
  const std::string adx = "<adx xmlns=\"urn:ihe:qrph:adx:2015\" exported=\"2026-08-01T00:00:00Z\"><group orgUnit=\"" + other +
                          "\" period=\"2026-07-01/P1M\" dataSet=\"U5_NATIONAL_MONTHLY\">"
                          "<dataValue dataElement=\"U5_FACILITY_DELIVERY_NUM\" value=\"1\"/>"
                          "<dataValue dataElement=\"U5_FACILITY_DELIVERY_DEN\" value=\"2\"/></group></adx>";
  HttpResponse r = c.Post("/api/v1/national/adx", {{"adx", adx}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.Json().value("field", ""), "orgUnit") << r.body;
  EXPECT_NE(r.body.find(other), std::string::npos);
  r = c.Post("/api/v1/national/adx", {{"adx", "<adx><group/></adx>"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.Json().value("field", ""), "adx") << r.body;
  // A push account reads no dashboard; the ministry pushes nothing.
  EXPECT_EQ(c.Get("/api/v1/national/dashboard?period=2026").status, 403);
  HttpClient m(nat.server.port());
  ASSERT_TRUE(m.Login("bo-y-te", kPassword));
  EXPECT_EQ(m.Post("/api/v1/national/adx", {{"adx", adx}}).status, 403);

  // A province's database pushed with another province's account: refused
  // before anything is sent (it would send zeros over that province's figures).
  RunResult wrong = RunUnder5(
      Args({"push"}, g->Store(b), {"--to", nat.Url(), "--credential-file", g->Cred(a), "--from", "2026-01", "--to-period", "2026-01"}));
  EXPECT_EQ(wrong.exit_code, 2) << wrong.out << wrong.err;
  EXPECT_NE(wrong.err.find("holds no records"), std::string::npos) << wrong.err;
  std::vector<store::NationalHolding> none;
  {
    std::unique_ptr<store::Store> ns;
    ASSERT_TRUE(nat.where->Open(&ns).ok());
    ASSERT_TRUE(ns->national().Holdings(a, "2026-01", "2026-12", &none).ok());
  }
  EXPECT_TRUE(none.empty());

  // No person-level route: each says why.
  for (const std::string& path : std::vector<std::string>{"/api/v1/persons", "/api/v1/persons/search?name=mai", "/api/v1/worklist?orgunit=" + a,
                                  "/fhir/Patient", "/api/v1/persons/0190a7f0-0000-7000-8000-000000000000/handbook"}) {
    HttpResponse p = m.Get(path);
    EXPECT_EQ(p.status, 404) << path << " " << p.body;
    EXPECT_NE(p.body.find("no personal data"), std::string::npos) << path << " " << p.body;
  }
  HttpResponse post = m.Post("/api/v1/persons", {{"full_name", "Nguyễn Văn A"}});
  EXPECT_EQ(post.status, 404) << post.body;
  EXPECT_NE(post.body.find("no personal data"), std::string::npos);

  // Nor does its store take them: an import of persons fails and stores nothing.
  RunResult exported = RunUnder5(Args({"export"}, g->Store(a), {"--out", nat.dir.File("a.jsonl")}));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  RunResult imp = RunUnder5(Args({"import"}, nat.Store(), {nat.dir.File("a.jsonl")}));
  EXPECT_NE(imp.exit_code, 0);
  EXPECT_NE(imp.err.find("holds no personal data"), std::string::npos) << imp.err;
  std::unique_ptr<store::Store> s;
  ASSERT_TRUE(nat.where->Open(&s).ok());
  int64_t persons = -1, events = -1;
  ASSERT_TRUE(s->Count({.type = "person"}, &persons).ok());
  ASSERT_TRUE(s->Count({}, &events).ok());
  EXPECT_EQ(persons, 0);
  EXPECT_EQ(events, 0);
}

}  // namespace
}  // namespace u5::test

namespace u5::test {
namespace {

// The province server's own push: refused at first (its push account does
// not exist yet at the national instance), retried with back-off, then held;
// a push from the command line afterwards finds every month unchanged.
TEST_P(FederationFew, ServerPushesOnItsOwnAndRetries) {
  National nat(GetParam());
  std::string why;
  ASSERT_TRUE(nat.Start(&why)) << why;
  const std::string p = g->provinces[3];
  ServerProcess province;
  province.extra_args = {"--demo", "--push-to", nat.Url(), "--push-credential-file", g->Cred(p), "--push-from", "2026-01",
                         "--push-retry", "1"};
  const std::string log = g->dir.File("serve" + p + ".log");
  ASSERT_TRUE(province.Start(g->Store(p), log, &why)) << why;
  // Let a failed attempt happen before the account exists.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (ReadFile(log).find("national_push_failed") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_NE(ReadFile(log).find("national_push_failed"), std::string::npos);
  AddUser(nat.Store(), "push" + p, kPassword, "province_push", p);
  while (ReadFile(log).find("\"event\":\"national_push\"") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline + std::chrono::seconds(60))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_NE(ReadFile(log).find("\"event\":\"national_push\""), std::string::npos)
      << ReadFile(log).substr(0, 3000);
  EXPECT_EQ(province.Stop(), 0);
  // Every month up to the last complete one is held as the province counts it.
  RunResult again = RunUnder5(
      Args({"push"}, g->Store(p), {"--to", nat.Url(), "--credential-file", g->Cred(p), "--from", "2026-01", "--to-period", "2026-03"}));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("0 months sent, 3 unchanged"), std::string::npos) << again.out;
  Figures held = Held(nat, "2026-02");
  ASSERT_FALSE(held[p].empty()) << "nothing held for " << p;
  EXPECT_EQ(held[p].size(), held["VN"].size());
  for (const auto& [ind, v] : held[p]) EXPECT_EQ(v, g->own[p]["2026-02"][ind]) << ind;
}

U5_ON_BOTH_STORES(Federation);
U5_ON_BOTH_STORES(FederationFew);

}  // namespace
}  // namespace u5::test

namespace u5::test {
namespace {

// The demo takes any of the 34 provinces, by code or by name as people write
// it (the national defaults for the 29 without a plan profile); a code that
// is no 2025 province is refused.
class FederationDemo : public ::testing::TestWithParam<StoreKind> {};

TEST_P(FederationDemo, AnyProvinceByCodeOrName) {
  TempDir dir;
  std::filesystem::create_directories(dir.File("hue"));
  std::filesystem::create_directories(dir.File("none"));
  TestStoreLocation hue(GetParam(), dir.File("hue")), none_store(GetParam(), dir.File("none"));
  RunResult by_name = RunUnder5(
      Args({"demo"}, hue.StoreArgs(), {"--province", "Thành phố Huế", "--children", "30", "--from", "2026", "--to", "2026"}));
  ASSERT_EQ(by_name.exit_code, 0) << by_name.err;
  RunResult ind = RunUnder5(Args({"indicators"}, hue.StoreArgs(),
                                 {"--orgunit", "46", "--period", "2026", "--ids", "facility_delivery", "--format", "csv"}));
  ASSERT_EQ(ind.exit_code, 0) << ind.err;
  EXPECT_NE(ind.out.find("facility_delivery,46,2026,"), std::string::npos) << ind.out;
  EXPECT_EQ(ind.out.find("facility_delivery,46,2026,0,0,"), std::string::npos) << "no births generated in Huế: " << ind.out;
  RunResult none = RunUnder5(Args({"demo"}, none_store.StoreArgs(), {"--province", "99", "--children", "30"}));
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("province"), std::string::npos) << none.err;
}

U5_ON_BOTH_STORES(FederationDemo);

}  // namespace
}  // namespace u5::test
