// HTTP/1.1 server on Boost.Beast, plain or TLS (OpenSSL): keep-alive, body
// size limit, one io_context run by N threads. Requests are handed to the Api
// synchronously (SQLite work is short; one connection per thread).
//
// It protects itself before the Api sees anything: at most `max_connections`
// at once (the next gets 503 and is closed), idle and slow connections time
// out, and when the process runs out of descriptors it stops accepting for a
// growing pause instead of retrying in a tight loop.
#pragma once
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "http/api.h"
#include "http/static_files.h"

namespace u5::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  int threads = 0;  // 0 = one per core
  std::string static_dir;  // web app files, served for non-API paths; overrides `embedded`
  std::span<const EmbeddedFile> embedded;  // the web app built into the binary (empty: not built)
  // Both set: the port speaks HTTPS only; cookies get Secure and answers HSTS.
  std::string tls_cert, tls_key;  // PEM files (the certificate file may hold the chain)
  int max_connections = 2000;
  // From accepting a connection (or finishing an answer) until the next
  // request's header is complete; then `request_timeout` for its body.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  // A streaming answer (server-sent events) gets a ": ping" comment this often,
  // which keeps proxies from closing it and finds clients that stopped reading.
  std::chrono::milliseconds stream_ping{std::chrono::seconds(15)};
  // Reverse proxies whose X-Forwarded-For (last hop) and X-Forwarded-Proto are
  // believed; from anyone else these headers are ignored.
  std::vector<std::string> trusted_proxies;
  // The published indicators (public_files.h): served under /public/ from this
  // folder when set, with no session, audit or database.
  std::string public_dir;
};

class Server {
 public:
  Server(Api& api, ServerOptions opts);
  // `serve-public`: no Api and no database; only /public/ (from
  // opts.public_dir) and the files its page loads (/assets/, /geo/, the icon).
  explicit Server(ServerOptions opts);
  ~Server();
  // Loads the TLS key pair, raises the descriptor limit to fit
  // max_connections and binds; an error names the file or address at fault.
  Status Start();
  // Blocks until Stop() or SIGINT/SIGTERM.
  void Run();
  void Stop();
  unsigned short port() const;
  bool tls() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace u5::http
