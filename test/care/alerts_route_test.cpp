// GET /api/v1/alerts reads only the candidates of the day (a person's bounds
// cover their alerts): it must list exactly the alerts active that day of
// every person of the subtree, as a pass over everyone finds them.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "care/http_routes.h"
#include "care/service.h"
#include "care/worklist.h"
#include "population.h"

namespace u5::test {
namespace {

class CareAlertsRoute : public OnEachStore {};

TEST_P(CareAlertsRoute, ListsWhatAPassOverEveryoneFinds) {
  Population pop(GetParam());
  std::unique_ptr<care::Service> svc;
  ASSERT_TRUE(care::Service::Open(pop.store(), "", &svc).ok());
  care::Service::Attach(pop.store(), svc.get());
  std::mt19937 rng(9);
  const char* communes[] = {"03390", "03388"};
  for (int i = 0; i < 40; ++i) {
    const std::string k = "C" + std::to_string(i);
    const Date birth{DateFromYmd(2021, 1, 1).days + static_cast<int>(rng() % 1400)};
    pop.Person(k, i % 2 ? "male" : "female", FormatDate(birth), communes[i % 2]);
    if (i % 3 == 0) pop.Event(k + "n", "newborn", k, FormatDate(birth), communes[i % 2], {{"birth_weight_g", 1900 + rng() % 1000}});
    if (i % 4 == 0)
      pop.Event(k + "i", "illness", k, FormatDate(Date{birth.days + 30 + static_cast<int>(rng() % 600)}), communes[i % 2],
                {{"kind", i % 8 ? "pneumonia" : "diarrhoea"}, {"antibiotic", false}});
    if (i % 5 == 0)
      pop.Event(k + "v", "immunization", k, FormatDate(Date{birth.days + 45}), communes[i % 2], {{"vaccine", "dtp_hepb_hib"}, {"dose", 1}});
  }
  for (int i = 0; i < 8; ++i) {
    const std::string w = "W" + std::to_string(i);
    pop.Person(w, "female", "1993-02-02", communes[i % 2]);
    const Date lmp{DateFromYmd(2025, 1, 1).days + static_cast<int>(rng() % 600)};
    nlohmann::json f = {{"lmp", FormatDate(lmp)}};
    if (i % 2) f["risk_factors"] = {"hypertension"};
    pop.Event(w + "p", "pregnancy", w, FormatDate(Date{lmp.days + 60}), communes[i % 2], f);
  }
  http::Router router{care::Routes()};
  const auth::Principal who{"u3", "tinh", "province_officer", {"12"}};
  size_t listed = 0;
  for (const char* ou : {"12", "03390"})
    for (const char* day : {"2022-03-01", "2024-06-15", "2025-09-10", "2026-03-01", "2026-11-26"}) {
      const Date on = *ParseDate(day);
      std::multiset<std::string> want;
      ASSERT_TRUE(svc->ForEachIn(ou, [&](const care::Entry& e) {
        for (const auto& a : e.alerts)
          if (a.ActiveOn(on)) want.insert(care::AlertJson(a).dump() + e.person.full_name + e.person.village + e.person.phone);
      }).ok());
      http::Request req;
      req.method = "GET";
      req.path = "/api/v1/alerts";
      req.query = {{"orgunit", ou}, {"date", day}};
      const http::Response r = router.Dispatch(req, who, pop.store());
      ASSERT_EQ(r.status, 200) << r.body;
      std::multiset<std::string> got;
      const nlohmann::json body = nlohmann::json::parse(r.body);
      for (auto j : body["items"]) {
        const std::string tail = j["full_name"].get<std::string>() + j["village"].get<std::string>() + j["phone"].get<std::string>();
        for (const char* k : {"full_name", "village", "phone", "acknowledged"}) j.erase(k);
        got.insert(j.dump() + tail);
      }
      EXPECT_EQ(got, want) << ou << " " << day;
      listed += got.size();
    }
  EXPECT_GT(listed, 30u);  // the property is empty if no alert is ever active
  care::Service::Attach(pop.store(), nullptr);
}

U5_ON_BOTH_STORES(CareAlertsRoute);

}  // namespace
}  // namespace u5::test
