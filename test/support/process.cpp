#include "support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

#include "support/temp_dir.h"

extern char** environ;

namespace u5::test {

std::string Under5Path() { return U5_BINARY; }
std::string DataDir() { return std::string(U5_SOURCE_DIR) + "/data"; }

namespace {

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1000;
}

pid_t SpawnWithFiles(const std::vector<std::string>& argv, const std::string& in, const std::string& out,
                     const std::string& err) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (err == out) posix_spawn_file_actions_adddup2(&fa, 1, 2);
  else posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

}  // namespace

RunResult RunUnder5(const std::vector<std::string>& args, const std::string& stdin_text) {
  TempDir io;
  WriteFile(io.File("in"), stdin_text);
  std::vector<std::string> argv = {Under5Path()};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = SpawnWithFiles(argv, io.File("in"), io.File("out"), io.File("err"));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  RunResult r;
  r.exit_code = DecodeStatus(status);
  r.out = ReadFile(io.File("out"));
  r.err = ReadFile(io.File("err"));
  return r;
}

Child Child::Spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  Child c;
  c.pid_ = SpawnWithFiles(argv, "/dev/null", log_path, log_path);
  return c;
}

Child& Child::operator=(Child&& o) noexcept {
  std::swap(pid_, o.pid_);
  std::swap(exit_code_, o.exit_code_);
  return *this;
}

Child::~Child() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    Wait();
  }
}

void Child::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int Child::Wait() {
  if (pid_ <= 0) return exit_code_;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  exit_code_ = DecodeStatus(status);
  return exit_code_;
}

bool Child::Exited(int* code) {
  if (pid_ <= 0) {
    if (code) *code = exit_code_;
    return true;
  }
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return false;
  pid_ = -1;
  exit_code_ = DecodeStatus(status);
  if (code) *code = exit_code_;
  return true;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a free port");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

void AddUser(const std::string& db, const std::string& username, const std::string& password, const std::string& role,
             const std::string& orgunit) {
  AddUser(std::vector<std::string>{"--db", db}, username, password, role, orgunit);
}

void AddUser(const std::vector<std::string>& store_args, const std::string& username, const std::string& password,
             const std::string& role, const std::string& orgunit) {
  std::vector<std::string> args = {"user", "add"};
  args.insert(args.end(), store_args.begin(), store_args.end());
  for (const std::string& a : {std::string("--username"), username, std::string("--role"), role, std::string("--orgunit"), orgunit})
    args.push_back(a);
  RunResult r = RunUnder5(args, password + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace u5::test
