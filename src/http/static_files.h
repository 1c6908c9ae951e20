// The web app's files, served from one folder and nothing outside it.
//
// A request path is decoded once and then judged segment by segment before
// any file is touched: an absolute path, `.` or `..` in any encoding, an
// encoded slash or backslash, NUL and other control bytes, hidden files and
// malformed UTF-8 all answer 404. What remains is resolved with symlinks
// followed and must still lie inside the folder.
#pragma once
#include <string>
#include <string_view>

namespace u5::http {

struct StaticTarget {
  enum Kind { kFile, kNotFound } kind = kNotFound;
  std::string file;        // absolute, symlinks resolved, inside the root (kFile)
  bool immutable = false;  // a hashed asset under /assets/: cacheable for a year
};

class StaticFiles {
 public:
  // `root` is resolved once here; an empty or missing root serves nothing.
  explicit StaticFiles(const std::string& root);
  bool enabled() const { return !root_.empty(); }
  // `raw_path` is the request target before the query, still percent-encoded.
  // A clean path with no file and no extension in its last segment is a route
  // of the single-page app and gets index.html.
  StaticTarget Resolve(std::string_view raw_path) const;
  const std::string& root() const { return root_; }

 private:
  StaticTarget Inside(const std::string& candidate, bool immutable) const;
  std::string root_;  // canonical, no trailing slash
};

}  // namespace u5::http
