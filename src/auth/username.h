#pragma once
#include <string>

#include "core/status.h"

namespace u5::auth {

// The one rule for user names, whichever way a user is made (`under5 user add`,
// the demo accounts, POST /api/v1/users): 3-64 characters of a-z, 0-9, '.', '_'
// and '-'. Lower case only, so two accounts never differ by case alone, and
// nothing that needs quoting in a log line, a URL or a shell command.
// Refusals are Invalid with field `username`.
Status CheckUsername(const std::string& username);

}  // namespace u5::auth
