// Deaths on the worklists (issue 21): a death or stillbirth whose notification
// details are incomplete, a death awaiting its review, an action of a review
// falling due, each with its deadline from data/schedules/deaths.json; past
// the deadline the item is an alert. Computed from the records on a Clock, so
// tests move a fake clock across the deadlines.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/record.h"

namespace u5::care {

struct DeathDeadlines {
  int notification_within_hours = 0;
  int details_complete_within_hours = 0;
  int review_maternal_days = 0, review_perinatal_days = 0, review_child_days = 0;
  int action_reminder_days = 0;

  // Reads schedules/deaths.json under `data_dir`, else the compiled-in copy.
  static Status Load(const std::string& data_dir, DeathDeadlines* out);
  static Status FromJson(const std::string& text, DeathDeadlines* out);
};

struct DeathFollowUp {
  std::string kind;  // notification_due, notification_incomplete, review_due, action_due
  std::string record_type, record_id, person_id;
  std::string orgunit;  // whose worklist: the death's org unit, an action's owner
  std::string due;      // ISO date-time (notification) or date (review, action)
  bool overdue = false; // past the deadline: an alert
  std::string message_vi, message_en;
};

// What the caller may be shown decides what is computed: reviews only for the
// review board. `records` holds deaths, stillbirths, reviews and actions (any
// order, deleted ones left out by the caller).
struct FollowUpScope {
  bool reviews = false;  // the caller holds death.review
};

std::vector<DeathFollowUp> DeathFollowUps(const DeathDeadlines& d, const std::vector<store::Record>& records,
                                          Clock::time_point now, const FollowUpScope& scope);

nlohmann::json FollowUpJson(const DeathFollowUp& f);

}  // namespace u5::care
