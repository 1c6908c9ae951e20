#include "audit/entry.h"

#include <sodium.h>

namespace u5::audit {

std::string ComputeHash(const Entry& e) {
  std::string buf;
  auto field = [&](const std::string& v) {
    buf += std::to_string(v.size());
    buf += ':';
    buf += v;
  };
  field(std::to_string(e.seq));
  for (const std::string* f : {&e.at, &e.user_id, &e.username, &e.remote, &e.action, &e.record_type, &e.record_id,
                               &e.orgunit_id, &e.detail, &e.prev_hash})
    field(*f);
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(buf.data()), buf.size());
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : h) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

}  // namespace u5::audit
