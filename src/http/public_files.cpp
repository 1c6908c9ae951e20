#include "http/public_files.h"

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "core/id.h"
#include "core/log.h"
#include "http/api.h"
#include "http/encoding.h"

namespace u5::http {

namespace {

constexpr std::string_view kNotFoundJson = "{\"error\":\"not_found\"}";

// An org unit code or a period code: the only segments a publication path has.
// Nothing else can reach a lookup, and no request path ever reaches the disk.
bool IsCode(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '-'))
      return false;
  return true;
}

std::vector<std::string_view> Split(std::string_view p) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    out.push_back(p.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Identifies the version of index.json on disk: a publication replaces it by a
// rename, which gives a new inode even within the same clock tick.
struct Signature {
  bool present = false;
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const Signature&) const = default;
};

Signature SignatureOf(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return {};
  return {true, static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return false;
  out->assign(std::istreambuf_iterator<char>(in), {});
  return !in.bad();
}

}  // namespace

struct PublicFiles::Snapshot {
  struct File {
    std::string type, etag;  // etag: of the identity bytes, without quotes
    std::string identity, gzip, brotli;  // an empty variant is absent
  };
  Signature sig;
  std::map<std::string, File, std::less<>> files;  // "index.json", "12/2025.json", "12/2025.csv"
  std::set<std::string, std::less<>> pages;        // "12/2025"
};

namespace {

PublicFiles::Snapshot::File Hold(std::string type, std::string bytes) {
  PublicFiles::Snapshot::File f;
  f.type = std::move(type);
  f.etag = Sha256Hex(bytes).substr(0, 20);
  // Variants that save nothing are left out, as the web build does (web/compress.ts).
  if (Compressible(f.type) && bytes.size() >= kCompressMinBytes) {
    std::string gz = Gzip(bytes, 9), br = Brotli(bytes, 11);
    if (gz.size() < bytes.size()) f.gzip = std::move(gz);
    if (br.size() < bytes.size()) f.brotli = std::move(br);
  }
  f.identity = std::move(bytes);
  return f;
}

// Reads index.json and every file it names. A listed file that cannot be read
// leaves its publication out (a 404) rather than the whole index.
std::shared_ptr<const PublicFiles::Snapshot> Load(const std::string& dir, const Signature& sig) {
  auto snap = std::make_shared<PublicFiles::Snapshot>();
  snap->sig = sig;
  std::string index;
  if (!sig.present || !ReadFile(dir + "/index.json", &index)) return snap;
  nlohmann::json j = nlohmann::json::parse(index, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    log::Warn("public_index_unreadable", {{"dir", dir}});
    return snap;
  }
  const nlohmann::json& provinces = j.contains("provinces") ? j["provinces"] : nlohmann::json::array();
  for (const auto& p : provinces) {
    if (!p.is_object() || !p.value("orgunit", nlohmann::json()).is_string()) continue;
    const std::string ou = p["orgunit"];
    if (!IsCode(ou) || !p.contains("publications") || !p["publications"].is_array()) continue;
    for (const auto& pub : p["publications"]) {
      if (!pub.is_object() || !pub.value("period", nlohmann::json()).is_string()) continue;
      const std::string period = pub["period"];
      if (!IsCode(period)) continue;
      const std::string key = ou + "/" + period;
      std::string json, csv;
      if (!ReadFile(dir + "/" + key + ".json", &json) || !ReadFile(dir + "/" + key + ".csv", &csv)) {
        log::Warn("public_file_missing", {{"dir", dir}, {"publication", key}});
        continue;
      }
      snap->files.emplace(key + ".json", Hold("application/json", std::move(json)));
      snap->files.emplace(key + ".csv", Hold("text/csv; charset=utf-8", std::move(csv)));
      snap->pages.insert(key);
    }
  }
  snap->files.emplace("index.json", Hold("application/json", std::move(index)));
  return snap;
}

bool NoneMatch(std::string_view header, std::string_view etag) {
  // The quoted tags we send carry no commas or spaces: a substring test is exact enough.
  return !header.empty() && (header == "*" || header.find(etag) != std::string_view::npos);
}

StaticReply NotFoundJson(bool head) {
  StaticReply r;
  r.status = 404;
  r.content_type = "application/json";
  r.cache_control = std::string(kPublicCacheControl);
  r.content_length = kNotFoundJson.size();
  if (!head) r.body = std::string(kNotFoundJson);
  return r;
}

}  // namespace

PublicFiles::PublicFiles(std::string dir, const StaticFiles& pages) : dir_(std::move(dir)), pages_(pages) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  snap_ = Load(dir_, SignatureOf(dir_ + "/index.json"));
}

PublicFiles::~PublicFiles() = default;

bool PublicFiles::Owns(std::string_view path) { return path == "/public" || path.rfind("/public/", 0) == 0; }

std::shared_ptr<const PublicFiles::Snapshot> PublicFiles::Current() {
  const Signature now = SignatureOf(dir_ + "/index.json");
  std::unique_lock lock(mu_);
  if (snap_->sig == now) return snap_;
  // One request reads the new files; the lock is held meanwhile, so the
  // requests that arrive then wait for the new copy instead of each reading it.
  snap_ = Load(dir_, now);
  return snap_;
}

StaticReply PublicFiles::Serve(std::string_view raw_path, std::string_view accept_encoding, std::string_view if_none_match,
                               bool head) {
  const std::shared_ptr<const Snapshot> snap = Current();
  const std::string path = PercentDecode(raw_path);
  std::vector<std::string_view> segs = Split(std::string_view(path).substr(std::min<size_t>(path.size(), 8)));  // after "/public/"
  if (path == "/public") segs = {""};

  if (!segs.empty() && segs.front() == "data") {
    std::string key;
    if (segs.size() == 2 && segs[1] == "index.json") {
      key = "index.json";
    } else if (segs.size() == 3 && IsCode(segs[1])) {
      const std::string_view f = segs[2];
      const size_t dot = f.rfind('.');
      if (dot != std::string_view::npos && IsCode(f.substr(0, dot)) && (f.substr(dot) == ".json" || f.substr(dot) == ".csv"))
        key = std::string(segs[1]) + "/" + std::string(f);
    }
    auto it = snap->files.find(key);
    if (it == snap->files.end()) return NotFoundJson(head);
    const Snapshot::File& file = it->second;
    const Coding c = Negotiate(accept_encoding, !file.gzip.empty(), !file.brotli.empty());
    const std::string& bytes = c == Coding::kGzip ? file.gzip : c == Coding::kBrotli ? file.brotli : file.identity;
    StaticReply r;
    r.content_type = file.type;
    r.content_encoding = std::string(CodingName(c));
    r.cache_control = std::string(kPublicCacheControl);
    r.etag = "\"" + file.etag + (c == Coding::kIdentity ? "" : "-" + std::string(CodingName(c))) + "\"";
    r.vary = !file.gzip.empty() || !file.brotli.empty();
    r.content_length = bytes.size();
    if (NoneMatch(if_none_match, r.etag)) {
      r.status = 304;
      return r;
    }
    r.status = 200;
    if (!head) r.body = bytes;
    return r;
  }

  // A page: the index ("/public/") or one publication; anything else is "not published".
  const bool index = segs.size() == 1 && segs[0].empty();
  const bool published =
      index || (segs.size() == 2 && IsCode(segs[0]) && IsCode(segs[1]) &&
                snap->pages.count(std::string(segs[0]) + "/" + std::string(segs[1])) > 0);
  // The page reads its data itself; an unpublished period gets the same page, which says so, as a 404
  // (never a 304 from the published page's tag).
  StaticReply r = pages_.Serve("/public.html", accept_encoding, published ? if_none_match : std::string_view(), head);
  if (r.status == 200 || r.status == 304) r.cache_control = std::string(kPublicCacheControl);
  if (!published && r.status == 200) {
    r.status = 404;
    r.etag.clear();
  }
  return r;
}

}  // namespace u5::http
