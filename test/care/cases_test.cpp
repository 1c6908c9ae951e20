// Data-driven tests of the care engine: each case in cases/*.json is a person's
// history and a date, with the exact items expected in each state (within the
// case's `scope` of item-id prefixes), windows, doses that do not count, and
// the alerts active on that date. Histories are built directly (derived fields
// such as trimester or sam are given in the case), so the engine is tested
// without the validator.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "care/alerts.h"
#include "care/plan.h"
#include "care/schedule.h"

namespace u5::care {
namespace {

using nlohmann::json;

json ReadJson(const std::filesystem::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

std::vector<std::pair<std::string, json>> AllCases() {
  std::vector<std::pair<std::string, json>> out;
  for (const auto& f : std::filesystem::directory_iterator(U5_CARE_CASES))
    if (f.path().extension() == ".json")
      for (const auto& c : ReadJson(f.path())) out.emplace_back(f.path().filename().string(), c);
  return out;
}

History MakeHistory(const json& c) {
  History h;
  h.person.id = c.value("id", "C");
  h.person.birth = *ParseDate(c["birth"].get<std::string>());
  h.person.sex = c.value("sex", "male");
  if (!c.contains("events")) return h;
  for (const auto& e : c["events"]) {
    const Date d = *ParseDate(e["date"].get<std::string>());
    h.events.push_back(FactFromBody(e["id"], e["type"], e.value("pregnancy", ""), d, e["fields"].dump()));
    if (e["type"] == "death") h.death = d;
  }
  std::stable_sort(h.events.begin(), h.events.end(), [](const Fact& a, const Fact& b) { return a.date < b.date; });
  return h;
}

bool InScope(const json& c, const std::string& id, const char* key = "scope") {
  if (!c.contains(key)) return true;
  for (const auto& p : c[key])
    if (id.rfind(p.get<std::string>(), 0) == 0) return true;
  return false;
}

class CareCases : public ::testing::TestWithParam<std::pair<std::string, json>> {};

TEST_P(CareCases, ExactDueList) {
  const json& c = GetParam().second;
  SCOPED_TRACE(GetParam().first + ": " + c["name"].get<std::string>());
  const Schedule& s = Schedule::Builtin();
  const History h = MakeHistory(c);
  const Plan plan = BuildPlan(s, h);
  const Date today = *ParseDate(c["today"].get<std::string>());
  const DueList dl = Evaluate(plan, today);
  if (c.contains("expect")) {
    const json& x = c["expect"];
    if (x.contains("count")) EXPECT_EQ(dl.items.size(), x["count"].get<size_t>());
    std::map<std::string, std::set<std::string>> by_state;
    std::map<std::string, const ItemView*> by_id;
    for (const auto& v : dl.items) {
      by_id[v.item->id] = &v;
      if (InScope(c, v.item->id)) by_state[StateName(v.state)].insert(v.item->id);
    }
    for (const char* st : {"done", "upcoming", "due", "overdue", "missed"}) {
      if (!x.contains(st)) continue;
      std::set<std::string> want;
      for (const auto& id : x[st]) want.insert(id.get<std::string>());
      EXPECT_EQ(by_state[st], want) << "state " << st;
    }
    if (x.contains("next_visit")) {
      ASSERT_TRUE(dl.next_visit.has_value());
      EXPECT_EQ(FormatDate(*dl.next_visit), x["next_visit"].get<std::string>());
    }
    if (x.contains("windows"))
      for (const auto& [id, w] : x["windows"].items()) {
        ASSERT_TRUE(by_id.count(id)) << id;
        const ItemView& v = *by_id[id];
        if (w.contains("status")) EXPECT_EQ(StateName(v.state), w["status"].get<std::string>()) << id;
        if (w.contains("earliest")) EXPECT_EQ(FormatDate(v.earliest), w["earliest"].get<std::string>()) << id;
        if (w.contains("due")) EXPECT_EQ(FormatDate(v.due), w["due"].get<std::string>()) << id;
        if (w.contains("late")) EXPECT_EQ(FormatDate(v.late), w["late"].get<std::string>()) << id;
        if (w.contains("max")) EXPECT_EQ(v.max ? FormatDate(*v.max) : "", w["max"].get<std::string>()) << id;
        if (w.contains("days_overdue")) EXPECT_EQ(v.days_overdue, w["days_overdue"].get<int>()) << id;
        if (w.contains("waiting")) EXPECT_EQ(v.waiting, w["waiting"].get<bool>()) << id;
        if (w.contains("reason")) EXPECT_EQ(v.item->closed, w["reason"].get<std::string>()) << id;
        if (w.contains("last_done")) EXPECT_EQ(v.item->last_done ? FormatDate(*v.item->last_done) : "", w["last_done"].get<std::string>()) << id;
      }
    if (x.contains("not_counted"))
      for (const auto& [id, events] : x["not_counted"].items()) {
        ASSERT_TRUE(by_id.count(id)) << id;
        std::vector<std::string> got;
        for (const auto& r : by_id[id]->item->rejected) got.push_back(r.event_id);
        EXPECT_EQ(got, events.get<std::vector<std::string>>()) << id;
      }
  }
  if (c.contains("alerts")) {
    std::set<std::string> got, want;
    for (const auto& a : BuildAlerts(s, h, plan))
      if (a.ActiveOn(today) && InScope(c, a.id, "alert_scope")) got.insert(a.id);
    for (const auto& a : c["alerts"]) want.insert(a.get<std::string>());
    EXPECT_EQ(got, want);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, CareCases, ::testing::ValuesIn(AllCases()),
                         [](const auto& info) {
                           std::string n = info.param.first.substr(0, info.param.first.find('.')) + "_" + std::to_string(info.index);
                           return n;
                         });

// Every schedule row in use (not off) and every alert rule is exercised by some case, so
// a new rule cannot ship without a test.
TEST(CareCoverage, EveryRuleHasACase) {
  std::set<std::string> mentioned;
  for (const auto& [file, c] : AllCases()) {
    if (c.contains("expect"))
      for (const auto& [k, v] : c["expect"].items()) {
        if (v.is_array())
          for (const auto& id : v) mentioned.insert(id.get<std::string>());
        if (v.is_object())
          for (const auto& [id, w] : v.items()) mentioned.insert(id);
      }
    if (c.contains("alerts"))
      for (const auto& id : c["alerts"]) mentioned.insert(id.get<std::string>());
  }
  auto covered = [&](const std::string& prefix) {
    for (const auto& m : mentioned)
      if (m.rfind(prefix, 0) == 0) return true;
    return false;
  };
  const Schedule& s = Schedule::Builtin();
  for (const auto& series : s.series())
    for (const auto& d : series.doses)
      if (!d.prov.Off()) EXPECT_TRUE(covered(d.id)) << d.id << " has no test case";
  for (const auto& r : s.rules())
    if (r.kind != "not_tracked") EXPECT_TRUE(covered(r.id)) << r.id << " has no test case";
  for (const char* rule : {"vaccine_overdue", "high_risk_not_seen", "delivery_missing", "newborn_no_home_visit", "sam_no_followup",
                           "untreated_illness"})
    EXPECT_TRUE(covered(rule)) << rule << " has no test case";
}

}  // namespace
}  // namespace u5::care
