// The care engine's own tables: health workers' acknowledgements of alerts
// (table care_alert_ack) and the follow-up status of persons they could not
// find (table care_person_status).
#pragma once
#include <string>
#include <vector>

#include "audit/entry.h"
#include "core/status.h"

namespace u5::store {

struct CareAck {
  std::string alert_id, person_id, rule, by, at, note;
};

// A person the commune no longer follows: "moved_away" or "not_found" since
// `date`, with why, who said so and when. The person stays in the registry.
struct CarePersonStatus {
  std::string person_id, status, date, reason, by, at;
};

class CareAcks {
 public:
  virtual ~CareAcks() = default;
  // Records (or replaces) the acknowledgement of an alert and appends `audit`
  // in the same transaction.
  virtual Status Put(const CareAck& a, const audit::Entry& audit) = 0;
  virtual Status List(std::vector<CareAck>* out) = 0;
  // Sets (or replaces) a person's follow-up status, `audit` in the same transaction.
  virtual Status PutStatus(const CarePersonStatus& s, const audit::Entry& audit) = 0;
  // Clears it ("found again"), `audit` in the same transaction; NotFound when none was set.
  virtual Status ClearStatus(const std::string& person_id, const audit::Entry& audit) = 0;
  virtual Status ListStatuses(std::vector<CarePersonStatus>* out) = 0;
};

}  // namespace u5::store
