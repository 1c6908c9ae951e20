// Write transactions across a lost connection (store/pg_write.h), on a fresh
// database of the test cluster reached through a proxy on a Unix socket that
// cuts the connection at a chosen moment: before a statement reaches the
// server, or after the server answered COMMIT but before the client hears it.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/id.h"
#include "store/orgunit_writer.h"
#include "store/orgunits.h"
#include "store/pg_migrations.h"
#include "store/pg_store.h"
#include "store/pg_write.h"
#include "store/targets.h"
#include "support/pg_database.h"
#include "support/records.h"
#include "support/store_kind.h"
#include "support/temp_dir.h"

namespace u5::store::pg {
namespace {

int UnixSocket(const std::string& path, bool listen_on) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  const int rc = listen_on ? bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) : connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  if (rc != 0 || (listen_on && listen(fd, 16) != 0)) {
    close(fd);
    return -1;
  }
  return fd;
}

// Forwards PostgreSQL connections from its own socket to the cluster's and,
// once armed, cuts the first connection whose client sends `marker`.
class CutProxy {
 public:
  enum class When { before_sending, after_the_answer };
  CutProxy(const std::string& dir, std::string upstream) : upstream_(std::move(upstream)) {
    listen_fd_ = UnixSocket(dir + "/.s.PGSQL.5432", true);
    if (listen_fd_ < 0) throw std::runtime_error("cannot listen in " + dir);
    acceptor_ = std::thread([this] { Accept(); });
  }
  ~CutProxy() {
    stop_ = true;
    acceptor_.join();
    close(listen_fd_);
    for (std::thread& t : pumps_) t.join();
  }
  // `then_refuse`: from the cut on, every new connection is closed at once (no server to reach).
  void Arm(std::string marker, When when, bool then_refuse = false) {
    std::lock_guard<std::mutex> lock(mu_);
    marker_ = std::move(marker);
    when_ = when;
    then_refuse_ = then_refuse;
  }
  int cuts() const { return cuts_; }

 private:
  void Accept() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int client = accept(listen_fd_, nullptr, nullptr);
      if (client < 0) continue;
      if (refuse_) {
        close(client);
        continue;
      }
      int server = UnixSocket(upstream_, false);
      if (server < 0) {
        close(client);
        continue;
      }
      pumps_.emplace_back([this, client, server] { Pump(client, server); });
    }
  }

  // True when this chunk from the client carries the armed marker (disarming it).
  bool Hit(const char* data, size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    if (marker_.empty() || std::string_view(data, n).find(marker_) == std::string_view::npos) return false;
    marker_.clear();
    if (then_refuse_) refuse_ = true;
    ++cuts_;
    return true;
  }

  void Pump(int client, int server) {
    char buf[1 << 16];
    pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    while (!stop_) {
      if (poll(p, 2, 50) <= 0) continue;
      if (p[0].revents) {
        const ssize_t n = read(client, buf, sizeof buf);
        if (n <= 0) break;
        const bool cut = Hit(buf, static_cast<size_t>(n));
        if (cut && when_ == When::before_sending) break;
        if (write(server, buf, static_cast<size_t>(n)) != n) break;
        if (cut) {
          // The server's answer arrives and is dropped: the client never learns the outcome.
          pollfd s{server, POLLIN, 0};
          if (poll(&s, 1, 5000) > 0) (void)read(server, buf, sizeof buf);
          break;
        }
      }
      if (p[1].revents) {
        const ssize_t n = read(server, buf, sizeof buf);
        if (n <= 0 || write(client, buf, static_cast<size_t>(n)) != n) break;
      }
    }
    close(client);
    close(server);
  }

  std::string upstream_;
  int listen_fd_ = -1;
  std::thread acceptor_;
  std::vector<std::thread> pumps_;
  std::mutex mu_;
  std::string marker_;
  When when_ = When::before_sending;
  bool then_refuse_ = false;
  std::atomic<bool> stop_{false}, refuse_{false};
  std::atomic<int> cuts_{0};
};

struct PgWrite : ::testing::Test {
  test::TestPgDatabase db;
  test::TempDir dir;
  std::unique_ptr<CutProxy> proxy;
  std::string uri;  // the database through the proxy
  Conn conn;        // the "thread's connection" RunWrite is given

  void SetUp() override {
    // The cluster's socket: host=DIR in the URI, port 5432 unless it names one.
    const std::string& u = db.uri();
    const size_t h = u.find("host=");
    ASSERT_NE(h, std::string::npos) << u;
    const std::string host = u.substr(h + 5, u.find('&', h) - h - 5);
    proxy = std::make_unique<CutProxy>(dir.path(), host + "/.s.PGSQL.5432");
    uri = "postgresql:///" + db.name() + "?host=" + dir.path() + "&user=postgres";
    Conn c;
    ASSERT_TRUE(Conn::Open(db.uri(), &c).ok());
    ASSERT_TRUE(PgMigrate(c).ok());
    db.Exec("CREATE TABLE t(n BIGINT NOT NULL)");
  }

  // The thread's connection, reopened once lost, as PgStore::Conn does.
  Status Connection(Conn** out) {
    if (!conn.Usable()) {
      Conn c;
      U5_RETURN_IF_ERROR(Conn::Open(uri, &c));
      conn = std::move(c);
    }
    *out = &conn;
    return Status::Ok();
  }

  Status Write(int64_t n, RetryPolicy policy = {}) {
    return RunWrite([this](Conn** c) { return Connection(c); },
                    [n](Conn& c) { return c.Run("INSERT INTO t(n) VALUES ($1)", {n}); }, policy);
  }
};

TEST_F(PgWrite, CommitsOnceWithoutTrouble) {
  ASSERT_TRUE(Write(1).ok());
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM t"), 1);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM write_token"), 1);
}

TEST_F(PgWrite, ALossBeforeCommitIsRunAgain) {
  proxy->Arm("INSERT INTO t", CutProxy::When::before_sending);
  Status st = Write(7);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(proxy->cuts(), 1);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM t WHERE n = 7"), 1);
}

TEST_F(PgWrite, ACommitThatNeverArrivedIsLookedUpAndRunAgain) {
  proxy->Arm(std::string("COMMIT\0", 7), CutProxy::When::before_sending);
  Status st = Write(8);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(proxy->cuts(), 1);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM t WHERE n = 8"), 1);
}

TEST_F(PgWrite, ACommitWhoseAnswerWasLostIsFoundNotRepeated) {
  proxy->Arm(std::string("COMMIT\0", 7), CutProxy::When::after_the_answer);
  Status st = Write(9);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(proxy->cuts(), 1);
  // Run again, it would be there twice.
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM t WHERE n = 9"), 1);
}

TEST_F(PgWrite, AnOutcomeNoServerCanTellIsAnErrorNotASuccess) {
  RetryPolicy quick;
  quick.bound = std::chrono::milliseconds(1500);
  // The commit lands, then no server answers again within the bound.
  proxy->Arm(std::string("COMMIT\0", 7), CutProxy::When::after_the_answer, /*then_refuse=*/true);
  Status st = Write(10, quick);
  EXPECT_TRUE(Retryable(st)) << st.ToString();
  EXPECT_NE(st.message().find("unknown"), std::string::npos) << st.message();
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM t WHERE n = 10"), 1);
}

TEST_F(PgWrite, AnErrorOfTheWriteItselfIsNotRetried) {
  int runs = 0;
  Status st = RunWrite([this](Conn** c) { return Connection(c); },
                       [&runs](Conn& c) {
                         ++runs;
                         return c.Run("INSERT INTO t(n) VALUES (NULL)", {});
                       });
  EXPECT_EQ(st.code(), Code::conflict);
  EXPECT_FALSE(Retryable(st)) << st.ToString();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM write_token"), 0);
}

// The store's writes other than records (users, sessions, the change log's
// trim, the org unit load, the target seed) and its reads, through the proxy:
// each survives a connection cut under it. Before the cut the connection is
// released, so the statement's text (sent once per connection) is on the wire.
struct PgStoreOverCut : PgWrite {
  std::unique_ptr<Store> store;

  void SetUp() override {
    PgWrite::SetUp();
    if (HasFatalFailure()) return;
    Status st = OpenPgStore(uri, PgOptions{}, &store);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void TearDown() override {
    if (store) store->ReleaseConnection();
    store.reset();
  }
  // Cuts the next connection to send `marker` before it reaches the server.
  void CutAt(const std::string& marker, CutProxy::When when = CutProxy::When::before_sending) {
    store->ReleaseConnection();
    proxy->Arm(marker, when);
  }
  User NewUser(const std::string& name) {
    User u;
    u.id = NewUuid7();
    u.username = name;
    u.password_hash = "h1";
    u.role = "commune_health_worker";
    u.full_name = "Lò Văn A";
    u.created_at = "2026-07-01T00:00:00.000Z";
    u.orgunits = {"03390"};
    return u;
  }
};

TEST_F(PgStoreOverCut, UsersAndSessionsAreWrittenOnceAcrossACut) {
  test::SeedMiniOrgUnits(*store);
  User u = NewUser("lo.van.a");
  CutAt("INSERT INTO app_user");
  Status st = store->CreateUser(u);
  ASSERT_TRUE(st.ok()) << st.ToString();
  // The commit lands and its answer is lost: found by its token, not run again (which would answer "exists").
  User v = NewUser("lo.van.b");
  CutAt(std::string("COMMIT\0", 7), CutProxy::When::after_the_answer);
  st = store->CreateUser(v);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM app_user"), 2);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM user_orgunit"), 2);

  const int64_t later = int64_t{4102444800000};  // 2100
  ASSERT_TRUE(store->CreateSession("s1", u.id, later).ok());
  ASSERT_TRUE(store->CreateSession("s2", u.id, later).ok());
  CutAt("UPDATE app_user SET password_hash=$2, must_change_password");
  st = store->SetPassword(u.id, "h2", false, "s1");
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM app_user WHERE password_hash = 'h2'"), 1);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM session"), 1) << "the other session ended";

  u.role = "district_officer";
  u.password_hash = "h2";
  audit::Entry e;
  e.username = "admin";
  e.action = "user_update";
  CutAt("UPDATE app_user SET password_hash=$2, role");
  st = store->SaveUser(u, false, e);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM app_user WHERE role = 'district_officer'"), 1);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM audit_log WHERE action = 'user_update'"), 1);

  CutAt("DELETE FROM session WHERE token_hash");
  st = store->DeleteSession("s1");
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM session"), 0);
  EXPECT_EQ(proxy->cuts(), 5);
}

TEST_F(PgStoreOverCut, TheOrgUnitLoadTargetSeedAndTrimAreWrittenAcrossACut) {
  CutAt("COPY orgunit_closure");
  bool written = false;
  const OrgUnitSet units = test::MiniOrgUnits();
  Status st = store->orgunit_writer().LoadIfEmpty(units, nullptr, &written);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(written);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM orgunit_closure"), static_cast<int64_t>(units.closure.size()));

  TargetVersion t;
  t.plan = "lai_chau_u5_2030";
  t.indicator = "u5mr";
  t.year = 2030;
  t.op = "<";
  t.value = 20;
  CutAt("INSERT INTO plan_target");
  st = store->targets().Seed({t});
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM plan_target"), 1);

  ASSERT_TRUE(store->Insert(test::PersonRecord("Lò Thị Mai")).ok());
  ChangeLogHead head;
  ASSERT_TRUE(store->ChangeHead(&head).ok());
  CutAt("DELETE FROM change_log");
  st = store->TrimChanges(head.seq);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM change_log"), 0);
  EXPECT_EQ(proxy->cuts(), 3);
}

TEST_F(PgStoreOverCut, AReadWhoseConnectionIsLostIsRunAgain) {
  test::SeedMiniOrgUnits(*store);
  const Record p = test::PersonRecord("Lò Thị Mai");
  ASSERT_TRUE(store->Insert(p).ok());
  CutAt("FROM person WHERE id=$1");
  Record got;
  Status st = store->Get("person", p.id, &got);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(got.id, p.id);
  CutAt("FROM orgunit o WHERE o.id");
  OrgUnit u;
  st = store->orgunits().Get("03390", &u);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(u.id, "03390");
  EXPECT_EQ(proxy->cuts(), 2);
}

// A bulk load is fed by its caller, so the store cannot run it again; a COMMIT
// whose answer was lost is looked up by the load's token: Ok when it landed,
// Conflict `retry` saying it did not when it did not.
TEST_F(PgStoreOverCut, ABulkLoadsLostCommitIsLookedUpNotGuessed) {
  test::SeedMiniOrgUnits(*store);
  const std::string commit("COMMIT\0", 7);
  CutAt(commit, CutProxy::When::after_the_answer);
  std::unique_ptr<BulkWriter> w;
  ASSERT_TRUE(store->OpenBulk(&w).ok());
  ASSERT_TRUE(w->Add(test::PersonRecord("Lò Thị Mai")).ok());
  Status st = w->Commit();
  EXPECT_TRUE(st.ok()) << st.ToString();
  w.reset();
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM person"), 1);

  CutAt(commit, CutProxy::When::before_sending);
  ASSERT_TRUE(store->OpenBulk(&w).ok());
  ASSERT_TRUE(w->Add(test::PersonRecord("Lò Văn Bình")).ok());
  st = w->Commit();
  EXPECT_TRUE(Retryable(st)) << st.ToString();
  EXPECT_NE(st.message().find("before the commit landed"), std::string::npos) << st.message();
  w.reset();
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM person"), 1);
  EXPECT_EQ(proxy->cuts(), 2);
}

}  // namespace
}  // namespace u5::store::pg
