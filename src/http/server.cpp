#include "http/server.h"

#include <sys/resource.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>
#include <set>
#include <thread>

#include "core/log.h"
#include "http/encoding.h"
#include "http/public_files.h"
#include "http/static_files.h"

namespace u5::http {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Reply = bhttp::response<bhttp::string_body>;

namespace {

constexpr const char* kHsts = "max-age=31536000";

// Answered for the web app's paths by a binary built before web/dist existed, run without --static.
constexpr std::string_view kNotBuilt =
    "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>under5: web app not built</title>"
    "<h1>Ứng dụng web chưa được đóng gói vào chương trình này</h1>"
    "<h2 lang=\"en\">The web app was not built into this binary</h2>"
    "<p lang=\"en\">Build it (<code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>), then the binary "
    "(<code>cmake --build build --target under5</code>), or serve it with <code>under5 serve --static web/dist</code>. "
    "<code>scripts/run</code> does both. The API under <code>/api/v1/</code> works without it.</p></html>\n";

void SecurityHeaders(Reply& res, bool secure) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  res.set("X-Frame-Options", "DENY");
  if (secure) res.set("Strict-Transport-Security", kHsts);
}

// What every connection shares with the server: the Api, the options, the
// web app's and the published files and the count of open connections.
struct Shared {
  Api* api;  // null for `serve-public`
  const ServerOptions& opts;
  StaticFiles statics;  // --static DIR, else the embedded app (which may be empty)
  std::set<std::string> trusted_proxies;
  std::unique_ptr<PublicFiles> publics;  // when opts.public_dir is set
  std::atomic<int> open{0};
};

// What `serve-public` serves of the web app: the public page's script, styles and maps, nothing
// of the signed-in app.
bool PublicAsset(std::string_view path) {
  return path.rfind("/assets/", 0) == 0 || path.rfind("/geo/", 0) == 0 || path == "/favicon.svg";
}

// A public-only server reads no request body: a header's worth is plenty.
constexpr size_t kPublicOnlyBodyLimit = 16 * 1024;

// Holds one of the `max_connections` places for as long as a connection lives.
class Slot {
 public:
  explicit Slot(Shared& s) : s_(s) {}
  ~Slot() { s_.open.fetch_sub(1, std::memory_order_relaxed); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  Shared& s_;
};

template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <class... Args>
  Connection(Shared& shared, tcp::socket s, Args&&... args)
      : shared_(shared), slot_(shared), stream_(std::move(s), std::forward<Args>(args)...) {
    // Once per connection, not per request: a system call each time on a
    // keep-alive connection that cannot change peers.
    beast::error_code ec;
    auto ep = Socket().remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string();
  }

  void Start() {
    if constexpr (kTls) {
      Lowest().expires_after(shared_.opts.idle_timeout);
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->Close();
        self->Read();
      });
    } else {
      Read();
    }
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  tcp::socket& Socket() { return Lowest().socket(); }

  void Read() {
    parser_.emplace();
    parser_->body_limit(shared_.api ? shared_.api->options().max_body_bytes : kPublicOnlyBodyLimit);
    parser_->header_limit(16 * 1024);
    // An idle keep-alive connection, or a client sending its header a byte at
    // a time, is dropped when the idle time is up.
    Lowest().expires_after(shared_.opts.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Connection::OnHeader, this->shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return OnRead(ec, 0);
    Lowest().expires_after(shared_.opts.request_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Connection::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof) return Close();
    if (ec == bhttp::error::body_limit) return SendError(413, "too_large", "body larger than the limit");
    if (ec) {
      if (ec == beast::error::timeout || ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
          ec == ssl::error::stream_truncated)
        return Close();
      return SendError(400, "bad_request", "malformed HTTP request");
    }
    auto req = parser_->release();
    Request r;
    r.method = std::string(req.method_string());
    std::string_view target(req.target().data(), req.target().size());
    const size_t q = target.find('?');
    const std::string_view raw_path = target.substr(0, q);
    r.path = PercentDecode(raw_path);
    if (q != std::string_view::npos) {
      r.query = ParseQuery(target.substr(q + 1));
      r.raw_query = std::string(target.substr(q + 1));
    }
    r.authorization = std::string(req[bhttp::field::authorization]);
    r.cookie = std::string(req[bhttp::field::cookie]);
    r.if_match = std::string(req[bhttp::field::if_match]);
    r.if_none_exist = std::string(req["If-None-Exist"]);
    r.content_type = std::string(req[bhttp::field::content_type]);
    r.origin = std::string(req[bhttp::field::origin]);
    r.host = std::string(req[bhttp::field::host]);
    r.body = std::move(req.body());
    r.remote = peer_;
    r.secure = kTls;
    if (!shared_.trusted_proxies.empty() && shared_.trusted_proxies.count(peer_)) FromProxy(req, &r);
    keep_alive_ = req.keep_alive();

    auto res = std::make_shared<Reply>();
    res->version(req.version());
    res->keep_alive(keep_alive_);
    const std::string_view accept_encoding(req[bhttp::field::accept_encoding].data(), req[bhttp::field::accept_encoding].size());
    const bool get = r.method == "GET" || r.method == "HEAD";
    const std::string_view if_none_match(req[bhttp::field::if_none_match].data(), req[bhttp::field::if_none_match].size());
    if (shared_.publics && PublicFiles::Owns(r.path)) {
      // Before the API: no session is read, nothing is audited, the store is never asked.
      if (get) {
        StaticReply s = shared_.publics->Serve(raw_path, accept_encoding, if_none_match, r.method == "HEAD");
        Answer(std::move(s), *res);
      } else {
        PlainError(405, "method_not_allowed", *res);
        res->set(bhttp::field::allow, "GET, HEAD");
      }
    } else if (!shared_.api) {
      if (get && r.path == "/") {
        res->result(302);
        res->set(bhttp::field::location, "/public/");
        res->content_length(0);
      } else if (get && PublicAsset(r.path)) {
        ServeStatic(raw_path, accept_encoding, if_none_match, r.method == "HEAD", *res);
      } else {
        PlainError(404, "not_found", *res);
      }
    } else if (r.path.rfind("/api/", 0) != 0 && r.path != "/fhir" && r.path.rfind("/fhir/", 0) != 0 && get) {
      ServeStatic(raw_path, accept_encoding, if_none_match, r.method == "HEAD", *res);
    } else {
      Response out = shared_.api->Handle(r);
      if (out.stream) return StartStream(std::move(out), r.secure);
      res->result(out.status);
      res->set(bhttp::field::content_type, out.content_type);
      res->set(bhttp::field::cache_control, "no-store");
      for (const auto& [k, v] : out.headers) res->set(k, v);
      if (Compressible(out.content_type)) res->set(bhttp::field::vary, "Accept-Encoding");
      Encoded e = EncodeReply(out.content_type, std::move(out.body), accept_encoding, out.brotli_quality);
      if (e.coding != Coding::kIdentity) res->set(bhttp::field::content_encoding, std::string(CodingName(e.coding)));
      res->body() = std::move(e.body);
      res->prepare_payload();
    }
    SecurityHeaders(*res, r.secure);
    Write(res);
  }

  // The client as the proxy saw it: the last X-Forwarded-For hop is the one
  // the trusted proxy added itself; earlier hops are whatever the client sent.
  static void FromProxy(const bhttp::request<bhttp::string_body>& req, Request* r) {
    std::string_view xff(req["X-Forwarded-For"].data(), req["X-Forwarded-For"].size());
    if (!xff.empty()) {
      const size_t comma = xff.rfind(',');
      std::string_view last = comma == std::string_view::npos ? xff : xff.substr(comma + 1);
      while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
      while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
      beast::error_code ec;
      asio::ip::make_address(std::string(last), ec);
      if (!ec) r->remote = std::string(last);
    }
    if (beast::iequals(req["X-Forwarded-Proto"], "https")) r->secure = true;
  }

  // The web app's files (from --static DIR or embedded), or a page saying it was not built.
  void ServeStatic(std::string_view raw_path, std::string_view accept_encoding, std::string_view if_none_match, bool head,
                   Reply& res) {
    if (!shared_.statics.enabled()) {
      res.result(503);
      res.set(bhttp::field::content_type, "text/html; charset=utf-8");
      res.set(bhttp::field::cache_control, "no-store");
      res.body() = head ? std::string() : std::string(kNotBuilt);
      res.content_length(kNotBuilt.size());
      return;
    }
    Answer(shared_.statics.Serve(raw_path, accept_encoding, if_none_match, head), res);
  }

  static void PlainError(int status, std::string_view code, Reply& res) {
    res.result(status);
    res.set(bhttp::field::content_type, "application/json");
    res.set(bhttp::field::cache_control, "no-store");
    res.body() = "{\"error\":\"" + std::string(code) + "\"}";
    res.prepare_payload();
  }

  static void Answer(StaticReply s, Reply& res) {
    res.result(s.status);
    res.set(bhttp::field::content_type, s.content_type);
    res.set(bhttp::field::cache_control, s.cache_control);
    if (!s.etag.empty()) res.set(bhttp::field::etag, s.etag);
    if (!s.content_encoding.empty()) res.set(bhttp::field::content_encoding, s.content_encoding);
    if (s.vary) res.set(bhttp::field::vary, "Accept-Encoding");
    // HEAD and 304: the length of what GET would send, with no body.
    res.content_length(s.content_length);
    if (s.status == 304) return;
    res.set(bhttp::field::accept_ranges, "none");
    res.body() = std::move(s.body);
  }

  void SendError(int status, const char* code, const char* msg) {
    auto res = std::make_shared<Reply>();
    res->version(11);
    res->result(status);
    res->keep_alive(false);
    keep_alive_ = false;
    res->set(bhttp::field::content_type, "application/json");
    res->body() = std::string("{\"error\":\"") + code + "\",\"message\":\"" + msg + "\"}";
    SecurityHeaders(*res, kTls);
    res->prepare_payload();
    Write(res);
  }

  void Write(std::shared_ptr<Reply> res) {
    Lowest().expires_after(shared_.opts.request_timeout);
    bhttp::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec || !self->keep_alive_) return self->Close();
      self->Read();
    });
  }

  void Close() {
    beast::error_code ec;
    Socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // A streaming answer (server-sent events). The head has no length and says
  // Connection: close: the body is whatever the source yields until one side
  // ends it. The read timeout no longer applies; instead the connection ends
  // when the client goes (a read on it fails), when a write makes no progress
  // for request_timeout (checked at each ping), when the source gives up on a
  // client that fell behind, or when the server stops. It keeps its Slot, so
  // streams count against max_connections like any connection.
  void StartStream(Response out, bool secure) {
    keep_alive_ = false;
    Reply head;
    head.result(out.status);
    head.set(bhttp::field::content_type, out.content_type);
    head.set(bhttp::field::cache_control, "no-store");
    head.set(bhttp::field::connection, "close");
    head.set("X-Accel-Buffering", "no");  // a proxy in front must not hold events back
    for (const auto& [k, v] : out.headers) head.set(k, v);
    SecurityHeaders(head, secure);
    std::string text = "HTTP/1.1 " + std::to_string(out.status) + " " + std::string(head.reason()) + "\r\n";
    for (const auto& f : head) text += std::string(f.name_string()) + ": " + std::string(f.value()) + "\r\n";
    pending_out_ = text + "\r\n";
    source_ = std::move(out.stream);
    Lowest().expires_never();
    ping_.emplace(stream_.get_executor());
    source_->Start([weak = this->weak_from_this()] {
      if (auto self = weak.lock()) asio::post(self->stream_.get_executor(), [self] { self->Pump(); });
    });
    Pump();
    WatchClient();
    SchedulePing();
  }

  void Pump() {
    if (!source_ || writing_) return;
    std::string more;
    if (!source_->Take(&more)) return EndStream();
    pending_out_ += more;
    if (pending_out_.empty()) return;
    writing_ = true;
    in_flight_ = std::move(pending_out_);
    pending_out_.clear();
    write_started_ = std::chrono::steady_clock::now();
    asio::async_write(stream_, asio::buffer(in_flight_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return self->EndStream();
      self->Pump();
    });
  }

  // The client sends nothing on an event stream: any read completing with an
  // error means it went.
  void WatchClient() {
    stream_.async_read_some(asio::buffer(probe_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->EndStream();
      if (self->source_) self->WatchClient();
    });
  }

  void SchedulePing() {
    ping_->expires_after(shared_.opts.stream_ping);
    ping_->async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || !self->source_) return;
      if (self->writing_ && std::chrono::steady_clock::now() - self->write_started_ > self->shared_.opts.request_timeout)
        return self->EndStream();  // a client that stopped reading
      self->pending_out_ += ": ping\n\n";
      self->Pump();
      self->SchedulePing();
    });
  }

  void EndStream() {
    if (!source_) return;
    source_->Stop();
    source_.reset();
    if (ping_) ping_->cancel();
    beast::error_code ec;
    Socket().shutdown(tcp::socket::shutdown_both, ec);
    Socket().close(ec);
  }

  Shared& shared_;
  Slot slot_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string peer_;
  bool keep_alive_ = false;
  // Streaming answers only.
  std::shared_ptr<StreamSource> source_;
  std::string pending_out_, in_flight_;
  bool writing_ = false;
  std::chrono::steady_clock::time_point write_started_;
  std::optional<asio::steady_timer> ping_;
  std::array<char, 512> probe_{};

 public:
  ~Connection() {
    if (source_) source_->Stop();
  }
};

// Errors of accept() that mean "out of a resource for now": retrying at once
// would only fail again, in a loop that takes a whole core.
bool OutOfResources(const beast::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space || ec == asio::error::no_memory ||
         ec.value() == ENFILE;
}

}  // namespace

struct Server::Impl {
  ServerOptions opts;
  Shared shared;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  asio::steady_timer pause{ioc};
  std::chrono::milliseconds backoff{0};
  std::chrono::steady_clock::time_point last_warning{};
  std::optional<ssl::context> tls;

  Impl(Api* a, ServerOptions o)
      : opts(std::move(o)), shared{a, opts, opts.static_dir.empty() ? StaticFiles(opts.embedded) : StaticFiles(opts.static_dir), {opts.trusted_proxies.begin(), opts.trusted_proxies.end()}, nullptr} {
    if (!opts.public_dir.empty()) shared.publics = std::make_unique<PublicFiles>(opts.public_dir, shared.statics);
  }

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) return AcceptFailed(ec);
      backoff = std::chrono::milliseconds(0);
      // A peer that hung up at once leaves no socket to set options on: not
      // worth an exception on an I/O thread.
      beast::error_code opt_ec;
      s.set_option(tcp::no_delay(true), opt_ec);
      if (shared.open.fetch_add(1, std::memory_order_relaxed) >= opts.max_connections) {
        shared.open.fetch_sub(1, std::memory_order_relaxed);
        Refuse(std::move(s));
      } else if (tls) {
        std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(shared, std::move(s), *tls)->Start();
      } else {
        std::make_shared<Connection<beast::tcp_stream>>(shared, std::move(s))->Start();
      }
      Accept();
    });
  }

  // Over the limit: a short 503 on plain HTTP (a TLS client could not read
  // one before a handshake we will not spend on it), then the door closes.
  void Refuse(tcp::socket s) {
    static const std::string k503 =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
        "Connection: close\r\nContent-Length: 66\r\n\r\n"
        "{\"error\":\"unavailable\",\"message\":\"too many connections; retry\"}\n";
    auto sock = std::make_shared<tcp::socket>(std::move(s));
    if (tls) {
      beast::error_code ec;
      sock->close(ec);
      return;
    }
    asio::async_write(*sock, asio::buffer(k503), [sock](beast::error_code, std::size_t) {
      beast::error_code ec;
      sock->shutdown(tcp::socket::shutdown_both, ec);
      sock->close(ec);
    });
  }

  void AcceptFailed(const beast::error_code& ec) {
    if (!OutOfResources(ec)) return Accept();  // the peer gave up before we took it (ECONNABORTED, ...)
    backoff = std::min(std::chrono::milliseconds(1000), std::max(std::chrono::milliseconds(10), backoff * 2));
    const auto now = std::chrono::steady_clock::now();
    if (now - last_warning > std::chrono::seconds(10)) {
      last_warning = now;
      log::Warn("accept_paused", {{"error", ec.message()}, {"open_connections", shared.open.load()},
                                  {"pause_ms", backoff.count()}});
    }
    pause.expires_after(backoff);
    pause.async_wait([this](beast::error_code e) {
      if (!e && acceptor.is_open()) Accept();
    });
  }

  Status LoadTls() {
    if (opts.tls_cert.empty() != opts.tls_key.empty())
      return Status::Invalid(opts.tls_cert.empty() ? "--tls-cert" : "--tls-key", "give both --tls-cert and --tls-key");
    if (opts.tls_cert.empty()) return Status::Ok();
    tls.emplace(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    beast::error_code ec;
    tls->use_certificate_chain_file(opts.tls_cert, ec);
    if (ec) return Status::Invalid("--tls-cert", "cannot load the certificate " + opts.tls_cert + ": " + ec.message());
    tls->use_private_key_file(opts.tls_key, ssl::context::pem, ec);
    if (ec) return Status::Invalid("--tls-key", "cannot load the private key " + opts.tls_key + ": " + ec.message());
    if (SSL_CTX_check_private_key(tls->native_handle()) != 1)
      return Status::Invalid("--tls-key", "the private key does not match the certificate");
    return Status::Ok();
  }

  // Every connection is a descriptor, and the usual soft limit (1024) is below
  // the connection limit; the hard limit, set by the operator, is respected.
  void RaiseDescriptorLimit() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    const rlim_t want = static_cast<rlim_t>(opts.max_connections) + 256;
    if (rl.rlim_cur < want) {
      rl.rlim_cur = std::min(want, rl.rlim_max);
      setrlimit(RLIMIT_NOFILE, &rl);
      getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < want)
      log::Warn("descriptor_limit_low", {{"limit", static_cast<int64_t>(rl.rlim_cur)}, {"max_connections", opts.max_connections},
                                         {"effect", "connections beyond the limit wait until descriptors free up"}});
  }
};

Server::Server(Api& api, ServerOptions opts) : impl_(std::make_unique<Impl>(&api, std::move(opts))) {}
Server::Server(ServerOptions opts) : impl_(std::make_unique<Impl>(nullptr, std::move(opts))) {}
Server::~Server() = default;

Status Server::Start() {
  if (impl_->opts.max_connections < 1) return Status::Invalid("--max-connections", "must be at least 1");
  if (!impl_->opts.static_dir.empty() && !impl_->shared.statics.enabled())
    return Status::Invalid("--static", "not a folder: " + impl_->opts.static_dir);
  U5_RETURN_IF_ERROR(impl_->LoadTls());
  impl_->RaiseDescriptorLimit();
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
bool Server::tls() const { return impl_->tls.has_value(); }

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
    impl_->pause.cancel();
    impl_->ioc.stop();
  });
}

}  // namespace u5::http
