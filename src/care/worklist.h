// Worklists: whom a commune's health workers should see in a date range,
// grouped by village, most urgent first, with a phone number to call. Three
// lists, so the week's list is one that can be done: the current one, the
// long-lost (every item overdue beyond the schedule's long_lost_overdue_days)
// and the persons set aside as moved away or not found.
#pragma once
#include <memory>
#include <optional>
#include <string_view>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "care/service.h"

namespace u5::care {

enum class WorkListKind { current, long_lost, set_aside };
const char* WorkListName(WorkListKind k);
std::optional<WorkListKind> ParseWorkList(std::string_view s);

// The village shown (and filtered on) for persons whose village is not recorded.
extern const char* const kNoVillage;

struct WorklistQuery {
  std::string orgunit;
  Date from, to;          // `from` is "today": statuses are judged on it
  std::string village;    // empty = all villages; kNoVillage = persons without one
  std::string kind;       // an item group ("epi", "anc", "pnc", "growth", "vitamin_a"); empty = all
  WorkListKind list = WorkListKind::current;
};
// Whether `kind` names a group of items of the schedule.
bool KnownKind(const Schedule& s, std::string_view kind);

struct WorkPerson {
  // The person, and of their plan and alerts what is listed (the items, those
  // they wait for and the active alerts, which `items` and `alerts` point to):
  // not a plan to evaluate.
  std::shared_ptr<const Entry> entry;
  const Person& person() const { return entry->person; }
  std::string phone;      // the person's, else (a child) the mother's
  std::string mother_name;
  int rank = 0;           // 3 alert, 2 overdue, 1 due, 0 falls due in the range
  int days_overdue = 0;
  int recent_overdue = 0; // most days overdue among items within the long-lost limit (the order)
  Date first_due;
  std::vector<ItemView> items;
  std::vector<const Alert*> alerts;  // into entry
  std::optional<FollowUp> follow_up;  // on the set-aside list
};

struct VillageGroup {
  std::string village;
  std::vector<WorkPerson> persons;
};

struct Worklist {
  WorklistQuery query;
  std::vector<VillageGroup> villages;
  size_t persons = 0, items = 0;       // of the list asked
  size_t current = 0, long_lost = 0, set_aside = 0;  // persons on each list (same filters)
  // Persons on the list asked by village, the village filter left out: what a
  // village picker offers. Sorted as the villages are.
  std::vector<std::pair<std::string, size_t>> by_village;
};

Status BuildWorklist(Service& service, const WorklistQuery& q, Worklist* out);
// Whether an evaluated item belongs on a list for [from, to].
bool OnList(const ItemView& v, Date to);

nlohmann::json ItemJson(const Schedule& s, const ItemView& v);
nlohmann::json AlertJson(const Alert& a);
nlohmann::json WorklistJson(const Schedule& s, const Worklist& w);
std::string WorklistCsv(const Schedule& s, const Worklist& w);
// Plain text for printing: one block a village.
std::string WorklistText(const Schedule& s, const Worklist& w);

}  // namespace u5::care
