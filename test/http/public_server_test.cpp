// The /public/ paths through a real server: `serve-public` (no Api, no
// database) answers only the public paths and the page's files; `serve`
// answers /public/ before the Api, so a public read leaves no audit entry.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <thread>

#include "http/api.h"
#include "http/server.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace u5::http {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

struct Site {
  test::TempDir dir;
  std::string web = dir.File("dist"), pub = dir.File("public");
  Site() {
    fs::create_directories(web + "/assets");
    fs::create_directories(pub + "/12");
    test::WriteFile(web + "/public.html", "<html>public page</html>");
    test::WriteFile(web + "/index.html", "<html>the signed-in app</html>");
    test::WriteFile(web + "/assets/public-1a2b.js", "js");
    test::WriteFile(pub + "/12/2025.json", R"({"format":"under5-publication/1"})");
    test::WriteFile(pub + "/12/2025.csv", "orgunit\r\n12\r\n");
    test::WriteFile(pub + "/index.json", R"({"provinces":[{"orgunit":"12","publications":[{"period":"2025"}]}]})");
  }
  ServerOptions Options() const {
    ServerOptions so;
    so.port = 0;
    so.threads = 1;
    so.static_dir = web;
    so.public_dir = pub;
    return so;
  }
};

// One request on its own connection; the whole answer (the server closes it).
std::string Fetch(unsigned short port, const std::string& method, const std::string& path) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  const std::string req = method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  asio::write(s, asio::buffer(req));
  std::string out;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(out), ec);
  return out;
}

int StatusOf(const std::string& answer) { return std::stoi(answer.substr(9, 3)); }

struct Case {
  const char* method;
  const char* path;
  int status;
  const char* has;  // in the head or the body
};

const Case kPublicOnly[] = {
    {"GET", "/public/12/2025", 200, "public page"},
    {"GET", "/public/12/2025", 200, "Cache-Control: public, max-age=300"},
    {"GET", "/public/12/2024", 404, "public page"},
    {"GET", "/public/data/12/2025.json", 200, "under5-publication/1"},
    {"GET", "/public/data/12/2024.json", 404, "{\"error\":\"not_found\"}"},
    {"HEAD", "/public/data/12/2025.csv", 200, "Content-Length: 13"},
    {"POST", "/public/data/12/2025.json", 405, "Allow: GET, HEAD"},
    {"GET", "/assets/public-1a2b.js", 200, "js"},
    // The app and the API are not there at all.
    {"GET", "/", 302, "Location: /public/"},
    {"GET", "/index.html", 404, "not_found"},
    {"GET", "/persons/123", 404, "not_found"},
    {"GET", "/api/v1/health", 404, "not_found"},
    {"POST", "/api/v1/auth/login", 404, "not_found"},
};

TEST(PublicServer, ServePublicAnswersOnlyThePublicPaths) {
  Site site;
  Server server(site.Options());
  ASSERT_TRUE(server.Start().ok());
  std::thread run([&] { server.Run(); });
  for (const Case& c : kPublicOnly) {
    SCOPED_TRACE(std::string(c.method) + " " + c.path);
    const std::string a = Fetch(server.port(), c.method, c.path);
    ASSERT_GT(a.size(), 12u);
    EXPECT_EQ(StatusOf(a), c.status) << a;
    EXPECT_NE(a.find(c.has), std::string::npos) << a;
  }
  server.Stop();
  run.join();
}

TEST(PublicServer, ServeAnswersPublicPathsBeforeTheApiWithNoAudit) {
  Site site;
  std::unique_ptr<store::Store> store;
  ASSERT_TRUE(store::OpenSqliteStore(site.dir.File("t.db"), &store).ok());
  Api api(*store, Routes{});
  Server server(api, site.Options());
  ASSERT_TRUE(server.Start().ok());
  std::thread run([&] { server.Run(); });
  int64_t seq0 = 0, seq1 = 0;
  std::string hash;
  ASSERT_TRUE(store->AuditChainHead(&seq0, &hash).ok());
  EXPECT_EQ(StatusOf(Fetch(server.port(), "GET", "/public/data/12/2025.json")), 200);
  EXPECT_EQ(StatusOf(Fetch(server.port(), "GET", "/public/data/12/2024.json")), 404);
  EXPECT_EQ(StatusOf(Fetch(server.port(), "GET", "/public/12/2025")), 200);
  api.FlushAudit();
  ASSERT_TRUE(store->AuditChainHead(&seq1, &hash).ok());
  EXPECT_EQ(seq1, seq0);
  // The rest is the app and the API as before.
  EXPECT_NE(Fetch(server.port(), "GET", "/persons/123").find("the signed-in app"), std::string::npos);
  EXPECT_EQ(StatusOf(Fetch(server.port(), "GET", "/api/v1/health")), 200);
  server.Stop();
  run.join();
}

}  // namespace
}  // namespace u5::http
