// The /public/ paths: what each answers from a public dir (a table), that
// only what index.json lists is served, the compressed variants and ETags,
// and that a new publication is seen at the next request.
#include "http/public_files.h"

#include <brotli/decode.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "support/temp_dir.h"

namespace u5::http {
namespace {

namespace fs = std::filesystem;

std::string Index(const std::string& periods) {
  return R"({"format":"under5-publication-index/1","generated_at":"2026-07-02T08:00:00Z","provinces":[{"orgunit":"12","name_vi":"Lai Châu","name_en":"Lai Châu","publications":[)" +
         periods + "]}]}";
}

// A publication JSON long enough (over 1 kB) to have compressed variants.
std::string Publication(const std::string& period) {
  return R"({"format":"under5-publication/1","period":{"code":")" + period + R"("},"pad":")" + std::string(3000, 'x') + "\"}";
}

// web/dist (public.html) and a public dir with 12/2025 listed, 12/2024 written but not listed.
struct PublicTree {
  test::TempDir dir;
  std::string web = dir.File("dist"), pub = dir.File("public");
  StaticFiles pages{[this] {
    fs::create_directories(web);
    test::WriteFile(web + "/public.html", "<html>public page</html>");
    test::WriteFile(web + "/index.html", "<html>app</html>");
    return web;
  }()};
  PublicTree() {
    fs::create_directories(pub + "/12");
    test::WriteFile(pub + "/12/2025.json", Publication("2025"));
    test::WriteFile(pub + "/12/2025.csv", "\xEF\xBB\xBForgunit,period\r\n12,2025\r\n");
    test::WriteFile(pub + "/12/2024.json", Publication("2024"));
    test::WriteFile(pub + "/12/2024.csv", "orgunit\r\n");
    Publish(R"({"period":"2025","label_vi":"Năm 2025","label_en":"Year 2025","published_at":"2026-01-10T00:00:00Z","version":1})");
  }
  // As the publisher does: a new index by rename.
  void Publish(const std::string& periods) {
    test::WriteFile(pub + "/index.json.tmp", Index(periods));
    fs::rename(pub + "/index.json.tmp", pub + "/index.json");
  }
};

struct Case {
  const char* path;
  int status;
  const char* type;  // content type prefix
  const char* body;  // a substring of the identity body
};

const Case kCases[] = {
    {"/public/", 200, "text/html", "public page"},
    {"/public", 200, "text/html", "public page"},
    {"/public/12/2025", 200, "text/html", "public page"},
    // Not published: the same page (it says so) as a 404; written but unlisted counts as not published.
    {"/public/12/2024", 404, "text/html", "public page"},
    {"/public/12/2026S1", 404, "text/html", "public page"},
    {"/public/13/2025", 404, "text/html", "public page"},
    {"/public/12", 404, "text/html", "public page"},
    {"/public/12/2025/extra", 404, "text/html", "public page"},
    {"/public/data/index.json", 200, "application/json", "under5-publication-index/1"},
    {"/public/data/12/2025.json", 200, "application/json", "under5-publication/1"},
    {"/public/data/12/2025.csv", 200, "text/csv; charset=utf-8", "orgunit,period"},
    {"/public/data/12/2024.json", 404, "application/json", "{\"error\":\"not_found\"}"},
    {"/public/data/12/2024.csv", 404, "application/json", "not_found"},
    {"/public/data/12/2025.xlsx", 404, "application/json", "not_found"},
    {"/public/data/12/2025", 404, "application/json", "not_found"},
    // Nothing outside the listed files is reachable, however the path is written.
    {"/public/data/../index.json", 404, "application/json", "not_found"},
    {"/public/data/12/..%2F..%2Fdist%2Findex.html", 404, "application/json", "not_found"},
    {"/public/data/%2e%2e/12/2025.json", 404, "application/json", "not_found"},
    {"/public/data/12/2025.json.tmp", 404, "application/json", "not_found"},
    {"/public/data/index.json.tmp", 404, "application/json", "not_found"},
};

TEST(PublicFiles, PathTable) {
  PublicTree t;
  PublicFiles files(t.pub, t.pages);
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.path);
    StaticReply r = files.Serve(c.path, "", "", false);
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(r.content_type.rfind(c.type, 0), 0u) << r.content_type;
    EXPECT_NE(r.body.find(c.body), std::string::npos) << r.body;
    EXPECT_EQ(r.cache_control, "public, max-age=300");
    if (c.status == 404) EXPECT_TRUE(r.etag.empty());
  }
}

TEST(PublicFiles, OwnsOnlyPublicPaths) {
  EXPECT_TRUE(PublicFiles::Owns("/public"));
  EXPECT_TRUE(PublicFiles::Owns("/public/"));
  EXPECT_TRUE(PublicFiles::Owns("/public/data/index.json"));
  EXPECT_FALSE(PublicFiles::Owns("/publications"));
  EXPECT_FALSE(PublicFiles::Owns("/api/v1/publications"));
  EXPECT_FALSE(PublicFiles::Owns("/"));
}

TEST(PublicFiles, CompressedVariantAndEtag) {
  PublicTree t;
  PublicFiles files(t.pub, t.pages);
  StaticReply plain = files.Serve("/public/data/12/2025.json", "", "", false);
  StaticReply br = files.Serve("/public/data/12/2025.json", "gzip, br", "", false);
  ASSERT_EQ(br.status, 200);
  EXPECT_EQ(br.content_encoding, "br");
  EXPECT_TRUE(br.vary);
  EXPECT_LT(br.body.size(), plain.body.size());
  std::string out(1 << 16, '\0');
  size_t n = out.size();
  ASSERT_EQ(BrotliDecoderDecompress(br.body.size(), reinterpret_cast<const uint8_t*>(br.body.data()), &n,
                                    reinterpret_cast<uint8_t*>(out.data())),
            BROTLI_DECODER_RESULT_SUCCESS);
  out.resize(n);
  EXPECT_EQ(out, plain.body);
  EXPECT_NE(br.etag, plain.etag);
  // The tag revalidates: 304, no body, the length of what a 200 would send.
  StaticReply again = files.Serve("/public/data/12/2025.json", "gzip, br", br.etag, false);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.content_length, br.body.size());
  // HEAD: headers only.
  StaticReply head = files.Serve("/public/data/12/2025.json", "", "", true);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.content_length, plain.body.size());
}

TEST(PublicFiles, ANewPublicationIsServedAtTheNextRequest) {
  PublicTree t;
  PublicFiles files(t.pub, t.pages);
  EXPECT_EQ(files.Serve("/public/data/12/2024.json", "", "", false).status, 404);
  EXPECT_EQ(files.Serve("/public/12/2024", "", "", false).status, 404);
  t.Publish(R"({"period":"2024","label_vi":"Năm 2024","label_en":"Year 2024","published_at":"2026-01-10T00:00:00Z","version":1},)"
            R"({"period":"2025","label_vi":"Năm 2025","label_en":"Year 2025","published_at":"2026-01-10T00:00:00Z","version":1})");
  EXPECT_EQ(files.Serve("/public/data/12/2024.json", "", "", false).status, 200);
  EXPECT_EQ(files.Serve("/public/12/2024", "", "", false).status, 200);
  // A republication replaces the files and then the index: the new bytes, a new tag.
  const StaticReply before = files.Serve("/public/data/12/2025.json", "", "", false);
  test::WriteFile(t.pub + "/12/2025.json", Publication("2025") + " ");
  t.Publish(R"({"period":"2025","label_vi":"Năm 2025","label_en":"Year 2025","published_at":"2026-02-10T00:00:00Z","version":2})");
  const StaticReply after = files.Serve("/public/data/12/2025.json", "", "", false);
  EXPECT_EQ(after.body, Publication("2025") + " ");
  EXPECT_NE(after.etag, before.etag);
  EXPECT_EQ(files.Serve("/public/data/12/2024.json", "", "", false).status, 404);  // no longer listed
}

TEST(PublicFiles, AMissingDirOrABrokenIndexPublishesNothing) {
  PublicTree t;
  PublicFiles none(t.dir.File("nothing-yet"), t.pages);
  EXPECT_EQ(none.Serve("/public/data/index.json", "", "", false).status, 404);
  EXPECT_EQ(none.Serve("/public/12/2025", "", "", false).status, 404);
  EXPECT_EQ(none.Serve("/public/", "", "", false).status, 200);  // the page, which says nothing is published
  test::WriteFile(t.pub + "/index.json", "{not json");
  PublicFiles broken(t.pub, t.pages);
  EXPECT_EQ(broken.Serve("/public/data/12/2025.json", "", "", false).status, 404);
}

}  // namespace
}  // namespace u5::http
