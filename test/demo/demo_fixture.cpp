#include "demo_fixture.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "orgunit/load.h"

namespace u5::demo::testing {

std::string NewDbWithOrgUnits(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("u5_demo_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
  std::unique_ptr<store::Store> s;
  EXPECT_TRUE(store::OpenSqliteStore(path, &s).ok());  // creates the schema
  Status st = orgunit::LoadOrgUnits(*s, U5_SOURCE_DIR "/data");
  EXPECT_TRUE(st.ok()) << st.ToString();
  return path;
}

store::Store& OrgUnits() {
  static store::Store* s = [] {
    std::unique_ptr<store::Store> s;
    EXPECT_TRUE(store::OpenSqliteStore(NewDbWithOrgUnits("orgunits.db"), &s).ok());
    return s.release();
  }();
  return *s;
}

}  // namespace u5::demo::testing
