// The care engine. BuildPlan turns a person's history into items with their
// windows; nothing in a plan depends on "today", so plans are computed once
// per write. Evaluate then reads a plan on a given date: each item done,
// upcoming, due, overdue or missed (no longer possible), and the next date to
// see the person.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "care/history.h"
#include "care/schedule.h"

namespace u5::care {

enum class State { done, upcoming, due, overdue, missed };
const char* StateName(State s);

// A recorded event that did not count for an item, and why.
struct Rejected {
  std::string event_id;
  Date date;
  std::string_view reason;  // a literal: "before the minimum age", "before the minimum interval", "after the maximum age"
};

// Items are many (3.7 M in a province): the names that every person shares
// (rule, group, reason closed) are views, not copies, so an item allocates only
// for what is its own (ids with a suffix, the event that did it).
struct Item {
  std::string id;          // unique in the plan: rule id, plus "@<pregnancy id>" or "@<round>" when repeated
  std::string_view rule;   // dose or rule id, viewing the schedule (which outlives its plans)
  std::string_view group;  // "epi", "anc", "pnc", "growth", "vitamin_a"
  std::string pregnancy_id;
  std::string done_event;
  std::vector<Rejected> rejected;
  std::string_view closed;  // a literal: why it can no longer be done whatever the date ("pregnancy ended")
  std::optional<Date> done;
  std::optional<Date> last_done;  // recurring items: the last event
  // Windows when the item does not wait for another; else computed from the day
  // the previous item (`after`, an index in the plan) is done (`interval`, `grace_days`).
  Date earliest, due, late;
  std::optional<Date> max;
  int after = -1;
  std::optional<Span> interval;
  int grace_days = 0;
  bool vaccine = false;
};

struct Plan {
  std::string person_id;
  bool dead = false;
  bool child = false;       // child items are shown until 60 months of age
  Date birth;
  std::vector<Item> items;
};

struct ItemView {
  const Item* item = nullptr;
  const Item* after = nullptr;  // the item it waits for (same plan)
  State state = State::upcoming;
  Date earliest, due, late;
  std::optional<Date> max;
  bool waiting = false;     // the previous dose is not done yet: dates are projected
  int days_overdue = 0;
};

struct DueList {
  std::vector<ItemView> items;
  std::optional<Date> next_visit;  // today when something is due or overdue
};

Plan BuildPlan(const Schedule& schedule, const History& h);
// The same into `out`, over what it held: its items' buffers are reused.
void BuildPlan(const Schedule& schedule, const History& h, Plan* out);
DueList Evaluate(const Plan& plan, Date today);
// The same into `out`, reusing its buffer (worklists evaluate thousands of plans).
void Evaluate(const Plan& plan, Date today, DueList* out);

}  // namespace u5::care
