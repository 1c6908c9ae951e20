// One entry of the audit trail and its place in the hash chain. Each entry's
// hash covers its fields and the previous entry's hash, so editing or
// deleting any entry breaks the chain from there on (`under5 audit verify`).
#pragma once
#include <cstdint>
#include <string>

namespace u5::audit {

struct Entry {
  int64_t seq = 0;          // position in the log, from 1, no gaps
  std::string at;           // ISO 8601 UTC
  std::string user_id, username, remote;
  std::string action;       // login_ok, login_failed, read, create, update, delete, export, user_change, target_change, ...
  std::string record_type, record_id, orgunit_id;
  std::string detail;       // JSON: for writes, what changed
  std::string prev_hash, hash;
};

// The chain's first prev_hash.
inline constexpr const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

// SHA-256 (hex) of the entry's fields (seq included) and prev_hash, in a
// length-prefixed encoding so no two field lists hash alike.
std::string ComputeHash(const Entry& e);

}  // namespace u5::audit
