// A small registry for tests: a fresh store of either kind with the real org
// units (support/orgunit_store.h), and records written by a short name ("W1",
// "C2") through the registry validator and the Store interface, so derived
// fields (trimester, age at death, nutrition status) are real.
#pragma once
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "indicator/service.h"
#include "store/store.h"
#include "support/orgunit_store.h"
#include "support/test_store.h"

namespace u5::test {

// The audit entry of a write by a test user (user id "id-<name>").
inline audit::Entry ByUser(const std::string& name) {
  audit::Entry e;
  e.user_id = "id-" + name;
  e.username = name;
  e.remote = "test";
  e.action = "test_write";
  return e;
}

class Population {
 public:
  explicit Population(StoreKind kind);
  StoreKind kind() const { return db_.kind(); }
  store::Store& store() { return db_.store(); }
  indicator::Service& service();
  // The store with raw SQL beside it, for what only the database shows.
  const OrgUnitStore& db() const { return db_; }
  // A private folder for the engines' snapshots.
  std::string engines_dir() const { return db_.dir().File("u5.engines"); }

  // Adds a person; `fields` may hold mother_id as a short name, ethnicity, ...
  std::string Person(const std::string& key, const std::string& sex, const std::string& birth,
                     const std::string& orgunit, nlohmann::json fields = nlohmann::json::object());
  // Adds an event of `who`; "pregnancy_id" and "delivery_id" in `fields` may be short names.
  std::string Event(const std::string& key, const std::string& type, const std::string& who, const std::string& date,
                    const std::string& orgunit, nlohmann::json fields = nlohmann::json::object());
  // Re-validates and updates a record with changed fields.
  void Update(const std::string& key, const nlohmann::json& changes);
  void Delete(const std::string& key);
  std::string Id(const std::string& key) const { return ids_.at(key); }
  bool Has(const std::string& key) const { return ids_.count(key) > 0; }
  // The stored body of a record, derived fields included.
  nlohmann::json Body(const std::string& key);

  // Numerator and denominator from the service, for `period` at `orgunit`.
  indicator::Cell Counts(const std::string& indicator, const std::string& orgunit, const std::string& period);

 private:
  nlohmann::json Resolve(nlohmann::json fields) const;
  OrgUnitStore db_;
  std::unique_ptr<indicator::Service> service_;
  std::map<std::string, std::string> ids_, types_;
  std::map<std::string, nlohmann::json> inputs_;
};

// The fixture of a suite whose tests each build a Population: TEST_P over
// the stores, instantiated with U5_ON_BOTH_STORES(Suite) after
// `class Suite : public OnEachStore {};`.
class OnEachStore : public ::testing::TestWithParam<StoreKind> {};

// The instantiation of such a suite on SQLite alone: for a suite of an
// engine's rules whose cases each build populations of their own, where
// PostgreSQL would only repeat store paths that test/store runs on both
// stores, at a second or more per population (docs/postgres.md, "Tests").
#define U5_ON_SQLITE_ONLY(suite) \
  INSTANTIATE_TEST_SUITE_P(, suite, ::testing::Values(::u5::test::StoreKind::sqlite), ::u5::test::StoreKindName)

}  // namespace u5::test
