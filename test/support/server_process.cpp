#include "support/server_process.h"

#include <signal.h>

#include <chrono>
#include <thread>

#include "support/http_client.h"
#include "support/temp_dir.h"

namespace u5::test {

bool ServerProcess::Start(const std::string& db, const std::string& log_path, std::string* why, int threads) {
  return Start(std::vector<std::string>{"--db", db}, log_path, why, threads);
}

bool ServerProcess::Start(const std::vector<std::string>& store_args, const std::string& log_path, std::string* why,
                          int threads) {
  // The port can be taken between FreePort() and bind: retry on a new one.
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = FreePort();
    std::vector<std::string> argv = wrapper;
    argv.push_back(Under5Path());
    argv.push_back("serve");
    argv.insert(argv.end(), store_args.begin(), store_args.end());
    for (const std::string& a : {std::string("--port"), std::to_string(port_), std::string("--threads"), std::to_string(threads)})
      argv.push_back(a);
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    child_ = Child::Spawn(argv, log_path);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    HttpClient c(port_);
    while (std::chrono::steady_clock::now() < deadline) {
      int code;
      if (child_.Exited(&code)) break;
      if (c.Get("/api/v1/health").status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    Kill9();
  }
  if (why) *why = ReadFile(log_path);
  return false;
}

void ServerProcess::Kill9() {
  child_.Signal(SIGKILL);
  child_.Wait();
}

int ServerProcess::Stop() {
  child_.Signal(SIGTERM);
  return child_.Wait();
}

}  // namespace u5::test
