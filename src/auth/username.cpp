#include "auth/username.h"

namespace u5::auth {

Status CheckUsername(const std::string& u) {
  if (u.size() < 3 || u.size() > 64) return Status::Invalid("username", "username must have 3-64 characters");
  for (char c : u)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return Status::Invalid("username", "username may contain only a-z, 0-9, '.', '_' and '-'");
  return Status::Ok();
}

}  // namespace u5::auth
