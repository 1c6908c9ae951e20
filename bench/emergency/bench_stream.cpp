// Board update latency: the time from sending a POST /emergencies to each of
// N open event streams (default 200, one hospital user, real server and
// sockets on loopback) receiving that alert. Alerts go one at a time, every
// 100 ms; the figure is p50/p95/p99/max over every (alert, stream) pair.
// Usage: bench_emergency_stream [SUBSCRIBERS] [ALERTS] [SERVER_THREADS]
#include <algorithm>
#include <array>
#include <functional>
#include <utility>
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "auth/session.h"
#include "emergency/http_routes.h"
#include "emergency/service.h"
#include "http/api.h"
#include "http/server.h"
#include "orgunit/load.h"
#include "store/store.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace asio = boost::asio;
using Steady = std::chrono::steady_clock;
using namespace u5;

namespace {

struct Sub {
  asio::ip::tcp::socket sock;
  std::array<char, 8192> buf{};
  std::string pending;
  explicit Sub(asio::io_context& io) : sock(io) {}
};

}  // namespace

int main(int argc, char** argv) {
  const int n_subs = argc > 1 ? std::atoi(argv[1]) : 200;
  const int n_alerts = argc > 2 ? std::atoi(argv[2]) : 50;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 2;
  test::TempDir dir;
  std::unique_ptr<store::Store> st;
  if (!store::OpenSqliteStore(dir.File("bench.db"), &st).ok()) return 1;
  if (Status s = orgunit::LoadOrgUnits(*st, U5_DATA_DIR); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  if (!auth::AddUser(*st, "benhvien", "Benh-vien-bench-2026", "hospital_worker", {"bv:12-sannhi"}).ok() ||
      !auth::AddUser(*st, "tramyte", "Tram-y-te-bench-2026", "commune_worker", {"03390"}).ok())
    return 1;
  emergency::Service svc(*st, emergency::Config::Builtin());
  emergency::Service::Attach(*st, &svc);
  http::Api api(*st, emergency::Routes());
  http::ServerOptions so;
  so.port = 0;
  so.threads = threads;
  http::Server server(api, so);
  if (!server.Start().ok()) return 1;
  std::thread run([&] { server.Run(); });
  test::HttpClient hospital(server.port()), commune(server.port());
  if (!hospital.Login("benhvien", "Benh-vien-bench-2026") || !commune.Login("tramyte", "Tram-y-te-bench-2026")) return 1;

  // Every stream opened and past its hello before the first alert.
  asio::io_context io;
  std::vector<std::unique_ptr<Sub>> subs;
  const std::string req =
      "GET /api/v1/emergencies/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + hospital.token() + "\r\n\r\n";
  for (int i = 0; i < n_subs; ++i) {
    auto s = std::make_unique<Sub>(io);
    s->sock.connect({asio::ip::make_address("127.0.0.1"), server.port()});
    asio::write(s->sock, asio::buffer(req));
    std::string got;
    while (got.find("event: hello") == std::string::npos) {
      const size_t n = s->sock.read_some(asio::buffer(s->buf));
      got.append(s->buf.data(), n);
    }
    subs.push_back(std::move(s));
  }
  std::mutex mu;
  std::map<int, Steady::time_point> sent;
  std::map<int, std::vector<Steady::time_point>> got;
  std::atomic<int> received{0};
  std::function<void(Sub&)> read = [&](Sub& s) {
    s.sock.async_read_some(asio::buffer(s.buf), [&, ps = &s](boost::system::error_code ec, size_t n) {
      if (ec) return;
      const auto now = Steady::now();
      ps->pending.append(ps->buf.data(), n);
      size_t end;
      while ((end = ps->pending.find("\n\n")) != std::string::npos) {
        const std::string ev = ps->pending.substr(0, end);
        ps->pending.erase(0, end + 2);
        const size_t at = ev.find("\"patient_label\":\"bench-");
        if (at == std::string::npos || ev.find("\"next_step\":\"acknowledged\"") == std::string::npos) continue;
        const int k = std::atoi(ev.c_str() + at + 23);
        std::lock_guard lock(mu);
        got[k].push_back(now);
        ++received;
      }
      read(*ps);
    });
  };
  for (auto& s : subs) read(*s);
  std::thread reader([&] { io.run(); });

  for (int k = 0; k < n_alerts; ++k) {
    nlohmann::json body = {{"patient_kind", "mother"}, {"patient_label", "bench-" + std::to_string(k)}, {"level", "red"},
                           {"reason", "eclampsia"}, {"from_orgunit", "tyt:03390"}, {"to_orgunit", "bv:12-sannhi"}};
    {
      std::lock_guard lock(mu);
      sent[k] = Steady::now();
    }
    test::HttpResponse r = commune.Post("/api/v1/emergencies", body);
    if (r.status != 201) {
      std::fprintf(stderr, "POST failed: %d %s\n", r.status, r.body.c_str());
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const auto deadline = Steady::now() + std::chrono::seconds(10);
  while (received < n_subs * n_alerts && Steady::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::vector<double> ms;
  {
    std::lock_guard lock(mu);
    for (const auto& [k, ts] : got)
      for (const auto& t : ts) ms.push_back(std::chrono::duration<double, std::milli>(t - sent[k]).count());
  }
  for (auto& s : subs) {
    boost::system::error_code ec;
    s->sock.close(ec);
  }
  io.stop();
  reader.join();
  server.Stop();
  run.join();
  std::sort(ms.begin(), ms.end());
  auto q = [&](double p) { return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
  std::printf("subscribers %d, alerts %d, server threads %d: %zu of %d deliveries; p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
              n_subs, n_alerts, threads, ms.size(), n_subs * n_alerts, q(0.5), q(0.95), q(0.99), ms.empty() ? 0.0 : ms.back());
  return ms.size() == static_cast<size_t>(n_subs * n_alerts) ? 0 : 1;
}
