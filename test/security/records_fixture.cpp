#include "security/records_fixture.h"

#include "core/date.h"

namespace u5::test {

using nlohmann::json;

void RecordsFixture::OpenWithRecords(http::ApiOptions o) {
  with_hospital = true;
  Open(o);
  ASSERT_TRUE(indicator::Service::Open(*s, U5_DATA_DIR, &indicators).ok());
  indicator::Service::Attach(*s, indicators.get());
  ASSERT_TRUE(care::Service::Open(*s, U5_DATA_DIR, &care_svc).ok());
  care::Service::Attach(*s, care_svc.get());
  emergency_svc = std::make_unique<emergency::Service>(*s, emergency::Config::Builtin());
  emergency::Service::Attach(*s, emergency_svc.get());
  cw = Login("cw_a");
  ASSERT_FALSE(cw.empty());
  board = Login("board");
  ASSERT_FALSE(board.empty());
  mother = Create("persons", {{"full_name", "Lò Thị Mai"}, {"sex", "female"}, {"birth_date", "1995-03-01"}, {"orgunit", "03390"}});
  child = Create("persons", {{"full_name", "Lò Văn An"}, {"sex", "male"}, {"birth_date", "2025-01-10"}, {"orgunit", "03390"},
                             {"mother_id", mother}});
  dead = Create("persons", {{"full_name", "Lò Văn Sáng"}, {"sex", "male"}, {"birth_date", "2024-01-01"}, {"orgunit", "03390"}});
  pregnancy = Create("pregnancies", Event(mother, "2024-05-01", {{"lmp", "2024-04-10"}}));
  delivery = Create("deliveries", Event(mother, "2025-01-10", {{"pregnancy_id", pregnancy}, {"delivered_at", "2025-01-10T08:00"},
                                                               {"place", "home"}, {"attendant", "midwife"}, {"live_births", 1}}));
  // A newborn of low birth weight without a home visit raises an alert to acknowledge.
  const std::string week_old = FormatDate(Date{Today().days - 10});
  small = Create("persons", {{"full_name", "Lò Thị Nhỏ"}, {"sex", "female"}, {"birth_date", week_old},
                             {"orgunit", "03390"}, {"mother_id", mother}});
  Create("newborns", Event(small, week_old, {{"birth_weight_g", 2100}}));
  death = Create("deaths", RecordBody("deaths"));
  review = Create("death-reviews", RecordBody("death-reviews"));
  http::Response alerts = Call("GET", "/api/v1/alerts", cw, "", {{"orgunit", "03390"}});
  ASSERT_EQ(alerts.status, 200) << alerts.body;
  const json listed = json::parse(alerts.body);
  for (const json& a : listed["items"])
    if (a["rule"] == "newborn_no_home_visit") alert = a["id"].get<std::string>();
  ASSERT_FALSE(alert.empty()) << alerts.body;
}

json RecordsFixture::EmergencyBody() const {
  return {{"patient_kind", "mother"}, {"person_id", mother}, {"level", "red"}, {"reason", "eclampsia"},
          {"from_orgunit", "tyt:03390"}, {"to_orgunit", "bv:12-sannhi"}};
}

void RecordsFixture::TearDown() {
  indicator::Service::Attach(*s, nullptr);
  care::Service::Attach(*s, nullptr);
  emergency::Service::Attach(*s, nullptr);
}

json RecordsFixture::Event(const std::string& person, const std::string& date, json extra) {
  json j = {{"person_id", person}, {"orgunit", "03390"}, {"date", date}};
  j.update(extra);
  return j;
}

const std::string& RecordsFixture::TokenFor(const std::string& coll) const {
  return coll == "death-reviews" || coll == "review-actions" ? board : cw;
}

std::string RecordsFixture::Create(const std::string& coll, const json& body) {
  http::Response r = Call("POST", "/api/v1/" + coll, TokenFor(coll), body.dump());
  EXPECT_EQ(r.status, 201) << coll << ": " << r.body;
  return r.status == 201 ? json::parse(r.body)["id"].get<std::string>() : std::string();
}

json RecordsFixture::RecordBody(const std::string& coll) {
  if (coll == "persons")
    return {{"full_name", "Nguyễn Thị Ánh Tuyết"}, {"sex", "female"}, {"birth_date", "2000-02-02"}, {"orgunit", "03390"}};
  if (coll == "pregnancies") return Event(mother, "2025-06-01", {{"lmp", "2025-05-01"}, {"gravida", 2}, {"para", 1}});
  if (coll == "anc-visits") return Event(mother, "2024-07-01", {{"pregnancy_id", pregnancy}, {"weight_kg", 55}});
  if (coll == "deliveries")
    return Event(mother, "2025-01-10", {{"pregnancy_id", pregnancy}, {"delivered_at", "2025-01-10T09:00"}, {"place", "home"},
                                        {"attendant", "midwife"}, {"live_births", 1}});
  if (coll == "newborns") return Event(child, "2025-01-10", {{"birth_weight_g", 3000}, {"delivery_id", delivery}});
  if (coll == "postnatal-visits") return Event(child, "2025-01-15", {{"place", "home"}});
  if (coll == "immunizations") return Event(child, "2025-03-12", {{"vaccine", "bcg"}, {"dose", 1}});
  if (coll == "growth-measurements") return Event(child, "2025-03-10", {{"weight_kg", 5.6}, {"length_cm", 58.5}, {"measure", "l"}});
  if (coll == "health-checks") return Event(child, "2025-03-20", {{"conclusion", "healthy"}, {"milestones_achieved", {"m2_smiles"}}});
  if (coll == "vitamin-a") return Event(child, "2025-06-12", {{"dose_iu", 100000}});
  if (coll == "illnesses") return Event(child, "2025-08-01", {{"kind", "diarrhoea"}});
  if (coll == "injuries") return Event(child, "2025-09-01", {{"kind", "fall"}});
  if (coll == "referrals") return Event(mother, "2025-01-09", {{"from_orgunit", "03390"}, {"to_orgunit", "12"}, {"reason", "tiền sản giật"}});
  if (coll == "deaths") return Event(dead, "2024-06-01", {{"cause_category", "other"}});
  if (coll == "stillbirths")
    return Event(mother, "2025-01-10", {{"pregnancy_id", pregnancy}, {"gestational_weeks", 39}, {"timing", "intrapartum"}});
  if (coll == "death-reviews")
    return Event(dead, "2024-07-01", {{"death_id", death}, {"review_type", "community"}, {"status", "draft"}, {"underlying_icd10", "R99"}});
  if (coll == "review-actions")
    return Event(dead, "2024-07-02", {{"review_id", review}, {"what", "Tập huấn nhận biết dấu hiệu nguy hiểm"}, {"owner_orgunit", "03390"},
                                      {"due_date", "2024-09-01"}, {"status", "open"}});
  ADD_FAILURE() << "no baseline for collection " << coll;
  return json::object();
}

}  // namespace u5::test
