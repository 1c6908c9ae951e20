// Password hashing with argon2id (libsodium crypto_pwhash_str, interactive
// limits or stronger). Hashes embed their parameters and salt.
//
// The policy for a password a person chooses follows NIST SP 800-63B 5.1.1:
// at least 8 characters, at most 256 bytes, any characters (no composition
// rules), and not a password an attacker would try early: dictionary words
// and common passwords (libpwquality with cracklib's dictionary), repetitive
// or sequential ones, and ones derived from the context (the user name, the
// user's name, this program's name, the published demo passwords).
#pragma once
#include <string>

#include "core/status.h"

namespace u5::auth {

Status HashPassword(const std::string& password, std::string* hash);
// Constant-time as libsodium verifies; false on any mismatch or bad hash.
bool VerifyPassword(const std::string& password, const std::string& hash);

struct PasswordContext {
  std::string username, full_name;
};
// The whole policy. Errors are Invalid naming `field` (the request's field:
// "new_password", "password") with the reason; Internal when the dictionary
// cannot be read.
Status CheckPasswordPolicy(const std::string& password, const PasswordContext& context = {},
                           const std::string& field = "password");
// Length and UTF-8 only: for passwords the program sets itself (the demo
// accounts, tests), never for one a person chose.
Status CheckPasswordLength(const std::string& password, const std::string& field = "password");
// Ok when the dictionary check works (a dictionary word is refused); checked
// by `serve` at start so a missing dictionary is found before anyone sets a password.
Status CheckPasswordDictionary();

}  // namespace u5::auth
