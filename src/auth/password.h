// Password hashing with argon2id (libsodium crypto_pwhash_str, interactive
// limits or stronger). Hashes embed their parameters and salt.
#pragma once
#include <string>

#include "core/status.h"

namespace u5::auth {

Status HashPassword(const std::string& password, std::string* hash);
// Constant-time as libsodium verifies; false on any mismatch or bad hash.
bool VerifyPassword(const std::string& password, const std::string& hash);
// Rules for a new password: 8-128 bytes, valid UTF-8.
Status CheckPasswordPolicy(const std::string& password);

}  // namespace u5::auth
