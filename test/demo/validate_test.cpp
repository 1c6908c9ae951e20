// Every generated record must pass the registry's own validation and come out
// of it unchanged: the generator's fast path may not drift from the rules.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "demo/generator.h"
#include "demo_fixture.h"
#include "registry/validate.h"

namespace u5::demo {
namespace {

class MemoryLookup : public registry::Lookup {
 public:
  explicit MemoryLookup(store::Store& store) : store_(store) {}
  std::unordered_map<std::string, registry::PersonFacts> persons;
  std::unordered_map<std::string, registry::EventFacts> events;
  std::optional<registry::PersonFacts> Person(const std::string& id) override {
    auto it = persons.find(id);
    return it == persons.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<registry::EventFacts> Event(const std::string& id) override {
    auto it = events.find(id);
    return it == events.end() ? std::nullopt : std::optional(it->second);
  }
  // The generated events of the person so far, so the birth/death rules are checked too.
  registry::PersonEvents EventsOf(const std::string& person_id, const std::string& except) override {
    registry::PersonEvents out;
    auto it = by_person.find(person_id);
    if (it != by_person.end())
      for (const std::string& id : it->second) {
        const registry::EventFacts& e = events.at(id);
        out.Add(id, e.type, e.date, except, e.pregnancy_id, &e);
      }
    return out;
  }
  std::unordered_map<std::string, std::vector<std::string>> by_person;
  bool OrgUnit(const std::string& id) override { return store_.OrgUnitExists(id); }

 private:
  store::Store& store_;
};

void ValidateAll(const Options& o, size_t* checked, std::map<std::string, int>* by_type) {
  MemoryLookup lookup(testing::OrgUnits());
  size_t n = 0;
  Stats stats;
  Status st = GenerateTo(
      [&](std::vector<store::Record>& batch) {
        for (const store::Record& r : batch) {
          const auto body = nlohmann::json::parse(r.body);
          store::Record out;
          Status v = registry::Validate(r.type, body, lookup, o.today, &out);
          EXPECT_TRUE(v.ok()) << r.type << " " << r.body << ": " << v.ToString();
          if (!v.ok()) continue;
          EXPECT_EQ(out.body, r.body) << r.type;
          EXPECT_EQ(out.id, r.id);
          EXPECT_EQ(out.date, r.date);
          EXPECT_EQ(out.orgunit_id, r.orgunit_id);
          EXPECT_EQ(out.person_id, r.person_id);
          EXPECT_EQ(out.pregnancy_id, r.pregnancy_id);
          if (r.is_person()) {
            EXPECT_EQ(out.full_name, r.full_name);
            EXPECT_EQ(out.name_folded, r.name_folded);
            EXPECT_EQ(out.sex, r.sex);
            EXPECT_EQ(out.phone, r.phone);
            EXPECT_EQ(out.mother_id, r.mother_id);
            lookup.persons[r.id] = registry::FactsOfPerson(r);
          } else {
            lookup.events[r.id] = registry::FactsOfEvent(r);
            lookup.by_person[r.person_id].push_back(r.id);
          }
          EXPECT_FALSE(r.created_at.empty());
          EXPECT_EQ(r.created_at, r.updated_at);
          (*by_type)[r.type]++;
          ++n;
        }
        batch.clear();
        return Status::Ok();
      },
      testing::OrgUnits(), o, &stats);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(static_cast<int64_t>(n), stats.persons + stats.events);
  *checked = n;
}

TEST(DemoValidate, EveryRecordOfASmallMountainRunIsValidAndCanonical) {
  Options o;
  o.provinces = {"12"};
  o.children = 3000;
  o.from_year = 2024;
  o.to_year = 2026;
  o.today = DateFromYmd(2026, 11, 25);
  o.defects.implausible_growth = 0.01;  // enough of them to see in a small run
  size_t n = 0;
  std::map<std::string, int> by_type;
  ValidateAll(o, &n, &by_type);
  EXPECT_GT(n, 50000u);
  // Every kind of record of the registry is generated.
  for (const char* t : {"person", "pregnancy", "anc_visit", "delivery", "newborn", "postnatal_visit", "immunization",
                        "growth", "vitamin_a", "illness", "injury", "referral", "death", "stillbirth", "death_review", "review_action"})
    EXPECT_GT(by_type[t], 0) << t;
}

TEST(DemoValidate, LowlandCityRunIsValid) {
  Options o;
  o.provinces = {"31", "24"};
  o.children = 2000;
  o.from_year = 2026;
  o.to_year = 2026;
  o.today = DateFromYmd(2026, 6, 3);  // mid-year: the window ends inside the June rounds
  size_t n = 0;
  std::map<std::string, int> by_type;
  ValidateAll(o, &n, &by_type);
  EXPECT_GT(n, 5000u);
}

}  // namespace
}  // namespace u5::demo
