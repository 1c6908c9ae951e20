// The live stream: a subscriber's queue (scope, drop when too far behind), and
// a real server's server-sent events over sockets: the event arrives, the
// stream ends when the client goes and when the server stops.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <future>
#include <thread>

#include "auth/session.h"
#include "emergency/http_routes.h"
#include "emergency/service.h"
#include "http/api.h"
#include "http/server.h"
#include "population.h"
#include "support/http_client.h"

namespace u5::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace asio = boost::asio;

json Alert() {
  return {{"patient_kind", "newborn"}, {"patient_label", "Con bà Mai"}, {"level", "red"}, {"reason", "newborn_asphyxia"},
          {"from_orgunit", "tyt:03390"}, {"to_orgunit", "bv:12-sannhi"}};
}

class EmergencyStream : public OnEachStore {};

TEST_P(EmergencyStream, SubscribersGetTheHelloThenWhatTheyMaySeeAndTheSlowOneIsDropped) {
  Population pop(GetParam());
  emergency::Service svc(pop.store(), emergency::Config::Builtin());
  auth::Principal worker{"u1", "demo", "commune_worker", {"03390"}};
  auth::Principal hospital{"u3", "benhvien", "hospital_worker", {"bv:12-sannhi"}};
  auth::Principal other{"u2", "xa", "commune_worker", {"03394"}};
  auto h = svc.Subscribe(hospital, "test");
  auto o = svc.Subscribe(other, "test");
  int wakes = 0;
  h->Start([&] { ++wakes; });
  o->Start([] {});
  std::string got;
  ASSERT_TRUE(h->Take(&got));
  EXPECT_NE(got.find("event: hello\ndata: {\"now\":"), std::string::npos);
  ASSERT_TRUE(o->Take(&got));
  emergency::NewCase in{"newborn", "", "Con bà Mai", "red", "newborn_asphyxia", "tyt:03390", "bv:12-sannhi", ""};
  emergency::Case c;
  ASSERT_TRUE(svc.Create(in, worker, ByUser("demo"), &c).ok());
  EXPECT_EQ(wakes, 1);
  ASSERT_TRUE(h->Take(&got));
  EXPECT_EQ(got.rfind("event: emergency\ndata: {", 0), 0u) << got;
  EXPECT_NE(got.find(c.id), std::string::npos);
  ASSERT_TRUE(o->Take(&got));
  EXPECT_EQ(got, "");  // another commune: nothing
  // A client that never reads: once its queue would pass the limit it is dropped.
  svc.set_stream_queue_bytes(2000);
  auto slow = svc.Subscribe(hospital, "test");
  slow->Start([] {});
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(svc.Create(in, worker, ByUser("demo"), &c).ok());
  EXPECT_FALSE(slow->Take(&got));
  EXPECT_TRUE(h->Take(&got));  // the others go on
  EXPECT_EQ(svc.subscribers(), 3u);
  slow.reset();
  EXPECT_EQ(svc.subscribers(), 2u);
}

// Reads from a socket until `needle` shows up or the time is out.
bool ReadUntil(asio::ip::tcp::socket& s, std::string& buf, const std::string& needle, std::chrono::milliseconds within) {
  const auto end = std::chrono::steady_clock::now() + within;
  s.non_blocking(true);
  while (buf.find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() > end) return false;
    char tmp[4096];
    boost::system::error_code ec;
    const size_t n = s.read_some(asio::buffer(tmp), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(5ms);
      continue;
    }
    if (ec) return false;
    buf.append(tmp, n);
  }
  return true;
}

TEST_P(EmergencyStream, ARealServerStreamsEventsAndEndsTheStreamWhenTheClientGoesOrItStops) {
  Population pop(GetParam());
  ASSERT_TRUE(auth::AddUser(pop.store(), "benhvien", "Benh-vien-2026-test", "hospital_worker", {"bv:12-sannhi"}).ok());
  ASSERT_TRUE(auth::AddUser(pop.store(), "tramyte", "Tram-y-te-2026-test", "commune_worker", {"03390"}).ok());
  emergency::Service svc(pop.store(), emergency::Config::Builtin());
  emergency::Service::Attach(pop.store(), &svc);
  http::Api api(pop.store(), emergency::Routes());
  http::ServerOptions so;
  so.port = 0;
  so.threads = 2;
  so.idle_timeout = 300ms;  // a stream outlives the read timeouts
  so.request_timeout = 300ms;
  so.stream_ping = 200ms;
  http::Server server(api, so);
  ASSERT_TRUE(server.Start().ok());
  std::thread run([&] { server.Run(); });

  HttpClient hospital(server.port()), commune(server.port());
  ASSERT_TRUE(hospital.Login("benhvien", "Benh-vien-2026-test"));
  ASSERT_TRUE(commune.Login("tramyte", "Tram-y-te-2026-test"));
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  const std::string req = "GET /api/v1/emergencies/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + hospital.token() + "\r\n\r\n";
  asio::write(s, asio::buffer(req));
  std::string buf;
  ASSERT_TRUE(ReadUntil(s, buf, "event: hello", 2s)) << buf;
  EXPECT_EQ(buf.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(buf.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(buf.find("X-Content-Type-Options: nosniff"), std::string::npos);
  // Past the read and idle timeouts, the stream lives and pings.
  ASSERT_TRUE(ReadUntil(s, buf, ": ping", 2s));
  std::this_thread::sleep_for(500ms);
  HttpResponse created = commune.Post("/api/v1/emergencies", Alert());
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_TRUE(ReadUntil(s, buf, created.Json()["id"].get<std::string>(), 2s)) << buf;
  EXPECT_EQ(svc.subscribers(), 1u);
  s.close();  // the client goes: the server lets go of the subscription
  for (int i = 0; i < 200 && svc.subscribers() > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(svc.subscribers(), 0u);

  // A stream still open does not keep the server from stopping.
  asio::ip::tcp::socket s2(io);
  s2.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  asio::write(s2, asio::buffer(req));
  std::string buf2;
  ASSERT_TRUE(ReadUntil(s2, buf2, "event: hello", 2s));
  auto stopped = std::async(std::launch::async, [&] {
    server.Stop();
    run.join();
  });
  EXPECT_EQ(stopped.wait_for(5s), std::future_status::ready);
}

U5_ON_BOTH_STORES(EmergencyStream);

}  // namespace
}  // namespace u5::test
