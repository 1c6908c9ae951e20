#include "auth/password.h"

#include <sodium.h>

#include "core/text.h"

namespace u5::auth {

Status HashPassword(const std::string& password, std::string* hash) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Status::Internal("out of memory while hashing a password");
  *hash = out;
  return Status::Ok();
}

bool VerifyPassword(const std::string& password, const std::string& hash) {
  if (sodium_init() < 0 || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Status CheckPasswordPolicy(const std::string& password) {
  if (!text::IsValidUtf8(password)) return Status::Invalid("password", "password is not valid UTF-8");
  if (password.size() < 8) return Status::Invalid("password", "password must have at least 8 characters");
  if (password.size() > 128) return Status::Invalid("password", "password must have at most 128 bytes");
  return Status::Ok();
}

}  // namespace u5::auth
