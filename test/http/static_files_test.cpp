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


// Pre-compressed variants beside the files, as the web build writes them.
struct VariantTree : StaticTree {
  VariantTree() {
    test::WriteFile(root + "/assets/app-1a2b.js.br", "BR");
    test::WriteFile(root + "/assets/app-1a2b.js.gz", "GZIP");
    // A variant that is a link out of the folder is not served.
    fs::create_symlink(dir.File("dist-secret/db.sqlite"), root + "/docs/guide.pdf.gz");
  }
};

TEST(StaticFiles, ServesTheVariantTheClientAccepts) {
  VariantTree t;
  StaticFiles files(t.root);
  const StaticReply br = files.Serve("/assets/app-1a2b.js", "gzip, deflate, br", "", false);
  EXPECT_EQ(br.status, 200);
  EXPECT_EQ(br.body, "BR");
  EXPECT_EQ(br.content_encoding, "br");
  EXPECT_EQ(br.content_length, 2u);
  EXPECT_EQ(br.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(br.cache_control, "public, max-age=31536000, immutable");
  EXPECT_TRUE(br.vary);
  const StaticReply gz = files.Serve("/assets/app-1a2b.js", "gzip", "", false);
  EXPECT_EQ(gz.body, "GZIP");
  EXPECT_EQ(gz.content_encoding, "gzip");
  const StaticReply id = files.Serve("/assets/app-1a2b.js", "", "", false);
  EXPECT_EQ(id.body, "js");
  EXPECT_EQ(id.content_encoding, "");
  EXPECT_TRUE(id.vary);
  // Each variant its own ETag.
  EXPECT_NE(br.etag, gz.etag);
  EXPECT_NE(br.etag, id.etag);
  EXPECT_NE(gz.etag, id.etag);
  EXPECT_EQ(br.etag.front(), '"');
  // A gzip variant that leads out of the folder: the file itself.
  const StaticReply pdf = files.Serve("/docs/guide.pdf", "gzip", "", false);
  EXPECT_EQ(pdf.body, "pdf");
  EXPECT_EQ(pdf.content_encoding, "");
  EXPECT_FALSE(pdf.vary);
  EXPECT_EQ(pdf.content_type, "application/octet-stream");
}

TEST(StaticFiles, AppShellIsRevalidatedAndMissingFilesAre404) {
  VariantTree t;
  StaticFiles files(t.root);
  for (const char* p : {"/", "/persons/0190a1b2"}) {
    const StaticReply r = files.Serve(p, "br", "", false);
    EXPECT_EQ(r.status, 200) << p;
    EXPECT_EQ(r.body, "<html>app</html>") << p;
    EXPECT_EQ(r.cache_control, "no-cache") << p;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << p;
  }
  const StaticReply missing = files.Serve("/assets/app-old.js", "br", "", false);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.cache_control, "no-store");
  EXPECT_EQ(files.Serve("/../dist-secret/db.sqlite", "", "", false).status, 404);
}

TEST(StaticFiles, NotModifiedWhenTheVariantsETagMatches) {
  VariantTree t;
  StaticFiles files(t.root);
  const std::string br = files.Serve("/assets/app-1a2b.js", "br", "", false).etag;
  const std::string gz = files.Serve("/assets/app-1a2b.js", "gzip", "", false).etag;
  for (const std::string& inm : {br, "W/" + br, "\"other\", " + br, std::string("*")}) {
    const StaticReply r = files.Serve("/assets/app-1a2b.js", "br", inm, false);
    EXPECT_EQ(r.status, 304) << inm;
    EXPECT_EQ(r.body, "") << inm;
    EXPECT_EQ(r.etag, br) << inm;
    EXPECT_EQ(r.content_length, 2u) << inm;  // what a 200 would have sent
    EXPECT_EQ(r.content_encoding, "br") << inm;
  }
  // The gzip variant's tag does not validate the brotli one, nor an older version.
  EXPECT_EQ(files.Serve("/assets/app-1a2b.js", "br", gz, false).status, 200);
  EXPECT_EQ(files.Serve("/assets/app-1a2b.js", "br", "\"0-0-br\"", false).status, 200);
  // A new build of the file: the old tag no longer matches.
  test::WriteFile(t.root + "/assets/app-1a2b.js.br", "BROTLI");
  const StaticReply changed = files.Serve("/assets/app-1a2b.js", "br", br, false);
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body, "BROTLI");
  EXPECT_NE(changed.etag, br);
}

TEST(StaticFiles, HeadHasTheLengthButNoBody) {
  VariantTree t;
  StaticFiles files(t.root);
  const StaticReply r = files.Serve("/assets/app-1a2b.js", "gzip", "", true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.content_length, 4u);
  EXPECT_EQ(r.content_encoding, "gzip");
  EXPECT_EQ(files.Serve("/assets/app-old.js", "", "", true).body, "");
}

// The embedded app: the same rules without a folder.
const EmbeddedFile kApp[] = {
    {"/assets/app-1a2b.js", {"js", "\"i1\""}, {"GZIP", "\"g1\""}, {"BR", "\"b1\""}},
    {"/geo/12.json", {"{}", "\"i2\""}, {}, {}},
    {"/index.html", {"<html>embedded</html>", "\"i3\""}, {}, {}},
};

TEST(StaticFiles, EmbeddedAppResolvesAsTheFolderDoes) {
  StaticFiles files{std::span<const EmbeddedFile>(kApp)};
  ASSERT_TRUE(files.enabled());
  const struct {
    const char* path;
    const char* expect;  // an embedded path or "404"
  } cases[] = {
      {"/", "/index.html"},
      {"/index.html", "/index.html"},
      {"/persons/0190a1b2", "/index.html"},
      {"/assets/app-1a2b.js", "/assets/app-1a2b.js"},
      {"/geo/12.json", "/geo/12.json"},
      {"/geo/13.json", "404"},
      {"/assets/app-old.js", "404"},
      {"/assets/route", "404"},
      {"/favicon.ico", "404"},
      {"/../index.html", "404"},
      {"/%2e%2e/index.html", "404"},
      {"//etc/passwd", "404"},
      {"/assets%2fapp-1a2b.js", "404"},
      {"/.env", "404"},
      {"", "404"},
  };
  for (const auto& c : cases) {
    const StaticTarget t = files.Resolve(c.path);
    if (std::string(c.expect) == "404") {
      EXPECT_EQ(t.kind, StaticTarget::kNotFound) << c.path;
    } else {
      ASSERT_EQ(t.kind, StaticTarget::kFile) << c.path;
      ASSERT_NE(t.embedded, nullptr) << c.path;
      EXPECT_EQ(t.embedded->path, c.expect) << c.path;
    }
  }
  EXPECT_TRUE(files.Resolve("/assets/app-1a2b.js").immutable);
  EXPECT_FALSE(files.Resolve("/geo/12.json").immutable);
}

TEST(StaticFiles, EmbeddedAppServedWithTheSameHeaders) {
  StaticFiles files{std::span<const EmbeddedFile>(kApp)};
  const StaticReply br = files.Serve("/assets/app-1a2b.js", "br, gzip", "", false);
  EXPECT_EQ(br.body, "BR");
  EXPECT_EQ(br.content_encoding, "br");
  EXPECT_EQ(br.etag, "\"b1\"");
  EXPECT_EQ(br.cache_control, "public, max-age=31536000, immutable");
  EXPECT_TRUE(br.vary);
  EXPECT_EQ(files.Serve("/assets/app-1a2b.js", "gzip", "", false).body, "GZIP");
  EXPECT_EQ(files.Serve("/assets/app-1a2b.js", "", "", false).body, "js");
  EXPECT_EQ(files.Serve("/assets/app-1a2b.js", "br", "\"b1\"", false).status, 304);
  EXPECT_EQ(files.Serve("/assets/app-1a2b.js", "gzip", "\"b1\"", false).status, 200);
  const StaticReply head = files.Serve("/geo/12.json", "br", "", true);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.content_length, 2u);
  EXPECT_EQ(head.content_type, "application/json");
  EXPECT_EQ(head.cache_control, "no-cache");
  EXPECT_FALSE(head.vary);
  EXPECT_EQ(files.Serve("/persons/x", "br", "", false).body, "<html>embedded</html>");
  EXPECT_FALSE(StaticFiles(std::span<const EmbeddedFile>()).enabled());
}

// The service worker (web/sw-template.js → dist/sw.js, issue 26) sits at the root, so its scope is the
// whole app without a Service-Worker-Allowed header; the browser must revalidate it on every check,
// or a phone would keep an old app for as long as a cache lifetime said. The manifest likewise.
TEST(StaticFiles, ServiceWorkerAndManifestAreRevalidated) {
  StaticTree t;
  test::WriteFile(t.root + "/sw.js", "self.addEventListener('fetch', () => {});");
  test::WriteFile(t.root + "/sw.js.br", "BR");
  test::WriteFile(t.root + "/manifest.webmanifest", "{}");
  StaticFiles files(t.root);
  for (const char* enc : {"", "br"}) {
    const StaticReply sw = files.Serve("/sw.js", enc, "", false);
    EXPECT_EQ(sw.status, 200) << enc;
    EXPECT_EQ(sw.content_type, "text/javascript; charset=utf-8") << enc;
    EXPECT_EQ(sw.cache_control, "no-cache") << enc;
    EXPECT_FALSE(sw.etag.empty()) << enc;
  }
  const StaticReply m = files.Serve("/manifest.webmanifest", "", "", false);
  EXPECT_EQ(m.content_type, "application/manifest+json");
  EXPECT_EQ(m.cache_control, "no-cache");
  // A build without a worker answers 404, never the app shell: HTML under a script's name would be
  // an error the browser reports on every visit rather than "no worker".
  StaticTree bare;
  EXPECT_EQ(StaticFiles(bare.root).Serve("/sw.js", "", "", false).status, 404);
}

}  // namespace
}  // namespace u5::http
