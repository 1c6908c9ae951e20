// The API in process with the records fixture's family (03390), and what a
// sync client keeps: its copy of the scope, built from pages as the web app
// builds it, and the server's own state of a scope to compare it with.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "security/records_fixture.h"

namespace u5::test {

// A page's records as objects again, decoded from its groups (docs/sync.md
// "Records of a page"), in the page's order: what a client does with a page.
std::vector<nlohmann::json> Records(const nlohmann::json& page);
// A record as the feed gives it: as GET answers it, less created_at and updated_at.
nlohmann::json AsFed(const store::Record& r);

// A client's copy: records by id, due lists by person, the cursor.
struct LocalCopy {
  std::map<std::string, nlohmann::json> records;
  std::map<std::string, nlohmann::json> due;
  std::string cursor;
  // Applies one page: a reset drops everything first; a deleted record goes,
  // and a deleted person takes their events with them.
  void Apply(const nlohmann::json& page);
};

struct SyncFixture : RecordsFixture {
  void SetUp() override { OpenWithRecords(); }
  // One page of GET /sync/changes (status checked by the caller through *status).
  nlohmann::json Page(const std::string& token, const std::string& cursor, int limit, int* status,
                      const std::string& orgunit = "");
  // Pulls pages until `more` is false, applying each; the number of pages.
  int SyncAll(const std::string& token, LocalCopy* copy, int limit = 500);
  // POST /sync/push; the answer's results (status checked by the caller).
  nlohmann::json Push(const std::string& token, const nlohmann::json& writes, int* status, const std::string& client = "client-1");
  // The living records of the persons filed under `orgunit` (closure) and
  // their live events a commune worker may read, as GET gives them.
  std::map<std::string, nlohmann::json> ServerScope(const std::string& orgunit);
};

}  // namespace u5::test
