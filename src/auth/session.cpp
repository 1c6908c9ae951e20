#include "auth/session.h"

#include <sodium.h>

#include "auth/password.h"
#include "core/date.h"
#include "core/id.h"

namespace u5::auth {

std::string Sha256Hex(const std::string& s) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : h) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

bool IsKnownRole(const std::string& role) {
  return role == "commune_worker" || role == "district_officer" || role == "province_officer" || role == "ministry" ||
         role == "admin";
}

static Principal ToPrincipal(const store::User& u) { return Principal{u.id, u.username, u.role, u.orgunits}; }

Status Sessions::Login(const std::string& username, const std::string& password, std::string* token, Principal* who) {
  store::User u;
  // A dummy hash keeps the time of an unknown user close to that of a wrong password.
  static const std::string kDummy = [] {
    std::string h;
    HashPassword("not-a-real-password", &h);
    return h;
  }();
  const bool found = store_.GetUser(username, &u).ok();
  const bool ok = VerifyPassword(password, found ? u.password_hash : kDummy);
  if (!found || !ok || u.disabled) return Status::Unauthenticated("wrong user name or password");
  *token = RandomHex(32);
  U5_RETURN_IF_ERROR(store_.CreateSession(Sha256Hex(*token), u.id, NowMillis() + ttl_ms_));
  *who = ToPrincipal(u);
  return Status::Ok();
}

Status Sessions::Authenticate(const std::string& token, Principal* who) {
  if (token.size() != 64) return Status::Unauthenticated("no valid session; log in first");
  const std::string hash = Sha256Hex(token);
  const int64_t now = NowMillis();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now - it->second.checked_ms < kCacheMs && now < it->second.expires_ms) {
      *who = it->second.who;
      return Status::Ok();
    }
  }
  std::string user_id;
  if (!store_.GetSession(hash, &user_id).ok())
    return Status::Unauthenticated("session expired or unknown; log in again");
  store::User u;
  if (!store_.GetUserById(user_id, &u).ok() || u.disabled) return Status::Unauthenticated("user no longer active");
  *who = ToPrincipal(u);
  std::lock_guard lock(mu_);
  if (cache_.size() > 100000) cache_.clear();  // bound memory under a flood of sessions
  cache_[hash] = Cached{*who, now, now + kCacheMs};
  return Status::Ok();
}

Status Sessions::Logout(const std::string& token) {
  const std::string hash = Sha256Hex(token);
  {
    std::lock_guard lock(mu_);
    cache_.erase(hash);
  }
  return store_.DeleteSession(hash);
}

Status AddUser(store::Store& s, const std::string& username, const std::string& password, const std::string& role,
               const std::vector<std::string>& orgunits, const std::string& full_name) {
  if (username.empty() || username.size() > 64) return Status::Invalid("username", "username must have 1-64 characters");
  if (!IsKnownRole(role))
    return Status::Invalid("role", "role must be one of commune_worker, district_officer, province_officer, ministry, admin");
  U5_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  for (const auto& ou : orgunits)
    if (!s.OrgUnitExists(ou)) return Status::Invalid("orgunit", "unknown org unit '" + ou + "'");
  store::User u;
  u.id = NewUuid7();
  u.username = username;
  u.role = role;
  u.full_name = full_name;
  u.orgunits = orgunits;
  u.created_at = NowIso();
  U5_RETURN_IF_ERROR(HashPassword(password, &u.password_hash));
  return s.CreateUser(u);
}

}  // namespace u5::auth
