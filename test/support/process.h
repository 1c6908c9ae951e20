// Runs build/under5 (or any program) as a child process, with standard input
// from a string and output captured through files (no pipes to deadlock on).
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace u5::test {

std::string Under5Path();
std::string DataDir();  // the repository's data/ folder

struct RunResult {
  int exit_code = -1;  // -signal when killed by a signal
  std::string out, err;
};

// Runs under5 with `args` to completion.
RunResult RunUnder5(const std::vector<std::string>& args, const std::string& stdin_text = "");

// A started child; the caller waits for or kills it.
class Child {
 public:
  // stdout and stderr both go to `log_path`; stdin is /dev/null.
  static Child Spawn(const std::vector<std::string>& argv, const std::string& log_path);
  Child() = default;
  Child(Child&& o) noexcept : pid_(o.pid_), exit_code_(o.exit_code_) { o.pid_ = -1; }
  Child& operator=(Child&& o) noexcept;
  ~Child();  // kills (SIGKILL) and reaps a child still running
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  void Signal(int sig);
  // Blocks until it exits; returns its exit code or -signal (also after Exited() saw it end).
  int Wait();
  // Non-blocking: true (and *code) when it has exited.
  bool Exited(int* code);

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1000;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed).
int FreePort();

// Creates (or opens) `db` with the org units and a user with `password`.
// The same on any store, named by `store_args` (TestStoreLocation::StoreArgs()).
void AddUser(const std::vector<std::string>& store_args, const std::string& username, const std::string& password,
             const std::string& role, const std::string& orgunit);
void AddUser(const std::string& db, const std::string& username, const std::string& password,
             const std::string& role, const std::string& orgunit);

}  // namespace u5::test
