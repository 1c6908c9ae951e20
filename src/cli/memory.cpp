#include "cli/memory.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

namespace u5::cli {

void ReexecWithHugePagesIfUseful(int argc, char** argv) {
  bool heavy = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    // --data is the one option that may come before the command.
    if (a == "--data") { ++i; continue; }
    if (a.rfind("--data=", 0) == 0) continue;
    heavy = a == "demo" || a == "import" || a == "serve" || a == "fhir-import";
    break;
  }
  if (!heavy || std::getenv("U5_NO_REEXEC")) return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  std::string value = tunables ? tunables : "";
  if (value.find("glibc.malloc.hugetlb") != std::string::npos) return;  // the caller chose
  value += value.empty() ? "glibc.malloc.hugetlb=1" : ":glibc.malloc.hugetlb=1";
  setenv("GLIBC_TUNABLES", value.c_str(), 1);
  setenv("U5_NO_REEXEC", "1", 1);  // never twice, whatever glibc makes of the setting
  // Exec the binary by its own path, not /proc/self/exe, so the process keeps
  // its name ("under5" in ps and top, not "exe").
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return;  // no /proc: run on as we are, with ordinary pages
  self[n] = '\0';
  execv(self, argv);
  // exec failed: likewise.
}

void KeepFreedMemory(Workload w) {
  if (w == Workload::kBulkLoad) {
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 64 << 20);
  } else {
    // A long-running process whose engines free gigabytes after warming up:
    // keep a working set, not everything.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
  }
}

}  // namespace u5::cli
