#include "auth/session.h"

#include <sodium.h>

#include "auth/password.h"
#include "auth/roles.h"
#include "auth/username.h"
#include "core/date.h"
#include "core/id.h"

namespace u5::auth {

bool IsKnownRole(const std::string& role) { return Roles::Current().Known(role); }

static Principal ToPrincipal(const store::User& u) {
  return Principal{u.id, u.username, u.role, u.orgunits, u.must_change_password};
}

Sessions::Sessions(store::Store& s, SessionOptions opts) : store_(s), opts_(std::move(opts)) {}

int64_t Sessions::Now() const { return opts_.clock ? opts_.clock() : NowMillis(); }


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
  const int64_t now = Now();
  const std::string hash = Sha256Hex(*token);
  U5_RETURN_IF_ERROR(store_.CreateSession(hash, u.id, now + opts_.ttl_ms));
  {
    std::lock_guard lock(mu_);
    if (activity_.size() > 200000) activity_.clear();  // bound memory; cleared sessions restart their idle clock
    activity_[hash] = Activity{now, now, u.id};
  }
  *who = ToPrincipal(u);
  return Status::Ok();
}

Status Sessions::Authenticate(const std::string& token, Principal* who) {
  if (token.size() != 64) return Status::Unauthenticated("no valid session; log in first");
  const std::string hash = Sha256Hex(token);
  const int64_t now = Now();
  {
    std::lock_guard lock(mu_);
    auto [act, fresh] = activity_.try_emplace(hash, Activity{now, now, {}});
    if (!fresh && (now - act->second.last_ms > opts_.idle_ms || now - act->second.issued_ms >= opts_.ttl_ms)) {
      const bool idle = now - act->second.last_ms > opts_.idle_ms;
      cache_.erase(hash);
      activity_.erase(act);
      store_.DeleteSession(hash);
      return Status::Unauthenticated(idle ? "session ended after inactivity; log in again" : "session expired; log in again");
    }
    act->second.last_ms = now;
    auto it = cache_.find(hash);
    if (it != cache_.end() && now - it->second.checked_ms < kCacheMs && now < it->second.expires_ms) {
      *who = it->second.who;
      return Status::Ok();
    }
  }
  for (;;) {
    uint64_t generation;
    {
      std::lock_guard lock(mu_);
      generation = generation_;
    }
    std::string user_id;
    if (!store_.GetSession(hash, &user_id).ok()) {
      std::lock_guard lock(mu_);
      activity_.erase(hash);
      return Status::Unauthenticated("session expired or unknown; log in again");
    }
    store::User u;
    if (!store_.GetUserById(user_id, &u).ok() || u.disabled) return Status::Unauthenticated("user no longer active");
    std::lock_guard lock(mu_);
    // Sessions were ended while we read: the rows we saw may be gone. Read again.
    if (generation != generation_) continue;
    *who = ToPrincipal(u);
    if (cache_.size() > 100000) cache_.clear();  // bound memory under a flood of sessions
    cache_[hash] = Cached{*who, now, now + kCacheMs};
    if (auto act = activity_.find(hash); act != activity_.end()) act->second.user_id = u.id;
    return Status::Ok();
  }
}

Status Sessions::Logout(const std::string& token) {
  const std::string hash = Sha256Hex(token);
  {
    std::lock_guard lock(mu_);
    cache_.erase(hash);
    activity_.erase(hash);
  }
  return store_.DeleteSession(hash);
}

Status Sessions::ChangePassword(const Principal& who, const std::string& old_password, const std::string& new_password,
                                const std::string& current_token) {
  store::User u;
  if (!store_.GetUserById(who.user_id, &u).ok() || u.disabled) return Status::Unauthenticated("user no longer active");
  if (!VerifyPassword(old_password, u.password_hash)) return Status::Invalid("old_password", "the current password is wrong");
  U5_RETURN_IF_ERROR(CheckPasswordPolicy(new_password, {u.username, u.full_name}, "new_password"));
  if (new_password == old_password) return Status::Invalid("new_password", "the new password must differ from the current one");
  std::string hash;
  U5_RETURN_IF_ERROR(HashPassword(new_password, &hash));
  const std::string keep = current_token.empty() ? std::string() : Sha256Hex(current_token);
  U5_RETURN_IF_ERROR(store_.SetPassword(u.id, hash, false, keep));
  // The other sessions' rows are gone; their cached principals and idle
  // clocks go too, and this session's cached principal still carries
  // must_change_password.
  EndUserSessions(u.id, keep);
  return Status::Ok();
}

void Sessions::ForgetUser(const std::string& user_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  std::erase_if(cache_, [&](const auto& kv) { return kv.second.who.user_id == user_id; });
}

void Sessions::EndUserSessions(const std::string& user_id, const std::string& keep_token_hash) {
  std::lock_guard lock(mu_);
  ++generation_;
  std::erase_if(cache_, [&](const auto& kv) { return kv.second.who.user_id == user_id; });
  std::erase_if(activity_, [&](const auto& kv) { return kv.second.user_id == user_id && kv.first != keep_token_hash; });
}

Status AddUser(store::Store& s, const std::string& username, const std::string& password, const std::string& role,
               const std::vector<std::string>& orgunits, const std::string& full_name, bool must_change) {
  U5_RETURN_IF_ERROR(CheckUsername(username));
  if (!IsKnownRole(role)) {
    std::string names;
    for (const auto& n : Roles::Current().Names()) names += (names.empty() ? "" : ", ") + n;
    return Status::Invalid("role", "role must be one of " + names);
  }
  U5_RETURN_IF_ERROR(CheckPasswordLength(password));
  for (const auto& ou : orgunits)
    if (!s.OrgUnitExists(ou)) return Status::Invalid("orgunit", "unknown org unit '" + ou + "'");
  store::User u;
  u.id = NewUuid7();
  u.username = username;
  u.role = role;
  u.full_name = full_name;
  u.orgunits = orgunits;
  u.created_at = NowIso();
  u.must_change_password = must_change;
  U5_RETURN_IF_ERROR(HashPassword(password, &u.password_hash));
  return s.CreateUser(u);
}

}  // namespace u5::auth
