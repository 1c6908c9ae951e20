// The API in process over a temporary store with the mini org-unit tree
// (VN > 12 > {03390, 03394}, VN > 01 > 00004) and one user of each role.
// ApiFixture opens SQLite; OnBothStores<ApiFixture> is its TEST_P twin over
// both stores (U5_ON_BOTH_STORES), whose tests read the store only through it.
#pragma once
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/route.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace u5::test {

struct ApiFixture : ::testing::Test {
  TempDir dir;
  std::unique_ptr<TestStoreLocation> where;
  std::unique_ptr<store::Store> s;
  // The hospital that receives 03390's red alerts, seeded with the tree when set before Open.
  bool with_hospital = false;
  std::unique_ptr<http::Api> api;

  void SetUp() override { Open({}); }
  void Open(http::ApiOptions o);
  virtual StoreKind Kind() const { return StoreKind::sqlite; }
  // The audit entries after `after_seq`, oldest first, read through the store.
  std::vector<audit::Entry> AuditAfter(int64_t after_seq = 0);
  int64_t AuditHead();
  // How many entries after `after_seq` match.
  int64_t CountAudit(const std::function<bool(const audit::Entry&)>& match, int64_t after_seq = 0);
  // Records of a type ("person", an event type), deleted ones included.
  int64_t CountRecords(const std::string& type);
  // Logs in (bearer) and returns the token; "" on failure.
  std::string Login(const std::string& user, const std::string& password = "password-123", const std::string& remote = "10.0.0.1");
  http::Response Call(const std::string& method, const std::string& path, const std::string& token,
                      const std::string& body = "", std::map<std::string, std::string> query = {});
  // The record collections, as GET /api/v1/schema names them.
  std::vector<std::string> Collections();
  // The collection a route serves ("persons" for "persons/{id}"), or "" for any other route.
  std::string CollectionOf(const http::Route& r);
  std::vector<std::string> collections_;
  // A person in `orgunit` created by the commune worker of that commune; its id.
  std::string NewPerson(const std::string& cw_token, const std::string& orgunit, const std::string& name = "Lò Thị Mai");
};

// The TEST_P twin of a fixture derived from ApiFixture, over the store of its parameter.
template <class Fixture>
struct OnBothStores : Fixture, ::testing::WithParamInterface<StoreKind> {
  StoreKind Kind() const override { return this->GetParam(); }
};

}  // namespace u5::test
