// Record ids: UUIDv7 (RFC 9562), time-ordered and unique across machines, so
// records can be exchanged and synchronised without renumbering.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace u5 {

std::string NewUuid7();
// The UUIDv7 text of a timestamp (48-bit unix ms), 12 bits of rand_a and 62 bits
// of rand_b (its top two bits give way to the variant). NewUuid7 uses it with the
// clock; the demo generator and benchmarks with their own seeded numbers.
std::string FormatUuid7(uint64_t unix_ms, uint16_t rand_a, uint64_t rand_b);
// Canonical lower-case 8-4-4-4-12 hex form (any version).
bool IsUuid(std::string_view s);
// SHA-256 of `s` as 64 lower-case hex digits (session tokens, the audit chain).
std::string Sha256Hex(std::string_view s);
// Cryptographically random hex string of 2*bytes characters (session tokens).
std::string RandomHex(size_t bytes);

}  // namespace u5
