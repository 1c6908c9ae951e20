#include "demo_db.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <unistd.h>

#include "support/process.h"
#include "support/temp_dir.h"

namespace u5::test {

DemoProvince& Demo(const std::string& province) {
  static TempDir dir;
  static std::map<std::string, std::unique_ptr<DemoProvince>> cache;
  auto& slot = cache[province];
  if (slot) return *slot;
  slot = std::make_unique<DemoProvince>();
  // ctest runs each test in its own process: the generated province is kept
  // beside the test outputs (keyed by the binary that made it) and copied, so
  // each process gets its own database without generating it again.
  namespace fs = std::filesystem;
  const auto stamp = fs::last_write_time(Under5Path()).time_since_epoch().count();
  const fs::path cached = fs::path(OutDir()) / ".." / "fixtures" / ("demo-" + province + "-" + std::to_string(stamp) + ".db");
  if (!fs::exists(cached)) {
    fs::create_directories(cached.parent_path());
    const std::string tmp = cached.string() + "." + std::to_string(getpid());
    RunResult r = RunUnder5({"demo", "--db", tmp, "--province", province, "--children", "2000"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    fs::rename(tmp, cached);
  }
  slot->path = dir.File("demo-" + province + ".db");
  fs::copy_file(cached, slot->path);
  Status st = store::OpenSqliteStore(slot->path, &slot->store);
  EXPECT_TRUE(st.ok()) << st.ToString();
  st = indicator::Service::Open(*slot->store, DataDir(), &slot->svc);
  EXPECT_TRUE(st.ok()) << st.ToString();
  st = store::Db::Open(slot->path, &slot->db, false);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return *slot;
}

std::string OutDir() {
  std::filesystem::create_directories(U5_REPORT_OUT);
  return U5_REPORT_OUT;
}

int Shell(const std::string& cmd, std::string* out) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  std::string s;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) s.append(buf.data(), n);
  int rc = pclose(p);
  if (out) *out = s;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace u5::test
