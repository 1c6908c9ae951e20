// A small registry for tests: a fresh database with the real org units, and
// records written by a short name ("W1", "C2") through the registry validator,
// so derived fields (trimester, age at death, nutrition status) are real.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "indicator/service.h"
#include "store/store.h"
#include "support/temp_dir.h"

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
  Population();
  store::Store& store() { return *store_; }
  indicator::Service& service();
  const std::string& db_path() const { return db_path_; }

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
  TempDir dir_;
  std::string db_path_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<indicator::Service> service_;
  std::map<std::string, std::string> ids_, types_;
  std::map<std::string, nlohmann::json> inputs_;
};

}  // namespace u5::test
