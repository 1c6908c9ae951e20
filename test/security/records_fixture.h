// The API in process with every service a route needs (indicators, care,
// reports, as under `serve`) and a small family recorded by the commune
// worker of 03390: a mother with a pregnancy and a delivery, her child, a
// newborn of low birth weight with an open alert, and a person who died.
// A valid body of each record collection is at hand for the route walks.
#pragma once
#include <memory>
#include <string>

#include "care/service.h"
#include "emergency/service.h"
#include "indicator/service.h"
#include "security/api_fixture.h"

namespace u5::test {

struct RecordsFixture : ApiFixture {
  std::unique_ptr<indicator::Service> indicators;
  std::unique_ptr<care::Service> care_svc;
  std::unique_ptr<emergency::Service> emergency_svc;
  std::string cw;     // the commune worker of 03390 (cw_a)
  std::string board;  // the province's death review board (review_board at 12)
  std::string mother, child, dead, pregnancy, delivery, small, alert, death, review;

  void SetUp() override {}
  void TearDown() override;
  void OpenWithRecords(http::ApiOptions o = {});

  nlohmann::json Event(const std::string& person, const std::string& date, nlohmann::json extra = nlohmann::json::object());
  // Who writes the collection: the board for death reviews and their actions, else cw.
  const std::string& TokenFor(const std::string& coll) const;
  // Created by TokenFor(coll); its id ("" after a failure, reported).
  std::string Create(const std::string& coll, const nlohmann::json& body);
  // A valid body of each record collection.
  nlohmann::json RecordBody(const std::string& coll);
  // A red alert for the mother, from 03390's station (POST /emergencies).
  nlohmann::json EmergencyBody() const;
};

}  // namespace u5::test
