// The web app's files, served from one folder and nothing outside it, or
// from the copy embedded in the binary at build time (cmake/embed_web.py).
//
// A request path is decoded once and then judged segment by segment before
// any file is touched: an absolute path, `.` or `..` in any encoding, an
// encoded slash or backslash, NUL and other control bytes, hidden files and
// malformed UTF-8 all answer 404. What remains is resolved with symlinks
// followed and must still lie inside the folder.
//
// Each file may have pre-compressed variants beside it (`NAME.br`, `NAME.gz`,
// written by the web build); the answer carries the one the client accepts.
#pragma once
#include <span>
#include <string>
#include <string_view>

namespace u5::http {

// One file of the embedded web app; a variant with empty data is absent.
struct EmbeddedVariant {
  std::string_view data, etag;  // etag: quoted, unique to these bytes
};
struct EmbeddedFile {
  std::string_view path;  // from the app's root, with a leading slash: "/assets/index-1a2b.js"
  EmbeddedVariant identity, gzip, brotli;
};

struct StaticTarget {
  enum Kind { kFile, kNotFound } kind = kNotFound;
  std::string file;        // absolute, symlinks resolved, inside the root (kFile, from a folder)
  const EmbeddedFile* embedded = nullptr;  // kFile, from the embedded app
  bool immutable = false;  // a hashed asset under /assets/: cacheable for a year
};

// What a GET or HEAD of a static path answers, headers and body.
struct StaticReply {
  int status = 404;
  std::string content_type = "text/plain; charset=utf-8";
  std::string content_encoding;  // "br", "gzip" or empty
  std::string cache_control = "no-store";
  std::string etag;
  bool vary = false;          // the answer depends on Accept-Encoding
  std::string body;           // empty for HEAD and 304
  size_t content_length = 0;  // of the representation, for HEAD and 304 too
};

class StaticFiles {
 public:
  // `root` is resolved once here; an empty or missing root serves nothing.
  explicit StaticFiles(const std::string& root);
  explicit StaticFiles(std::span<const EmbeddedFile> embedded);
  bool enabled() const { return !root_.empty() || !embedded_.empty(); }
  // `raw_path` is the request target before the query, still percent-encoded.
  // A clean path with no file and no extension in its last segment is a route
  // of the single-page app and gets index.html.
  StaticTarget Resolve(std::string_view raw_path) const;
  // The whole answer: the variant the client accepts, its ETag, 304 when
  // `if_none_match` names it, no body for HEAD. A Range header is not
  // honoured (the files are small): the answer is the whole file, 200.
  StaticReply Serve(std::string_view raw_path, std::string_view accept_encoding, std::string_view if_none_match,
                    bool head) const;
  const std::string& root() const { return root_; }

 private:
  StaticTarget Inside(const std::string& candidate, bool immutable) const;
  const EmbeddedFile* FindEmbedded(std::string_view path) const;
  std::string root_;  // canonical, no trailing slash
  std::span<const EmbeddedFile> embedded_;  // sorted by path
};

// The content type of a file by its extension.
std::string MimeOf(std::string_view path);

}  // namespace u5::http
