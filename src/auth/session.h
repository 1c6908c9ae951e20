// Sessions: a random 256-bit bearer token handed to the client once; only its
// SHA-256 is stored, so a copy of the database cannot be used to log in.
// A session ends at logout, `ttl_ms` after login, or after `idle_ms` without
// a request.
#pragma once
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/status.h"
#include "store/store.h"

namespace u5::auth {

struct Principal {
  std::string user_id, username, role;
  std::vector<std::string> orgunits;
  bool must_change_password = false;
};

struct SessionOptions {
  int64_t ttl_ms = 12LL * 3600 * 1000;
  int64_t idle_ms = 30LL * 60 * 1000;
  std::function<int64_t()> clock;  // unix ms; NowMillis when empty (tests move time by hand)
};

class Sessions {
 public:
  explicit Sessions(store::Store& s, int64_t ttl_ms = 12LL * 3600 * 1000) : Sessions(s, WithTtl(ttl_ms)) {}
  Sessions(store::Store& s, SessionOptions opts);
  // Checks the password; on success returns a new token. Unauthenticated on any failure,
  // with the same message whether the user exists or not.
  Status Login(const std::string& username, const std::string& password, std::string* token, Principal* who);
  Status Authenticate(const std::string& token, Principal* who);
  Status Logout(const std::string& token);
  // Checks the old password, applies the policy to the new one, stores its
  // hash, clears must_change_password and ends every other session of the
  // user (stored and in memory). The session of `current_token`, the one
  // that made the change, stays: its holder just proved the old password
  // and chose the new one.
  Status ChangePassword(const Principal& who, const std::string& old_password, const std::string& new_password,
                        const std::string& current_token = "");
  // Drops the cached sessions of a user whose account changed (role, org
  // units), so the change takes effect at the next request.
  void ForgetUser(const std::string& user_id);
  // Forgets every session of the user this process holds in memory (cache
  // and idle clocks) but `keep_token_hash`'s: for when the stored sessions
  // were ended (password reset, disabled).
  void EndUserSessions(const std::string& user_id, const std::string& keep_token_hash = "");
  int64_t ttl_ms() const { return opts_.ttl_ms; }
  int64_t Now() const;

 private:
  static SessionOptions WithTtl(int64_t ttl_ms) {
    SessionOptions o;
    o.ttl_ms = ttl_ms;
    return o;
  }
  // Recently checked sessions, so a busy client costs no database read per
  // request. An entry lives at most kCacheMs; logout removes it at once.
  struct Cached {
    Principal who;
    int64_t checked_ms;
    int64_t expires_ms;
  };
  // Login and last request of each session this process has seen. A session
  // from before a restart starts its idle clock at its first request after it.
  struct Activity {
    int64_t issued_ms, last_ms;
    std::string user_id;  // empty until the session is looked up
  };
  static constexpr int64_t kCacheMs = 15000;
  store::Store& store_;
  SessionOptions opts_;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;
  std::unordered_map<std::string, Activity> activity_;
  // Bumped whenever a user's sessions are forgotten, so a lookup that read
  // the store before that does not put a session back into the cache.
  uint64_t generation_ = 0;
};

// Creates a user with an argon2id hash of `password`. `must_change` marks a
// printed or handed-out password that must be replaced at first login. The
// user name follows CheckUsername (username.h), as through the API. Only the
// password's length is checked here (the demo command sets its published
// password on purpose); a password a person chose goes through
// CheckPasswordPolicy (password.h) first.
Status AddUser(store::Store& s, const std::string& username, const std::string& password, const std::string& role,
               const std::vector<std::string>& orgunits, const std::string& full_name = "", bool must_change = false);
// A role named in the roles in force (roles.h).
bool IsKnownRole(const std::string& role);

}  // namespace u5::auth
