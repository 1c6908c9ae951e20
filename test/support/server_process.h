// build/under5 serve as a child process on a free loopback port.
#pragma once
#include <string>
#include <vector>

#include "support/process.h"

namespace u5::test {

class ServerProcess {
 public:
  // Starts `under5 serve --db db` and waits until /api/v1/health answers.
  // False (with the log in *why) if it did not come up within 20 s.
  bool Start(const std::string& db, const std::string& log_path, std::string* why, int threads = 2);
  // The same over any store: `store_args` names it (TestStoreLocation::StoreArgs(): --db FILE or --pg URI).
  bool Start(const std::vector<std::string>& store_args, const std::string& log_path, std::string* why, int threads = 2);
  // More `serve` options, and a command that runs the server (prlimit ...), for the next Start.
  std::vector<std::string> extra_args, wrapper;
  int port() const { return port_; }
  pid_t child_pid() const { return child_.pid(); }
  void Kill9();   // SIGKILL, as a power cut would
  int Stop();     // SIGTERM, then wait; the exit code
  bool running() const { return child_.running(); }

 private:
  Child child_;
  int port_ = 0;
};

}  // namespace u5::test
