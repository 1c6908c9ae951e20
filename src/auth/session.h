// Sessions: a random 256-bit bearer token handed to the client once; only its
// SHA-256 is stored, so a copy of the database cannot be used to log in.
#pragma once
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/status.h"
#include "store/store.h"

namespace u5::auth {

struct Principal {
  std::string user_id, username, role;
  std::vector<std::string> orgunits;
};

class Sessions {
 public:
  explicit Sessions(store::Store& s, int64_t ttl_ms = 12LL * 3600 * 1000) : store_(s), ttl_ms_(ttl_ms) {}
  // Checks the password; on success returns a new token. Unauthenticated on any failure,
  // with the same message whether the user exists or not.
  Status Login(const std::string& username, const std::string& password, std::string* token, Principal* who);
  Status Authenticate(const std::string& token, Principal* who);
  Status Logout(const std::string& token);
  int64_t ttl_ms() const { return ttl_ms_; }

 private:
  // Recently checked sessions, so a busy client costs no database read per
  // request. An entry lives at most kCacheMs; logout removes it at once.
  struct Cached {
    Principal who;
    int64_t checked_ms;
    int64_t expires_ms;
  };
  static constexpr int64_t kCacheMs = 15000;
  store::Store& store_;
  int64_t ttl_ms_;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;
};

std::string Sha256Hex(const std::string& s);
// Creates a user with an argon2id hash of `password`.
Status AddUser(store::Store& s, const std::string& username, const std::string& password, const std::string& role,
               const std::vector<std::string>& orgunits, const std::string& full_name = "");
bool IsKnownRole(const std::string& role);

}  // namespace u5::auth
