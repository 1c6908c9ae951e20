// Worklists: whom a commune's health workers should see in a date range,
// grouped by village, most urgent first, with a phone number to call.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "care/service.h"

namespace u5::care {

struct WorklistQuery {
  std::string orgunit;
  Date from, to;          // `from` is "today": statuses are judged on it
  std::string village;    // empty = all villages
};

struct WorkPerson {
  // The service's snapshot of the person: `items` point into its plan.
  std::shared_ptr<const Entry> entry;
  const Person& person() const { return entry->person; }
  std::string phone;      // the person's, else (a child) the mother's
  std::string mother_name;
  int rank = 0;           // 3 alert, 2 overdue, 1 due, 0 falls due in the range
  int days_overdue = 0;
  Date first_due;
  std::vector<ItemView> items;
  std::vector<const Alert*> alerts;  // into entry
};

struct VillageGroup {
  std::string village;
  std::vector<WorkPerson> persons;
};

struct Worklist {
  WorklistQuery query;
  std::vector<VillageGroup> villages;
  size_t persons = 0, items = 0;
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
