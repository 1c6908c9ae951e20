// Signed heads of the audit chain: the anchor a writer of the database file
// cannot forge. The hash chain alone can be recomputed by anyone who edits the
// log, and cutting its newest entries leaves a valid chain; so the chain head
// (seq, hash, entry count) is signed with an Ed25519 key kept outside the
// database and appended, one JSON line a head, to a separate append-only file.
// `under5 audit verify` checks every head's signature, that the log still holds
// each signed entry with its signed hash, and that it is not shorter than the
// last head (cli/commands.cpp).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <chrono>
#include <condition_variable>
#include <vector>

#include "audit/entry.h"
#include "core/status.h"

namespace u5::audit {

struct Head {
  int64_t seq = 0;        // the last entry signed
  std::string hash;       // its hash (hex)
  int64_t count = 0;      // entries in the log when signed (seqs have no gaps: equals seq)
  std::string at;         // ISO 8601 UTC, when signed
  std::string signature;  // Ed25519 over SignedText(), hex
  int line = 0;           // line in the heads file (1-based), when read back
};

// Where the key, its public half and the heads file are: the paths given, or
// beside the database (`<db>.audit-key`, `<key>.pub`, `<db>.audit-heads`).
struct HeadPaths {
  std::string key, pub, heads;
};
HeadPaths DefaultHeadPaths(const std::string& db, const std::string& key = "", const std::string& heads = "",
                           const std::string& pub = "");

// The exact bytes signed for a head.
std::string SignedText(const Head& h);
std::string HeadLine(const Head& h);  // one JSON line, without the newline

// Loads the secret key at `path` (hex), creating it (mode 0600) and `<path>.pub`
// on first use; writes `<path>.pub` if it is missing.
Status LoadOrCreateKey(const std::string& path, std::string* secret_key);
// A public key: from a `.pub` file (64 hex digits) or from a secret key file.
Status LoadPublicKey(const std::string& path, std::string* public_key);

// Every head of the file in order; NotFound when the file does not exist.
// A line that is not a head is an error naming it.
Status ReadHeads(const std::string& path, std::vector<Head>* out);
bool VerifySignature(const Head& h, const std::string& public_key);

// Appends signed heads to the heads file (O_APPEND, fsync after each line).
// The key is loaded, or created, when the first head is signed, so a command
// that leaves the log as it was creates no file.
class HeadSigner {
 public:
  HeadSigner(std::string key_path, std::string heads_path);
  ~HeadSigner();
  // Signs (seq, hash) unless it is the last head in the file; nothing for an empty log.
  Status Sign(int64_t seq, const std::string& hash, bool* appended = nullptr);
  const std::string& heads_path() const { return heads_path_; }

 private:
  Status Prepare();
  std::string key_path_, heads_path_, secret_key_;
  int fd_ = -1;
  bool last_known_ = false;
  int64_t last_seq_ = -1;
  std::string last_hash_;
  std::mutex mu_;
};

// Signs the chain head every `interval` if it moved (the server), and once more
// at Stop(). `read_head` gives the current (seq, hash).
class PeriodicHeadSigner {
 public:
  using ReadHead = std::function<Status(int64_t* seq, std::string* hash)>;
  PeriodicHeadSigner(HeadSigner& signer, ReadHead read_head, std::chrono::milliseconds interval);
  ~PeriodicHeadSigner();
  // Stops the thread and signs the head as it is now (call after the last audit flush).
  Status Stop();
  Status SignNow();

 private:
  HeadSigner& signer_;
  ReadHead read_head_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Checks the log, walked in seq order, against signed heads.
class HeadsCheck {
 public:
  explicit HeadsCheck(const std::vector<Head>& heads);
  // Each entry of the chain in order (after its own hash was checked).
  Status Visit(const Entry& e);
  // After the walk: `entries` is how many the log holds.
  Status Finish(int64_t entries) const;
  int64_t last_good_seq() const { return last_good_seq_; }

 private:
  std::multimap<int64_t, Head> by_seq_;
  int64_t last_good_seq_ = 0;
};

}  // namespace u5::audit
