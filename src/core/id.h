// Record ids: UUIDv7 (RFC 9562), time-ordered and unique across machines, so
// records can be exchanged and synchronised without renumbering.
#pragma once
#include <string>
#include <string_view>

namespace u5 {

std::string NewUuid7();
// Canonical lower-case 8-4-4-4-12 hex form (any version).
bool IsUuid(std::string_view s);
// Cryptographically random hex string of 2*bytes characters (session tokens).
std::string RandomHex(size_t bytes);

}  // namespace u5
