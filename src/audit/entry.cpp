#include "audit/entry.h"

#include "core/id.h"

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
  return Sha256Hex(buf);
}

}  // namespace u5::audit
