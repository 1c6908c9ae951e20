// The static folder's path resolution (src/http/static_files.h) on arbitrary
// request paths: whatever it serves must be a regular file inside the folder;
// and its answers (variant by Accept-Encoding, If-None-Match) on the same bytes.
// The tree holds links that point outside it and a sibling folder whose name
// shares the root's prefix, the two ways a loose check lets a path escape.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "http/static_files.h"

namespace fs = std::filesystem;

namespace {

struct Tree {
  std::string root, canon;
  Tree() {
    char tmpl[] = "/tmp/u5-fuzz-static-XXXXXX";
    const std::string base = mkdtemp(tmpl);
    root = base + "/dist";
    fs::create_directories(root + "/assets");
    fs::create_directories(base + "/dist-secret");
    std::ofstream(root + "/index.html") << "app";
    std::ofstream(root + "/assets/a.js") << "js";
    std::ofstream(root + "/assets/a.js.br") << "br";
    std::ofstream(base + "/dist-secret/db") << "secret";
    fs::create_symlink(base + "/dist-secret", root + "/assets/out");
    fs::create_symlink(base + "/dist-secret/db", root + "/db");
    fs::create_symlink(base + "/dist-secret/db", root + "/assets/a.js.gz");  // a variant leading out
    fs::create_symlink("/", root + "/rootlink");
    canon = fs::canonical(root).string();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Tree tree;
  static const u5::http::StaticFiles files(tree.root);
  const std::string path(reinterpret_cast<const char*>(data), size);
  for (const std::string& p : {path, "/" + path}) {
    const u5::http::StaticTarget t = files.Resolve(p);
    if (t.kind != u5::http::StaticTarget::kFile) continue;
    std::error_code ec;
    const bool inside = t.file.rfind(tree.canon + "/", 0) == 0 && fs::is_regular_file(t.file, ec) &&
                        !fs::is_symlink(t.file, ec) && t.file.find("/dist-secret") == std::string::npos;
    if (!inside) {
      std::fprintf(stderr, "served outside the folder: %s -> %s\n", p.c_str(), t.file.c_str());
      std::abort();
    }
  }
  // The same bytes as Accept-Encoding and If-None-Match: their parsers must not fail on any input,
  // and whatever is answered is the file (or a variant) the path resolved to.
  const u5::http::StaticReply r = files.Serve(path, path, path, false);
  if ((r.status == 200 && files.Resolve(path).kind != u5::http::StaticTarget::kFile) ||
      r.body.find("secret") != std::string::npos) {
    std::fprintf(stderr, "answered what it should not for %s: %d %s\n", path.c_str(), r.status, r.body.c_str());
    std::abort();
  }
  return 0;
}
