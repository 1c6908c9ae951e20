// An emergency case (red-alert referral) and its timeline: the rules of the
// steps (each once, in order, never before the previous one nor in the
// future) and of escalation, with time as whole seconds since the epoch so the
// service can run them on a fake clock.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "emergency/config.h"

namespace u5::emergency {

struct Escalation {
  std::string orgunit;
  int64_t at = 0;
};

struct Case {
  std::string id;
  int64_t version = 0;
  std::string patient_kind, person_id, person_orgunit, patient_label, level, reason, from_orgunit, to_orgunit, note;
  std::string created_by;                // user name
  int64_t raised_at = 0;
  std::map<std::string, int64_t> times;  // step id -> when it happened
  std::string outcome;                   // alive | died | transferred, with times["outcome"]
  std::vector<Escalation> escalated;

  bool closed() const { return times.count("outcome") > 0; }
};

// "2026-05-01T03:04:05Z".
std::string FormatInstant(int64_t unix_seconds);
// "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z" or "+hh:mm"/"-hh:mm"; without an
// offset the time is Vietnam's (UTC+7), as people enter it. A date alone is refused.
std::optional<int64_t> ParseInstant(std::string_view s);

// The stored JSON body and back.
std::string ToBody(const Case& c);
Status FromBody(const std::string& body, Case* out);

// The step to enter next, or "" when the case is closed.
std::string NextStep(const Case& c, const Config& cfg);
// Enters `step` at `at` (unix seconds): 422 naming `step` when unknown, already
// entered or not the next one; `at` when before the previous time or after
// `now`; `outcome` when the outcome step lacks a known outcome.
Status ApplyStep(Case* c, const Config& cfg, const std::string& step, int64_t at, const std::string& outcome, int64_t now);
// How many escalations the case should have had by `now`: none once it is
// acknowledged or closed; else the k-th (from 0, at most the chain's length)
// once `now` is past raised + ack_within_minutes + k * repeat_after_minutes.
size_t EscalationsDue(const Case& c, const Config& cfg, int64_t now);
// When the k-th escalation falls due.
int64_t EscalationDueAt(const Case& c, const Config& cfg, size_t k);

// The emergency JSON of docs/api.md. `names` maps org unit ids to names;
// `person_name` is set only for a viewer allowed to see it.
nlohmann::json CaseJson(const Case& c, const Config& cfg, const std::map<std::string, std::string>& names,
                        const std::optional<std::string>& person_name);

}  // namespace u5::emergency
