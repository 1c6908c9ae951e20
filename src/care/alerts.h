// Alerts: situations where a mother or child may be lost unless someone acts.
// Like plans they are computed per write, each with the dates it is active
// on, so "today" is only a filter. Ids are stable (rule, person or record,
// and the episode), so an acknowledgement stays attached to its episode.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "care/history.h"
#include "care/plan.h"
#include "care/schedule.h"

namespace u5::care {

struct Alert {
  std::string id;        // "<rule>:<record id>[:<episode>]"
  std::string rule;      // vaccine_overdue, high_risk_not_seen, delivery_missing, newborn_no_home_visit, sam_no_followup, untreated_illness
  std::string person_id, record_id, item_id;
  Date from;                  // first day it is active
  std::optional<Date> until;  // last day it is active
  std::string message, message_en;  // what to do about it, in Vietnamese and in English
  bool ActiveOn(Date d) const { return d >= from && (!until || d <= *until); }
};

std::vector<Alert> BuildAlerts(const Schedule& schedule, const History& h, const Plan& plan);
// The same into `out`, over what it held: its alerts' buffers are reused.
void BuildAlerts(const Schedule& schedule, const History& h, const Plan& plan, std::vector<Alert>* out);

}  // namespace u5::care
