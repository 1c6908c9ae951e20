// The real server on loopback as an outside tester meets it: the static
// folder cannot be left, TLS carries Secure cookies and HSTS, and idle or
// excess connections, or running out of descriptors, neither stop it
// answering nor make it spin.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "support/http_client.h"
#include "support/process.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace u5::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kPassword = "Tram-y-te-Ban-Lang-7";

// User plus system CPU time of a process, in seconds (/proc/PID/stat).
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), {});
  std::istringstream rest(all.substr(all.rfind(')') + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

// The share of one core the server used over `window`.
double CpuShare(pid_t pid, std::chrono::milliseconds window) {
  const double before = CpuSeconds(pid);
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(window);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return (CpuSeconds(pid) - before) / secs;
}

// Opens a TCP connection and leaves it idle; -1 on failure.
int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

struct Held {
  std::vector<int> fds;
  ~Held() { Release(); }
  void Release() {
    for (int fd : fds) close(fd);
    fds.clear();
  }
};

// The test opens hundreds of sockets: lift its own soft descriptor limit.
void RaiseOwnLimit() {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 4096);
  setrlimit(RLIMIT_NOFILE, &rl);
}

// Milliseconds for one /api/v1/health answer (-1 when it did not answer 200).
double HealthMs(int port) {
  const auto t0 = std::chrono::steady_clock::now();
  HttpResponse r = HttpClient(port).Get("/api/v1/health");
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return r.status == 200 ? ms : -1;
}

TEST(Server, StaticFolderCannotBeLeftOverTheWire) {
  TempDir dir;
  fs::create_directories(dir.File("dist/assets"));
  WriteFile(dir.File("dist/index.html"), "<html>under5</html>");
  WriteFile(dir.File("dist/assets/app-1.js"), "console.log(1)");
  ServerProcess server;
  server.extra_args = {"--static", dir.File("dist")};
  std::string why;
  ASSERT_TRUE(server.Start(dir.File("t.db"), dir.File("log"), &why)) << why;
  HttpClient c(server.port());
  // The reported hole: an absolute path replaced the folder.
  const std::vector<std::string> targets = {"//etc/passwd", "/%2Fetc%2Fpasswd", "//proc/self/environ", "/" + dir.File("t.db"),
                                            "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%5c..%5cetc%5cpasswd", "/assets/..%2f..%2ft.db"};
  for (const std::string& target : targets) {
    HttpResponse r = c.Get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("SQLite format"), std::string::npos) << target;
  }
  EXPECT_EQ(c.Get("/").body, "<html>under5</html>");
  EXPECT_EQ(c.Get("/persons/123").body, "<html>under5</html>");
  HttpResponse asset = c.Get("/assets/app-1.js");
  EXPECT_EQ(asset.status, 200);
  EXPECT_NE(asset.Header("cache-control").find("immutable"), std::string::npos);
  EXPECT_TRUE(asset.Header("strict-transport-security").empty());  // plain HTTP: no HSTS
}

// What the server code adds to StaticFiles::Serve on the wire: the variant's headers, a HEAD
// with the length and no body, a 304 with no body, and Range answered with the whole file.
TEST(Server, PreCompressedFilesOverTheWire) {
  TempDir dir;
  fs::create_directories(dir.File("dist/assets"));
  WriteFile(dir.File("dist/index.html"), "<html>under5</html>");
  WriteFile(dir.File("dist/assets/app-1.js"), std::string(5000, 'x'));
  WriteFile(dir.File("dist/assets/app-1.js.br"), "BROTLI");
  ServerProcess server;
  server.extra_args = {"--static", dir.File("dist")};
  std::string why;
  ASSERT_TRUE(server.Start(dir.File("t.db"), dir.File("log"), &why)) << why;
  HttpClient c(server.port());
  const std::map<std::string, std::string> br = {{"Accept-Encoding", "gzip, deflate, br"}};
  HttpResponse get = c.Request("GET", "/assets/app-1.js", "", br);
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "BROTLI");
  EXPECT_EQ(get.Header("content-encoding"), "br");
  EXPECT_EQ(get.Header("content-length"), "6");
  EXPECT_EQ(get.Header("vary"), "Accept-Encoding");
  EXPECT_EQ(get.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(get.Header("cache-control"), "public, max-age=31536000, immutable");
  const std::string etag = get.Header("etag");
  ASSERT_FALSE(etag.empty());
  HttpResponse plain = c.Get("/assets/app-1.js");
  EXPECT_EQ(plain.body.size(), 5000u);
  EXPECT_EQ(plain.Header("content-encoding"), "");
  EXPECT_NE(plain.Header("etag"), etag);

  HttpResponse head = c.Request("HEAD", "/assets/app-1.js", "", br);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), "6");
  EXPECT_EQ(head.body, "");

  std::map<std::string, std::string> cached = br;
  cached["If-None-Match"] = etag;
  HttpResponse not_modified = c.Request("GET", "/assets/app-1.js", "", cached);
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(not_modified.body, "");
  EXPECT_EQ(not_modified.Header("etag"), etag);

  HttpResponse ranged = c.Request("GET", "/assets/app-1.js", "", {{"Range", "bytes=0-9"}});
  EXPECT_EQ(ranged.status, 200);
  EXPECT_EQ(ranged.body.size(), 5000u);
  EXPECT_EQ(ranged.Header("accept-ranges"), "none");

  HttpResponse shell = c.Request("GET", "/persons/1", "", br);
  EXPECT_EQ(shell.body, "<html>under5</html>");
  EXPECT_EQ(shell.Header("cache-control"), "no-cache");
  EXPECT_EQ(shell.Header("content-encoding"), "");
  // The API's errors are JSON whatever the client accepts.
  HttpResponse err = c.Request("GET", "/api/v1/worklist", "", br);
  EXPECT_EQ(err.status, 401);
  EXPECT_EQ(err.Header("content-type"), "application/json");
  EXPECT_EQ(err.Json().value("error", ""), "unauthenticated");
}

TEST(Server, FiveHundredIdleConnectionsNeitherSlowNorSpinIt) {
  RaiseOwnLimit();
  TempDir dir;
  ServerProcess server;
  std::string why;
  ASSERT_TRUE(server.Start(dir.File("t.db"), dir.File("log"), &why)) << why;
  Held held;
  for (int i = 0; i < 500; ++i) {
    int fd = Connect(server.port());
    ASSERT_GE(fd, 0) << "connection " << i;
    held.fds.push_back(fd);
  }
  std::this_thread::sleep_for(300ms);  // all accepted and waiting for a request
  const double share = CpuShare(server.child_pid(), 2000ms);
  EXPECT_LT(share, 0.10) << "server CPU with 500 idle connections";
  double worst = 0;
  for (int i = 0; i < 5; ++i) worst = std::max(worst, HealthMs(server.port()));
  EXPECT_GE(worst, 0) << "health did not answer";
  EXPECT_LT(worst, 100) << "slowest of 5 health requests, ms";
  std::cerr << "500 idle connections: server CPU " << share * 100 << " %, health at most " << worst << " ms\n";
}

TEST(Server, ConnectionsBeyondTheLimitGet503AndTheRestStillWork) {
  RaiseOwnLimit();
  TempDir dir;
  ServerProcess server;
  server.extra_args = {"--max-connections", "40"};
  std::string why;
  ASSERT_TRUE(server.Start(dir.File("t.db"), dir.File("log"), &why)) << why;
  Held held;
  for (int i = 0; i < 40; ++i) {
    held.fds.push_back(Connect(server.port()));
    ASSERT_GE(held.fds.back(), 0) << "connection " << i;
  }
  // The server accepts asynchronously: on a loaded machine the 40 may not all be
  // counted yet, so ask again (each try closes its own connection) for up to 5 s.
  HttpResponse over;
  for (int attempt = 0; attempt < 50; ++attempt) {
    std::this_thread::sleep_for(100ms);
    over = HttpClient(server.port()).Get("/api/v1/health");
    if (over.status == 503) break;
  }
  EXPECT_EQ(over.status, 503) << over.error;
  EXPECT_EQ(over.Header("retry-after"), "1");
  // A held connection is served as usual.
  const std::string req = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(write(held.fds[0], req.data(), req.size()), static_cast<ssize_t>(req.size()));
  char buf[256] = {};
  ASSERT_GT(read(held.fds[0], buf, sizeof buf - 1), 0);
  EXPECT_EQ(std::string(buf).rfind("HTTP/1.1 200", 0), 0u) << buf;
  held.Release();
  std::this_thread::sleep_for(300ms);
  EXPECT_GE(HealthMs(server.port()), 0) << "places freed when connections close";
}

TEST(Server, OutOfDescriptorsItPausesInsteadOfSpinningAndRecovers) {
  RaiseOwnLimit();
  TempDir dir;
  ServerProcess server;
  server.wrapper = {"/usr/bin/prlimit", "--nofile=64:64"};  // the hard limit too, so the server cannot lift it
  std::string why;
  ASSERT_TRUE(server.Start(dir.File("t.db"), dir.File("log"), &why)) << why;
  Held held;
  for (int i = 0; i < 120; ++i) {  // more than the server has descriptors for: the rest wait in the backlog
    int fd = Connect(server.port());
    if (fd >= 0) held.fds.push_back(fd);
  }
  std::this_thread::sleep_for(500ms);
  const double share = CpuShare(server.child_pid(), 2000ms);
  EXPECT_LT(share, 0.10) << "server CPU while accept() fails with EMFILE";
  EXPECT_NE(ReadFile(dir.File("log")).find("accept_paused"), std::string::npos);
  held.Release();
  double ms = -1;
  for (int i = 0; i < 50 && ms < 0; ++i) {
    std::this_thread::sleep_for(100ms);
    ms = HealthMs(server.port());
  }
  EXPECT_GE(ms, 0) << "server answers again once descriptors are free";
}

TEST(Server, IdleConnectionsAreClosedAfterTheIdleTimeout) {
  TempDir dir;
  ServerProcess server;
  server.extra_args = {"--idle-timeout", "1"};
  std::string why;
  ASSERT_TRUE(server.Start(dir.File("t.db"), dir.File("log"), &why)) << why;
  int fd = Connect(server.port());
  ASSERT_GE(fd, 0);
  // A header that never ends (slowloris) is cut off as well.
  ASSERT_EQ(write(fd, "GET / HTTP/1.1\r\n", 16), 16);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const auto t0 = std::chrono::steady_clock::now();
  char buf[64];
  const ssize_t n = read(fd, buf, sizeof buf);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  close(fd);
  EXPECT_EQ(n, 0) << "the server closes the connection";
  EXPECT_LT(secs, 4.5);
}

// --- TLS ---------------------------------------------------------------

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

struct TlsReply {
  int status = 0;
  std::string error, body;
  std::map<std::string, std::string> headers;
};

// One HTTPS request, verifying the server's certificate against `ca`.
TlsReply TlsRequest(int port, const std::string& ca, const std::string& method, const std::string& target,
                    const std::string& body = "") {
  TlsReply out;
  try {
    asio::io_context ioc;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(ca);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> s(ioc, ctx);
    beast::get_lowest_layer(s).expires_after(5s);
    beast::get_lowest_layer(s).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    s.handshake(asio::ssl::stream_base::client);
    bhttp::request<bhttp::string_body> req{method == "POST" ? bhttp::verb::post : bhttp::verb::get, target, 11};
    req.set(bhttp::field::host, "localhost");
    if (!body.empty()) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    bhttp::write(s, req);
    beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(s, buf, res);
    out.status = res.result_int();
    out.body = res.body();
    for (const auto& f : res) out.headers[std::string(f.name_string())] = std::string(f.value());
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

TEST(Server, TlsServesHttpsWithSecureCookiesAndHsts) {
  TempDir dir;
  const std::string cert = dir.File("cert.pem"), key = dir.File("key.pem");
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost "
                          "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " + key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl could not make a certificate";
  AddUser(dir.File("t.db"), "cw1", kPassword, "commune_worker", "03390");
  const int port = FreePort();
  Child child = Child::Spawn({Under5Path(), "serve", "--db", dir.File("t.db"), "--port", std::to_string(port), "--tls-cert", cert,
                              "--tls-key", key},
                             dir.File("log"));
  TlsReply health;
  for (int i = 0; i < 200 && health.status != 200; ++i) {
    std::this_thread::sleep_for(50ms);
    health = TlsRequest(port, cert, "GET", "/api/v1/health");
  }
  ASSERT_EQ(health.status, 200) << health.error << ReadFile(dir.File("log"));
  EXPECT_EQ(health.headers["Strict-Transport-Security"], "max-age=31536000");
  TlsReply login = TlsRequest(port, cert, "POST", "/api/v1/auth/login",
                              std::string("{\"username\":\"cw1\",\"password\":\"") + kPassword + "\"}");
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string cookie = login.headers["Set-Cookie"];
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  // Plain HTTP on the TLS port gets no answer.
  EXPECT_NE(HttpClient(port).Get("/api/v1/health").status, 200);
  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(), 0);
}

TEST(Server, TlsNeedsBothFilesAndNamesTheOneAtFault) {
  TempDir dir;
  RunResult r = RunUnder5({"serve", "--db", dir.File("t.db"), "--port", "0", "--tls-cert", dir.File("missing.pem")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--tls-key"), std::string::npos) << r.err;
  WriteFile(dir.File("key.pem"), "not a key");
  r = RunUnder5({"serve", "--db", dir.File("t.db"), "--port", "0", "--tls-cert", dir.File("missing.pem"), "--tls-key",
                 dir.File("key.pem")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--tls-cert"), std::string::npos) << r.err;
}

TEST(Server, ATrustedProxySaysHttpsOthersCannot) {
  TempDir dir;
  AddUser(dir.File("t.db"), "cw1", kPassword, "commune_worker", "03390");
  const std::map<std::string, std::string> forwarded = {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-For", "203.0.113.9"},
                                                        {"Content-Type", "application/json"}};
  const std::string body = std::string("{\"username\":\"cw1\",\"password\":\"") + kPassword + "\"}";
  for (bool trusted : {false, true}) {
    ServerProcess server;
    if (trusted) server.extra_args = {"--trusted-proxy", "127.0.0.1"};
    std::string why;
    ASSERT_TRUE(server.Start(dir.File("t.db"), dir.File(trusted ? "log1" : "log0"), &why)) << why;
    HttpResponse r = HttpClient(server.port()).Request("POST", "/api/v1/auth/login", body, forwarded);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("set-cookie").find("; Secure") != std::string::npos, trusted) << r.Header("set-cookie");
    EXPECT_EQ(!r.Header("strict-transport-security").empty(), trusted);
    server.Stop();
  }
}

}  // namespace
}  // namespace u5::test
