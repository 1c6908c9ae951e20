#include "audit/signed_heads.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/date.h"
#include "core/log.h"

namespace u5::audit {
namespace {

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

bool Unhex(const std::string& hex, size_t want, std::string* out) {
  out->assign(want, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out->data()), want, hex.data(), hex.size(), nullptr, &len,
                     nullptr) != 0)
    return false;
  return len == want;
}

Status Errno(const std::string& what, const std::string& path) {
  return Status::Internal(what + " " + path + ": " + std::strerror(errno));
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Status ReadText(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  *out = Trim(ss.str());
  return Status::Ok();
}

// Writes `text` to a new file (fails if it exists), fsync'd.
Status WriteNew(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Errno("cannot create", path);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::Ok() : Errno("cannot write", path);
}

void SyncDirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

HeadPaths DefaultHeadPaths(const std::string& db, const std::string& key, const std::string& heads,
                           const std::string& pub) {
  HeadPaths p;
  p.key = key.empty() ? db + ".audit-key" : key;
  p.pub = pub.empty() ? p.key + ".pub" : pub;
  p.heads = heads.empty() ? db + ".audit-heads" : heads;
  return p;
}

std::string SignedText(const Head& h) {
  return "under5 audit head\nseq " + std::to_string(h.seq) + "\nhash " + h.hash + "\ncount " + std::to_string(h.count) +
         "\nat " + h.at + "\n";
}

std::string HeadLine(const Head& h) {
  return nlohmann::json({{"seq", h.seq}, {"hash", h.hash}, {"count", h.count}, {"at", h.at}, {"signature", h.signature}})
      .dump();
}

Status LoadOrCreateKey(const std::string& path, std::string* secret_key) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  std::string text;
  if (ReadText(path, &text).ok()) {
    if (!Unhex(text, crypto_sign_SECRETKEYBYTES, secret_key))
      return Status::Invalid("audit-key", path + " is not an audit signing key (128 hex digits)");
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
      log::Error("audit_key_readable_by_others", {{"key", path}, {"mode", st.st_mode & 0777}});
  } else {
    if (::access(path.c_str(), F_OK) == 0) return Errno("cannot read", path);
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    if (Status st = WriteNew(path, Hex(sk, sizeof sk) + "\n", 0600); !st.ok()) return st;
    sodium_memzero(sk, sizeof sk);
    log::Info("audit_key_created", {{"key", path}, {"public", path + ".pub"}});
    if (Status st = ReadText(path, &text); !st.ok()) return st;
    if (!Unhex(text, crypto_sign_SECRETKEYBYTES, secret_key)) return Status::Internal("cannot read back " + path);
  }
  const std::string pub = path + ".pub";
  if (::access(pub.c_str(), F_OK) != 0) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_ed25519_sk_to_pk(pk, reinterpret_cast<const unsigned char*>(secret_key->data()));
    if (Status st = WriteNew(pub, Hex(pk, sizeof pk) + "\n", 0644); !st.ok()) return st;
  }
  SyncDirOf(path);
  return Status::Ok();
}

Status LoadPublicKey(const std::string& path, std::string* public_key) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  std::string text;
  if (Status st = ReadText(path, &text); !st.ok()) return st;
  if (Unhex(text, crypto_sign_PUBLICKEYBYTES, public_key)) return Status::Ok();
  std::string sk;
  if (Unhex(text, crypto_sign_SECRETKEYBYTES, &sk)) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_ed25519_sk_to_pk(pk, reinterpret_cast<const unsigned char*>(sk.data()));
    sodium_memzero(sk.data(), sk.size());
    public_key->assign(reinterpret_cast<const char*>(pk), sizeof pk);
    return Status::Ok();
  }
  return Status::Invalid("audit-pub", path + " is not an audit key (64 hex digits public, 128 secret)");
}

Status ReadHeads(const std::string& path, std::vector<Head>* out) {
  out->clear();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("no signed heads file " + path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (Trim(line).empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    Head h;
    h.line = n;
    if (!j.is_object() || !j.contains("seq") || !j["seq"].is_number_integer() || !j.contains("count") ||
        !j["count"].is_number_integer() || !j.contains("hash") || !j["hash"].is_string() || !j.contains("at") ||
        !j["at"].is_string() || !j.contains("signature") || !j["signature"].is_string())
      return Status::Invalid("audit-heads", path + " line " + std::to_string(n) + " is not a signed head");
    h.seq = j["seq"];
    h.count = j["count"];
    h.hash = j["hash"];
    h.at = j["at"];
    h.signature = j["signature"];
    out->push_back(std::move(h));
  }
  return Status::Ok();
}

bool VerifySignature(const Head& h, const std::string& public_key) {
  if (sodium_init() < 0 || public_key.size() != crypto_sign_PUBLICKEYBYTES) return false;
  std::string sig;
  if (!Unhex(h.signature, crypto_sign_BYTES, &sig)) return false;
  const std::string text = SignedText(h);
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                                     reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

HeadSigner::HeadSigner(std::string key_path, std::string heads_path)
    : key_path_(std::move(key_path)), heads_path_(std::move(heads_path)) {}

HeadSigner::~HeadSigner() {
  if (fd_ >= 0) ::close(fd_);
  if (!secret_key_.empty()) sodium_memzero(secret_key_.data(), secret_key_.size());
}

Status HeadSigner::Prepare() {
  if (!last_known_) {
    // The last head in the file: a head equal to it is not signed again. A
    // line cut short by a crash while it was written is dropped.
    std::string text;
    if (std::ifstream in(heads_path_, std::ios::binary); in) {
      std::stringstream ss;
      ss << in.rdbuf();
      text = ss.str();
      if (!text.empty() && text.back() != '\n') {
        const size_t keep = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
        if (::truncate(heads_path_.c_str(), static_cast<off_t>(keep)) != 0) return Errno("cannot repair", heads_path_);
        log::Error("audit_heads_torn_line_dropped", {{"file", heads_path_}, {"bytes", text.size() - keep}});
        text.resize(keep);
      }
    }
    std::vector<Head> heads;
    if (!text.empty()) {
      Status st = ReadHeads(heads_path_, &heads);
      if (!st.ok()) return st;
    }
    if (!heads.empty()) {
      last_seq_ = heads.back().seq;
      last_hash_ = heads.back().hash;
    }
    last_known_ = true;
  }
  return Status::Ok();
}

Status HeadSigner::Sign(int64_t seq, const std::string& hash, bool* appended) {
  std::lock_guard lock(mu_);
  if (appended) *appended = false;
  if (seq <= 0) return Status::Ok();
  if (Status st = Prepare(); !st.ok()) return st;
  if (seq == last_seq_ && hash == last_hash_) return Status::Ok();
  if (secret_key_.empty())
    if (Status st = LoadOrCreateKey(key_path_, &secret_key_); !st.ok()) return st;
  if (fd_ < 0) {
    fd_ = ::open(heads_path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return Errno("cannot open", heads_path_);
    SyncDirOf(heads_path_);
  }
  Head h;
  h.seq = seq;
  h.hash = hash;
  h.count = seq;
  h.at = NowIso();
  const std::string text = SignedText(h);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       reinterpret_cast<const unsigned char*>(secret_key_.data()));
  h.signature = Hex(sig, sizeof sig);
  const std::string line = HeadLine(h) + "\n";
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return Errno("cannot write", heads_path_);
  if (::fsync(fd_) != 0) return Errno("cannot sync", heads_path_);
  last_seq_ = seq;
  last_hash_ = hash;
  if (appended) *appended = true;
  return Status::Ok();
}

PeriodicHeadSigner::PeriodicHeadSigner(HeadSigner& signer, ReadHead read_head, std::chrono::milliseconds interval)
    : signer_(signer), read_head_(std::move(read_head)), interval_(interval) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, interval_, [this] { return stop_; });
      if (stop_) break;
      lock.unlock();
      if (Status st = SignNow(); !st.ok()) log::Error("audit_head_sign_failed", {{"error", st.ToString()}});
      lock.lock();
    }
  });
}

PeriodicHeadSigner::~PeriodicHeadSigner() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status PeriodicHeadSigner::SignNow() {
  int64_t seq = 0;
  std::string hash;
  if (Status st = read_head_(&seq, &hash); !st.ok()) return st;
  return signer_.Sign(seq, hash);
}

Status PeriodicHeadSigner::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  return SignNow();
}

HeadsCheck::HeadsCheck(const std::vector<Head>& heads) {
  for (const Head& h : heads) by_seq_.emplace(h.seq, h);
}

Status HeadsCheck::Visit(const Entry& e) {
  auto [lo, hi] = by_seq_.equal_range(e.seq);
  for (auto it = lo; it != hi; ++it) {
    const Head& h = it->second;
    if (h.hash != e.hash)
      return Status::Invalid(
          "signed_head", "audit entry " + std::to_string(e.seq) + " no longer matches its signed head (heads line " +
                             std::to_string(h.line) + ", signed " + h.at + "): the log was rewritten and rechained; " +
                             "the change lies in entries " + std::to_string(last_good_seq_ + 1) + " to " +
                             std::to_string(e.seq) + (last_good_seq_ > 0 ? " (entry " + std::to_string(last_good_seq_) +
                                                                               " still matches its signed head)"
                                                                         : ""));
  }
  if (lo != hi) last_good_seq_ = e.seq;
  return Status::Ok();
}

Status HeadsCheck::Finish(int64_t entries) const {
  if (by_seq_.empty()) return Status::Ok();
  const Head& top = by_seq_.rbegin()->second;
  if (top.seq > entries)
    return Status::Invalid("count", "the log ends at entry " + std::to_string(entries) + " but entry " +
                                        std::to_string(top.seq) + " was signed (heads line " + std::to_string(top.line) +
                                        ", signed " + top.at + "): entries " + std::to_string(entries + 1) + " to " +
                                        std::to_string(top.seq) + " are missing (cut off the end)");
  return Status::Ok();
}

}  // namespace u5::audit
