#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/log.h"

namespace u5::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

void SecurityHeaders(bhttp::response<bhttp::string_body>& res) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  res.set("X-Frame-Options", "DENY");
}

std::string MimeOf(const std::string& path) {
  auto ends = [&](const char* ext) { return path.size() >= strlen(ext) && path.compare(path.size() - strlen(ext), strlen(ext), ext) == 0; };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".woff2")) return "font/woff2";
  return "application/octet-stream";
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket s, Api& api, const ServerOptions& opts) : stream_(std::move(s)), api_(api), opts_(opts) {
    // Once per connection, not per request: a system call each time on a
    // keep-alive connection that cannot change peers.
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }
  void Start() { Read(); }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(api_.options().max_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(60));
    bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Connection::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof) return Close();
    if (ec == bhttp::error::body_limit) return SendError(413, "too_large", "body larger than the limit");
    if (ec) {
      if (ec == beast::error::timeout || ec == asio::error::connection_reset || ec == asio::error::operation_aborted) return Close();
      return SendError(400, "bad_request", "malformed HTTP request");
    }
    auto req = parser_->release();
    Request r;
    r.method = std::string(req.method_string());
    std::string_view target(req.target().data(), req.target().size());
    size_t q = target.find('?');
    r.path = PercentDecode(target.substr(0, q));
    if (q != std::string_view::npos) r.query = ParseQuery(target.substr(q + 1));
    r.authorization = std::string(req[bhttp::field::authorization]);
    r.cookie = std::string(req[bhttp::field::cookie]);
    r.if_match = std::string(req[bhttp::field::if_match]);
    r.content_type = std::string(req[bhttp::field::content_type]);
    r.origin = std::string(req[bhttp::field::origin]);
    r.host = std::string(req[bhttp::field::host]);
    r.body = std::move(req.body());
    r.remote = remote_;
    keep_alive_ = req.keep_alive();
    version_ = req.version();

    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version_);
    res->keep_alive(keep_alive_);
    if (r.path.rfind("/api/", 0) != 0 && !opts_.static_dir.empty() && (r.method == "GET" || r.method == "HEAD")) {
      ServeStatic(r.path, *res);
    } else {
      Response out = api_.Handle(r);
      res->result(out.status);
      res->set(bhttp::field::content_type, out.content_type);
      res->set(bhttp::field::cache_control, "no-store");
      for (const auto& [k, v] : out.headers) res->set(k, v);
      res->body() = std::move(out.body);
    }
    SecurityHeaders(*res);
    res->prepare_payload();
    Write(res);
  }

  void ServeStatic(const std::string& path, bhttp::response<bhttp::string_body>& res) {
    namespace fs = std::filesystem;
    std::string rel = path == "/" ? "/index.html" : path;
    if (rel.find("..") != std::string::npos) rel = "/index.html";
    fs::path file = fs::path(opts_.static_dir) / rel.substr(1);
    std::error_code ec;
    bool is_asset = rel.rfind("/assets/", 0) == 0;
    if (!fs::is_regular_file(file, ec)) {
      file = fs::path(opts_.static_dir) / "index.html";  // single-page app routes
      is_asset = false;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      res.result(404);
      res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
      res.body() = "not found";
      return;
    }
    res.body().assign(std::istreambuf_iterator<char>(in), {});
    res.result(200);
    res.set(bhttp::field::content_type, MimeOf(file.string()));
    // Hashed asset names never change content; the HTML that names them must be revalidated.
    res.set(bhttp::field::cache_control, is_asset ? "public, max-age=31536000, immutable" : "no-cache");
  }

  void SendError(int status, const char* code, const char* msg) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(status);
    res->keep_alive(false);
    keep_alive_ = false;
    res->set(bhttp::field::content_type, "application/json");
    res->body() = std::string("{\"error\":\"") + code + "\",\"message\":\"" + msg + "\"}";
    SecurityHeaders(*res);
    res->prepare_payload();
    Write(res);
  }

  void Write(std::shared_ptr<bhttp::response<bhttp::string_body>> res) {
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec || !self->keep_alive_) return self->Close();
      self->Read();
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Api& api_;
  const ServerOptions& opts_;
  std::string remote_;
  bool keep_alive_ = false;
  unsigned version_ = 11;
};

}  // namespace

struct Server::Impl {
  Api& api;
  ServerOptions opts;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  Impl(Api& a, ServerOptions o) : api(a), opts(std::move(o)) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (!ec) {
        // A peer that hung up at once, or a shutdown in progress, leaves no
        // socket to set options on: not worth an exception on an I/O thread.
        beast::error_code opt_ec;
        s.set_option(tcp::no_delay(true), opt_ec);
        std::make_shared<Connection>(std::move(s), api, opts)->Start();
      }
      if (acceptor.is_open()) Accept();
    });
  }
};

Server::Server(Api& api, ServerOptions opts) : impl_(std::make_unique<Impl>(api, std::move(opts))) {}
Server::~Server() = default;

Status Server::Start() {
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->opts.host, ec);
  if (ec) return Status::Invalid("host", "not an IP address: " + impl_->opts.host);
  tcp::endpoint ep(addr, impl_->opts.port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Internal("cannot listen on " + impl_->opts.host + ":" + std::to_string(impl_->opts.port) + ": " + ec.message());
  impl_->signals.async_wait([this](beast::error_code, int) { Stop(); });
  impl_->Accept();
  return Status::Ok();
}

unsigned short Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::Run() {
  int n = impl_->opts.threads > 0 ? impl_->opts.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // An exception escaping a handler must not take the whole server down
  // (std::terminate): log it and go on serving the other connections.
  auto run = [this] {
    for (;;) {
      try {
        impl_->ioc.run();
        return;
      } catch (const std::exception& e) {
        log::Error("io_handler_failed", {{"what", e.what()}});
      }
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < n; ++i) pool.emplace_back(run);
  run();
  for (auto& t : pool) t.join();
}

void Server::Stop() {
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->ioc.stop();
  });
}

}  // namespace u5::http
