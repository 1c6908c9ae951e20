// HTTP/1.1 server on Boost.Beast: keep-alive, body size limit, one io_context
// run by N threads. Requests are handed to the Api synchronously (SQLite work
// is short; one connection per thread).
#pragma once
#include <memory>
#include <string>

#include "http/api.h"

namespace u5::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  int threads = 0;  // 0 = one per core
  std::string static_dir;  // web app files, served for non-API paths (empty = none)
};

class Server {
 public:
  Server(Api& api, ServerOptions opts);
  ~Server();
  // Binds; returns an error naming the address when it cannot.
  Status Start();
  // Blocks until Stop() or SIGINT/SIGTERM.
  void Run();
  void Stop();
  unsigned short port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace u5::http
