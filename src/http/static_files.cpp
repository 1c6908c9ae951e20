#include "http/static_files.h"

#include <filesystem>
#include <vector>

#include "core/text.h"

namespace u5::http {
namespace fs = std::filesystem;

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits the still-encoded path into decoded segments, or false when any part
// of it could be read as leaving the folder or naming something odd. Segments
// are split before decoding, so %2F can never become a separator; it is
// refused outright, as no file of ours has a slash or backslash in its name.
bool DecodeSegments(std::string_view raw, std::vector<std::string>* out) {
  if (raw.empty() || raw.front() != '/') return false;
  raw.remove_prefix(1);
  if (raw.empty()) return true;  // "/"
  size_t start = 0;
  while (start <= raw.size()) {
    size_t end = raw.find('/', start);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view enc = raw.substr(start, end - start);
    std::string seg;
    for (size_t i = 0; i < enc.size(); ++i) {
      char c = enc[i];
      if (c == '%') {
        if (i + 2 >= enc.size()) return false;
        const int h = HexValue(enc[i + 1]), l = HexValue(enc[i + 2]);
        if (h < 0 || l < 0) return false;
        c = static_cast<char>(h * 16 + l);
        i += 2;
      }
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f || c == '/' || c == '\\' || c == '%') return false;
      seg.push_back(c);
    }
    // Empty ("//", a trailing "/"), ".", "..", and hidden files (".env").
    if (seg.empty() || seg.front() == '.') return false;
    if (!text::IsValidUtf8(seg)) return false;
    out->push_back(std::move(seg));
    if (end == raw.size()) break;
    start = end + 1;
  }
  return true;
}

}  // namespace

StaticFiles::StaticFiles(const std::string& root) {
  if (root.empty()) return;
  std::error_code ec;
  fs::path canon = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canon, ec)) return;
  root_ = canon.string();
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

StaticTarget StaticFiles::Inside(const std::string& candidate, bool immutable) const {
  StaticTarget t;
  std::error_code ec;
  // canonical() follows every symlink, so a link inside the folder that points
  // outside it ends up with a path outside the prefix and is refused.
  fs::path real = fs::canonical(candidate, ec);
  if (ec) return t;
  const std::string s = real.string();
  if (s.size() <= root_.size() || s.compare(0, root_.size(), root_) != 0 || s[root_.size()] != '/') return t;
  if (!fs::is_regular_file(real, ec)) return t;
  t.kind = StaticTarget::kFile;
  t.file = s;
  t.immutable = immutable;
  return t;
}

StaticTarget StaticFiles::Resolve(std::string_view raw_path) const {
  if (root_.empty()) return {};
  std::vector<std::string> segs;
  if (!DecodeSegments(raw_path, &segs)) return {};
  if (segs.empty()) return Inside(root_ + "/index.html", false);
  std::string candidate = root_;
  for (const auto& s : segs) candidate += "/" + s;
  StaticTarget t = Inside(candidate, segs.size() > 1 && segs.front() == "assets");
  if (t.kind == StaticTarget::kFile) return t;
  // Something that exists but was refused (a folder, a link out) is a 404,
  // and so is a missing file with an extension (a stale asset, /favicon.ico);
  // only a missing extensionless path is one of the app's routes (/persons/123).
  std::error_code ec;
  if (fs::exists(fs::symlink_status(candidate, ec)) || segs.front() == "assets" ||
      segs.back().find('.') != std::string::npos)
    return t;
  return Inside(root_ + "/index.html", false);
}

}  // namespace u5::http
