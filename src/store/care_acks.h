// Health workers' acknowledgements of care alerts (table care_alert_ack).
#pragma once
#include <string>
#include <vector>

#include "audit/entry.h"
#include "core/status.h"

namespace u5::store {

struct CareAck {
  std::string alert_id, person_id, rule, by, at, note;
};

class CareAcks {
 public:
  virtual ~CareAcks() = default;
  // Records (or replaces) the acknowledgement of an alert and appends `audit`
  // in the same transaction.
  virtual Status Put(const CareAck& a, const audit::Entry& audit) = 0;
  virtual Status List(std::vector<CareAck>* out) = 0;
};

}  // namespace u5::store
