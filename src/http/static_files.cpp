#include "http/static_files.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/text.h"
#include "http/encoding.h"

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

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// If-None-Match holds `etag` (weak comparison, as RFC 9110 §13.1.2 asks for GET), or is "*".
bool NoneMatchHolds(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (!tag.empty() && tag == etag) return true;
  }
  return false;
}

// A file on disk as an ETag: its size and modification time, which change with every web build
// that changes it, and the coding, so that each variant has its own.
std::string DiskEtag(const std::string& file, Coding c, size_t* size) {
  std::error_code ec;
  const auto n = fs::file_size(file, ec);
  if (ec) return {};
  const auto t = fs::last_write_time(file, ec);
  if (ec) return {};
  *size = static_cast<size_t>(n);
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%zx-%llx%s%s\"", static_cast<size_t>(n),
                static_cast<unsigned long long>(t.time_since_epoch().count()), c == Coding::kIdentity ? "" : "-",
                CodingName(c).data());
  return buf;
}

}  // namespace

std::string MimeOf(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext; };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".webmanifest")) return "application/manifest+json";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::span<const EmbeddedFile> embedded) : embedded_(embedded) {}

const EmbeddedFile* StaticFiles::FindEmbedded(std::string_view path) const {
  auto it = std::lower_bound(embedded_.begin(), embedded_.end(), path,
                             [](const EmbeddedFile& f, std::string_view p) { return f.path < p; });
  return it != embedded_.end() && it->path == path ? &*it : nullptr;
}

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
  if (!enabled()) return {};
  std::vector<std::string> segs;
  if (!DecodeSegments(raw_path, &segs)) return {};
  if (!root_.empty()) {
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
  std::string path;
  for (const auto& s : segs) path += "/" + s;
  StaticTarget t;
  if (const EmbeddedFile* f = FindEmbedded(segs.empty() ? "/index.html" : path)) {
    t.kind = StaticTarget::kFile;
    t.embedded = f;
    t.immutable = segs.size() > 1 && segs.front() == "assets";
    return t;
  }
  if (segs.front() == "assets" || segs.back().find('.') != std::string::npos) return t;
  if ((t.embedded = FindEmbedded("/index.html"))) t.kind = StaticTarget::kFile;
  return t;
}

StaticReply StaticFiles::Serve(std::string_view raw_path, std::string_view accept_encoding, std::string_view if_none_match,
                               bool head) const {
  StaticReply r;
  const StaticTarget t = Resolve(raw_path);
  // The variants there are, identity first: the data (embedded) or the file (folder).
  struct Variant {
    Coding coding;
    std::string_view data;
    std::string file, etag;
    size_t size = 0;
  };
  std::vector<Variant> vs;
  if (t.kind == StaticTarget::kFile && t.embedded) {
    const EmbeddedFile& f = *t.embedded;
    vs.push_back({Coding::kIdentity, f.identity.data, {}, std::string(f.identity.etag), f.identity.data.size()});
    if (!f.gzip.data.empty()) vs.push_back({Coding::kGzip, f.gzip.data, {}, std::string(f.gzip.etag), f.gzip.data.size()});
    if (!f.brotli.data.empty())
      vs.push_back({Coding::kBrotli, f.brotli.data, {}, std::string(f.brotli.etag), f.brotli.data.size()});
  } else if (t.kind == StaticTarget::kFile) {
    for (Coding c : {Coding::kIdentity, Coding::kGzip, Coding::kBrotli}) {
      std::string file = t.file;
      if (c != Coding::kIdentity) {
        // Beside the file itself, and inside the folder like it.
        const StaticTarget v = Inside(t.file + (c == Coding::kGzip ? ".gz" : ".br"), false);
        if (v.kind != StaticTarget::kFile) continue;
        file = v.file;
      }
      Variant v{c, {}, file, {}, 0};
      v.etag = DiskEtag(file, c, &v.size);
      if (!v.etag.empty()) vs.push_back(std::move(v));
    }
  }
  if (vs.empty() || vs.front().coding != Coding::kIdentity) {
    r.body = head ? "" : "not found";
    r.content_length = 9;
    return r;
  }
  auto has = [&](Coding c) { return std::any_of(vs.begin(), vs.end(), [&](const Variant& v) { return v.coding == c; }); };
  const Coding pick = Negotiate(accept_encoding, has(Coding::kGzip), has(Coding::kBrotli));
  const Variant& v = *std::find_if(vs.begin(), vs.end(), [&](const Variant& x) { return x.coding == pick; });
  r.content_type = MimeOf(t.embedded ? std::string(t.embedded->path) : t.file);
  r.content_encoding = std::string(CodingName(pick));
  r.vary = vs.size() > 1;
  r.etag = v.etag;
  // Hashed asset names never change content; the HTML that names them must be revalidated.
  r.cache_control = t.immutable ? "public, max-age=31536000, immutable" : "no-cache";
  // A 304 may only name the length a 200 would have had (RFC 9110 §8.6).
  r.content_length = v.size;
  if (NoneMatchHolds(if_none_match, v.etag)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  if (head) return r;
  if (t.embedded) {
    r.body.assign(v.data);
  } else {
    std::ifstream in(v.file, std::ios::binary);
    if (!in.is_open()) return StaticReply{.body = "not found", .content_length = 9};
    r.body.assign(std::istreambuf_iterator<char>(in), {});
    r.content_length = r.body.size();
  }
  return r;
}

}  // namespace u5::http
