// The published indicators (docs/publication.md): the `/public/` paths, answered
// to anyone from the files of the public dir held in memory, never from the
// database, with no session and no audit.
//
//   /public/, /public/<orgunit>/<period>   the public page (public.html of the web app);
//                                          404 with the same page for a period not published
//   /public/data/index.json                the list of publications
//   /public/data/<orgunit>/<period>.json|.csv   one publication; 404 JSON when not published
//
// Only the files that index.json lists are served, so a publication whose
// files are being written is not seen before the index names it. Each file is
// held with its gzip and brotli variants and an ETag of its bytes. Before each
// answer one stat() of index.json tells whether a publication (from this
// process or another) replaced it; then the dir is read again, once, while the
// other requests keep the previous copy.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "http/static_files.h"

namespace u5::http {

// Every /public/ answer may be kept this long by browsers and proxies (a surge
// after a publication is then mostly absorbed before it reaches us).
inline constexpr std::string_view kPublicCacheControl = "public, max-age=300";

class PublicFiles {
 public:
  // `dir` may not exist yet (nothing published): every publication is then
  // "not published". `pages` serves public.html (the web app's files).
  PublicFiles(std::string dir, const StaticFiles& pages);
  ~PublicFiles();
  // Whether `path` (decoded) is one of the /public/ paths.
  static bool Owns(std::string_view path);
  // The answer to a GET or HEAD of a /public/ path (`raw_path` still encoded).
  StaticReply Serve(std::string_view raw_path, std::string_view accept_encoding, std::string_view if_none_match,
                    bool head);
  const std::string& dir() const { return dir_; }

  struct Snapshot;

 private:
  std::shared_ptr<const Snapshot> Current();
  std::string dir_;
  const StaticFiles& pages_;
  std::mutex mu_;  // guards snap_ (a pointer copy) and serialises reloads
  std::shared_ptr<const Snapshot> snap_;
};

}  // namespace u5::http
