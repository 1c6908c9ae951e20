// The static folder's confinement: a table of request paths, traversal
// attempts in every encoding among them, and what each must resolve to.
#include "http/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace u5::http {
namespace {

namespace fs = std::filesystem;

// dist/ is the served folder; secret/ beside it (a sibling whose name starts
// with the same letters) and the system's own files must never be served.
struct StaticTree {
  test::TempDir dir;
  std::string root = dir.File("dist");
  StaticTree() {
    fs::create_directories(root + "/assets");
    fs::create_directories(root + "/docs");
    fs::create_directories(dir.File("dist-secret"));
    test::WriteFile(root + "/index.html", "<html>app</html>");
    test::WriteFile(root + "/assets/app-1a2b.js", "js");
    test::WriteFile(root + "/docs/guide.pdf", "pdf");
    test::WriteFile(root + "/.env", "SECRET=1");
    test::WriteFile(root + "/Tài liệu.txt", "vi");
    test::WriteFile(dir.File("dist-secret/db.sqlite"), "health records");
    fs::create_symlink("/etc", root + "/etc-link");
    fs::create_symlink(dir.File("dist-secret/db.sqlite"), root + "/db-link");
    fs::create_symlink(dir.File("dist-secret"), root + "/assets/out");
    fs::create_symlink(root + "/assets/app-1a2b.js", root + "/inside-link.js");
  }
};

struct Case {
  const char* path;
  const char* expect;  // a file under dist/, "index" (the app shell) or "404"
};

const Case kCases[] = {
    // What the app needs.
    {"/", "index.html"},
    {"/index.html", "index.html"},
    {"/assets/app-1a2b.js", "assets/app-1a2b.js"},
    {"/docs/guide.pdf", "docs/guide.pdf"},
    {"/persons/0190a1b2", "index.html"},  // a route of the single-page app
    {"/T%C3%A0i%20li%E1%BB%87u.txt", "Tài liệu.txt"},
    {"/inside-link.js", "assets/app-1a2b.js"},  // a link that stays inside
    // Missing files with an extension, or under /assets/: 404, not the shell.
    {"/favicon.ico", "404"},
    {"/assets/app-old.js", "404"},
    {"/assets/route", "404"},
    // Absolute paths (the reported hole) and encoded slashes.
    {"//etc/passwd", "404"},
    {"//proc/self/environ", "404"},
    {"/%2Fetc%2Fpasswd", "404"},
    {"/%2fetc/passwd", "404"},
    {"/assets%2f..%2f..%2fdist-secret/db.sqlite", "404"},
    // Dot segments, plain and encoded once or twice, and overlong UTF-8.
    {"/../dist-secret/db.sqlite", "404"},
    {"/assets/../../dist-secret/db.sqlite", "404"},
    {"/%2e%2e/dist-secret/db.sqlite", "404"},
    {"/%2E%2E/%2E%2E/etc/passwd", "404"},
    {"/.%2e/dist-secret/db.sqlite", "404"},
    {"/%252e%252e/dist-secret/db.sqlite", "404"},
    {"/%c0%ae%c0%ae/dist-secret/db.sqlite", "404"},
    {"/./index.html", "404"},
    {"/assets/./app-1a2b.js", "404"},
    // Backslashes, NUL, control bytes, malformed escapes.
    {"/..\\dist-secret\\db.sqlite", "404"},
    {"/%5c..%5cdist-secret%5cdb.sqlite", "404"},
    {"/index.html%00.js", "404"},
    {"/index.html%0a", "404"},
    {"/index%2", "404"},
    {"/index%zz.html", "404"},
    {"/%ff%fe", "404"},
    // Hidden files and symlinks that leave the folder.
    {"/.env", "404"},
    {"/%2eenv", "404"},
    {"/etc-link/passwd", "404"},
    {"/db-link", "404"},
    {"/assets/out/db.sqlite", "404"},
    // Not a path at all, or a folder.
    {"", "404"},
    {"index.html", "404"},
    {"/assets", "404"},
    {"/docs/", "404"},
};

TEST(StaticFiles, TraversalTable) {
  StaticTree t;
  StaticFiles files(t.root);
  ASSERT_TRUE(files.enabled());
  const std::string canon = fs::canonical(t.root).string();
  for (const Case& c : kCases) {
    const StaticTarget got = files.Resolve(c.path);
    if (std::string(c.expect) == "404") {
      EXPECT_EQ(got.kind, StaticTarget::kNotFound) << c.path << " served " << got.file;
    } else {
      EXPECT_EQ(got.kind, StaticTarget::kFile) << c.path;
      EXPECT_EQ(got.file, canon + "/" + c.expect) << c.path;
    }
  }
}

TEST(StaticFiles, OnlyHashedAssetsAreImmutable) {
  StaticTree t;
  StaticFiles files(t.root);
  EXPECT_TRUE(files.Resolve("/assets/app-1a2b.js").immutable);
  EXPECT_FALSE(files.Resolve("/index.html").immutable);
  EXPECT_FALSE(files.Resolve("/persons/x").immutable);
}

TEST(StaticFiles, AMissingOrEmptyRootServesNothing) {
  test::TempDir d;
  EXPECT_FALSE(StaticFiles("").enabled());
  EXPECT_FALSE(StaticFiles(d.File("nope")).enabled());
  EXPECT_EQ(StaticFiles(d.File("nope")).Resolve("/index.html").kind, StaticTarget::kNotFound);
}

}  // namespace
}  // namespace u5::http
