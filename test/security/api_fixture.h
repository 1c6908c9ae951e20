// The API in process over a temporary store with the mini org-unit tree
// (VN > 12 > {03390, 03394}, VN > 01 > 00004) and one user of each role.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/route.h"
#include "support/temp_dir.h"

namespace u5::test {

struct ApiFixture : ::testing::Test {
  TempDir dir;
  std::unique_ptr<store::Store> s;
  std::unique_ptr<http::Api> api;

  void SetUp() override { Open({}); }
  void Open(http::ApiOptions o);
  std::string db() { return dir.File("t.db"); }
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

}  // namespace u5::test
