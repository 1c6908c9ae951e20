// The indicator routes over the hand-built Lai Châu population, called as the
// users the route tests need: a commune worker, the province, another province
// and the ministry (which sees every unit, small cells hidden).
#pragma once
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "indicator/http_routes.h"
#include "lai_chau.h"

namespace u5::test {

// The indicator routes over a population the fixture builds in SetUp.
class PopulationHttp : public OnEachStore {
 protected:
  http::Response Call(const std::string& method, const std::string& path, std::map<std::string, std::string> query,
                      const auth::Principal& who, const std::string& body = "") {
    http::Request req;
    req.method = method;
    req.path = path;
    req.query = std::move(query);
    req.body = body;
    return router_.Dispatch(req, who, pop_.store());
  }
  Population pop_{GetParam()};
  http::Router router_{indicator::Routes()};
};

class LaiChauHttp : public PopulationHttp {
 protected:
  void SetUp() override {
    BuildLaiChau(pop_);
    indicator::Service::Attach(pop_.store(), &pop_.service());
  }
  auth::Principal commune_{"u1", "demo", "commune_worker", {"03390"}};
  auth::Principal province_{"u2", "tinh", "province_officer", {"12"}};
  auth::Principal bac_ninh_{"u3", "bn", "province_officer", {"24"}};
  auth::Principal ministry_{"u4", "bo", "ministry", {}};
};

}  // namespace u5::test
